"""Strokes read by their picture and their path: the bundled path model beside the bundled picture model."""

import numpy as np
import pytest
from strokes import digits, numbers

from digitrec import Recognizer, bundle, combine, paper
from digitrec.image import render_strokes
from digitrec.recognize import _ink_of_strokes, _strokes_by_box


@pytest.fixture(scope="module")
def recognizer():
    if not bundle.path_model_path().is_file():
        pytest.skip("no bundled path model")
    return Recognizer().load()


def test_the_bundled_model_has_a_path_model_beside_it():
    assert bundle.path_model_path().name == "digitrec.path.onnx"
    assert bundle.load_path_session() is not None


def test_mouse_drawn_digits_of_every_style_are_read_with_their_paths(recognizer):
    drawings = digits(per_digit=10)
    right = sum(recognizer.digit_from_strokes(d.strokes, d.pen_width).digit == int(d.text) for d in drawings)
    assert right >= 0.97 * len(drawings)


def test_mouse_drawn_numbers_are_read_with_each_digits_own_path(recognizer):
    drawings = numbers(count=20)
    right = sum(recognizer.number_from_strokes(d.strokes, d.pen_width).text == d.text for d in drawings)
    assert right >= 0.9 * len(drawings)


def test_each_stroke_goes_to_the_digit_whose_box_holds_it():
    one, seven_top, seven_bar = [(10, 10), (10, 90)], [(50, 10), (90, 10), (60, 90)], [(55, 50), (85, 50)]
    boxes = [(5, 5, 15, 95), (45, 5, 95, 95)]
    assert _strokes_by_box([one, seven_top, seven_bar], boxes) == [[one], [seven_top, seven_bar]]


def test_a_stroke_outside_every_box_goes_to_the_nearest():
    boxes = [(0, 0, 10, 10), (100, 0, 110, 10)]
    assert _strokes_by_box([[(80, 5), (90, 5)]], boxes) == [[], [[(80, 5), (90, 5)]]]


def test_a_drawing_read_as_no_digit_gives_no_groups():
    assert _strokes_by_box([[(0, 0), (1, 1)]], []) == []


def test_the_path_changes_the_answer_only_through_the_combination(recognizer):
    drawing = digits(per_digit=1)[7]
    result = recognizer.digit_from_strokes(drawing.strokes, drawing.pen_width)
    assert np.isclose(result.probabilities.sum(), 1, atol=1e-5) and result.digit == int(result.probabilities.argmax())


def test_a_threshold_set_by_the_caller_still_marks_answers_not_sure():
    if not bundle.path_model_path().is_file():
        pytest.skip("no bundled path model")
    drawing = digits(per_digit=1)[3]
    assert not Recognizer(threshold=1.01).digit_from_strokes(drawing.strokes, drawing.pen_width).confident


def test_an_image_is_read_by_the_picture_alone_as_before(recognizer, monkeypatch):
    # An image has no path: the path model is never asked, and the answer is the picture model's own.
    drawing = digits(per_digit=1)[4]
    image = render_strokes(drawing.strokes, drawing.pen_width)
    before_digit, before_number = recognizer.digit(image), recognizer.number(image)

    def no_path():
        raise AssertionError("the path model was asked about an image")

    monkeypatch.setattr(recognizer, "_path_model", no_path)
    assert np.array_equal(recognizer.digit(image).probabilities, before_digit.probabilities)
    assert [d.digit for d in recognizer.number(image).digits] == [d.digit for d in before_number.digits]
    alone = Recognizer(str(bundle.exported_path()), threshold=recognizer.threshold)
    monkeypatch.setattr(alone, "_path_model", no_path)
    np.testing.assert_array_equal(alone.digit(image).probabilities, before_digit.probabilities)


def test_each_reading_is_kept_beside_the_answer_it_made(recognizer):
    drawing = digits(per_digit=1)[2]
    result = recognizer.digit_from_strokes(drawing.strokes, drawing.pen_width)
    picture, path = result.picture_probabilities, result.path_probabilities
    assert np.isclose(picture.sum(), 1, atol=1e-5) and np.isclose(path.sum(), 1, atol=1e-5)
    np.testing.assert_allclose(result.model_probabilities, combine.combined(picture[None], path[None])[0], atol=1e-6)
    image = recognizer.digit(render_strokes(drawing.strokes, drawing.pen_width))
    assert image.picture_probabilities is None and image.path_probabilities is None


def test_strokes_are_read_as_the_ink_the_window_draws_without_looking_for_paper():
    for drawing in digits(per_digit=2):
        picture = render_strokes(drawing.strokes, drawing.pen_width)
        np.testing.assert_array_equal(_ink_of_strokes(drawing.strokes, drawing.pen_width), paper.to_ink(picture))


def test_a_profile_weighs_how_its_examples_were_drawn(own_profiles):
    drawings = [d for d in digits(per_digit=3) if d.text == "4"]
    alice = Recognizer(profile="alice").load()
    taught = alice.digit_from_strokes(drawings[0].strokes, drawings[0].pen_width)
    alice.learn_input(taught.model_input, 4, source="teach", strokes=taught.strokes)
    alice.learn_input(taught.model_input, 4, source="teach")  # the same, without its strokes
    paths = alice._reading.state[0].paths
    assert paths.shape == (2, 64) and not np.isnan(paths[0]).any() and np.isnan(paths[1]).all()
    other = alice.digit_from_strokes(drawings[1].strokes, drawings[1].pen_width)
    with_path = alice.nearest_examples(other.model_input, other.strokes)[4][1]
    assert with_path != alice.nearest_examples(other.model_input)[4][1]
