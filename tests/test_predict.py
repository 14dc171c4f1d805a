"""Specification of `digitrec predict`: every good file answered, every bad one named in one line."""

import csv
import json
import re
import struct
import subprocess
import sys
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


def test_an_empty_file_is_said_to_be_empty(tmp_path, capsys):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert main(["predict", str(empty)]) == 1
    assert capsys.readouterr().err == f"digitrec predict: error: {empty}: empty file (0 bytes)\n"


# ---------------------------------------------------------------- several digits read as one


def test_an_image_of_several_digits_read_as_one_says_so_and_suggests_number(number, capsys):
    assert main(["predict", str(number)]) == 0
    assert capsys.readouterr().out.rstrip("\n").endswith("looks like 2 digits: try --number")


def test_a_single_digit_gives_no_hint(seven, capsys):
    assert main(["predict", str(seven)]) == 0
    assert "looks like" not in capsys.readouterr().out


def test_the_count_of_digit_groups_is_a_field_of_json_and_csv(number, seven, tmp_path, capsys):
    assert main(["predict", "--json", str(number), str(seven)]) == 0
    assert [json.loads(line)["digit_groups"] for line in capsys.readouterr().out.splitlines()] == [2, 1]
    out = tmp_path / "r.csv"
    assert main(["predict", "--csv", str(out), "--quiet", str(number), str(seven)]) == 0
    assert [row["digit_groups"] for row in csv.DictReader(out.open())] == ["2", "1"]


def test_top_k_with_number_shows_each_digits_k_likeliest(number, capsys):
    assert main(["predict", "--number", "--top", "2", str(number)]) == 0
    line = capsys.readouterr().out.strip()
    per_digit = line.split("  top: ")[1].split(" | ")
    assert [len(digit.split(", ")) for digit in per_digit] == [2, 2]
    assert [digit.split()[0] for digit in per_digit] == ["1", "7"]


# ---------------------------------------------------------------- a results file is never lost


@pytest.mark.parametrize("option", ["--csv", "--jsonl"])
def test_an_existing_results_file_is_not_overwritten_without_resume_or_force(seven, tmp_path, option, capsys):
    out = tmp_path / "results"
    out.write_text("rows finished before\n")
    assert main(["predict", str(seven), option, str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"digitrec predict: error: {out} exists: --resume to continue it, --force to start again\n"
    assert out.read_text() == "rows finished before\n"


def test_force_starts_an_existing_results_file_again(seven, tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text("rows finished before\n")
    assert main(["predict", str(seven), "--jsonl", str(out), "--force", "--quiet"]) == 0
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["digit"] == 7


@pytest.mark.parametrize(
    "args, says",
    [(["--force"], "--force starts a --csv or --jsonl file again: name it"), (["--force", "--resume"], "not both")],
)
def test_force_without_a_file_or_with_resume_is_a_usage_error(seven, tmp_path, args, says, capsys):
    if "--resume" in args:
        args = [*args, "--csv", str(tmp_path / "r.csv")]
    assert main(["predict", str(seven), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("digitrec predict: error: ") and says in err and not (tmp_path / "r.csv").exists()


def test_stdout_as_the_results_file_needs_no_force(seven, capsys):
    assert main(["predict", str(seven), "--csv", "-", "--quiet"]) == 0
    assert main(["predict", str(seven), "--csv", "-", "--quiet"]) == 0
    assert capsys.readouterr().out.count("path,answer") == 2


# ---------------------------------------------------------------- a closed pipe


def run_into_a_closed_pipe(*args):
    """Run `digitrec ARGS` with its stdout a pipe whose reader is gone before the first answer, as
    `digitrec ... | head -c 0`; returns (exit status, stderr)."""
    run = subprocess.Popen(
        [sys.executable, "-m", "digitrec", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    run.stdout.close()  # before the command has read its model, let alone answered
    err = run.stderr.read()
    return run.wait(timeout=120), err


def test_predict_into_a_closed_pipe_stops_quietly(seven, number):
    status, err = run_into_a_closed_pipe("predict", "--json", str(seven), str(number), str(seven))
    assert (status, err) == (141, "")


def test_explain_into_a_closed_pipe_stops_quietly(seven):
    status, err = run_into_a_closed_pipe("explain", "--json", str(seven))
    assert (status, err) == (141, "")


# ---------------------------------------------------------------- a profile only when asked, never hidden


def flagged_one(x=150, scale=1.0):
    """A '1' with a long flag (as in test_personal.py): the bundled model alone reads it '7'."""
    return render_strokes([[(x - 80 * scale, 40 + 40 * scale), (x, 40), (x, 40 + 220 * scale)]], 12)


@pytest.fixture
def one_png(tmp_path):
    """A flagged '1', and profiles 'alice' and 'default' whose example of it decides it is a '1'."""
    for name in ("alice", "default"):
        Recognizer(profile=name).learn(flagged_one(x=200, scale=0.8), 1)
    path = tmp_path / "one.png"
    flagged_one().save(path)
    return path


def test_no_profile_is_read_unless_one_is_named(one_png, capsys):
    assert main(["predict", "--json", str(one_png)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["digit"] == 7 and err == ""


def test_the_profile_read_with_is_said_on_stderr_with_its_examples(one_png, capsys):
    assert main(["predict", "--profile", "alice", str(one_png)]) == 0
    assert capsys.readouterr().err == "digitrec predict: using profile alice: 1 example\n"


def test_an_answer_the_profile_decided_says_so_and_what_the_model_alone_read(one_png, capsys):
    assert main(["predict", "--profile", "alice", str(one_png)]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(
        rf"{re.escape(str(one_png))}: 1  \(\d+\.\d%, from your profile 'alice'; model alone: 7 \d+\.\d%\)", line
    )


def test_json_says_whether_the_profile_decided_and_the_models_own_answer(one_png, capsys):
    for args, decided, digit in ((["--profile", "alice"], True, 1), ([], False, 7)):
        assert main(["predict", "--json", *args, str(one_png)]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert (answer["digit"], answer["from_profile"], answer["model_digit"]) == (digit, decided, 7)
        assert 0.5 < answer["model_confidence"] <= 1


def test_a_number_says_which_of_its_digits_the_profile_decided(one_png, tmp_path, capsys):
    path = tmp_path / "17.png"
    strokes = [[(70, 80), (150, 40), (150, 260)], [(250, 40), (340, 40), (280, 260)]]  # a flagged '1', a '7'
    render_strokes(strokes, 12).save(path)
    assert main(["predict", "--number", "--json", "--profile", "alice", str(path)]) == 0
    digits = json.loads(capsys.readouterr().out)["digits"]
    assert [(d["digit"], d["from_profile"], d["model_digit"]) for d in digits] == [(1, True, 7), (7, False, 7)]
    assert main(["predict", "--number", "--profile", "alice", str(path)]) == 0
    assert "; from your profile 'alice' (digit 1: model alone: 7 " in capsys.readouterr().out


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
