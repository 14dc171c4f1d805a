"""MNIST digits redrawn with an even pen, for training: what the window's strokes look like.

MNIST's writers used pens and pencils whose strokes vary in width and darkness;
the window draws every stroke with one round pen, and the recogniser brings it to
MNIST's median width. A share of the training digits is redrawn that way: each
digit's centre lines, traced at 4x, drawn again with an even round pen of a random
width within MNIST's own range (2-3.5 px), and scaled back to 28x28.
"""

import cv2
import numpy as np
from skimage.morphology import skeletonize

SCALE = 4  # trace at 112x112: centre lines at 28x28 are too coarse to redraw
INK = 96  # grey level (of 255) above which a pixel is stroke when tracing
WIDTH_RANGE = (2.0, 3.5)  # pen widths, MNIST px: the 10%-90% range of MNIST's median stroke widths


def redrawn(image, width):
    """uint8 (28, 28) MNIST digit -> uint8 (28, 28), its centre lines drawn again `width` px wide."""
    big = cv2.resize(image, (28 * SCALE, 28 * SCALE), interpolation=cv2.INTER_LINEAR)
    mask = big > INK
    if not mask.any():
        return image
    centre = skeletonize(mask)
    far = cv2.distanceTransform((~centre).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    pen = (far <= width * SCALE / 2).astype(np.float32)
    return (cv2.resize(pen, (28, 28), interpolation=cv2.INTER_AREA) * 255).round().astype(np.uint8)


def redraw_share(images, share, rng):
    """uint8 (n, 28, 28) -> a copy with a random `share` of them redrawn (widths drawn from WIDTH_RANGE)."""
    out = images.copy()
    chosen = np.flatnonzero(rng.random(len(images)) < share)
    for i, width in zip(chosen, rng.uniform(*WIDTH_RANGE, len(chosen))):
        out[i] = redrawn(images[i], width)
    return out
