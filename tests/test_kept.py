"""What a profile learns from answers the person kept (digitrec.kept), and what a correction does to those."""

import numpy as np
import pytest
import strokes

from digitrec import Recognizer, kept
from digitrec.image import render_strokes
from digitrec.profile import Profile
from digitrec.recognize import ProfileConflict

FOUR = strokes.write("4", height=200).strokes
DASH = [[(60, 150), (220, 156)]]
# A zigzag across the canvas, as someone trying the pen.
ZIGZAG = [[(40 + 15 * i, 60 if i % 2 else 220) for i in range(14)]]
# A '1' with a long flag: the bundled model reads it '7' (0.998).
FLAGGED_ONE = [[(70, 80), (150, 40), (150, 260)]]
LONG_AGO = 5.0  # s the answer had shown: a kept answer in every other respect


@pytest.fixture
def alice():
    return Recognizer(profile="alice").load()


def read(recognizer, lines):
    return recognizer.digit(render_strokes(lines, 12))


def test_a_clear_digit_kept_after_a_look_is_learnt(alice):
    assert kept.why_not_learn(alice, read(alice, FOUR), LONG_AGO, False, FOUR) is None


def test_an_answer_cleared_at_once_or_while_drawing_is_not_learnt(alice):
    four = read(alice, FOUR)
    assert kept.why_not_learn(alice, four, 0.3, False, FOUR) == "cleared as soon as it showed"
    assert kept.why_not_learn(alice, four, LONG_AGO, True, FOUR) == "you were still drawing"


def test_a_dash_is_not_learnt(alice):
    dash = read(alice, DASH)
    assert kept.why_not_learn(alice, dash, LONG_AGO, False, DASH) in {
        "it was not sure",
        "it does not look like a digit",
    }


def test_a_zigzag_the_model_is_sure_of_is_not_learnt_as_a_scribble(alice):
    zigzag = read(alice, ZIGZAG)
    assert kept.why_not_learn(alice, zigzag, LONG_AGO, False, ZIGZAG) is not None
    assert kept.ink_length(ZIGZAG) > kept.MAX_INK_LENGTH > kept.ink_length(FOUR)


def test_a_drawing_already_in_the_profile_is_not_learnt_again(alice):
    four = read(alice, FOUR)
    alice.learn_input(four.model_input, 4, source="kept")
    assert kept.why_not_learn(alice, read(alice, FOUR), LONG_AGO, False, FOUR) == "it is already in your profile"


def test_ink_length_is_the_inks_length_over_its_boxs_diagonal():
    assert kept.ink_length([[(0, 0), (30, 40)]]) == pytest.approx(1.0)
    assert kept.ink_length([[(0, 0), (30, 40), (0, 0)]]) == pytest.approx(2.0)
    assert kept.ink_length([]) == 0.0


def test_a_numbers_strokes_go_to_the_digit_whose_box_holds_them():
    left, right = [(10, 10), (10, 50), (12, 90)], [(110, 10), (140, 50)]
    assert kept.strokes_of((0, 0, 50, 100), [left, right]) == [left]
    assert kept.strokes_of((100, 0, 150, 100), [left, right]) == [right]


def test_a_correction_replaces_kept_examples_it_contradicts_without_asking(alice):
    seven = read(alice, FLAGGED_ONE)
    assert seven.digit == 7
    stored = alice.learn_input(seven.model_input, 7, source="kept")  # a wrong answer cleared uncorrected
    one = alice.learn(render_strokes(FLAGGED_ONE, 12), 1, source="correction")  # no ProfileConflict
    assert [e.id for e in Profile("alice").examples()] == [one.id] and stored.id != one.id
    assert read(alice, FLAGGED_ONE).digit == 1


def test_a_correction_still_asks_before_replacing_what_the_person_taught(alice):
    alice.learn(render_strokes(FLAGGED_ONE, 12), 7, source="teach")
    with pytest.raises(ProfileConflict):
        alice.learn(render_strokes(FLAGGED_ONE, 12), 1, source="correction")


def test_a_kept_answer_replaces_nothing(alice):
    alice.learn(render_strokes(FLAGGED_ONE, 12), 1, source="correction")
    with pytest.raises(ProfileConflict):
        alice.learn(render_strokes(FLAGGED_ONE, 12), 7, source="kept")
    assert [e.label for e in alice.examples] == [1]


def test_an_answer_an_example_decided_is_not_a_flat_certainty_and_keeps_the_models_own(alice):
    alice.learn(render_strokes(FLAGGED_ONE, 12), 1, source="correction")
    again = alice.digit(render_strokes([[(280, 124), (330, 100), (330, 232)]], 8))
    assert again.from_profile and again.digit == 1
    assert 0.5 < again.confidence < 1.0
    assert again.model_digit == 7 and again.model_confidence > 0.9
    assert np.isclose(again.probabilities.sum(), 1.0, atol=1e-5)


def test_where_the_person_taught_the_digit_a_kept_one_must_look_like_theirs(alice):
    # Their '1' has a flag: a bare stem (a '4' left half done) reads as a sure '1', but not one of theirs.
    alice.learn(render_strokes(FLAGGED_ONE, 12), 1, source="teach")
    stem = [[(150, 40), (150, 260)]]
    result = read(alice, stem)
    assert (result.digit, result.confident) == (1, True)
    assert kept.why_not_learn(alice, result, LONG_AGO, False, stem) == "it does not look like your 1s"
    smaller = [[(120, 90), (160, 60), (160, 230)]]  # their flagged form, drawn again
    assert kept.why_not_learn(alice, read(alice, smaller), LONG_AGO, False, smaller) is None
