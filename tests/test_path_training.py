"""The path model's training data: pen digits varied as people and devices vary them."""

import numpy as np

from digitrec import path_training, pen_path
from digitrec.pendigits import PenDigit

ZERO = PenDigit(0, 1, (tuple((100 + 60 * np.cos(a), 100 + 90 * np.sin(a)) for a in np.linspace(0, 6.2, 30)),))
SEVEN = PenDigit(7, 1, (((0, 0), (100, 0), (40, 150)),))
FOUR = PenDigit(4, 1, (((30, 0), (0, 80), (90, 80)), ((70, 20), (70, 160))))


def test_each_digit_gives_its_copies_with_its_label():
    x, y = path_training.training_data(
        [ZERO, SEVEN, FOUR], copies=3, slashed_zero_copies=0, crossed_seven_copies=0, seed=0
    )
    assert x.shape == (9, pen_path.POINTS, pen_path.CHANNELS) and x.dtype == np.float32
    assert y.tolist() == [0, 0, 0, 7, 7, 7, 4, 4, 4]


def test_zeros_get_slashed_copies_and_one_stroke_sevens_crossed_ones():
    _, y = path_training.training_data(
        [ZERO, SEVEN, FOUR], copies=1, slashed_zero_copies=2, crossed_seven_copies=3, seed=0
    )
    assert y.tolist() == [0] * 3 + [7] * 4 + [4]


def test_a_slashed_zero_is_drawn_as_a_second_stroke():
    x, _ = path_training.training_data([ZERO], copies=0, slashed_zero_copies=1, crossed_seven_copies=0, seed=0)
    assert x[0, :, 4].sum() >= 1  # the pen was put down again for the slash


def test_a_crossed_seven_has_a_bar_across_its_stem_drawn_left_to_right():
    strokes = path_training.crossed([list(SEVEN.strokes[0])], np.random.default_rng(0))
    bar = np.array(strokes[-1])
    assert len(strokes) == 2 and bar[-1, 0] > bar[0, 0]
    stem_x = 100 - 60 * bar[:, 1].mean() / 150  # where the stem, (100, 0) to (40, 150), is at the bar's height
    assert bar[:, 0].min() < stem_x < bar[:, 0].max()


def test_varied_copies_differ_from_each_other_but_keep_the_ink():
    rng = np.random.default_rng(0)
    a, b = (path_training.strokes_varied(FOUR.strokes, rng) for _ in range(2))
    assert not np.allclose(pen_path.features(a), pen_path.features(b))
    assert sum(len(s) for s in a) == sum(len(s) for s in FOUR.strokes)


def test_the_same_seed_gives_the_same_data():
    first = path_training.training_data([FOUR, ZERO], 2, 1, 1, seed=5)
    again = path_training.training_data([FOUR, ZERO], 2, 1, 1, seed=5)
    assert np.array_equal(first[0], again[0])
