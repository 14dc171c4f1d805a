"""From any picture to its ink: what is paper, what is ink, and which marks are the paper's own.

- any mode and polarity -> "ink" in [0, 1] on a 0 background, the paper's tint
  removed, and the shading of a page photographed in uneven light;
- a sheet photographed on a darker desk: only the sheet, turned level;
- a form's printed box or line, and the lines of ruled or squared paper (or a
  form's table) that run right across it: taken out, the writing kept.

NumPy, Pillow and OpenCV, as digitrec.preprocess, which takes the ink from here
to the 28x28 MNIST was built with. Arrays named `ink` are float32 (h, w) in
[0, 1], 1 = full ink; `values` are grey levels, float32 (h, w) in [0, 1].
"""

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

Ink = NDArray[np.float32]  # (h, w) in [0, 1], 1 = full ink
Mask = NDArray[np.uint8]  # (h, w) of 0 and 1
Ruled = list[tuple[Mask | None, float]]  # `ruled_paper`'s [horizontal, vertical] lines and their thickness

INK_LEVEL = 0.5  # ink above this is "on" when finding and measuring strokes
MIN_CONTRAST = 0.1  # grey-level difference from the paper that counts as a mark at all
UNEVEN_PAPER = 0.03  # paper whose grey level varies less than this along the border is taken as even
# A form's printed lines (the box round a digit, the line it is written on) are straight runs of
# ink at least this share of all the marks' width (height) long...
RULING_LENGTH = 1 / 2
# ...that reach past the writing at both ends by at least this share of its height, and are at
# most this share of its longer side thick.
RULING_REACH = 0.1
RULING_THICKNESS = 0.25
# Ruled or squared paper, or a scanned form's table: printed lines that run right across the
# picture, at least RULED_SPAN of its width (height), two or more of them one way, and at most
# RULED_THICKNESS of the writing's size thick (a digit's straight strokes are thicker).
RULED_SPAN = 0.9
RULED_THICKNESS = 0.1
# A sheet of paper photographed lying on a darker desk is a light region that covers at least
# SHEET_AREA of the picture, nearly fills the rectangle round it (SHEET_SQUARENESS: a slanted
# or skewed sheet does, a fat light '0' does not), holds some dark marks but not too many (at
# most SHEET_INK of it: a written digit's strokes, not a light digit's hole), and whose edge
# is a step of at least SHEET_EDGE in grey level (light falling off across a page is no edge).
SHEET_AREA = 0.25
SHEET_SQUARENESS = 0.92
SHEET_INK = 0.2
SHEET_EDGE = 0.15


def to_ink(image: Image.Image) -> Ink:
    """A Pillow image of any mode and polarity -> ink (h, w) float32 in [0, 1], background 0."""
    values = on_the_sheet(np.asarray(_flatten_alpha(image), dtype=np.float32) / 255.0)
    paper = paper_level(values)
    if median(paper) > 0.5:  # dark ink on light paper, the usual case
        # Light falls unevenly on a photographed page, and ink reflects a share of
        # it: divide by the paper's brightness, not subtract it.
        values = 1.0 - np.minimum(values / np.maximum(paper, np.float32(1e-3)), 1.0)  # float32 kept
    else:
        values = np.maximum(values - paper, 0.0)
    # Stretch so solid ink is 1: removes faint pens and the last of the paper's tint.
    marked = values[values > MIN_CONTRAST]
    if marked.size == 0:  # nothing stands out from the paper
        return np.zeros_like(values)
    solid = float(percentile(marked, 90))  # not the max: one hot pixel must not set the scale
    ink = np.clip(values / solid, 0.0, 1.0)
    # A form's box or line first, as it is; but a box cut by the picture's edges can look like
    # two lines of a ruled sheet, and those are found before it goes.
    ruled = ruled_paper(ink)
    return without_ruled_paper(without_ruling(ink), ruled)


def on_the_sheet(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """Grey levels float32 (h, w) in [0, 1] of a light sheet photographed on a darker desk -> the
    sheet alone: cropped to it, the desk left in the crop's corners replaced by the nearest
    paper, so that the border is paper and its light is followed as on any page. Any other
    picture is returned as it is (the usual case, after a look at its border).

    Without this, the desk's dark border made the sheet the ink. See the SHEET_ constants."""
    height, width = values.shape
    if min(height, width) < 16:
        return values
    border = np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]])
    # Nothing on the border much darker than the picture's light part: no desk round a sheet.
    if percentile(values[::8, ::8], 90) - percentile(border, 25) < SHEET_EDGE:
        return values
    grey = (values * 255).astype(np.uint8)
    light = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    outlines = cv2.findContours(light, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    if not outlines:
        return values
    outline = max(outlines, key=cv2.contourArea)
    area = cv2.contourArea(outline)
    (_, (rect_w, rect_h), _) = cv2.minAreaRect(outline)
    if area < SHEET_AREA * height * width or area < SHEET_SQUARENESS * rect_w * rect_h:
        return values
    sheet = np.zeros_like(light)
    cv2.drawContours(sheet, [outline], -1, 1, cv2.FILLED)
    marks = int(np.count_nonzero(sheet & (light == 0)))
    if not 0.001 * area < marks <= SHEET_INK * area:  # blank (a light bar: a fat '1'), or a light digit's hole
        return values
    # The desk round it is darker (not paper beyond a printed box), and steps down at the
    # sheet's edge: bands a few px wide either side of it, away from the picture's own edges.
    surround = values[sheet == 0]
    if surround.size == 0 or median(surround) > median(values[(sheet > 0) & (light > 0)]) - SHEET_EDGE:
        return values
    band = max(2, round(0.01 * min(height, width)))
    kernel = np.ones((2 * band + 1, 2 * band + 1), np.uint8)
    inner = sheet & (1 - cv2.erode(sheet, kernel))
    outer = cv2.dilate(sheet, kernel) & (1 - sheet)
    frame = np.zeros_like(sheet)
    frame[band:-band, band:-band] = 1
    inner, outer = values[(inner & frame) > 0], values[(outer & frame) > 0]
    if outer.size < 4 * band or median(inner) - median(outer) < SHEET_EDGE:
        return values
    values, sheet = _upright(values, sheet, outline)
    # The sheet less its rim (a shadow or a blur at its edge is neither paper nor ink), and
    # the nearest of its pixels put in the rest of the crop.
    paper = cv2.erode(sheet, kernel)
    x, y, w, h = cv2.boundingRect(paper)
    crop, inside = values[y : y + h, x : x + w], paper[y : y + h, x : x + w]
    nearest = cv2.distanceTransformWithLabels(1 - inside, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL)[1]
    return crop[inside > 0][nearest - 1]


def _upright(values: NDArray[np.float32], sheet: Mask, outline: NDArray[np.int32]) -> tuple[NDArray[np.float32], Mask]:
    """Grey levels (h, w) and the uint8 mask of the sheet in them, turned so that the sheet's
    edges (its outline, an OpenCV contour) are level: the writing follows the sheet, and a
    ruled sheet's lines are found level. Turned by the smaller angle that does it, on a canvas
    big enough to hold it all; as they are if that is under half a degree."""
    angle = cv2.minAreaRect(outline)[2]
    turn = angle if abs(angle) <= 45 else angle - 90 * np.sign(angle)
    if abs(turn) < 0.5:
        return values, sheet
    height, width = values.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), turn, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = int(np.ceil(height * sin + width * cos)), int(np.ceil(height * cos + width * sin))
    matrix[:, 2] += (size[0] - width) / 2, (size[1] - height) / 2
    return (
        cv2.warpAffine(values, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
        cv2.warpAffine(sheet, matrix, size, flags=cv2.INTER_NEAREST),
    )


def ruled_paper(ink: Ink) -> Ruled | None:
    """The printed lines of ruled or squared paper, or of a form's table, that run right across
    ink (h, w): straight lines of marks (at MIN_CONTRAST, so faint ones too) at least RULED_SPAN
    of its width (height) long, two or more one way, parallel and apart (a line tilted by a
    degree or so counts). Returns [horizontal, vertical], each (uint8 (h, w) mask of the marks
    along its lines, or None; the thickest one's thickness in px), or None if there are none:
    the usual picture, after a few sums."""
    if min(ink.shape) < 16 or not (_reaches_across(ink) or _reaches_across(ink.T)):  # no room for a sheet's lines
        return None
    found = [_lines_across(ink), _lines_across(np.ascontiguousarray(ink.T))]
    ways = []
    for band, whole, thicknesses, centres in found:
        # Printed lines stand apart, paper between them; the edges of one thick stroke do not.
        apart = len(centres) >= 2 and np.min(np.diff(sorted(centres))) >= 4 * max(thicknesses)
        ways.append((band, whole, max(thicknesses)) if apart else (None, None, 0.0))
    (across, across_whole, across_thickness), (down, down_whole, down_thickness) = ways
    if across is None and down is None:  # one straight stroke across: a '7's top, a '4's cross
        return None
    if down is not None:
        assert down_whole is not None  # found with `down`, in the same tuple
        down, down_whole = np.ascontiguousarray(down.T), down_whole.T

        if across is not None:  # where a grid's lines cross, each is thicker than a line: both go
            across = across | (across_whole & down_whole)
    return [(across, across_thickness), (down, down_thickness)]


def without_ruled_paper(ink: Ink, ruled: Ruled | None) -> Ink:
    """Ink without the lines `ruled_paper` found (None: `ink` itself), if they are thin beside
    the writing (at most RULED_THICKNESS of its size) and there is writing besides them. Where
    the writing crosses a line or runs along it, the line's pixels between the stroke's two
    sides are kept. Returns `ink` itself or a copy without them."""
    if ruled is None:
        return ink
    marks = (ink > MIN_CONTRAST).view(np.uint8)
    # Each way's lines with their anti-aliased edges, and the writing: the rest.
    gone = [np.zeros_like(marks) if band is None else cv2.dilate(band, np.ones((3, 3), np.uint8)) for band, _ in ruled]
    writing = marks & (1 - (gone[0] | gone[1]))
    if not writing.any():
        return ink
    thickest = max(thickness for _, thickness in ruled)
    if thickest > RULED_THICKNESS * max(cv2.boundingRect(writing)[2:]):
        return ink
    # A stroke crossing a line (or along it) has writing on both sides of it: close that gap.
    # Twice, for where a stroke covers a grid's crossing: each way's lines first, then the
    # crossing between what they gave back.
    reach = int(thickest) + 9  # the width taken out (the line, a pixel either side, its rim), and more
    kept = writing
    for _ in range(2):
        kept = (
            writing
            | cv2.morphologyEx(kept, cv2.MORPH_CLOSE, np.ones((reach, 1), np.uint8)) & gone[0]
            | cv2.morphologyEx(kept, cv2.MORPH_CLOSE, np.ones((1, reach), np.uint8)) & gone[1]
        )
    ink = ink.copy()
    ink[((gone[0] | gone[1]) > 0) & (kept == 0)] = 0.0
    return ink


def _reaches_across(ink: Ink) -> bool:
    """Whether ink (h, w) has marks within 3 px of both its left and its right edge, two rows
    or more at each (a line tilted a little meets them at different rows), as lines right
    across it do: a necessary test, costing a few sums."""
    for edge in (ink[:, :3], ink[:, -3:]):
        if edge.max() * 3 <= MIN_CONTRAST:  # nothing there at all: the usual picture
            return False
        if np.count_nonzero(np.convolve(edge.max(axis=1), np.ones(3, np.float32), "same") > MIN_CONTRAST) < 2:
            return False
    return True


def _lines_across(ink: Ink) -> tuple[Mask, Mask, list[float], list[float]]:
    """The horizontal lines right across ink (h, w) (see `ruled_paper`): (uint8 (h, w) masks of
    the marks along them where they are as thin as a line, and all along them; [each one's
    thickness in px]; [each one's centre row at the middle])."""
    height, width = ink.shape
    # Where a thin line steps from one row of pixels to the next, its anti-aliased pixels may
    # each be fainter than a mark: look for marks in the ink summed over three rows.
    marks = (cv2.blur(ink, (1, 3)) * 3 > MIN_CONTRAST).view(np.uint8)
    # A line tilted by a degree or so climbs a few px across the picture (a degree: 7 px across
    # 400): let it, in a mask widened up and down by that much, and take back the marks in what
    # runs across that.
    climb = max(3, round(width * np.tan(np.radians(1)) / 2))
    widened = cv2.dilate(marks, np.ones((2 * climb + 1, 1), np.uint8))
    band, whole = np.zeros_like(marks), np.zeros_like(marks)
    lines = []  # (thickness, centre row at the middle, slope)
    span = int(RULED_SPAN * width)
    for rows, line in _runs(widened, marks, span):
        if line["long"] >= span and (found := _line_along(marks, rows, line, band, whole)):
            lines.append(found)
    if len(lines) >= 2:
        # A tilted sheet's lines near its top and bottom leave the picture through them: what
        # shows runs from a side edge to the top or bottom one, no thicker than the others.
        drift = abs(float(median([slope for _, _, slope in lines]))) * width
        thickest = max(thickness for thickness, _, _ in lines)
        for rows, line in _runs(widened, marks, max(8, width // 10)):
            at_side = line["left"] <= 2 or line["left"] + line["long"] >= width - 2
            at_end = rows.start <= 2 or rows.stop >= height - 2
            if at_side and at_end and line["long"] < span and rows.stop - rows.start <= drift + thickest + 8:
                _line_along(marks, rows, line, band, whole, thickest + 1)
    return band, whole, [thickness for thickness, _, _ in lines], [centre for _, centre, _ in lines]


def _runs(widened: Mask, marks: Mask, length: int) -> Iterator[tuple[slice, dict[str, Any]]]:
    """The straight horizontal runs at least `length` px long in a widened uint8 (h, w) mask,
    each as (its rows' slice, {"left": first column, "long": columns spanned, "mask": bool of
    its marks in those rows})."""
    runs = cv2.morphologyEx(widened, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)) & marks
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    for k in range(1, count):
        left, top, long, tall = stats[k, :4]
        if long >= length:
            yield np.s_[top : top + tall], {"left": left, "long": long, "mask": labels[top : top + tall] == k}


def _line_along(
    marks: Mask,
    rows: slice,
    line: dict[str, Any],
    band: Mask,
    whole: Mask,
    max_thickness: float | None = None,
) -> tuple[float, float, float] | None:
    """Fit a straight line to one run of `_runs`; if it has paper beside it, add the marks along
    it to `whole`, and where it is as thin as a line to `band` (uint8 (h, w), in place).
    Returns (thickness px, centre row at the middle, slope), or None."""
    height, width = marks.shape
    found_rows, cols = np.nonzero(line["mask"])
    per_column = np.bincount(cols, minlength=width)
    # Its thickness where no stroke follows it, and the columns where none crosses it either (a
    # tilted line's anti-aliased cross-section varies by a pixel or two).
    thickness = float(percentile(per_column[per_column > 0], 25))
    if max_thickness is not None and thickness > max_thickness:
        return None
    plain = (per_column > 0) & (per_column <= median(per_column[per_column > 0]) + 1)
    # Its centre line, fitted where it is plain.
    centre = np.bincount(cols, weights=found_rows, minlength=width) / np.maximum(per_column, 1)
    columns = np.arange(width)
    slope, offset = np.polyfit(columns[plain], centre[plain], 1)
    # Distances from the centre line, in the rows round it (a margin of 6 px either way).
    lo, hi = max(0, rows.start - 6), min(height, rows.stop + 6)
    across = np.abs(np.arange(lo - rows.start, hi - rows.start)[:, None] - (offset + slope * columns)[None, :])
    near = marks[lo:hi] > 0
    # A printed line has paper beside it along a fifth of its length at least, however much
    # writing crosses or follows it; the core of a fat stroke, or what is left of a shadow
    # at a photo's edge, has marks beside it all along.
    beside = (across > thickness / 2 + 2) & (across <= thickness / 2 + 5) & near
    if np.count_nonzero(beside.any(axis=0)) > 0.8 * line["long"]:
        return None
    # Only where it is as thin as a line: where it is thicker, writing crosses it or runs along it.
    on_line = (across <= thickness / 2 + 1) & near
    on_line[:, : line["left"]] = on_line[:, line["left"] + line["long"] :] = False
    whole[lo:hi] |= on_line.view(np.uint8)
    band[lo:hi] |= (on_line & plain[None, :]).view(np.uint8)
    return thickness, rows.start + offset + slope * width / 2, slope


def without_ruling(ink: Ink) -> Ink:
    """Ink without a form's printed lines: the line a number is written on, the box round a digit.

    Straight horizontal and vertical runs at least RULING_LENGTH of all the marks long are
    candidates, and the ink that is no such run is the writing. A run may be a printed line if
    it reaches past the writing at both ends, is thin beside it and keeps clear of it. It is
    one if it lies under everything (the line a number is written on), or if it is part of a
    box: lines left and right of the writing, and above or below it (a comb's bars between the
    digits too). A digit's own straight strokes fail these: they touch or cross the rest of it
    (a '4's cross, a '2's foot), end where it does (a '7's top), or have no partner (a '1's
    stem). Returns `ink` itself without ruling, else a copy with it set to 0.
    """
    x, y, w, h = cv2.boundingRect((ink > INK_LEVEL).view(np.uint8))
    if not w:
        return ink
    area = slice(y, y + h), slice(x, x + w)  # a box is as big as all the marks, a line under them as wide
    mask = (ink[area] > INK_LEVEL).view(np.uint8)
    if not _may_hold_ruling(mask):  # the usual case, cheaply
        return ink
    runs = _straight_runs(mask)
    # The writing: the rest, without the runs' ends and edges (a box's corners belong to no run).
    writing = mask & (cv2.dilate(runs[0] | runs[1], np.ones((5, 5), np.uint8)) == 0)
    if not writing.any():  # only straight lines: a boxed '1' is the runs inside the outermost ones
        writing = _inner_runs(runs[0] | runs[1])
    if not writing.any():  # a lone '1', say: nothing to compare with
        return ink
    # Only lines clear of the writing: a digit's strokes touch each other, and a digit that
    # touches the form's line keeps it (read as before, rather than cut).
    lines = {
        where: [line for line in found if _clear_of(line, writing)]
        for where, found in _lines_round(writing, runs).items()
    }
    if lines["left"] and lines["right"] and (lines["above"] or lines["below"]):  # a box
        ruling = [line for found in lines.values() for line in found]
    else:  # a line under everything
        ruling = [line for line in lines["below"] if not mask[extent(line)[0].stop + 2 :].any()]
    if not ruling:
        return ink
    ink = ink.copy()
    # With the line's anti-aliased edge.
    ink[area][cv2.dilate(np.any(ruling, axis=0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 0.0
    return ink


def _may_hold_ruling(mask: Mask) -> bool:
    """Whether a uint8 (h, w) mask, cropped to its marks, has ink enough along its bottom edge for
    a line under it, or along its sides for a box: a necessary test, costing a few sums."""
    height, width = mask.shape
    band = max(3, height // 20, width // 20)
    # A line reaches past the writing at both ends: longer than twice the reach, however narrow that is.
    long = max(RULING_LENGTH * width, 2 * RULING_REACH * height), RULING_LENGTH * height
    top, bottom = (mask[edge].sum(axis=1).max() >= long[0] for edge in (np.s_[:band], np.s_[-band:]))
    left, right = (mask[:, edge].sum(axis=0).max() >= long[1] for edge in (np.s_[:band], np.s_[-band:]))
    return bottom or ((top or bottom) and left and right)


def _straight_runs(mask: Mask) -> list[Mask]:
    """uint8 masks (horizontal, vertical) of a uint8 (h, w) mask's straight runs at least
    RULING_LENGTH of its width (height) long."""
    height, width = mask.shape
    long = [2 * round(RULING_LENGTH * side / 2) + 1 for side in (width, height)]
    return [cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(shape, np.uint8)) for shape in ((1, long[0]), (long[1], 1))]


def _lines_round(writing: Mask, runs: list[Mask]) -> dict[str, list[NDArray[np.bool_]]]:
    """The runs that reach past the writing at both ends and are thin beside it, by where they
    lie: {"above", "below", "left", "right", "among": [bool (h, w) masks]}; "among" holds
    vertical ones between parts of the writing (a comb's bars between digits, or a stem)."""
    rows, cols = extent(writing)
    size = max(rows.stop - rows.start, cols.stop - cols.start)  # the writing's longer side
    reach = max(2, RULING_REACH * (rows.stop - rows.start))  # the digits' size, however many
    lines: dict[str, list[NDArray[np.bool_]]] = {"above": [], "below": [], "left": [], "right": [], "among": []}
    for axis, run in enumerate(runs):
        along, across = (cols, rows) if axis == 0 else (rows, cols)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(run, connectivity=8)
        for k, (x, y, w, h, _) in enumerate(stats[1:].tolist(), start=1):
            start, length, side, thickness = (x, w, y, h) if axis == 0 else (y, h, x, w)
            if (
                start > along.start - reach
                or start + length < along.stop + reach
                or thickness > RULING_THICKNESS * size
            ):
                continue
            if side + thickness <= across.start:
                where = "above" if axis == 0 else "left"
            elif side >= across.stop:
                where = "below" if axis == 0 else "right"
            elif axis == 1:
                where = "among"
            else:
                continue  # a horizontal run across the writing: a digit's bar
            lines[where].append(labels == k)
    return lines


def _clear_of(line: NDArray[np.bool_], writing: Mask) -> bool:
    """Whether a bool (h, w) line keeps a few px clear of the writing (a digit's stroke touches it)."""
    return not (writing & cv2.dilate(line.astype(np.uint8), np.ones((9, 9), np.uint8))).any()


def _inner_runs(runs: Mask) -> Mask:
    """The pieces of a uint8 (h, w) mask that keep clear of the mask's own outer box."""
    rows, cols = extent(runs)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    inner = np.zeros_like(runs)
    for k, (x, y, w, h, _) in enumerate(stats[1:].tolist(), start=1):
        if x > cols.start and y > rows.start and x + w < cols.stop and y + h < rows.stop:
            inner[labels == k] = 1
    return inner


def paper_level(values: NDArray[np.float32]) -> float | NDArray[np.float32]:
    """The paper's grey level under each pixel, from the image's border, where there is
    (nearly) only paper: a constant, or, where light falls unevenly, a smooth surface.

    values: float32 (h, w) in [0, 1]. Returns a float or float32 (h, w).
    """
    height, width = values.shape
    border = np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]])
    middle = float(median(border))
    # How far most of the border (three quarters: strokes may cross the rest) lies from one level.
    spread = percentile(np.abs(border - middle), 75)
    if spread < UNEVEN_PAPER or min(height, width) < 3:  # even paper: the usual, fast case
        return middle
    # A quadratic in x and y, fitted to the border and robust to strokes that cross it,
    # follows a shadow or a vignette; its curvature along the edges tells the middle.
    rows, cols = np.linspace(-1, 1, height, dtype=np.float32), np.linspace(-1, 1, width, dtype=np.float32)
    y = np.concatenate([np.full(width, -1.0), np.full(width, 1.0), rows, rows])
    x = np.concatenate([cols, cols, np.full(height, -1.0), np.full(height, 1.0)])
    terms = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1)
    keep = np.ones(border.size, bool)
    for _ in range(2):
        coef = np.linalg.lstsq(terms[keep], border[keep], rcond=None)[0]
        residual = np.abs(terms @ coef - border)
        keep = residual <= 3 * median(residual[keep]) + 0.02
    # Light varies smoothly, strokes don't: unless the surface fits most of the border closely
    # (sensor noise aside), what varies there is ink, as in a digit that fills its picture.
    if percentile(np.abs(terms @ coef - border), 75) > min(spread / 3, 2 * UNEVEN_PAPER):
        return middle
    surface = _quadratic(coef, rows, cols)
    return np.clip(surface, 0.0, 1.0).astype(np.float32)


def median(values: ArrayLike) -> np.floating[Any]:
    """NumPy's median of all of `values`, to the bit, without NumPy's median: that (and its
    percentile) imports numpy.ma on first use, 15 ms of a fresh process's first answer."""
    values = np.asarray(values).ravel()
    half = values.size // 2
    part = np.partition(values, [half - 1, half] if values.size > 1 else [0])
    return np.mean(part[half - 1 + values.size % 2 : half + 1])  # the middle value, or the middle two's mean


def percentile(values: ArrayLike, q: float) -> np.floating[Any]:
    """NumPy's percentile `q` (0-100, its default "linear" method) of all of `values`, to the bit
    (see `median`)."""
    values = np.asarray(values).ravel()
    position = q / 100 * (values.size - 1)
    below = int(position)
    above = min(below + 1, values.size - 1)
    part = np.partition(values, [below, above])
    low, high, t = part[below], part[above], position - below
    # NumPy's interpolation: from the nearer end, so that t = 0 and t = 1 give the ends exactly.
    return low + (high - low) * t if t < 0.5 else high - (high - low) * (1 - t)


def _quadratic(
    coef: NDArray[np.floating[Any]], rows: NDArray[np.float32], cols: NDArray[np.float32]
) -> NDArray[np.floating[Any]]:
    """a + bx x + by y + bxx x^2 + byy y^2 + bxy x y on the grid rows x cols -> (len(rows), len(cols))."""
    a, bx, by, bxx, byy, bxy = coef
    y = rows[:, None]
    return a + by * y + byy * y * y + (bx + bxy * y) * cols[None, :] + bxx * cols[None, :] ** 2


def _flatten_alpha(image: Image.Image) -> Image.Image:
    """Grey levels of `image`; transparent areas become the paper colour opposite to the ink."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        if alpha.min() < 255:
            gray = rgba.convert("L")
            opaque = np.asarray(gray)[alpha > 127]
            # Dark strokes on a transparent sheet go on white paper, light strokes on black.
            paper = 255 if opaque.size == 0 or median(opaque) < 128 else 0
            background = Image.new("L", image.size, paper)
            return Image.composite(gray, background, rgba.getchannel("A"))
    return image.convert("L")


def extent(mask: NDArray[Any]) -> tuple[slice, slice]:
    """The (rows, columns) slice pair of a 2-D mask's true pixels (which it must have)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
