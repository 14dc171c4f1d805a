"""MNIST digits placed the way people draw them, for tests and benchmarks.

A person draws on a large canvas: the digit is any size, anywhere, thin or
thick, dark on light or light on dark, on paper that is not quite white.
These functions take real MNIST digits (uint8 (28, 28), 0 = paper) and make
such pictures from them, reproducibly from a NumPy random generator.
"""

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image

from digitrec import preprocess

Ink = NDArray[np.float32]  # (h, w) in [0, 1], 1 = full ink

CANVASES = ((280, 280), (400, 300))
HEIGHT_RANGE = (0.25, 0.90)  # digit height as a share of the canvas height
# MNIST's grey levels come from anti-aliasing binary scans down to 20x20: a stroke narrower
# than half a pixel there is grey, not absent. So the writer's strokes are all ink above this
# level; at 0.5, the strokes of 4% of MNIST's digits break or vanish (bench/stroke_width.py).
STROKE_LEVEL = 0.25


def digit_crop(mnist_image: NDArray[np.uint8]) -> Ink:
    """The digit's bounding box, as float32 ink in [0, 1]."""
    ink = mnist_image.astype(np.float32) / np.float32(255)  # float32 either way; NumPy's stubs say so only thus
    rows, cols = np.nonzero(ink > 0.1)
    return ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def scaled(ink: Ink, height: int, stroke: str) -> Ink:
    """Resize ink to `height` px and set its stroke style: "thin", "normal" or "thick"."""
    width = max(1, round(ink.shape[1] * height / ink.shape[0]))
    big = np.asarray(Image.fromarray(ink).resize((width, height), Image.Resampling.BILINEAR))
    if stroke == "normal":
        return big
    mask = big > STROKE_LEVEL
    pen = height / 20  # one MNIST pixel, in canvas px
    if stroke == "thick":
        # Like a marker: strokes about twice MNIST's width (median 5.0 MNIST px, against 2.5),
        # grown on both sides, so the outer strokes bulge past the thin digit's box as a
        # marker's do (paper all round: without it they were cut flat at the box).
        radius = 0.9 * pen
        mask = np.pad(mask, int(np.ceil(radius)))
        return preprocess.grown(mask, radius).astype(np.float32)
    # Like a thin mouse pen: shave strokes to about two thirds of MNIST's width (median 1.7 px),
    # keeping every piece.
    distance = preprocess.distance_to_paper(mask)
    thin = distance > 0.9 * pen
    if _count_pieces(thin) != _count_pieces(mask):
        thin = distance > 0.45 * pen
    return (thin if thin.any() else mask).astype(np.float32)


def _count_pieces(mask: NDArray[np.bool_]) -> int:
    """How many pieces a binary mask holds, pixels joined by their edges (not corners)."""
    return cv2.connectedComponents(mask.astype(np.uint8), connectivity=4)[0] - 1


def pen_width(mnist_image: NDArray[np.uint8], stroke: str, height: int = 100) -> float:
    """Stroke width of an MNIST digit redrawn `height` px tall with `stroke`, in MNIST px
    (height / 20 canvas px), measured as digitrec measures a drawing."""
    drawn = scaled(digit_crop(mnist_image), height, stroke) > 0.5
    return preprocess.stroke_width(np.pad(drawn, 1)) * 20 / height


def on_paper(ink: Ink, size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """Ink (h, w) in [0, 1] as a uint8 grey picture of `size` (width, height), random polarity and tint."""
    dark_on_light = rng.random() < 0.5
    paper = rng.uniform(200, 255) if dark_on_light else rng.uniform(0, 40)
    pen = rng.uniform(0, 60) if dark_on_light else rng.uniform(200, 255)
    picture = paper + (pen - paper) * ink
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))


def drawn_digit(
    mnist_image: NDArray[np.uint8],
    rng: np.random.Generator,
    canvas: tuple[int, int] | None = None,
    stroke: str | None = None,
) -> Image.Image:
    """One MNIST digit as a person might draw it on a canvas. Returns a Pillow "L" image."""
    sheet = placed_digit(mnist_image, rng, canvas, stroke)
    return on_paper(sheet, sheet.shape[::-1], rng)


def on_a_page(ink: Ink, shift: ArrayLike = (0, 0)) -> tuple[Ink, int, int]:
    """Ink (h, w) placed in the middle of a 400x300 page, moved by `shift` (rows, columns) px:
    (ink float32 (300, 400), its top row, its left column)."""
    sheet = np.zeros((300, 400), np.float32)
    top, left = (np.array([300, 400]) - ink.shape) // 2 + np.asarray(shift)
    sheet[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    return sheet, top, left


def on_a_form(mnist_image: NDArray[np.uint8], rng: np.random.Generator) -> Image.Image:
    """One MNIST digit written on a form: in a printed box (half of them) or on a printed line,
    1-3 px wide, mid grey to near black, reaching 15-40% of the digit's height past it. A Pillow
    "L" image, dark ink on white, 400x300."""
    height = int(rng.uniform(0.35, 0.6) * 300)
    ink = scaled(digit_crop(mnist_image), height, rng.choice(["thin", "normal", "thick"]))
    sheet, top, left = on_a_page(ink)
    ruling = np.zeros((300, 400), np.uint8)
    reach = [int(rng.uniform(0.15, 0.4) * height) for _ in range(4)]
    width = int(rng.integers(1, 4))
    bottom, right = top + ink.shape[0], left + ink.shape[1]
    if rng.random() < 0.5:  # a box round it
        cv2.rectangle(ruling, (left - reach[0], top - reach[1]), (right + reach[2], bottom + reach[3]), 1, width)
    else:  # a line under it, a little below its foot
        cv2.line(
            ruling, (left - reach[0], bottom + reach[3] // 3), (right + reach[2], bottom + reach[3] // 3), 1, width
        )
    picture = 255 * (1 - 0.9 * sheet) * (1 - rng.uniform(0.5, 0.9) * ruling)
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))


def on_ruled_paper(mnist_image: NDArray[np.uint8], rng: np.random.Generator) -> Image.Image:
    """One MNIST digit written on squared paper (half of them) or ruled paper: printed lines right
    across the page, 1-2 px wide, light to mid grey, tilted by up to a degree (a sheet a little
    askew on the scanner), 30-60% of the digit's height apart on squared paper and 40-90% on
    ruled, crossing the digit wherever they fall. A Pillow "L" image, dark ink on white, 400x300."""
    height = int(rng.uniform(0.35, 0.6) * 300)
    ink = scaled(digit_crop(mnist_image), height, rng.choice(["thin", "normal", "thick"]))
    sheet = on_a_page(ink, rng.integers(-20, 21, 2))[0]
    squared = rng.random() < 0.5
    step = rng.uniform(*((0.3, 0.6) if squared else (0.4, 0.9))) * height
    tilt = np.tan(np.radians(rng.uniform(-1, 1)))
    ruling = np.zeros((300, 400), np.uint8)
    width = int(rng.integers(1, 3))
    for y in np.arange(rng.uniform(0, step), 300 + 400 * abs(tilt), step) - 200 * abs(tilt):
        cv2.line(ruling, (0, round(y)), (399, round(y + 399 * tilt)), 255, width, cv2.LINE_AA)
    for x in np.arange(rng.uniform(0, step), 400, step) if squared else ():
        cv2.line(ruling, (round(x), 0), (round(x - 299 * tilt), 299), 255, width, cv2.LINE_AA)
    printed = rng.uniform(0.15, 0.6) * ruling.astype(np.float32) / 255
    picture = 255 * (1 - 0.9 * sheet) * (1 - printed)
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))


def photographed(mnist_image: NDArray[np.uint8], rng: np.random.Generator) -> Image.Image:
    """One MNIST digit in dark ink on a page photographed in uneven light: brightness falls
    off across the page in a random direction and towards the corners, by up to 55%
    in all, and the camera adds noise. Returns a Pillow "L" image, 400x300."""
    sheet = placed_digit(mnist_image, rng, canvas=(400, 300))
    return lit(sheet, uneven_light(rng, 0.4, 0.15), rng)


def uneven_light(rng: np.random.Generator, across_by: float, corners_by: float) -> NDArray[np.float64]:
    """float (300, 400) brightness of a page lit unevenly: 0.95 falling off across it in a
    random direction by up to `across_by`, and towards the corners by up to `corners_by`."""
    rows, cols = np.mgrid[-1:1:300j, -1:1:400j]
    angle = rng.uniform(0, 2 * np.pi)
    across = (np.cos(angle) * cols + np.sin(angle) * rows + 1.5) / 3  # 0..1 across the page
    return 0.95 - rng.uniform(0.1, across_by) * across - rng.uniform(0.0, corners_by) * (rows**2 + cols**2) / 2


def on_a_desk(mnist_image: NDArray[np.uint8], rng: np.random.Generator) -> Image.Image:
    """One MNIST digit in dark ink on a sheet of paper photographed lying on a darker desk: the
    sheet covers 55-85% of the photo's width and height, anywhere, turned by up to 8 degrees
    either way (the digit with it), so the desk shows on two to four sides; the desk reflects
    10-50% as much light as the paper; and the light is uneven as in `photographed`. A Pillow
    "L" image, 400x300."""
    size = np.array([400, 300])
    sheet_size = size * rng.uniform(0.55, 0.85, 2)
    centre = size / 2 + rng.uniform(-0.5, 0.5, 2) * (size - sheet_size)
    # The sheet in its own frame, the digit a third to three fifths of its height near its middle.
    width, height = np.round(sheet_size).astype(int)
    ink = scaled(
        digit_crop(mnist_image), int(rng.uniform(0.35, 0.6) * height), rng.choice(["thin", "normal", "thick"])
    )[:height, :width]
    page = np.zeros((height, width), np.float32)
    top, left = np.clip(
        (np.array([height, width]) - ink.shape) // 2 + (rng.uniform(-0.1, 0.1, 2) * [height, width]).astype(int),
        0,
        None,
    )
    ink = ink[: height - top, : width - left]
    page[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    # Laid on the desk, turned about its centre.
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-8, 8), 1.0)
    matrix[:, 2] += centre - [width / 2, height / 2]
    paper = cv2.warpAffine(np.ones((height, width), np.float32), matrix, tuple(size), flags=cv2.INTER_LINEAR)
    sheet = cv2.warpAffine(page, matrix, tuple(size), flags=cv2.INTER_LINEAR)
    light = uneven_light(rng, 0.3, 0.1)
    reflects = paper * (1 - 0.85 * sheet) + (1 - paper) * rng.uniform(0.1, 0.5)
    picture = 255 * light * reflects + rng.normal(0, 4, sheet.shape)
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))


def lit(sheet: Ink, light: NDArray[np.floating[Any]], rng: np.random.Generator) -> Image.Image:
    """Ink (h, w) in [0, 1] as dark ink on a page lit by `light` ((h, w) brightness in [0, 1]):
    ink reflects 15% of the light falling on it, and the camera adds noise. A Pillow "L" image."""
    picture = 255 * light * (1 - 0.85 * sheet) + rng.normal(0, 4, sheet.shape)
    return Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))


def placed_digit(
    mnist_image: NDArray[np.uint8],
    rng: np.random.Generator,
    canvas: tuple[int, int] | None = None,
    stroke: str | None = None,
) -> Ink:
    """One MNIST digit at a random size and place on a canvas: ink float32 (h, w) in [0, 1]."""
    width, height = canvas or CANVASES[rng.integers(len(CANVASES))]
    stroke = stroke or rng.choice(["thin", "normal", "thick"])
    digit_height = int(rng.uniform(*HEIGHT_RANGE) * height)
    ink = scaled(digit_crop(mnist_image), digit_height, stroke)
    ink = ink[:, :width]  # a very wide digit at full height could overflow a narrow canvas
    sheet = np.zeros((height, width), np.float32)
    top = rng.integers(0, height - ink.shape[0] + 1)
    left = rng.integers(0, width - ink.shape[1] + 1)
    sheet[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    return sheet


def drawn_number(
    mnist_images: NDArray[np.uint8],
    rng: np.random.Generator,
    digit_height: int | None = None,
    stroke: str | None = None,
) -> Image.Image:
    """Several MNIST digits written left to right with random gaps and jitter, not touching.

    `stroke`: "thin", "normal" or "thick" (default: one at random). Returns a Pillow "L" image.
    """
    digit_height = digit_height or int(rng.integers(40, 120))
    stroke = stroke or rng.choice(["thin", "normal", "thick"])
    inks = [scaled(digit_crop(image), digit_height, stroke) for image in mnist_images]
    gaps = [int(rng.uniform(0.15, 0.6) * digit_height) for _ in inks]
    jitter = [int(rng.uniform(-0.15, 0.15) * digit_height) for _ in inks]
    margin = digit_height // 2
    width = 2 * margin + sum(ink.shape[1] for ink in inks) + sum(gaps[1:])
    height = 2 * margin + digit_height + 2 * max(abs(j) for j in jitter)
    sheet = np.zeros((height, width), np.float32)
    left = margin
    for ink, gap, shift in zip(inks, [0, *gaps[1:]], jitter):
        left += gap
        top = height // 2 - ink.shape[0] // 2 + shift
        sheet[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
        left += ink.shape[1]
    return on_paper(sheet, (width, height), rng)


def drawn_numbers(
    images: NDArray[np.uint8],
    labels: NDArray[np.uint8],
    count: int,
    rng: np.random.Generator,
    stroke: str | None = None,
) -> Iterator[tuple[Image.Image, str]]:
    """Yield `count` (Pillow image, text) pairs: numbers of 2-6 MNIST digits picked at random
    (none twice in one number), drawn by `drawn_number` with `stroke`, and the number they show."""
    for _ in range(count):
        picks = rng.choice(len(images), size=rng.integers(2, 7), replace=False)
        yield drawn_number(images[picks], rng, stroke=stroke), "".join(str(d) for d in labels[picks])
