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

SHARED = REPO_ROOT.parent / "shared" / "data"
# Floors a little under what the bundled model reads through the window's path
# (python bench/pen_digits.py; docs/handwriting.md), so that a change that loses real
# handwriting fails.
# The bundled picture and path models: 99.64%, writer 28 at 98.8%; the picture alone: 99.40%, 97.6%.
FLOOR_PEN_DEV, FLOOR_PEN_DEV_WORST = 0.995, 0.984
# The bundled models: 99.84%, every slasher's zeros 100%; the picture alone: 99.78%, 99.0%.
FLOOR_UNIPEN, FLOOR_SLASHED_ZEROS = 0.997, 0.98


@pytest.fixture(scope="module")
def dev_sets():
    import pen_digits

    files = (SHARED / "pendigits" / "pendigits-train.gz", SHARED / "unipen-dev" / "unipen-dev.gz")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"the dev sets are not at {', '.join(missing)}")
    return pen_digits.dev_sets(*files)


def window_path_accuracy(recognizer, digits):
    """(share read right, {writer: share}, {writer: share of their zeros}) through the window's path."""
    right, zeros = collections.defaultdict(list), collections.defaultdict(list)
    for digit in digits:
        text = recognizer.number_from_strokes(pendigits.fitted(digit.strokes), DEFAULT_PEN_WIDTH).text
        right[digit.writer].append(text == str(digit.label))
        if digit.label == 0:
            zeros[digit.writer].append(text == "0")
    share = {w: float(np.mean(rs)) for w, rs in right.items()}
    return (
        float(np.mean([r for rs in right.values() for r in rs])),
        share,
        {w: float(np.mean(z)) for w, z in zeros.items()},
    )


@pytest.mark.slow
def test_writers_never_trained_on_are_read_through_the_windows_path(dev_sets):
    """pendigits writers 21-30 and the UNIPEN dev writers (other countries and tablets), each digit
    drawn as the window draws it and read as a number: right only if it reads as exactly that digit."""
    recognizer = Recognizer().load()
    pen, pen_writers, _ = window_path_accuracy(recognizer, dev_sets["pendigits_dev"])
    unipen, _, unipen_zeros = window_path_accuracy(recognizer, dev_sets["unipen_dev"])
    assert pen >= FLOOR_PEN_DEV, f"pendigits writers 21-30: {pen:.2%}"
    assert min(pen_writers.values()) >= FLOOR_PEN_DEV_WORST, f"worst of them: {min(pen_writers.values()):.2%}"
    assert unipen >= FLOOR_UNIPEN, f"UNIPEN dev: {unipen:.2%}"
    # Writers 107-109 slash their zeros, which MNIST's writers never did.
    slashers = [unipen_zeros[w] for w in (107, 108, 109)]
    assert min(slashers) >= FLOOR_SLASHED_ZEROS, f"zeros of writers 107-109: {slashers}"


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


# ---------------------------------------------------------------- finding and downloading the pen digits
# Downloads go to real HTTP servers on 127.0.0.1 (local_mirror.py); nothing in urllib is mocked.

PEN_FOLDER = REPO_ROOT.parent / "shared" / "data" / "pendigits"
# `compress -c` of SAMPLE: UCI ships the original trajectories in Unix compress's format (.Z).
SAMPLE_Z = REPO_ROOT / "tests" / "data" / "sample.tra.Z"


@pytest.fixture
def real_file():
    """The verified bytes of pendigits-orig.tra, from the shared copy."""
    if not (PEN_FOLDER / "pendigits-train.gz").is_file():
        pytest.skip(f"the pen-drawn digits are not in {PEN_FOLDER}")
    return gzip.decompress((PEN_FOLDER / "pendigits-train.gz").read_bytes())


@pytest.fixture
def pen_mirror(mirror, monkeypatch):
    """conftest's `mirror`, with no pen digits named in the environment."""
    monkeypatch.delenv(pendigits.PEN_ENV, raising=False)
    return mirror


def zipped(name, content):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"pendigits/{name}", content)
        archive.writestr("pendigits/pendigits.names", "the archive's other files")
    return buffer.getvalue()


def test_ucis_archive_is_downloaded_verified_cached_and_then_read_offline(tmp_path, real_file, pen_mirror):
    served = pen_mirror({"archive.zip": zipped("pendigits-orig.tra", real_file)})
    cache = tmp_path / "cache"
    digits = pendigits.load(cache_dir=cache, sources=[served.url + "archive.zip"])
    assert len(digits) == 7494 and {d.writer for d in digits} == set(range(1, 31))
    assert gzip.decompress((cache / pendigits.CACHE_NAME).read_bytes()) == real_file
    assert pendigits.load(cache_dir=cache, sources=[]) == digits  # the cache alone: no download
    assert len(served.requests) == 1


def test_only_writers_1_to_20_are_training_data(tmp_path, real_file):
    (tmp_path / "pendigits-orig.tra").write_bytes(real_file)
    writers = {d.writer for d in pendigits.training_digits(tmp_path)}
    assert writers == set(range(1, 21))


def test_a_corrupt_download_is_refused_and_the_next_source_is_tried(tmp_path, real_file, pen_mirror):
    damaged = real_file.replace(b'"7"', b'"1"', 1)
    served = pen_mirror({"bad.zip": zipped("pendigits-orig.tra", damaged), "good.gz": gzip.compress(real_file)})
    cache = tmp_path / "cache"
    with pytest.raises(pendigits.PenDigitsError, match="sha256 mismatch"):
        pendigits.load(cache_dir=cache, sources=[served.url + "bad.zip"])
    assert not (cache / pendigits.CACHE_NAME).exists()
    digits = pendigits.load(cache_dir=cache, sources=[served.url + "bad.zip", served.url + "good.gz"])
    assert len(digits) == 7494


def test_a_missing_or_broken_download_is_one_error_naming_each_source_and_the_offline_way(
    tmp_path, pen_mirror, real_file
):
    served = pen_mirror({"cut.gz": gzip.compress(real_file)}, drop_midway=True)
    with pytest.raises(pendigits.PenDigitsError) as error:
        pendigits.load(cache_dir=tmp_path, sources=[served.url + "absent.zip", served.url + "cut.gz"])
    message = str(error.value)
    assert "HTTP 404" in message and "connection closed" in message and pendigits.PEN_ENV in message
    assert "\n" not in message
    assert not any(tmp_path.iterdir())  # no partial file left behind


def test_unix_compress_files_are_read(tmp_path, monkeypatch):
    plain = SAMPLE.encode()
    monkeypatch.setattr(pendigits, "SHA256", __import__("hashlib").sha256(plain).hexdigest())
    assert pendigits.unpacked(SAMPLE_Z.read_bytes()) == plain
    (tmp_path / "pendigits-orig.tra.Z").write_bytes(SAMPLE_Z.read_bytes())
    assert [d.label for d in pendigits.load(tmp_path)] == [7, 1]
    archive = tmp_path / "uci.zip"
    archive.write_bytes(zipped("pendigits-orig.tra.Z", SAMPLE_Z.read_bytes()))
    assert [d.label for d in pendigits.load(archive)] == [7, 1]


def test_an_offline_copy_is_named_by_the_environment(tmp_path, monkeypatch, real_file):
    monkeypatch.setenv(pendigits.PEN_ENV, str(PEN_FOLDER))
    assert len(pendigits.load(cache_dir=tmp_path / "unused", sources=[])) == 7494
    monkeypatch.setenv(pendigits.PEN_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(pendigits.PenDigitsError, match="does not exist"):
        pendigits.load()
    monkeypatch.setenv(pendigits.PEN_ENV, str(tmp_path))
    with pytest.raises(pendigits.PenDigitsError, match="holds none of"):
        pendigits.load()


@pytest.mark.slow
def test_train_without_the_pen_digits_is_one_line_before_any_training(tmp_path, capsys, monkeypatch, data_env):
    from digitrec.cli import main

    monkeypatch.setenv(pendigits.PEN_ENV, str(tmp_path / "nowhere"))
    assert main(["train", "--out", str(tmp_path / "m.keras"), "--epochs", "1", "--train-size", "500"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "does not exist" in err
