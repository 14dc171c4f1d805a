"""Specification of the recogniser: real-world ink in, the right digit out."""

import contextlib
import warnings

import cv2
import numpy as np
import pytest
from PIL import Image

from digitrec import Recognizer, paper, preprocess, synthetic
from digitrec.image import render_strokes
from digitrec.recognize import NoInkError

SEVEN = [[(20, 20), (120, 20), (60, 180)]]
FOUR_IN_TWO_STROKES = [[(60, 20), (20, 120), (110, 120)], [(90, 60), (90, 200)]]
SEVEN_WITH_CROSSBAR = [[(20, 20), (120, 20), (60, 180)], [(55, 100), (110, 100)]]
ONE = [[(50, 10), (50, 200)]]
# An open '4' as many people write it: the stem stands apart from the end of the bar, lower down.
FOUR_STEM_APART = [[(30, 20), (20, 130), (100, 130)], [(120, 60), (116, 220)]]
FIVE_BAR_APART = [[(30, 40), (26, 110), (60, 95), (90, 120), (95, 160), (70, 195), (30, 190)], [(45, 20), (110, 18)]]


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer().load()


def mnist_digit(mnist, index):
    _, (images, labels) = mnist
    return images[index], int(labels[index])


def on_canvas(ink_image, size=(400, 300), at=(0, 0), scale=1.0):
    """Paste a grey picture (0 = paper) onto a larger white canvas, dark ink."""
    small = Image.fromarray(ink_image).resize((int(28 * scale), int(28 * scale)), Image.Resampling.BILINEAR)
    canvas = np.zeros(size[::-1], np.uint8)
    x, y = at
    canvas[y : y + small.height, x : x + small.width] = np.asarray(small)
    return Image.fromarray(255 - canvas)


def test_a_small_digit_in_a_corner_is_recognised(recognizer, mnist):
    image, label = mnist_digit(mnist, 0)
    assert recognizer.digit(on_canvas(image, at=(360, 0), scale=1.4)).digit == label


def test_light_ink_on_dark_paper_reads_the_same_as_dark_on_light(recognizer, mnist):
    image, label = mnist_digit(mnist, 1)
    dark_on_light = on_canvas(image, scale=5)
    light_on_dark = Image.fromarray(255 - np.asarray(dark_on_light))
    assert recognizer.digit(dark_on_light).digit == recognizer.digit(light_on_dark).digit == label


def test_grey_tinted_paper_is_not_ink(recognizer):
    drawing = render_strokes(SEVEN, pen_width=10, size=(300, 250))
    tinted = np.asarray(drawing, np.float32) * 0.3 + 150  # ink 150, paper 226
    rng = np.random.default_rng(0)
    noisy = Image.fromarray(np.clip(tinted + rng.normal(0, 6, tinted.shape), 0, 255).astype(np.uint8))
    assert recognizer.digit(noisy).digit == 7


def photographed(image, light):
    """An MNIST digit as dark ink on a page lit by `light` ((300, 400) in [0, 1]), 140 px tall."""
    big = np.asarray(Image.fromarray(image).resize((140, 140), Image.Resampling.BILINEAR), np.float32) / 255
    return synthetic.lit(np.pad(big, ((80, 80), (130, 130))), light, np.random.default_rng(0))


@pytest.mark.parametrize("light", ["shadow from one side", "dark corners"])
def test_a_photo_with_uneven_light_is_read(recognizer, mnist, light):
    rows, cols = np.mgrid[0:1:300j, 0:1:400j]
    page = {
        "shadow from one side": 0.95 - 0.55 * cols,  # paper from 242 down to 102
        "dark corners": 0.95 - 1.2 * ((rows - 0.5) ** 2 + (cols - 0.5) ** 2),
    }[light]
    _, (images, labels) = mnist
    read = [recognizer.digit(photographed(image, page)).digit for image in images[:20]]
    assert read == list(labels[:20])


def test_strokes_running_off_the_edge_do_not_make_even_paper_look_uneven():
    page = np.full((200, 300), 0.9, np.float32)
    page[:, 140:160] = 0.1  # a stroke from top edge to bottom edge
    page[90:110, :] = 0.1  # and one from side to side
    assert paper.paper_level(page) == pytest.approx(0.9)


def test_a_digit_that_fills_its_picture_is_not_taken_for_uneven_light(mnist):
    # Like scikit-learn's digits: the digit's 20x20 box scanned at 8x8, upscaled to 64x64,
    # its strokes cross much of the border.
    _, (images, _) = mnist
    for image in images[:300]:
        scan = Image.fromarray(image[4:24, 4:24]).resize((8, 8), Image.Resampling.BOX)
        values = np.asarray(scan.resize((64, 64), Image.Resampling.BICUBIC), np.float32) / 255
        assert isinstance(paper.paper_level(values), float)


@pytest.mark.parametrize("ink, paper_alpha", [((0, 0, 0, 255), 0), ((255, 255, 255, 255), 0)])
def test_strokes_on_a_transparent_sheet_are_found_whatever_their_colour(recognizer, ink, paper_alpha):
    mask = render_strokes(SEVEN, pen_width=10, size=(200, 220))
    sheet = Image.new("RGBA", mask.size, (128, 128, 128, paper_alpha))
    sheet.paste(Image.new("RGBA", mask.size, ink), mask=Image.eval(mask, lambda v: 255 - v))
    assert recognizer.digit(sheet).digit == 7


def test_a_palette_image_is_read(recognizer):
    assert recognizer.digit(render_strokes(SEVEN, pen_width=10).convert("RGB").convert("P")).digit == 7


def test_thin_and_thick_pens_give_the_model_the_same_stroke_width():
    widths = []
    for pen in (3, 12, 40):
        found = preprocess.locate_digit(paper.to_ink(render_strokes(SEVEN, pen_width=pen)))
        widths.append(preprocess.stroke_width(found[1] > 0.5))
    low, high = preprocess.MNIST_STROKE_RANGE
    assert all(low - 0.5 <= w <= high + 0.5 for w in widths), widths


def _ink_rows(model_input):
    return np.flatnonzero(model_input.max(axis=1) > 0.3)


def test_a_fat_marker_seven_keeps_its_downstroke(recognizer):
    # The bar lies on the edge of the crop: measured without paper above it, it looked
    # as wide as the digit, and thinning erased the downstroke, leaving a '-'.
    wide_seven = [[(20, 20), (160, 20), (60, 180)]]
    result = recognizer.digit_from_strokes(wide_seven, pen_width=50)
    assert _ink_rows(result.model_input).max() >= 22  # ink reaches the bottom of the 20 px box
    assert result.digit == 7


def test_a_fat_pen_that_fills_a_loop_does_not_erase_the_stem(recognizer):
    loop = [(60 + 30 * np.cos(a), 60 + 30 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 24)]
    nine = [loop, [(90, 60), (90, 260)]]
    result = recognizer.digit_from_strokes(nine, pen_width=44)  # the loop is filled
    assert _ink_rows(result.model_input).max() >= 22
    assert result.digit == 9


def test_a_tall_thin_one_is_not_stretched_into_a_blob(recognizer):
    result = recognizer.digit_from_strokes(ONE, pen_width=8)
    columns = np.flatnonzero(result.model_input.max(axis=0) > 0.3)
    rows = np.flatnonzero(result.model_input.max(axis=1) > 0.3)
    assert result.digit == 1
    assert len(rows) >= 19 and len(columns) <= 5


def test_specks_of_noise_are_ignored(recognizer):
    image = np.asarray(render_strokes(SEVEN, pen_width=10, size=(400, 300))).copy()
    image[280:283, 380:383] = 0  # dust far away
    image[5:7, 300:302] = 0
    result = recognizer.digit(Image.fromarray(image))
    assert result.digit == 7 and result.box[2] < 200 and result.box[3] < 200


def _bar_with_rim(ink, left):
    """A 40x8 px stroke of full ink with a 2 px rim of grey 0.3 around it, as a scan's anti-aliasing leaves."""
    ink[18:62, left - 2 : left + 10] = 0.3
    ink[20:60, left : left + 8] = 1.0


def test_distances_to_paper_are_exact_so_equal_distances_tie():
    # Stroke widths are medians of ridge distances, and ridges are ties of neighbouring
    # distances: a distance off in its last bit moves both (22 thick-pen digits in 1,000 did).
    rng = np.random.default_rng(0)
    mask = np.pad(rng.random((40, 30)) < 0.8, 1)
    blank = np.argwhere(~mask)
    rows, cols = np.indices(mask.shape)
    squares = ((rows[..., None] - blank[:, 0]) ** 2 + (cols[..., None] - blank[:, 1]) ** 2).min(axis=-1)
    assert np.array_equal(preprocess.distance_to_paper(mask), np.sqrt(squares.astype(np.float64)))
    assert np.array_equal(preprocess.grown(~mask, 2.0), np.sqrt(squares) <= 2.0)


def test_median_and_percentile_are_numpys_to_the_bit():
    rng = np.random.default_rng(0)
    for size in (1, 2, 3, 10, 1117):
        for values in (rng.random(size).astype(np.float32), rng.random(size), rng.integers(0, 256, size, np.uint8)):
            for mine, numpys in (
                (paper.median(values), np.median(values)),
                *((paper.percentile(values, q), np.percentile(values, q)) for q in (50, 75, 90)),
            ):
                assert mine == numpys and type(mine) is type(numpys)


def test_pieces_come_in_reading_order_of_their_first_pixel():
    # OpenCV labels two rows at a time, so it numbers the left piece, a row lower, first.
    ink = np.zeros((6, 12), np.float32)
    ink[1:4, 1] = 1.0  # starts on row 1, left
    ink[0, 6:9] = 1.0  # starts on row 0, right
    ink[3:5, 10] = 1.0  # starts on row 3
    _, kept = preprocess.pieces(ink)
    assert [(box[0].start, box[1].start) for _, box in kept] == [(0, 6), (1, 1), (3, 10)]


def test_a_strokes_faint_rim_is_kept_with_it():
    ink = np.zeros((80, 120), np.float32)
    _bar_with_rim(ink, 20)
    labels, kept = preprocess.pieces(ink)
    box, crop = preprocess.crop_pieces(ink, labels, kept)
    assert box == (slice(18, 62), slice(18, 30))
    assert crop.max() == 1.0 and np.isclose(crop.min(), 0.3)  # the grey rim, not paper, at the edges


def test_a_faint_digit_with_only_dots_of_solid_ink_is_not_taken_for_specks():
    # Like MNIST's faint scans: a stroke of grey 0.3 with a few solid dots on it, each far
    # smaller than the next digit's stroke; the faint ink holds them together.
    ink = np.zeros((80, 120), np.float32)
    _bar_with_rim(ink, 20)
    ink[20:60, 80:86] = 0.3
    for top in (25, 40, 55):
        ink[top : top + 2, 82:84] = 1.0
    boxes = [box for box, _ in preprocess.split_digits(ink)]
    assert boxes == [(18, 18, 30, 62), (80, 20, 86, 60)]


def test_a_wholly_faint_mark_is_not_a_digit():
    # A shadow or a smudge: grey 0.3 throughout, as big as the digit beside it.
    ink = np.zeros((80, 120), np.float32)
    _bar_with_rim(ink, 20)
    ink[20:60, 80:88] = 0.3
    assert [box for box, _ in preprocess.split_digits(ink)] == [(18, 18, 30, 62)]


def test_noise_or_a_solid_blob_is_not_sure(recognizer):
    # The model reads both as a '0' with over 95%; they are unlike any digit all the same.
    noise = np.random.default_rng(0).integers(0, 256, (200, 200)).astype(np.uint8)
    blob = np.full((60, 60), 255, np.uint8)
    blob[20:40, 20:40] = 0
    for image in (noise, blob):
        assert not recognizer.digit(image).confident


def test_a_blank_image_has_no_digit(recognizer):
    with pytest.raises(NoInkError):
        recognizer.digit(Image.new("L", (200, 200), 230))
    assert recognizer.number(Image.new("L", (200, 200), 230)).digits == []


def test_a_digit_drawn_in_two_separate_strokes_is_one_digit(recognizer):
    assert recognizer.number_from_strokes(FOUR_IN_TWO_STROKES, pen_width=10).text == "4"
    assert recognizer.number_from_strokes(SEVEN_WITH_CROSSBAR, pen_width=10).text == "7"


def test_a_digit_whose_strokes_stand_apart_is_one_digit_in_a_number(recognizer):
    assert recognizer.number_from_strokes(FOUR_STEM_APART, pen_width=10).text == "4"
    assert recognizer.number_from_strokes(FIVE_BAR_APART, pen_width=10).text == "5"


def test_two_digits_close_side_by_side_stay_two(recognizer):

    def shifted(strokes, dx):
        return [[(x + dx, y) for x, y in s] for s in strokes]

    assert recognizer.number_from_strokes([*ONE, *shifted(ONE, 22)], pen_width=10).text == "11"
    assert recognizer.number_from_strokes([*ONE, *shifted(FOUR_STEM_APART, 50)], pen_width=10).text == "14"
    assert recognizer.number_from_strokes([*FOUR_STEM_APART, *shifted(ONE, 130)], pen_width=10).text == "41"


def test_each_digit_of_a_number_carries_the_strokes_it_was_read_from(recognizer):
    four = [[(x + 150, y) for x, y in stroke] for stroke in FOUR_STEM_APART]
    number = recognizer.number_from_strokes([*ONE, [], *four], pen_width=10)
    assert number.text == "14"
    assert [d.strokes for d in number.digits] == [ONE, four]  # the empty stroke left out


def test_a_digit_drawn_carries_its_strokes_and_one_from_an_image_none(recognizer):
    assert recognizer.digit_from_strokes([*SEVEN_WITH_CROSSBAR, []], pen_width=10).strokes == SEVEN_WITH_CROSSBAR
    assert recognizer.digit(render_strokes(SEVEN_WITH_CROSSBAR, 10)).strokes is None
    assert all(d.strokes is None for d in recognizer.number(render_strokes(ONE, 10)).digits)


def test_a_small_digit_drawn_well_apart_from_a_tall_one_stays_a_digit(recognizer):
    # The '1' is under 70% of the '7's height, short enough to be taken for a detached bar;
    # but nothing is near it, so it is a digit of its own.
    strokes = [[(150, 95), (145, 230)], [(400, 60), (480, 60), (430, 260)]]
    assert recognizer.number_from_strokes(strokes, pen_width=12).text == "17"


def test_a_stroke_broken_into_bits_by_a_thin_pen_stays_one_digit():
    # Two full-height digits with a '1' between them whose stroke broke into three
    # slanted bits; none is tall enough to be a digit, and no two overlap much.
    ink = np.zeros((120, 200), np.float32)
    ink[10:110, 10:50] = 1.0
    ink[10:110, 150:190] = 1.0
    for top, left in [(12, 104), (45, 99), (78, 94)]:
        ink[top : top + 30, left : left + 6] = 1.0
    boxes = [box for box, _ in preprocess.split_digits(ink)]
    assert boxes == [(10, 10, 50, 110), (94, 12, 110, 108), (150, 10, 190, 110)]


def test_a_number_is_read_left_to_right(recognizer):

    def shifted(strokes, dx):
        return [[(x + dx, y) for x, y in s] for s in strokes]

    strokes = [*shifted(SEVEN, 200), *shifted(ONE, 0), *shifted(FOUR_IN_TWO_STROKES, 380)]
    result = recognizer.number_from_strokes(strokes, pen_width=10)
    assert result.text == "174"
    assert [d.box[0] for d in result.digits] == sorted(d.box[0] for d in result.digits)


@pytest.mark.parametrize("size", [1, 2, 5, 6])
def test_a_batch_gives_each_digit_the_answer_it_gets_alone(recognizer, mnist, size):
    _, (images, _) = mnist
    inputs = images[:size].astype(np.float32) / 255
    together = recognizer.probabilities(inputs)
    alone = np.concatenate([recognizer.probabilities(x[None]) for x in inputs])
    assert together.shape == (size, 10)
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_results_carry_probabilities_top_k_and_the_model_input(recognizer):
    result = recognizer.digit_from_strokes(SEVEN)
    assert result.probabilities.shape == (10,) and abs(result.probabilities.sum() - 1) < 1e-4
    assert result.top(3)[0] == (7, result.confidence) and len(result.top(3)) == 3
    assert result.model_input.shape == (28, 28) and result.model_input.dtype == np.float32
    assert result.confident


@pytest.mark.slow
def test_mnist_digits_drawn_on_a_canvas_are_read_at_least_99_percent(recognizer, mnist):
    """The full test set, each digit at a random size, place, polarity and pen (see synthetic.py)."""
    _, (images, labels) = mnist
    rng = np.random.default_rng(7)
    inputs = [preprocess.locate_digit(paper.to_ink(synthetic.drawn_digit(image, rng)))[1] for image in images]
    predicted = np.concatenate(
        [recognizer.probabilities(np.stack(inputs[i : i + 1000])).argmax(axis=1) for i in range(0, len(inputs), 1000)]
    )
    accuracy = (predicted == labels).mean()
    assert accuracy >= 0.990, f"drawn MNIST accuracy {accuracy:.2%}"


def number_accuracy(recognizer, mnist, count, seed, stroke=None):
    """Share of `count` numbers of 2-6 MNIST test digits (synthetic.drawn_numbers) read whole."""
    _, (images, labels) = mnist
    numbers = synthetic.drawn_numbers(images, labels, count, np.random.default_rng(seed), stroke)
    return sum(recognizer.number(picture).text == text for picture, text in numbers) / count


@pytest.mark.slow
def test_numbers_of_mnist_digits_are_read_at_least_98_percent(recognizer, mnist):
    """The issue's goal: MNIST test digits written left to right with gaps and jitter, in their own
    strokes. digitrec reads 98.55% of these 2,000 and 98.30% of bench/drawn_accuracy.py's 5,000."""
    accuracy = number_accuracy(recognizer, mnist, 2000, seed=11, stroke="normal")
    assert accuracy >= 0.98, f"whole-number accuracy {accuracy:.2%}"


# With a random pen (thin, normal or thick) digitrec reads 97.78% of bench/drawn_accuracy.py's 5,000
# numbers: below 98%, for single digits the model misreads, many of them loops a fat pen filled
# (see the README's Limits). This holds it below what it reaches, 98.0% of these 300.
MIN_ANY_PEN_NUMBER_ACCURACY = 0.96


def test_numbers_drawn_with_any_pen_are_read(recognizer, mnist):
    accuracy = number_accuracy(recognizer, mnist, 300, seed=11)
    assert accuracy >= MIN_ANY_PEN_NUMBER_ACCURACY, f"whole-number accuracy {accuracy:.2%}"


# ---------------------------------------------------------------- a form's printed lines

GLYPHS = {
    "7": [(0, 0), (60, 0), (20, 100)],
    "4": [(45, 100), (45, 0), (0, 70), (65, 70)],
    "1": [(30, 0), (30, 100)],
    "2": [(0, 20), (30, 0), (55, 20), (0, 100), (60, 100)],
    "0": [(30, 0), (60, 50), (30, 100), (0, 50), (30, 0)],
    "3": [(0, 5), (55, 10), (20, 50), (60, 80), (0, 100)],
}


def on_a_form(text, ruling):
    """`text` written 100 px tall, and a form's printed lines: "line" under it, "box" round it,
    "comb" (a box round each digit), or None."""
    from PIL import ImageDraw

    picture = Image.new("L", (120 + 100 * len(text), 220), 255)
    draw = ImageDraw.Draw(picture)
    for i, digit in enumerate(text):
        left = 80 + 100 * i
        draw.line([(left + x, 50 + y) for x, y in GLYPHS[digit]], fill=0, width=9, joint="curve")
        if ruling == "comb":
            draw.rectangle([left - 25, 30, left + 85, 175], outline=80, width=2)
    if ruling == "line":
        draw.line([(50, 175), (picture.width - 40, 175)], fill=0, width=3)
    if ruling == "box":
        draw.rectangle([40, 25, picture.width - 30, 180], outline=0, width=3)
    return picture


@pytest.mark.parametrize("ruling", ["line", "box", "comb"])
def test_a_forms_printed_lines_are_not_read_as_digits(recognizer, ruling):
    for text in ("2023", "1740", "71", "4", "1", "7", "0"):
        assert recognizer.number(on_a_form(text, ruling)).text == text
    for digit in "0123471":
        assert recognizer.digit(on_a_form(digit, ruling)).digit == int(digit)


def test_a_digits_own_straight_strokes_are_not_taken_for_a_forms_lines():
    # A '2' on a flat foot that reaches past its curve, a '1' on a foot, a '4' whose cross reaches
    # past its stem, a '7' with a crossbar, a lone '1': each straight stroke touches the rest, or
    # has no partner to make a box.
    for strokes in (
        [[(60, 60), (140, 40), (200, 80), (50, 220)], [(20, 222), (250, 222)]],
        [[(150, 40), (150, 220)], [(100, 222), (200, 222)]],
        [[(60, 40), (40, 150), (240, 150)], [(190, 60), (190, 250)]],
        [[(50, 40), (220, 40), (120, 250)], [(60, 140), (230, 140)]],
        [[(150, 30), (150, 260)]],
    ):
        ink = paper.to_ink(render_strokes(strokes, 10))
        assert paper.without_ruling(ink) is ink


# ---------------------------------------------------------------- a sheet photographed on a desk


def on_a_desk(sheet, desk, angle):
    """A picture of a sheet (a Pillow "L" image) turned by `angle` degrees and photographed lying
    on a desk of grey level `desk` (0-255), the desk showing all round."""
    sheet = sheet.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=desk)
    photo = Image.new("L", (sheet.width + 160, sheet.height + 120), desk)
    photo.paste(sheet, (90, 50))
    return photo


@pytest.mark.parametrize("desk", [40, 120])
@pytest.mark.parametrize("angle", [-6, 0, 4])
def test_a_sheet_photographed_on_a_darker_desk_is_read_not_taken_for_ink(recognizer, desk, angle):
    for text in ("7", "2023", "40"):
        assert recognizer.number(on_a_desk(on_a_form(text, None), desk, angle)).text == text


def test_the_desk_left_round_the_sheet_becomes_the_nearest_paper():
    rows, cols = np.mgrid[0:300, 0:400]
    photo = np.full((300, 400), 0.2, np.float32)
    sheet = (rows >= 40) & (rows < 260) & (cols >= 60) & (cols < 360)
    photo[sheet] = (0.6 + 0.35 * cols / 400)[sheet]  # lit from the right
    photo[140:160, 150:250] = 0.1  # a mark on it
    page = paper.on_the_sheet(photo)
    assert page.shape[0] < 220 and page.shape[1] < 300  # the sheet less its rim
    border = np.concatenate([page[0], page[-1]])
    assert border.min() > 0.6 and np.all(np.diff(border[: page.shape[1]]) >= 0)  # paper, its light kept
    assert (page < 0.15).sum() == 20 * 100  # the mark, whole


def test_pictures_without_a_sheet_on_a_desk_are_left_as_they_are(mnist):
    _, (images, _) = mnist
    light_zero = np.zeros((100, 100), np.uint8)
    cv2.ellipse(light_zero, (50, 50), (40, 46), 0, 0, 360, 255, 22)  # a fat light '0' filling its picture
    light_bar = np.zeros((100, 100), np.uint8)
    light_bar[5:95, 25:75] = 255  # a fat light '1'
    cols = np.mgrid[0:300, 0:400][1] / 400
    shadowed = np.asarray(photographed(images[0], 0.95 - 0.55 * cols), np.float32) / 255
    boxed = np.ones((300, 400), np.float32)  # a form's box, cut by the picture's top and bottom
    cv2.rectangle(boxed, (110, 0), (290, 299), 0.4, 2)
    boxed[80:220, 180:190] = 0.1
    for values in (
        light_zero / np.float32(255),
        light_bar / np.float32(255),
        shadowed,
        boxed,
        np.full((50, 50), 0.9, np.float32),
        *(image / np.float32(255) for image in images[:50]),
    ):
        assert paper.on_the_sheet(values) is values


# ---------------------------------------------------------------- ruled and squared paper


def on_ruled_paper(text, squared, grey, tilt):
    """`text` written on paper whose printed lines run right across it, 45 px apart (squared:
    both ways), `grey` dark (0-1), tilted by `tilt` degrees."""
    picture = np.asarray(on_a_form(text, None), np.float32) / 255
    lines = np.zeros(picture.shape, np.uint8)
    height, width = picture.shape
    slope = np.tan(np.radians(tilt))
    for y in range(-20, height + 20, 45):
        cv2.line(lines, (0, y), (width - 1, round(y + (width - 1) * slope)), 255, 1, cv2.LINE_AA)
    for x in range(20, width if squared else 0, 45):
        cv2.line(lines, (x, 0), (round(x - (height - 1) * slope), height - 1), 255, 1, cv2.LINE_AA)
    return Image.fromarray((255 * picture * (1 - grey * lines / 255)).astype(np.uint8))


@pytest.mark.parametrize("squared", [True, False])
@pytest.mark.parametrize("grey, tilt", [(0.2, 0), (0.6, 0.8), (0.9, -0.5)])
def test_the_lines_of_ruled_and_squared_paper_are_not_read_as_digits(recognizer, squared, grey, tilt):
    for text in ("2023", "1740", "71", "4", "0"):
        assert recognizer.number(on_ruled_paper(text, squared, grey, tilt)).text == text


def test_ruled_paper_in_a_big_scan_is_found_too(recognizer):
    # A tilt climbs in proportion to the picture's width: half a degree is 18 px across 2,080.
    page = on_ruled_paper("2023", True, 0.5, 0.5)
    big = page.resize((page.width * 4, page.height * 4), Image.Resampling.BILINEAR)
    assert recognizer.number(big).text == "2023"


def test_a_digits_own_strokes_right_across_a_tight_crop_are_kept():
    # A '7' whose top runs right across its picture, a '4' whose cross does, a '1' on a foot, and
    # a '7' with a crossbar: one straight stroke each way at most, not a ruling.
    for strokes in (
        [[(0, 5), (199, 5), (80, 239)]],
        [[(140, 239), (140, 0), (0, 170), (199, 170)]],
        [[(100, 0), (100, 235)], [(0, 235), (199, 235)]],
        [[(0, 5), (199, 5), (80, 239)], [(0, 120), (199, 120)]],
    ):
        ink = paper.to_ink(render_strokes(strokes, 10, size=(200, 240)))
        assert paper.ruled_paper(ink) is None


def test_a_forms_box_cut_by_the_pictures_edges_goes_whole(recognizer):
    # Its two sides run right across the picture, as a ruled sheet's lines do; the box goes, top
    # and all, and the '1' in it is not read as '7'.
    from PIL import ImageDraw

    for text in ("1", "4", "71"):
        picture = on_a_form(text, None)
        ImageDraw.Draw(picture).rectangle([40, 1, picture.width - 30, picture.height + 10], outline=90, width=3)
        ink = paper.to_ink(picture)
        assert recognizer.number(picture).text == text
        assert ink[:5].max() == 0 and ink[:, 40:44].max() == 0  # the top and a side


# ---------------------------------------------------------------- paper as people use it


# bench/drawn_accuracy.py, 2,000 test digits each: on a form 99.45% (47.85% before its step), on
# ruled or squared paper 99.30% (71.85%), on a sheet on a desk 99.10% (8.80%).
@pytest.mark.parametrize("put", [synthetic.on_a_form, synthetic.on_ruled_paper, synthetic.on_a_desk])
def test_digits_on_paper_as_people_use_it_read_nearly_as_well_as_alone(recognizer, mnist, put):
    _, (images, labels) = mnist
    rng = np.random.default_rng(0)
    inputs = np.stack([preprocess.locate_digit(paper.to_ink(put(images[i], rng)))[1] for i in range(300)])
    assert (recognizer.probabilities(inputs).argmax(axis=1) == labels[:300]).mean() >= 0.97


@pytest.mark.parametrize("angle", [-7, -3, 4, 7])
def test_a_ruled_sheet_photographed_askew_on_a_desk_is_turned_level_and_read(recognizer, angle):
    # Turned, its lines are no longer right across the picture; the sheet's edges say how to turn it.
    for text, squared in (("2023", True), ("1740", False), ("4", True)):
        assert recognizer.number(on_a_desk(on_ruled_paper(text, squared, 0.5, 0), 60, angle)).text == text


def test_odd_pictures_give_an_answer_or_no_ink_never_a_warning(recognizer):
    # The looks for a sheet, a form's lines and ruled paper on pictures they were not made for.
    rng = np.random.default_rng(0)
    grid = np.ones((16, 16), np.float32)
    grid[::4] = grid[:, ::4] = 0
    odd = [
        np.full((1, 236), 0.9, np.float32),
        rng.random((47, 1)).astype(np.float32),
        grid,
        rng.random((300, 300)).astype(np.float32),
        np.zeros((40, 40), np.float32),
        np.ones((40, 40), np.float32),
        (rng.random((120, 90)) > 0.5).astype(np.float32),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for values in odd:
            picture = Image.fromarray((values * 255).astype(np.uint8))
            for read in (recognizer.number, recognizer.digit):
                with contextlib.suppress(NoInkError):
                    read(picture)
