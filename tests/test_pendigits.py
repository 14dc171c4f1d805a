"""The pen-drawn digits reader, and how well digitrec reads real people's handwriting."""

import collections
import gzip
import sys

import numpy as np
import pytest

from conftest import REPO_ROOT
from digitrec import Recognizer, pendigits
from digitrec.recognize import DEFAULT_PEN_WIDTH

sys.path.insert(0, str(REPO_ROOT / "bench"))

SAMPLE = """\
.INCLUDE        dene.doc

.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 12  224
.PEN_DOWN
 100  400
 300  400
 150  100
.PEN_UP
.DT 100
.PEN_DOWN
 120  250
 260  250
.PEN_UP

.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 3  5
.PEN_DOWN
 200  450
 200  50
.PEN_UP
"""


def test_a_unipen_file_is_read_into_labelled_multi_stroke_digits(tmp_path):
    path = tmp_path / "sample"
    path.write_text(SAMPLE)
    seven, one = pendigits.read(path)
    assert (seven.label, seven.writer, len(seven.strokes)) == (7, 12, 2)
    assert (one.label, one.writer, len(one.strokes)) == (1, 3, 1)
    # The tablet's y axis points up: the 7's top bar (tablet y 400) is near the top of the screen.
    assert seven.strokes[0][0] == (100, 100)
    assert seven.strokes[1] == ((120, 250), (260, 250))


def test_a_gzipped_file_reads_the_same(tmp_path):
    plain, packed = tmp_path / "sample", tmp_path / "sample.gz"
    plain.write_text(SAMPLE)
    packed.write_bytes(gzip.compress(SAMPLE.encode()))
    assert pendigits.read(packed) == pendigits.read(plain)


@pytest.mark.parametrize("bad", [" 100 x\n", '.SEGMENT DIGIT 0 ? "a"\n', ".COMMENT 7\n"])
def test_a_malformed_line_is_reported_with_its_number(bad):
    lines = SAMPLE.splitlines(keepends=True)
    lines.insert(8, bad)
    with pytest.raises(pendigits.PenDigitsError, match="line 9"):
        pendigits.parse(lines)


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(pendigits.PenDigitsError, match="no such file"):
        pendigits.read(tmp_path / "absent.gz")


def test_fitted_strokes_fill_the_canvas_less_its_margins_keeping_the_aspect():
    seven = pendigits.parse(SAMPLE.splitlines())[0]
    points = [p for stroke in pendigits.fitted(seven.strokes) for p in stroke]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert (min(ys), max(ys)) == pytest.approx((40, 240))  # 300 tall -> 200 px
    assert (min(xs), max(xs)) == pytest.approx((140 - 200 / 3, 140 + 200 / 3))  # 200 wide -> 133 px, centred


# ---------------------------------------------------------------- real people's handwriting

DEV_SET = REPO_ROOT.parent / "shared" / "data" / "pendigits" / "pendigits-train.gz"
# Floors a little under what the bundled model reads (98.01%; worst writer 88.4%, 221 of 250),
# so that a change that loses real handwriting fails. The goal is 99.5%, no writer under 97%:
# not met yet (docs/handwriting.md).
WINDOW_ACCURACY = 0.978
WORST_WRITER = 0.876


@pytest.fixture(scope="module")
def dev_digits():
    if not DEV_SET.is_file():
        pytest.skip(f"the pen-drawn digits are not at {DEV_SET}")
    return pendigits.read(DEV_SET)


def test_real_pen_drawn_digits_are_read_through_the_windows_path(dev_digits):
    """Each of the 7,494 digits of 30 writers, drawn as the window draws it and read as a
    number: right only if it reads as exactly that one digit (bench/pen_digits.py)."""
    recognizer = Recognizer().load()
    right = collections.defaultdict(list)
    for digit in dev_digits:
        text = recognizer.number_from_strokes(pendigits.fitted(digit.strokes), DEFAULT_PEN_WIDTH).text
        right[digit.writer].append(text == str(digit.label))
    accuracy = np.mean([r for rs in right.values() for r in rs])
    worst = min(np.mean(rs) for rs in right.values())
    assert accuracy >= WINDOW_ACCURACY, f"pen-drawn digits {accuracy:.2%}"
    assert worst >= WORST_WRITER, f"worst writer {worst:.2%}"


def test_the_nearest_mnist_digit_is_found_a_pixel_away_and_not_by_ink_alone():
    import pen_digits

    pool = np.zeros((3, 28, 28), np.uint8)
    pool[0, 4:24, 13:15] = 255  # a '1'
    pool[1, 4:6, 8:20] = 255  # a bar on top, and a stem: a '7'
    pool[1, 4:24, 18:20] = 255
    pool[2, 6:22, 6:22] = 255  # a blot with as much ink as anything
    one_shifted = np.roll(pool[0], 1, axis=1) / np.float32(255)
    seven_thinner = pool[1].astype(np.float32) / 255
    seven_thinner[4:24, 19] = 0
    found = pen_digits.nearest(np.stack([one_shifted, seven_thinner]), pool)
    assert found.tolist() == [0, 1]
