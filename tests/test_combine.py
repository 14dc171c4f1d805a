"""The picture and the path combined, and when their disagreement makes the answer "not sure"."""

import numpy as np

from digitrec import combine


def sure(digit, p=0.96):
    """float (10,): `p` on `digit`, the rest shared by the others."""
    out = np.full(10, (1 - p) / 9)
    out[digit] = p
    return out


def test_weight_zero_is_the_picture_alone_and_one_the_path_alone():
    picture, path = np.array([sure(1)]), np.array([sure(7)])
    assert combine.combined(picture, path, 0.0).argmax() == 1
    assert combine.combined(picture, path, 1.0).argmax() == 7


def test_the_combination_is_a_probability_distribution():
    rng = np.random.default_rng(0)
    picture, path = rng.dirichlet(np.ones(10), 5), rng.dirichlet(np.ones(10), 5)
    p = combine.combined(picture, path, 0.3)
    assert p.dtype == np.float32 and np.allclose(p.sum(axis=1), 1) and (p >= 0).all()


def test_a_sure_model_outweighs_an_unsure_one_at_equal_weight():
    unsure_seven = np.full(10, 0.08)
    unsure_seven[7] = 0.28
    assert combine.combined(np.array([unsure_seven]), np.array([sure(1, 0.99)]), 0.5).argmax() == 1


def test_two_sure_models_of_different_digits_disagree():
    assert combine.disagree(np.array([sure(1)]), np.array([sure(7)]), 0.9).tolist() == [True]


def test_models_that_agree_or_are_unsure_do_not_disagree():
    assert combine.disagree(np.array([sure(7)]), np.array([sure(7)]), 0.9).tolist() == [False]
    assert combine.disagree(np.array([sure(1, 0.6)]), np.array([sure(7)]), 0.9).tolist() == [False]


def test_choose_picks_a_weight_that_reads_the_most_digits_right():
    # The picture is right on the first half, unsure on the second, where the path is right.
    labels = np.array([1] * 20 + [7] * 20)
    picture = np.array([sure(1)] * 20 + [sure(1, 0.5)] * 20)
    path = np.array([sure(1, 0.5)] * 20 + [sure(7, 0.99)] * 20)
    chosen = combine.choose(picture, path, labels)
    assert chosen["right"] == 40 and 0 < chosen["weight"] < 1


def test_choose_takes_no_margin_that_costs_too_many_right_answers():
    labels = np.array([1] * 100)
    picture, path = np.array([sure(1, 0.99)] * 100), np.array([sure(1, 0.99)] * 99 + [sure(7, 0.99)])
    chosen = combine.choose(picture, path, labels)
    assert chosen["right_lost"] <= combine.MAX_RIGHT_LOST * chosen["right"]
