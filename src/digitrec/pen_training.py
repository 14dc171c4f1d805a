"""Real people's pen digits as training images, and the forms they lack, synthesised.

MNIST's writers were American: a '1' is a bare stroke, a '7' has no bar, a '0'
no slash. The pen digits of UCI's writers 1-20 (`digitrec.pendigits`) bring
flagged '1's, crossed '7's, open '4's and curled '9's; nobody among them slashes
a '0', so slashed zeros are drawn onto their zeros here. Each digit becomes a
training image the way the window reads a drawing: its strokes varied a little
(turned, sheared, stretched), fitted to the canvas, drawn with a pen of random
width, and preprocessed by `digitrec.preprocess` exactly as the recogniser
does. What the model trains on is then what it will be asked to read.
"""

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from digitrec import paper, preprocess
from digitrec.image import Point, Strokes, render_strokes
from digitrec.pendigits import PenDigit, fitted

# How much a training copy's strokes vary: people turn, slant and stretch their digits.
MAX_TURN_DEGREES = 8
MAX_SHEAR = 0.2
MAX_STRETCH = 1.2  # width scaled by 1/1.2 .. 1.2
PEN_WIDTHS = (6, 20)  # px on the 280 px canvas; the window's pen is 12
# A slash through a '0': steeper than the diagonal, since a '0' is taller than wide; it reaches
# past the oval at both ends by a share of the way from the centre to the oval's box.
SLASH_DEGREES = (40, 80)
SLASH_REACH = (0.05, 1.0)
SLASH_OFFSET = 0.1  # the slash's centre is within this share of the width of the oval's
SLASH_BACKWARDS = 0.2  # share of slashes from upper left to lower right, against the usual way


def training_images(
    digits: Sequence[PenDigit], copies: int, slashed_zero_copies: int, seed: int | None
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The pen digits as MNIST-like images.

    digits: list of PenDigit; each gives `copies` varied images, and each '0' also
    `slashed_zero_copies` images with a slash drawn through it.
    Returns (uint8 (n, 28, 28) in 0..255, ink bright, as MNIST; uint8 (n,) labels 0..9).
    """
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit in digits:
        variants = [varied(digit.strokes, rng) for _ in range(copies)]
        if digit.label == 0:
            variants += [slashed(varied(digit.strokes, rng), rng) for _ in range(slashed_zero_copies)]
        for strokes in variants:
            image = model_input(strokes, rng.uniform(*PEN_WIDTHS))
            if image is not None:
                images.append(image)
                labels.append(digit.label)
    return np.stack(images), np.array(labels, np.uint8)


def model_input(strokes: Strokes, pen_width: float) -> NDArray[np.uint8] | None:
    """Strokes (any units, y down) -> uint8 (28, 28), as the recogniser would see them drawn in the
    window; None if nothing is left of them."""
    drawing = render_strokes(fitted(strokes), pen_width)
    found = preprocess.locate_digit(paper.to_ink(drawing))
    return None if found is None else np.round(found[1] * 255).astype(np.uint8)


def varied(strokes: Strokes, rng: np.random.Generator) -> list[list[Point]]:
    """The strokes turned, sheared and stretched at random about their centre: list of [(x, y), ...]."""
    turn = math.radians(rng.uniform(-MAX_TURN_DEGREES, MAX_TURN_DEGREES))
    shear = rng.uniform(-MAX_SHEAR, MAX_SHEAR)
    stretch = math.exp(rng.uniform(-math.log(MAX_STRETCH), math.log(MAX_STRETCH)))
    cos, sin = math.cos(turn), math.sin(turn)
    # x' = stretch * (x + shear * y), then turned; y points down, as on a screen.
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[stretch, stretch * shear], [0.0, 1.0]])
    points = np.concatenate([np.asarray(s, np.float64) for s in strokes])
    centre = (points.max(axis=0) + points.min(axis=0)) / 2
    return [((np.asarray(s, np.float64) - centre) @ matrix.T).tolist() for s in strokes]


def slashed(strokes: Strokes, rng: np.random.Generator) -> list[list[Point]]:
    """A '0's strokes with a straight slash through the oval, reaching past it at both ends."""
    points = np.concatenate([np.asarray(s, np.float64) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    half_width, half_height = (high - low) / 2
    centre = (low + high) / 2 + [rng.uniform(-SLASH_OFFSET, SLASH_OFFSET) * 2 * half_width, 0.0]
    angle = math.radians(rng.uniform(*SLASH_DEGREES))
    direction = np.array([math.cos(angle), -math.sin(angle)])  # up and to the right (y down)
    if rng.random() < SLASH_BACKWARDS:
        direction[1] = -direction[1]  # down and to the right
    # From the centre to the oval's box along the slash, then a little beyond, each end its own.
    to_edge = min(half_width / max(abs(direction[0]), 1e-6), half_height / max(abs(direction[1]), 1e-6))
    start = centre - direction * to_edge * (1 + rng.uniform(*SLASH_REACH))
    end = centre + direction * to_edge * (1 + rng.uniform(*SLASH_REACH))
    slash = [start + (end - start) * t for t in np.linspace(0, 1, 8)]
    return [*[[(x, y) for x, y in s] for s in strokes], [(x, y) for x, y in slash]]
