"""A digit's pen path as the path model reads it: its strokes resampled at equal steps along the ink.

A picture forgets how a digit was drawn; the path keeps it: the strokes, in the
order they were drawn, which way the pen went, and where it was lifted. A '1'
with a long flag and an uncrossed '7' look alike, but are drawn differently.

Devices sample the pen differently: a mouse gives dense, irregular points (many
where the hand slows down), a tablet one point every 100 ms (few, far apart on a
fast stroke), a 100 Hz pen something between. Resampling at equal steps *along
the ink* (the way pendigits' own features do) makes them give the same input: a
point's place in the input says how far along the ink it lies, not when it was
recorded. The jumps between strokes are not ink and take no steps; the first
point of each stroke is marked instead.

`features(strokes)` -> float32 (POINTS, CHANNELS), the channels:

- 0, 1: x, y, centred on the ink's bounding box and divided by half its longer
  side (the aspect kept): in [-1, 1], y pointing down;
- 2, 3: the pen's direction there (cos, sin of the tangent, y down): in [-1, 1],
  a unit vector (0, 0 where a stroke is a dot);
- 4: 1 at the first point of each stroke after the first (the pen was lifted
  and put down again before it), else 0.

Free of TensorFlow: the recogniser computes it with NumPy alone.
"""

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

POINTS = 64  # samples along the ink: enough for a '8's two loops, few enough for a small network
CHANNELS = 5
# Points closer than this to the last one kept (a share of the ink's longer side) are dropped
# before measuring the ink: a mouse's integer points a pixel apart make a staircase whose
# length is up to 1.4 times the line's, and a hand at rest adds jitter, not ink.
MIN_STEP = 0.02


def features(strokes: Sequence[ArrayLike], points: int = POINTS) -> NDArray[np.float32]:
    """strokes: list of strokes, each a list of (x, y) points (any units, y down), in drawing order.

    Returns float32 (points, CHANNELS) (see the module's docstring). Raises ValueError if
    there are no points at all.
    """
    given = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes]
    given = [s for s in given if len(s)]
    if not given:
        raise ValueError("no strokes: nothing was drawn")
    everything = np.concatenate(given)
    low, high = everything.min(axis=0), everything.max(axis=0)
    half = max((high - low).max() / 2, 1e-9)  # a single dot: every point sits at the centre
    centred = [_thinned((s - (low + high) / 2) / half, 2 * MIN_STEP) for s in given]

    arcs = [_arc_length(s) for s in centred]
    lengths = np.array([arc[-1] for arc in arcs])
    total = lengths.sum()
    if total <= 0:  # only dots: each sample at its dot, strokes taken in turn
        owner = np.minimum((np.arange(points) * len(centred)) // points, len(centred) - 1)
        xy = np.stack([centred[k][0] for k in owner])
        return _assembled(xy, owner)
    # Sample k lies (k + 0.5) / points of the way along the whole ink; each stroke takes the
    # samples that fall within its share.
    along = (np.arange(points) + 0.5) / points * total
    ends = np.cumsum(lengths)
    owner = np.minimum(np.searchsorted(ends, along, side="right"), len(centred) - 1)
    starts = ends - lengths
    xy = np.empty((points, 2))
    for k, stroke in enumerate(centred):
        mine = owner == k
        if mine.any():
            xy[mine] = _at(stroke, arcs[k], along[mine] - starts[k])
    return _assembled(xy, owner)


def _thinned(stroke: NDArray[np.float64], step: float) -> NDArray[np.float64]:
    """The stroke's points, each at least `step` from the last one kept; its last point always kept."""
    # Plain floats, not NumPy: a point at a time, NumPy's per-call cost made this a tenth of an answer.
    points = stroke.tolist()
    kept = [points[0]]
    for x, y in points[1:]:
        if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= step:
            kept.append([x, y])
    if len(points) > 1:  # the stroke ends where it ended, not at the last point kept before it
        (x, y), (last_x, last_y) = points[-1], kept[-1]
        if len(kept) > 1 and math.hypot(x - last_x, y - last_y) < step:
            kept[-1] = points[-1]
        else:
            kept.append(points[-1])
    return np.array(kept, np.float64)


def _arc_length(stroke: NDArray[np.float64]) -> NDArray[np.float64]:
    """float (n,): the ink's length from the stroke's first point to each of its points."""
    steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(steps)])


def _at(stroke: NDArray[np.float64], arc: NDArray[np.float64], distances: NDArray[np.float64]) -> NDArray[np.float64]:
    """The points at `distances` along a polyline whose cumulative length is `arc`."""
    if arc[-1] <= 0:
        return np.repeat(stroke[:1], len(distances), axis=0)
    keep = np.concatenate([[True], np.diff(arc) > 0])  # repeated points (a mouse at rest) add no ink
    arc, stroke = arc[keep], stroke[keep]
    return np.stack([np.interp(distances, arc, stroke[:, i]) for i in range(2)], axis=1)


def _assembled(xy: NDArray[np.float64], owner: NDArray[np.intp]) -> NDArray[np.float32]:
    """(points, 2) positions and each one's stroke -> float32 (points, CHANNELS)."""
    direction = np.zeros_like(xy)
    for k in np.unique(owner):
        index = np.flatnonzero(owner == k)
        if len(index) > 1:
            # Central differences between samples, one-sided at a stroke's ends: the tangent of the
            # resampled path, the same however densely the device sampled it.
            direction[index] = np.gradient(xy[index], axis=0)
    norm = np.linalg.norm(direction, axis=1, keepdims=True)
    direction = np.divide(direction, norm, out=np.zeros_like(direction), where=norm > 1e-9)
    pen_down = np.concatenate([[0.0], (np.diff(owner) != 0).astype(np.float64)])
    return np.concatenate([xy, direction, pen_down[:, None]], axis=1).astype(np.float32)
