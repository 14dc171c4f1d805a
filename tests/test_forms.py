"""The world's digit forms drawn onto MNIST's: a flag on '1's, a crossbar on '7's."""

import numpy as np
import pytest

from digitrec import forms


@pytest.fixture(scope="module")
def digits(mnist):
    (images, labels), _ = mnist
    return images[:2000], labels[:2000]


def test_forms_are_mnist_shaped_copies_of_ones_and_sevens(digits):
    images, labels = digits
    extra, extra_labels = forms.with_world_forms(images, labels, np.random.default_rng(0))
    assert extra.dtype == np.uint8 and extra.shape[1:] == (28, 28)
    assert set(extra_labels) == {1, 7}
    # Every '1' whose stem doesn't lean too far, and about 40% of the '7's.
    assert 0.8 * (labels == 1).sum() <= (extra_labels == 1).sum() <= (labels == 1).sum()
    assert 0.3 * (labels == 7).sum() <= (extra_labels == 7).sum() <= 0.5 * (labels == 7).sum()
    # Normalised as MNIST is: the longer side 20 px, inside the 28x28.
    for image in extra[:50]:
        rows, cols = np.nonzero(image > 25)
        assert max(np.ptp(rows), np.ptp(cols)) + 1 in (19, 20, 21)


def test_the_same_seed_gives_the_same_forms(digits):
    images, labels = digits
    first = forms.with_world_forms(images[:300], labels[:300], np.random.default_rng(4))
    again = forms.with_world_forms(images[:300], labels[:300], np.random.default_rng(4))
    np.testing.assert_array_equal(first[0], again[0])


def test_a_flagged_one_has_a_long_flag_falling_to_the_left_of_its_top(digits):
    images, labels = digits
    rng = np.random.default_rng(1)
    for image in images[labels == 1][:40]:
        flagged = forms.flagged_one(image, rng)
        if flagged is None:
            continue
        ink = flagged > 64
        rows = np.flatnonzero(ink.any(axis=1))
        top, height = rows[0], np.ptp(rows) + 1
        stem_top = np.flatnonzero(ink[top]).mean()
        upper = np.nonzero(ink[top:top + 3 * height // 4])[1]
        assert stem_top - upper.min() >= 0.3 * height  # the flag reaches far left of the stem's top
        # ...and falls: its end is well below the top, no '7's level bar.
        end_row = np.nonzero(ink[:, upper.min()])[0].mean()
        assert end_row - top >= 0.15 * height


def _widest_middle_row(image):
    """The most ink px in one row between 40% and 75% of the digit's height."""
    rows = np.flatnonzero((image > 64).any(axis=1))
    middle = image[rows[0] + (np.ptp(rows) * 2) // 5: rows[0] + (np.ptp(rows) * 3) // 4]
    return int((middle > 64).sum(axis=1).max())


def test_a_crossed_seven_has_a_bar_across_its_stem_below_the_middle(digits):
    images, labels = digits
    rng = np.random.default_rng(2)
    pairs = [(plain, forms.crossed_seven(plain, rng)) for plain in images[labels == 7][:40]]
    pairs = [(plain, crossed) for plain, crossed in pairs if crossed is not None]
    assert len(pairs) >= 35
    wider = [_widest_middle_row(crossed) >= _widest_middle_row(plain) + 3 for plain, crossed in pairs]
    assert np.mean(wider) >= 0.9
