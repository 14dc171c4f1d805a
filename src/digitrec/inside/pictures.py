"""The Why? view's pictures, as Pillow images: the evidence in colour, the layers' channels as tiles, and a
drawing's strokes in the order they were drawn.

Shared by the window (`digitrec.gui.inside`) and `digitrec explain`'s picture (`digitrec.inside.command`),
so both show the same thing the same way. Pure NumPy and Pillow: the default install draws them.

Colours: red where the ink pushed toward the answer, blue where it pushed toward the runner-up
(when the runner-up has a real say, `evidence.Explanation.against`) or away from the answer (when
not), white where it did neither; the ink itself shows in grey under weak evidence, so the digit
stays readable. The maps come smooth at a stroke's scale (`evidence.spread_over_ink`), so each
pixel is drawn as it is. A map is scaled to its own strongest pixel (the 99th
percentile, so one pixel does not wash the rest out): colours compare within a map, not across maps.
"""

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image, ImageDraw

from digitrec.inside.evidence import Layer

TOWARD = np.array([214, 39, 40], np.float32)  # red: pushed toward the answer
AGAINST = np.array([31, 119, 180], np.float32)  # blue: pushed toward the runner-up, or away from the answer
PAPER = np.array([255, 255, 255], np.float32)
INK_GREY = np.array([200, 200, 200], np.float32)  # the ink under the evidence
STRONGEST = 99  # percentile of |map| over the ink that gets full colour
TILE_GAP = 2  # px between a layer's channel tiles


def strength(values: ArrayLike) -> NDArray[np.float32]:
    """float (28, 28) -> the same scaled to [-1, 1] by its STRONGEST percentile of |value| (0 stays 0)."""
    values = np.asarray(values, np.float32)
    nonzero = np.abs(values[values != 0])
    top = float(np.percentile(nonzero, STRONGEST)) if nonzero.size else 0.0
    return np.clip(values / top, -1, 1) if top > 0 else np.zeros_like(values)


def coloured(values: ArrayLike, ink: ArrayLike | None = None) -> NDArray[np.uint8]:
    """A map float (h, w), signed -> uint8 (h, w, 3): red > 0, blue < 0, white 0; ink float (h, w)
    in [0, 1] (the model's input), if given, shows in grey where the evidence is weak."""
    s = strength(values)[..., None]
    base = PAPER if ink is None else PAPER + (INK_GREY - PAPER) * np.clip(np.asarray(ink, np.float32), 0, 1)[..., None]
    colour = np.where(s > 0, TOWARD, AGAINST)
    return np.round(base + (colour - base) * np.abs(s)).astype(np.uint8)


def map_image(values: ArrayLike, ink: ArrayLike | None, side: int) -> Image.Image:
    """A Pillow RGB image side x side px of a 28x28 map (square pixels)."""
    return Image.fromarray(coloured(values, ink)).resize((side, side), Image.Resampling.NEAREST)


def overlay(values: ArrayLike, model_input: ArrayLike, size: tuple[int, int]) -> Image.Image:
    """A map laid over the drawing: a Pillow RGBA image of `size` (w, h), to be placed on the digit's box.

    The model input is the digit's ink scaled into 28x28 and centred, so the part of the map
    within the input's ink extent is stretched onto the box (the ink's extent in the drawing).
    Transparent where the map is 0.
    """
    model_input = np.asarray(model_input, np.float32)
    rows, cols = np.nonzero(model_input > 0)
    if not rows.size:
        return Image.new("RGBA", size, (0, 0, 0, 0))
    crop = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    s = strength(values)[crop]
    rgb = np.where(s[..., None] > 0, TOWARD, AGAINST)
    alpha = np.abs(s) * 230  # never quite opaque: the ink shows through
    rgba = np.dstack([rgb, alpha]).round().astype(np.uint8)
    return Image.fromarray(rgba, "RGBA").resize((max(1, size[0]), max(1, size[1])), Image.Resampling.BILINEAR)


def legend(width: int, height: int = 12) -> Image.Image:
    """A colour bar, blue (toward the runner-up, or away from the answer) through white to red (toward the
    answer): uint8 RGB Pillow image; `Explanation.ends` gives the words for its ends."""
    s = np.linspace(-1, 1, width, dtype=np.float32)[None, :, None]
    row = np.where(s > 0, TOWARD, AGAINST)
    bar = PAPER + (row - PAPER) * np.abs(s)
    return Image.fromarray(np.repeat(bar, height, axis=0).round().astype(np.uint8))


def channel_tiles(layer: Layer, count: int, tile: int, columns: int | None = None) -> Image.Image:
    """A layer's `count` strongest channels (evidence.Layer) side by side, each tile x tile px, white on
    black on one scale for the whole layer (a weak channel looks weak). A 1x1 layer's channels (c values)
    show as one strip of cells instead, strongest first. Returns a Pillow "L" image."""
    activations = layer.activations
    top = float(activations.max()) or 1.0
    h, w, _ = activations.shape
    if (h, w) == (1, 1):
        values = activations[0, 0, layer.order] / top
        cells = min(len(values), count * 4)
        strip = np.round(np.clip(values[:cells], 0, 1) * 255).astype(np.uint8)[None]
        cell = max(2, (count * (tile + TILE_GAP)) // cells)
        return Image.fromarray(strip).resize((cells * cell, tile // 2), Image.Resampling.NEAREST)
    channels = layer.order[:count]
    columns = columns or len(channels)
    rows = -(-len(channels) // columns)
    sheet = Image.new("L", (columns * (tile + TILE_GAP) - TILE_GAP, rows * (tile + TILE_GAP) - TILE_GAP), 255)
    for k, channel in enumerate(channels):
        values = np.round(np.clip(activations[..., channel] / top, 0, 1) * 255).astype(np.uint8)
        image = Image.fromarray(values).resize((tile, tile), Image.Resampling.NEAREST)
        sheet.paste(image, ((k % columns) * (tile + TILE_GAP), (k // columns) * (tile + TILE_GAP)))
    return sheet


def channel_image(layer: Layer, channel: int, side: int) -> Image.Image:
    """One channel of a layer large, side x side px, white on black on the layer's scale: Pillow "L"."""
    top = float(layer.activations.max()) or 1.0
    values = np.round(np.clip(layer.activations[..., channel] / top, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(values).resize((side, side), Image.Resampling.NEAREST)


# The pen's path drawn in its order: light where the pen began, dark where it ended.
PATH_START = np.array([107, 174, 214], np.float32)
PATH_END = np.array([8, 48, 107], np.float32)
STROKE_START = (214, 39, 40)  # a dot where each stroke begins, numbered in drawing order


def drawing_order(strokes: Sequence[Sequence[tuple[float, float]]], side: int, width: float = 3.0) -> Image.Image:
    """A drawing's strokes ([(x, y), ...] polylines, any units, y down) fitted into a `side` px square (RGB,
    white), each bit of ink coloured by how far along the whole path it came (PATH_START to PATH_END), with a
    numbered dot where each stroke began: how it was drawn, which is what the path model reads."""
    image = Image.new("RGB", (side, side), (255, 255, 255))
    drawn = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes if len(s)]
    if not drawn:
        return image
    points = np.concatenate(drawn)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = side * 0.12
    scale = (side - 2 * margin) / max(float((high - low).max()), 1e-9)
    centre = (low + high) / 2
    fitted = [(s - centre) * scale + side / 2 for s in drawn]
    lengths = [np.hypot(*np.diff(s, axis=0).T) if len(s) > 1 else np.zeros(0) for s in fitted]
    total = max(sum(float(steps.sum()) for steps in lengths), 1e-9)
    draw = ImageDraw.Draw(image)
    done = 0.0
    for stroke, steps in zip(fitted, lengths):
        for (a, b), step in zip(itertools.pairwise(stroke), steps):
            share = (done + step / 2) / total
            colour = tuple(int(v) for v in np.round(PATH_START + (PATH_END - PATH_START) * share))
            draw.line((*a, *b), fill=colour, width=max(1, round(width)))
            done += float(step)
    radius = max(2.0, width)
    for number, stroke in enumerate(fitted, start=1):
        x, y = stroke[0]
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=STROKE_START)
        if len(fitted) > 1:
            draw.text((x + radius + 1, y - 2 * radius - 2), str(number), fill=STROKE_START)
    return image
