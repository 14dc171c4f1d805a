"""Specification of the synthetic pens that the accuracy benches and tests draw with."""

import numpy as np
import pytest
from scipy import ndimage

from digitrec import preprocess, synthetic

HEIGHT = 100  # px; one MNIST pixel is HEIGHT / 20 px of canvas


def strokes_of(ink):
    return ndimage.label(ink > 0.5, structure=np.ones((3, 3)))[1]


@pytest.fixture
def digit_with_a_faint_stroke():
    """A digit crop like MNIST's: a solid downstroke and, apart from it, a stroke that
    anti-aliasing left grey (a thin stroke the writer drew, not a missing one)."""
    ink = np.zeros((20, 12), np.float32)
    ink[:, 8:11] = 1.0
    ink[2, 1:6] = 0.35
    return ink


def test_a_thick_pen_draws_the_faint_strokes_too(digit_with_a_faint_stroke):
    # (The thin pen shaves strokes, and can still shave away one thinner than its shave.)
    assert strokes_of(synthetic.scaled(digit_with_a_faint_stroke, HEIGHT, "thick")) == 2


def test_a_thick_pen_is_about_twice_as_wide_as_mnist_and_a_thin_one_narrower(mnist):
    (images, _), _ = mnist
    widths = {
        pen: np.median([synthetic.pen_width(image, pen, HEIGHT) for image in images[:200]]) for pen in ("thin", "thick")
    }  # in MNIST px
    assert widths["thin"] < preprocess.MNIST_STROKE_RANGE[0]  # thinner than nearly all of MNIST
    assert widths["thick"] >= 1.7 * preprocess.MNIST_STROKE_WIDTH  # about twice MNIST's median


def test_a_thick_pen_grows_strokes_outward_too():
    # A marker's outer strokes bulge past where a thin pen's would end; cut flat at the thin
    # digit's box, a narrow '8' or '0' became a slab that reads as '1'.
    ink = np.zeros((20, 10), np.float32)
    ink[:, 4:6] = 1.0  # a '1', 20 MNIST px tall
    thick = synthetic.scaled(ink, HEIGHT, "thick") > 0.5
    normal = synthetic.scaled(ink, HEIGHT, "normal") > 0.5
    rows, _ = np.nonzero(thick)
    grown = 0.9 * HEIGHT / 20  # the pen's radius, px
    assert rows.max() - rows.min() + 1 >= normal.shape[0] + 1.5 * grown
