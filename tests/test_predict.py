"""Specification of `digitrec predict`: every good file answered, every bad one named in one line."""

import json
import struct
import zlib

import pytest
from strokes import write
from test_stroke_files import inkml, save_drawing

from digitrec import Recognizer
from digitrec.cli import main
from digitrec.image import render_strokes

SEVEN = [[(20, 20), (120, 20), (60, 180)]]
ONE = [[(50, 10), (50, 200)]]


@pytest.fixture
def seven(tmp_path):
    path = tmp_path / "seven.png"
    render_strokes(SEVEN, pen_width=10, size=(200, 220)).save(path)
    return path


@pytest.fixture
def number(tmp_path):
    path = tmp_path / "number.png"
    strokes = [*ONE, *[[(x + 120, y) for x, y in s] for s in SEVEN]]
    render_strokes(strokes, pen_width=10).convert("RGB").save(path, quality=90, format="JPEG")
    return path


def huge_png_header(path, width=100_000, height=100_000):
    """A PNG that declares 10^10 pixels: a decompression bomb, a few bytes long."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def test_one_line_per_file_with_digit_and_confidence(seven, capsys):
    assert main(["predict", str(seven)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{seven}: 7  (") and out.endswith("%)\n")


def test_number_mode_reads_every_digit(number, capsys):
    assert main(["predict", "--number", str(number)]) == 0
    assert capsys.readouterr().out.startswith(f"{number}: 17  (per digit: ")


def test_json_with_top_k(seven, capsys):
    assert main(["predict", "--json", "--top", "3", str(seven)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["digit"] == 7 and answer["file"] == str(seven)
    assert len(answer["top"]) == 3 and answer["top"][0]["digit"] == 7
    assert len(answer["probabilities"]) == 10


def test_bad_files_get_one_line_each_and_good_files_still_get_answers(tmp_path, seven, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(seven.read_bytes()[:200])
    blank = tmp_path / "blank.png"
    render_strokes([], pen_width=5, size=(100, 100)).save(blank)
    bomb = huge_png_header(tmp_path / "bomb.png")
    missing = tmp_path / "missing.png"
    bad = [text, empty, truncated, blank, bomb, missing]

    assert main(["predict", *map(str, bad[:3]), str(seven), *map(str, bad[3:])]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{seven}: 7")
    lines = captured.err.splitlines()
    assert len(lines) == len(bad)
    for path, line in zip(bad, lines):
        assert line.startswith(f"digitrec predict: error: {path}: "), line
    assert "blank" in lines[3] and "too large" in lines[4]


def test_a_bad_model_is_one_line(tmp_path, seven, capsys):
    assert main(["predict", "--model", str(tmp_path / "none.keras"), str(seven)]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_top_must_be_between_1_and_10(seven, capsys):
    assert main(["predict", "--top", "11", str(seven)]) == 2  # a usage error, as argparse's own
    assert "--top" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".inkml", ".json"])
@pytest.mark.parametrize("digit", ["7", "1"])
def test_a_drawing_kept_as_strokes_is_read_as_its_digit(tmp_path, suffix, digit, capsys):
    path = save_drawing(tmp_path / f"drawing{suffix}", write(digit).strokes)
    assert main(["predict", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: {digit}  (")


@pytest.mark.parametrize("suffix", [".inkml", ".json"])
def test_a_number_kept_as_strokes_is_read_whole_with_number(tmp_path, suffix, capsys):
    path = save_drawing(tmp_path / f"number{suffix}", write("2025").strokes)
    assert main(["predict", "--number", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: 2025  (per digit: ")


def test_strokes_from_a_file_reach_the_recogniser_as_strokes_fitted_to_the_canvas(tmp_path, monkeypatch, capsys):
    seen = []
    original = Recognizer.digit_from_strokes

    def recording(self, strokes, *args, **kwargs):  # the real method, watched: where the path model will plug in
        seen.append(strokes)
        return original(self, strokes, *args, **kwargs)

    monkeypatch.setattr(Recognizer, "digit_from_strokes", recording)
    path = save_drawing(tmp_path / "one.json", [[(5, 0), (5, 1000)]])
    assert main(["predict", str(path)]) == 0
    assert seen == [[[(140.0, 40.0), (140.0, 240.0)]]]  # the 280 px canvas, 40 px margins, centred
    assert capsys.readouterr().out.startswith(f"{path}: 1")


def test_hostile_and_broken_stroke_files_are_one_line_each_and_exit_1(tmp_path, capsys):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    files = {
        "laughs.inkml": f'<!DOCTYPE ink [<!ENTITY l0 "0 0,">{laughs}]><ink><trace>&l9;</trace></ink>',
        "passwd.inkml": '<!DOCTYPE ink [<!ENTITY x SYSTEM "file:///etc/passwd">]><ink><trace>&x;</trace></ink>',
        "notes.inkml": "not xml",
        "empty.json": "",
        "shape.json": '{"strokes": []}',
        "nan.json": "[[[0, 0], [NaN, 1]]]",
        "dot.inkml": inkml("5 5"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    good = save_drawing(tmp_path / "seven.inkml", write("7").strokes)
    assert main(["predict", str(good), *(str(tmp_path / name) for name in files)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{good}: 7")
    lines = captured.err.splitlines()
    assert len(lines) == len(files) and "root:" not in captured.err  # nothing of /etc/passwd
    for name, line in zip(files, lines):
        assert line.startswith(f"digitrec predict: error: {tmp_path / name}: "), line
