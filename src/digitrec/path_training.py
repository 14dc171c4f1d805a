"""The path model's training data: pen digits' strokes, varied the ways people and devices differ.

Writers 1-20's trajectories (`digitrec.pendigits`) are few (about 5,000) and come
from one tablet; the path model must read other tablets and other people. So each
digit gives several copies, each varied as people vary:

- its shape: turned, sheared, stretched (as `pen_training.varied`, a little more),
  and a hand's tremor (jitter);
- its strokes: the order they were drawn in and the way the pen went along a short
  one (a '7''s bar drawn from the right, a '5''s flag drawn first), two strokes drawn
  as one without lifting the pen, or one stroke broken where the tablet lost the pen;
- the forms writers 1-20 lack, drawn into the paths the way `pen_training` draws
  them into pictures: a slash through a '0' (after the oval), a bar across a '7'.

Each copy is then `pen_path.features`. Free of TensorFlow.
"""

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from digitrec import pen_path
from digitrec.image import Point, Strokes
from digitrec.pen_training import slashed, varied
from digitrec.pendigits import PenDigit

# How often each stroke-level variation is applied to a copy.
REORDER = 0.3  # a digit of several strokes: its strokes in another order
REVERSE_SHORT = 0.3  # a short stroke (a bar, a flag: under SHORT of the ink) drawn the other way
SHORT = 0.4
JOIN = 0.15  # two strokes drawn as one: the pen's jump between them becomes ink
BREAK = 0.1  # one stroke broken in two where the tablet lost the pen
JITTER = 0.01  # the hand's tremor: Gaussian noise, a share of the digit's longer side
EXTRA_TURN_DEGREES = 7  # beyond pen_training's: paths carry no pen width to hide a turn
# A bar across a '7''s stem: at this share of its height from the top, this share of its width long.
BAR_HEIGHT = (0.4, 0.6)
BAR_WIDTH = (0.35, 0.7)


def training_data(
    digits: Sequence[PenDigit], copies: int, slashed_zero_copies: int, crossed_seven_copies: int, seed: int | None
) -> tuple[NDArray[np.float32], NDArray[np.uint8]]:
    """digits: list of PenDigit. Each gives `copies` varied copies; each '0' also `slashed_zero_copies`
    slashed, each '7' drawn in one stroke also `crossed_seven_copies` with a bar across.

    Returns (float32 (n, POINTS, CHANNELS) as `pen_path.features`, uint8 (n,) labels 0..9).
    """
    rng = np.random.default_rng(seed)
    inputs, labels = [], []
    for digit in digits:
        variants = [strokes_varied(digit.strokes, rng) for _ in range(copies)]
        if digit.label == 0:
            variants += [slashed(strokes_varied(digit.strokes, rng), rng) for _ in range(slashed_zero_copies)]
        if digit.label == 7 and len(digit.strokes) == 1:
            variants += [crossed(strokes_varied(digit.strokes, rng), rng) for _ in range(crossed_seven_copies)]
        for strokes in variants:
            inputs.append(pen_path.features(strokes))
            labels.append(digit.label)
    return np.stack(inputs), np.array(labels, np.uint8)


def strokes_varied(strokes: Strokes, rng: np.random.Generator) -> list[list[Point]]:
    """One varied copy of a digit's strokes: list of [(x, y), ...] (see the module's docstring)."""
    turn = math.radians(rng.uniform(-EXTRA_TURN_DEGREES, EXTRA_TURN_DEGREES))
    turned = varied(strokes, rng)  # turned, sheared, stretched about the centre
    cos, sin = math.cos(turn), math.sin(turn)
    shape = [np.asarray(s, np.float64) @ np.array([[cos, sin], [-sin, cos]]) for s in turned]
    size = np.ptp(np.concatenate(shape), axis=0).max()
    shape = [s + rng.normal(0, JITTER * size, s.shape) for s in shape]
    if len(shape) > 1 and rng.random() < REORDER:
        shape = [shape[k] for k in rng.permutation(len(shape))]
    ink = sum(_length(s) for s in shape)
    shape = [s[::-1] if _length(s) < SHORT * ink and rng.random() < REVERSE_SHORT else s for s in shape]
    if len(shape) > 1 and rng.random() < JOIN:
        k = rng.integers(len(shape) - 1)
        shape = [*shape[:k], np.concatenate([shape[k], shape[k + 1]]), *shape[k + 2 :]]
    if rng.random() < BREAK:
        k = rng.integers(len(shape))
        if len(shape[k]) >= 6:
            cut = rng.integers(2, len(shape[k]) - 2)
            shape = [*shape[:k], shape[k][:cut], shape[k][cut:], *shape[k + 1 :]]
    return [s.tolist() for s in shape]


def crossed(strokes: Strokes, rng: np.random.Generator) -> list[list[Point]]:
    """A '7''s strokes with a bar across its stem, drawn left to right after the rest."""
    points = np.concatenate([np.asarray(s, np.float64) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    y = low[1] + rng.uniform(*BAR_HEIGHT) * (high[1] - low[1])
    near = points[np.abs(points[:, 1] - y) <= 0.1 * (high[1] - low[1])]
    x = near[:, 0].mean() if len(near) else (low[0] + high[0]) / 2  # where the stem crosses that height
    half = rng.uniform(*BAR_WIDTH) * (high[0] - low[0]) / 2
    tilt = rng.uniform(-0.1, 0.1) * half
    bar = [(x - half + 2 * half * t, y + tilt * (2 * t - 1)) for t in np.linspace(0, 1, 6)]
    return [*[[(x, y) for x, y in s] for s in strokes], bar]


def _length(stroke: NDArray[np.float64]) -> float:

    return float(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum())
