"""The world's ways of writing digits, drawn onto MNIST's own.

MNIST's writers were American: their '1' is a bare stroke and their '7' has
no crossbar. Much of the world writes a '1' with a long flag (often a foot)
and a '7' with a crossbar. A model that never saw those reads a flagged '1'
as '7' and a crossed '7' as '2'. These functions add the
missing stroke to a real MNIST digit, with random length, angle, place and
width, only where the result is still unambiguous (a flag falls steeply, a
7's top bar stays near level), and normalise the result as MNIST did.

Arrays: MNIST digits are uint8 (28, 28), 0 = paper; the work is done on the
digit's crop at 4x, float32 ink in [0, 1].
"""

import numpy as np
from PIL import Image, ImageDraw

from digitrec import preprocess

SCALE = 4  # draw at 4x MNIST's 20 px box, so a stroke's anti-aliased edge survives the shrink
# Share of each class's training digits that get a copy in a world form. A slashed '0' was
# tried and dropped: its slash alone looks like a fat slanted '1', and even 10% of zeros
# slashed taught the model to read 7-8 of MNIST's test '1's as '0' (docs/handwriting.md).
SHARES = {1: 1.0, 7: 0.4}


def with_world_forms(images, labels, rng, shares=None):
    """Extra training digits: for each class in `shares`, that share of its digits
    redrawn in a world form. images uint8 (n, 28, 28), labels int (n,);
    returns (uint8 (m, 28, 28), labels (m,)), m about sum of shares x class sizes."""
    shares = SHARES if shares is None else shares
    out_images, out_labels = [], []
    for label, share in shares.items():
        chosen = np.flatnonzero(labels == label)
        chosen = chosen[rng.random(len(chosen)) < share]
        for i in chosen:
            form = DRAWERS[label](images[i], rng)
            if form is not None:
                out_images.append(form)
                out_labels.append(label)
    if not out_images:
        return np.zeros((0, 28, 28), np.uint8), np.zeros((0,), labels.dtype)
    return np.stack(out_images), np.asarray(out_labels, labels.dtype)


def flagged_one(image, rng):
    """A '1' with a long flag falling left from its top, as continental Europe writes it,
    and sometimes a foot; or None where the stem leans so far that the flag would run
    along it. The flag is long (reaching up to two thirds of the height to the left) and
    falls 22-45 degrees below level, more steeply than a '7's top bar (within about 15 of
    level); it leaves the stem at 25 degrees or more."""
    ink, pen = _work(image)
    top, bottom = _ink_rows(ink)
    height = bottom - top
    y0, yb = top + pen / 2, bottom - pen / 2
    x0 = _centre_of_row(ink, y0, band=round(pen / 2))
    xb = _centre_of_row(ink, yb, band=round(pen / 2))
    stem = np.degrees(np.arctan2(yb - y0, x0 - xb))  # below level, leftwards: 90 = upright
    below_level = rng.uniform(22, 45)
    if stem - below_level < 25:
        return None
    angle, length = np.radians(below_level), rng.uniform(0.4, 0.75) * height
    lines = [((x0, y0), (x0 - length * np.cos(angle), y0 + length * np.sin(angle)))]
    if rng.random() < 0.35:
        foot = rng.uniform(0.15, 0.3) * height
        lines.append(((xb - foot, yb), (xb + foot, yb)))
    return _finished(ink, lines, pen, rng)


def crossed_seven(image, rng):
    """A '7' with a short bar across its stem, a little below the middle."""
    ink, pen = _work(image)
    top, bottom = _ink_rows(ink)
    height = bottom - top
    y = top + rng.uniform(0.45, 0.65) * height
    x = _centre_of_row(ink, y)
    if x is None:
        return None
    half = rng.uniform(0.15, 0.3) * height
    tilt = np.tan(np.radians(rng.uniform(-8, 8))) * half
    x += rng.uniform(-0.05, 0.05) * height
    return _finished(ink, [((x - half, y + tilt), (x + half, y - tilt))], pen, rng)


DRAWERS = {1: flagged_one, 7: crossed_seven}


def _work(image):
    """An MNIST digit's crop at SCALE x, with paper round it for new strokes: (ink, pen width px)."""
    ink = image.astype(np.float32) / 255
    ink = ink[preprocess._extent(ink > preprocess.MIN_CONTRAST)]
    ink = np.pad(preprocess.resize(ink, SCALE), 12 * SCALE)
    pen = preprocess.stroke_width(np.pad(ink > preprocess.INK_LEVEL, 1))
    return ink, max(pen, 1.5 * SCALE)


def _ink_rows(ink):
    rows = np.flatnonzero((ink > preprocess.INK_LEVEL).any(axis=1))
    return float(rows[0]), float(rows[-1])


def _centre_of_row(ink, y, band=2):
    """The mean column of the solid ink in rows y +- band, or None if they have none."""
    y = int(round(y))
    cols = np.flatnonzero((ink[max(0, y - band):y + band + 1] > preprocess.INK_LEVEL).any(axis=0))
    return float(cols.mean()) if cols.size else None


def _finished(ink, lines, pen, rng):
    """Draw `lines` ((x0, y0), (x1, y1)) with a round pen about as wide as the digit's own,
    then crop, scale and centre the result as MNIST did: uint8 (28, 28)."""
    canvas = Image.new("L", ink.shape[::-1], 0)
    draw = ImageDraw.Draw(canvas)
    width = pen * rng.uniform(0.8, 1.15)
    for start, end in lines:
        draw.line([start, end], fill=255, width=max(1, round(width)))
        for x, y in (start, end):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    ink = np.maximum(ink, np.asarray(canvas, np.float32) / 255)
    model_input = preprocess.place(preprocess.fit_to_box(ink))
    return np.round(model_input * 255).astype(np.uint8)
