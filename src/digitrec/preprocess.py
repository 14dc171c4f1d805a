"""From ink to the 28x28 image MNIST was built with.

MNIST's recipe (LeCun et al.): crop the digit, scale it so its longer side is
20 px keeping the aspect ratio, anti-aliased, and place it in 28x28 so that its
centre of mass is at the centre. Real ink needs more first, done here (and
digitrec.paper finds the ink in a picture):

- a digit's faint parts stay with it (a stroke's anti-aliased edge, a faint
  stretch of a broken scan), while specks of dust or a stray click are dropped;
- stroke thickness is set to MNIST's, so a thin mouse line and a fat marker
  look alike to the model; strokes as wide as MNIST's already keep their grey
  levels, faint parts included, as MNIST's do;
- a number is split into its digits.

NumPy, Pillow and OpenCV: no Keras, no Tk. (OpenCV rather than SciPy's ndimage:
SciPy's import was most of the wait for the window's first answer, and OpenCV's
costs a tenth as much; its distance transform, a third; docs/performance.md.)
Arrays named `ink` are float32 (h, w) in [0, 1], 1 = full ink.
"""

import itertools
from collections.abc import Sequence
from typing import Literal, overload

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from digitrec.paper import INK_LEVEL, MIN_CONTRAST, Ink, extent, median

Box = tuple[slice, slice]  # (rows, columns) of an array
Piece = tuple[int, Box]  # a piece's label in `pieces`' labels, and its box
PixelBox = tuple[int, int, int, int]  # (left, top, right, bottom) in an image's pixels
Located = tuple[PixelBox, NDArray[np.float32]]  # a digit's box, and its model input (28, 28) in [0, 1]

SIZE = 28  # model input side
BOX = 20  # the digit's longer side inside it
# Longer side of the crop while strokes are reshaped. 7x, not 8x: the same answers on the benches
# (docs/performance.md) at three quarters of the distance transforms' cost; 6x lost pen digits.
WORK_MIN, WORK_MAX = 4 * BOX, 7 * BOX
SPECK_FRACTION = 0.03  # pieces smaller than this share of the biggest are noise
# In a number, pieces shorter than this share of the tallest are parts of a digit: the bar of
# a '5' or '7', the open top of a '4' whose strokes don't touch, a broken stroke.
FRAGMENT_HEIGHT = 0.7
# A digit's detached parts lie near it: a short piece with no other group within this share of
# the tallest's height is a digit of its own (a small '1' drawn well apart from a tall '7').
FRAGMENT_REACH = 0.5
# Pieces whose column ranges overlap by this share of the narrower one are one digit
# (the crossbar of a '7', a '4' drawn in two strokes); slanted neighbours overlap less.
MIN_OVERLAP = 0.6
# Two neighbouring digits that nearly touch (a column gap under this share of the taller's
# height) yet share less than MAX_SHARED_ROWS of their joint height are staggered, not side by
# side on a line: the two strokes of one digit, like a '4' whose stem stands apart from its
# open top. They are offered to the recogniser as one digit too (`split_digits`).
JOIN_GAP = 0.1
MAX_SHARED_ROWS = 0.6
# Stroke widths of MNIST training digits, px in the 28x28 image, measured by
# bench/stroke_width.py with `stroke_width` below: median 2.5, 10%-90% 2.0-3.5.
# Strokes inside that range are left alone; others are brought to the median.
MNIST_STROKE_WIDTH = 2.5
MNIST_STROKE_RANGE = (2.0, 3.5)
# Thinned strokes, grown back, must cover this share of the ink: nothing may be erased.
MIN_COVER = 0.99


def pieces(ink: Ink) -> tuple[NDArray[np.int32], list[Piece]]:
    """The connected pieces of ink, specks dropped.

    A piece is a connected mark above MIN_CONTRAST that holds some solid ink (above
    INK_LEVEL): MNIST's faint, broken scans are dots of solid ink joined by grey,
    and traced at INK_LEVEL each dot would be a piece of its own, small enough to
    be dropped as a speck. Pieces wholly faint (a shadow, a smudge) are not ink.
    Returns (labels, kept): labels int (h, w), 0 = paper, k = piece k; kept =
    list of (k, box) with box a (rows, columns) pair of slices.
    """
    marked = ink > MIN_CONTRAST
    labels = np.zeros(ink.shape, np.int32)
    if not marked.any():
        return labels, []
    # Label only the marked area: a drawing fills a fraction of its canvas, and labelling costs by the px.
    area = extent(marked)
    count, near, stats, _ = cv2.connectedComponentsWithStats(marked[area].astype(np.uint8), connectivity=8)
    labels[area] = near
    sizes = stats[1:, cv2.CC_STAT_AREA]  # px per piece
    strong = np.bincount(near[ink[area] > INK_LEVEL], minlength=count)[1:] > 0  # pieces with solid ink
    top, left = area[0].start, area[1].start
    boxes = [(slice(y + top, y + h + top), slice(x + left, x + w + left)) for x, y, w, h in stats[1:, :4].tolist()]
    big = SPECK_FRACTION * sizes[strong].max() if strong.any() else np.inf
    kept = [(k + 1, boxes[k]) for k in range(count - 1) if strong[k] and sizes[k] >= big]
    # In reading order of their first pixel, whatever order OpenCV numbered them in:
    # the grouping of pieces into digits must not depend on it.
    return labels, sorted(kept, key=lambda piece: _first_pixel(labels, *piece))


def _first_pixel(labels: NDArray[np.int32], k: int, box: Box) -> tuple[int, int]:
    """(row, column) of piece k's first pixel in reading order."""
    row = box[0].start
    return row, box[1].start + int(np.argmax(labels[row, box[1]] == k))


def crop_pieces(ink: Ink, labels: NDArray[np.int32], group: Sequence[Piece]) -> tuple[Box, NDArray[np.float32]]:
    """The ink of the pieces in `group` (list of (k, box)), cropped to their common box.

    Returns (box, crop): box = (rows, columns) slices, crop float32 (h, w).
    """
    box = bounding_box([b for _, b in group])
    near = labels[box]
    keep = near == group[0][0]  # one comparison a piece: np.isin costs more for a few labels
    for k, _ in group[1:]:
        keep |= near == k
    return box, np.where(keep, ink[box], 0.0).astype(np.float32)


def bounding_box(boxes: Sequence[Box]) -> Box:
    """The slice pair that covers all the given bounding boxes."""
    return (
        slice(min(b[0].start for b in boxes), max(b[0].stop for b in boxes)),
        slice(min(b[1].start for b in boxes), max(b[1].stop for b in boxes)),
    )


def stroke_width(mask: NDArray[np.bool_], inside: NDArray[np.float64] | None = None) -> float:
    """Typical stroke width, in px, of a binary (h, w) mask: twice the distance to the
    paper along the strokes' centre lines (the ridges of the distance transform).

    The mask needs paper all round (`np.pad` it): distances are measured to
    paper pixels, so ink touching the edge would look as wide as the image.
    `inside`: the mask's distance transform, if already computed.
    """
    inside = distance_to_paper(mask) if inside is None else inside
    ridge = (inside == cv2.dilate(inside, np.ones((3, 3), np.uint8))) & mask  # 3x3 local maxima
    return 2.0 * float(median(inside[ridge])) if ridge.any() else 0.0


def distance_to_paper(mask: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Each ink px's Euclidean distance to the nearest paper px, 0 on paper: float64 (h, w)
    for a binary (h, w) mask holding some paper."""
    distance = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    # Every distance is the root of a whole number of squared px. OpenCV's float32 roots are off
    # in the last bits, enough to break ties between equal distances (ridges, medians): round
    # each square back to its whole number, so equal distances are equal again.
    return np.sqrt(np.rint(np.square(distance, dtype=np.float64)))


def grown(mask: NDArray[np.bool_], radius: float) -> NDArray[np.bool_]:
    """A binary (h, w) mask holding some ink, every stroke grown by `radius` px on each side:
    the px within `radius` of ink."""
    return distance_to_paper(~mask) <= radius


def normalise_strokes(mask: NDArray[np.bool_], scale: float) -> NDArray[np.bool_] | None:
    """Thicken or thin a binary mask so that, once scaled by `scale`, its strokes are as wide as MNIST's.

    Returns the reshaped mask, with paper all round it (and room for grown strokes),
    or None if its strokes are as wide as MNIST's already.
    """
    mask = np.pad(mask, 1)  # paper all round, for the distance transform
    inside = distance_to_paper(mask)
    width = stroke_width(mask, inside)
    low, high = MNIST_STROKE_RANGE
    if width == 0 or low <= width * scale <= high:
        return None
    target = MNIST_STROKE_WIDTH / scale  # in the mask's own px
    if width < target:
        # Grow every stroke by the missing half-width on each side.
        grow = (target - width) / 2
        mask = np.pad(mask, int(np.ceil(grow)))
        return grown(mask, grow)
    # Shave the excess off each side. The width is a median: where a fat pen has filled a
    # loop it is too high, and a full shave would erase the real strokes; so shave less
    # when the shaved ink, grown back, no longer covers the digit.
    shave = (width - target) / 2
    for amount in (shave, shave / 2):
        thinned = inside > amount
        regrown = grown(thinned, amount + 1)
        if regrown[mask].mean() >= MIN_COVER:
            return thinned
    return None


def locate_digit(ink: Ink) -> Located | None:
    """All the ink taken as one digit -> (box, model_input), or None if there is no ink.

    box = (left, top, right, bottom) in the image's pixels; model_input = float32
    (28, 28) in [0, 1], MNIST-style.
    """
    labels, kept = pieces(ink)
    return _boxed_input(ink, labels, kept) if kept else None


def _boxed_input(ink: Ink, labels: NDArray[np.int32], group: Sequence[Piece]) -> Located:
    box, crop = crop_pieces(ink, labels, group)
    patch = reshaped_strokes(crop)
    if patch is None:
        # Strokes as wide as MNIST's already keep their grey levels, faint edges included,
        # as MNIST's own digits do. (Reshaped strokes are drawn anew from their mask.)
        patch = crop
    rows, cols = box
    return (cols.start, rows.start, cols.stop, rows.stop), place(fit_to_box(patch))


def reshaped_strokes(crop: NDArray[np.float32]) -> NDArray[np.float32] | None:
    """Cropped ink (h, w) -> its strokes redrawn at MNIST's width, float32 (H, W) in {0, 1}
    at a finer scale; or None if they are as wide as MNIST's already."""
    crop = crop[extent(crop > INK_LEVEL)]  # the strokes' own size, without faint edges or blur
    # Work at 4-8x the final size: enough pixels to measure and reshape strokes, bounded cost.
    work = resize(crop, min(max(max(crop.shape), WORK_MIN), WORK_MAX) / max(crop.shape))
    mask = normalise_strokes(work > INK_LEVEL, BOX / max(work.shape))
    return None if mask is None else mask.astype(np.float32)


def fit_to_box(patch: NDArray[np.float32]) -> NDArray[np.float32]:
    """Ink (h, w) in [0, 1] -> float32 patch in [0, 1], its ink cropped and scaled so its longer side is BOX px."""
    if not (patch > 0).any():
        return np.zeros((1, 1), np.float32)
    patch = patch[extent(patch > 0)]
    return np.clip(resize(patch, BOX / max(patch.shape)), 0.0, 1.0)


def resize(ink: NDArray[np.float32], scale: float) -> NDArray[np.float32]:
    """Anti-aliased resize of a float32 array by `scale` (each side at least 1 px)."""
    height, width = ink.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size == (width, height):
        return ink
    return np.asarray(Image.fromarray(ink).resize(size, Image.Resampling.BILINEAR))


def place(patch: NDArray[np.float32]) -> NDArray[np.float32]:
    """Put a patch (h, w <= 20) in 28x28 with its centre of mass at the centre."""
    out = np.zeros((SIZE, SIZE), np.float32)
    total = float(patch.sum())
    if total == 0:
        return out
    h, w = patch.shape
    # The centre of mass, from row and column sums (SciPy's center_of_mass cost 3x as much).
    cy = float(patch.sum(axis=1) @ np.arange(h)) / total
    cx = float(patch.sum(axis=0) @ np.arange(w)) / total
    top = min(max(round(SIZE / 2 - cy), 0), SIZE - h)
    left = min(max(round(SIZE / 2 - cx), 0), SIZE - w)
    out[top : top + h, left : left + w] = patch
    return out


# ---------------------------------------------------------------- numbers


# What comes back depends on `joins`: the overloads tell a type checker which.
@overload
def split_digits(ink: Ink, joins: Literal[False] = False) -> list[Located]: ...


@overload
def split_digits(ink: Ink, joins: Literal[True]) -> tuple[list[Located], list[tuple[int, Located]]]: ...
def split_digits(ink: Ink, joins: bool = False) -> list[Located] | tuple[list[Located], list[tuple[int, Located]]]:
    """Split ink holding a number into its digits, left to right.

    Pieces of ink that overlap horizontally belong to one digit (a '4' drawn
    with two strokes that don't touch); short pieces (the detached bar of a
    '5' or '7', a broken stroke) join the nearest digit; specks are dropped.
    Returns a list of (box, model_input): box = (left, top, right, bottom) in
    the image's pixels, model_input = float32 (28, 28) in [0, 1].

    joins=True also returns the neighbours that may be one digit's strokes
    (see JOIN_GAP), for the recogniser to decide: (digits, [(i, (box,
    model_input)), ...]), where i and i + 1 are the digits taken as one.
    """
    labels, kept = pieces(ink)
    groups = sorted(group_pieces(kept), key=lambda g: _columns(g)[0])
    digits = [_boxed_input(ink, labels, group) for group in groups]
    if not joins:
        return digits
    return digits, [
        (i, _boxed_input(ink, labels, a + b)) for i, (a, b) in enumerate(itertools.pairwise(groups)) if staggered(a, b)
    ]


def group_pieces(kept: Sequence[Piece]) -> list[list[Piece]]:
    """Group pieces (list of (k, box)) into digits. Returns a list of lists of pieces."""
    groups = group_overlapping(kept)
    if not groups:
        return []
    tallest = max(_group_height(g) for g in groups)
    alone = set()  # ids of short groups with no other group within reach: digits of their own
    # Shortest first, each fragment joins the group nearest to it, so the parts of a broken
    # stroke find each other before a neighbouring digit, until every group is digit-tall.
    while len(groups) > 1:
        fragments = [g for g in groups if _group_height(g) < FRAGMENT_HEIGHT * tallest and id(g) not in alone]
        if not fragments:
            break
        fragment = min(fragments, key=_group_height)
        nearest = min((g for g in groups if g is not fragment), key=lambda g: _distance(g, fragment))
        if _distance(nearest, fragment) > FRAGMENT_REACH * tallest:
            alone.add(id(fragment))
        else:
            groups.remove(fragment)
            nearest.extend(fragment)
    return groups


def group_overlapping(kept: Sequence[Piece], min_overlap: float = MIN_OVERLAP) -> list[list[Piece]]:
    """Group pieces whose column ranges overlap by at least `min_overlap` of the
    narrower one's width. Returns a list of lists of pieces."""
    groups = [[piece] for piece in kept]
    i = 0
    while i < len(groups):
        for j in range(i + 1, len(groups)):
            if -_column_gap(groups[i], groups[j]) >= min_overlap * min(_width(groups[i]), _width(groups[j])):
                groups[i] += groups.pop(j)
                break
        else:
            i += 1  # nothing merged into group i: move on
    return groups


def staggered(a: Sequence[Piece], b: Sequence[Piece]) -> bool:
    """Whether two groups of pieces nearly touch but sit at different heights (see JOIN_GAP)."""
    (a_top, a_bottom), (b_top, b_bottom) = _rows(a), _rows(b)
    shared = min(a_bottom, b_bottom) - max(a_top, b_top)
    joint = max(a_bottom, b_bottom) - min(a_top, b_top)
    taller = max(a_bottom - a_top, b_bottom - b_top)
    return _column_gap(a, b) <= JOIN_GAP * taller and shared < MAX_SHARED_ROWS * joint


def _columns(group: Sequence[Piece]) -> tuple[int, int]:
    return min(box[1].start for _, box in group), max(box[1].stop for _, box in group)


def _width(group: Sequence[Piece]) -> int:
    start, stop = _columns(group)
    return stop - start


def _group_height(group: Sequence[Piece]) -> int:
    top, bottom = _rows(group)
    return bottom - top


def _rows(group: Sequence[Piece]) -> tuple[int, int]:
    return min(box[0].start for _, box in group), max(box[0].stop for _, box in group)


def _distance(a: Sequence[Piece], b: Sequence[Piece]) -> float:
    """Shortest distance in px between two groups' bounding boxes (0 if they overlap)."""
    (a_top, a_bottom), (b_top, b_bottom) = _rows(a), _rows(b)
    rows = max(0, max(a_top, b_top) - min(a_bottom, b_bottom))
    return float(np.hypot(rows, max(0, _column_gap(a, b))))


def _column_gap(a: Sequence[Piece], b: Sequence[Piece]) -> int:
    """Horizontal distance between two groups' column ranges; negative = overlap in px."""
    (a_start, a_stop), (b_start, b_stop) = _columns(a), _columns(b)
    return max(a_start, b_start) - min(a_stop, b_stop)
