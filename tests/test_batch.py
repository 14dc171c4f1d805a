"""Specification of reading many files: folders, patterns, CSV and JSON Lines, every core, nothing lost."""

import csv
import importlib.util
import inspect
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from strokes import write
from test_predict import huge_png_header
from test_stroke_files import save_drawing

from digitrec import DigitResult, NumberResult, Recognizer, batch
from digitrec.cli import main
from digitrec.image import render_strokes

SEVEN = [[(20, 20), (120, 20), (60, 180)]]
ONE = [[(50, 10), (50, 200)]]


def draw(path, strokes, size=(140, 210)):
    path.parent.mkdir(parents=True, exist_ok=True)
    render_strokes(strokes, pen_width=10, size=size).save(path)
    return path


@pytest.fixture
def scans(tmp_path):
    """A folder as a user has one: digits at two depths, bad files, hidden files, a text file."""
    folder = tmp_path / "scans"
    draw(folder / "a.png", ONE)
    draw(folder / "b.png", SEVEN)
    draw(folder / "sub" / "c.png", SEVEN)
    draw(folder / "sub" / "deeper" / "d.png", ONE)
    draw(folder / ".hidden.png", ONE)
    draw(folder / ".thumbnails" / "e.png", ONE)
    (folder / "notes.txt").write_text("not an image, and not named like one")
    (folder / "text.png").write_text("not an image")
    (folder / "empty.png").write_bytes(b"")
    (folder / "trunc.png").write_bytes((folder / "b.png").read_bytes()[:200])
    return folder


GOOD = ["a.png", "b.png", "sub/c.png", "sub/deeper/d.png"]
BAD = ["empty.png", "text.png", "trunc.png"]
IN_ORDER = ["a.png", "b.png", "empty.png", "sub/c.png", "sub/deeper/d.png", "text.png", "trunc.png"]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def names(rows, folder, key="path"):
    return [os.path.relpath(row[key], folder) for row in rows]


def test_a_folder_gives_its_images_at_any_depth_in_sorted_order_hidden_ones_left_out(scans):
    assert names([{"path": p} for p in batch.find_images([scans])], scans) == IN_ORDER


def test_files_folders_and_patterns_mix_in_the_order_given(scans, tmp_path):
    other = draw(tmp_path / "other.png", SEVEN)
    found = list(batch.find_images([other, scans / "sub", str(scans / "*.png")]))
    assert found == [
        str(other),
        str(scans / "sub/c.png"),
        str(scans / "sub/deeper/d.png"),
        *(str(scans / name) for name in ["a.png", "b.png", "empty.png", "text.png", "trunc.png"]),
    ]


def test_csv_has_a_row_per_file_in_sorted_order_bad_ones_with_their_error(scans, tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert main(["predict", str(scans), "--csv", str(out), "--jobs", "1"]) == 1  # some failed
    rows = read_csv(out)
    assert list(rows[0]) == [
        *["path", "answer", "confidence", "not_sure"],
        *["from_profile", "model_digit", "model_confidence", "digit_groups", "error"],
    ]
    assert names(rows, scans) == IN_ORDER
    by_name = dict(zip(names(rows, scans), rows))
    assert [by_name[name]["answer"] for name in GOOD] == ["1", "7", "7", "1"]
    for name in GOOD:
        assert 0.5 < float(by_name[name]["confidence"]) <= 1 and by_name[name]["not_sure"] in ("yes", "no")
        assert by_name[name]["error"] == ""
    for name in BAD:
        assert by_name[name]["answer"] == "" and by_name[name]["error"], name
    assert "truncated" in by_name["trunc.png"]["error"]
    err = capsys.readouterr().err  # the summary names every failure
    assert "7 files" in err and "4 answered" in err and "3 failed" in err
    assert all(f"{scans / name}: " in err for name in BAD)


def test_a_folder_of_good_files_exits_0(scans, tmp_path):
    for name in BAD:
        (scans / name).unlink()
    assert main(["predict", str(scans), "--csv", str(tmp_path / "r.csv"), "--jobs", "1", "--quiet"]) == 0


def test_a_folder_on_the_terminal_prints_lines_as_for_files(scans, capsys):
    assert main(["predict", str(scans), "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert [line.split(":")[0] for line in out.splitlines()] == [str(scans / name) for name in GOOD]
    assert len(err.splitlines()) == len(BAD)  # one line a failure; no bar, no summary off a terminal


def test_a_number_with_top_k_has_each_digits_confidence_and_likeliest(tmp_path):
    draw(tmp_path / "in" / "n.png", [*ONE, *[[(x + 120, y) for x, y in s] for s in SEVEN]], size=None)
    out = tmp_path / "r.csv"
    assert main(["predict", str(tmp_path / "in"), "--number", "--top", "3", "--csv", str(out), "--jobs", "1"]) == 0
    [row] = read_csv(out)
    assert list(row) == [
        *["path", "answer", "confidence", "not_sure", "digit_confidences", "digit_top"],
        *["from_profile", "model_answer", "model_digit_confidences", "error"],
    ]
    assert row["answer"] == "17"
    confidences = [float(c) for c in row["digit_confidences"].split()]
    assert len(confidences) == 2 and float(row["confidence"]) == min(confidences)
    tops = [[pair.split(":") for pair in digit.split("/")] for digit in row["digit_top"].split()]
    assert [len(t) for t in tops] == [3, 3] and [t[0][0] for t in tops] == ["1", "7"]


def test_top_k_adds_the_k_likeliest_digits_and_their_confidence(scans, tmp_path):
    out = tmp_path / "r.csv"
    main(["predict", str(scans / "b.png"), "--top", "2", "--csv", str(out), "--jobs", "1"])
    [row] = read_csv(out)
    assert list(row)[4:8] == ["top1", "top1_confidence", "top2", "top2_confidence"]
    assert row["top1"] == row["answer"] == "7" and float(row["top1_confidence"]) >= float(row["top2_confidence"])


def test_json_lines_to_stdout_are_clean_json_failures_included(scans, capsys):
    assert main(["predict", str(scans), "--jsonl", "-", "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert names(rows, scans, key="file") == IN_ORDER
    assert all((row["error"] is None) == (name in GOOD) for name, row in zip(IN_ORDER, rows))
    assert [row["digit"] for row in rows if row["error"] is None] == [1, 7, 7, 1]
    assert "3 failed" in err  # the summary is on stderr, out of the rows' way


@pytest.mark.parametrize(
    "args",
    [
        ["--resume"],  # nothing to resume into
        ["--resume", "--csv", "-"],
        ["--jobs", "0"],
        ["--top", "0"],
        ["--json", "--jsonl", "{out}"],
    ],
)
def test_options_that_cannot_work_are_a_usage_error_exit_2(scans, tmp_path, args, capsys):
    args = [arg.format(out=tmp_path / "r.jsonl") for arg in args]
    try:
        status = main(["predict", str(scans), *args])
    except SystemExit as stop:  # argparse's own usage errors
        status = stop.code
    assert status == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("digitrec predict: error: ")
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize(
    "given, says",
    [
        ("missing/", "no such file or folder"),
        ("missing", "no such file or folder"),
        ("empty_folder", "no image files in this folder"),
        ("scans/*.jpg", "no image file matches this pattern"),
    ],
)
def test_an_input_naming_nothing_to_read_is_a_usage_error_before_any_work(scans, tmp_path, given, says, capsys):
    (tmp_path / "empty_folder").mkdir()
    out, given = tmp_path / "r.csv", f"{tmp_path}/{given}"  # not a Path: it would drop the trailing '/'
    assert main(["predict", str(scans), given, "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"digitrec predict: error: {given}: {says}") and err.count("\n") == 1
    assert not out.exists()


def test_a_missing_or_too_big_image_file_is_a_row_with_its_error(scans, tmp_path):
    huge_png_header(scans / "huge.png")  # 10^10 pixels declared: refused before decoding
    out = tmp_path / "r.csv"
    assert main(["predict", str(scans), str(tmp_path / "gone.png"), "--csv", str(out), "--jobs", "1"]) == 1
    by_name = {os.path.basename(row["path"]): row for row in read_csv(out)}
    assert "too large" in by_name["huge.png"]["error"] and "no such file" in by_name["gone.png"]["error"]


def test_two_worker_processes_give_the_rows_of_one(scans, tmp_path, monkeypatch):
    for i in range(20):
        draw(scans / "more" / f"{i:02d}.png", SEVEN if i % 3 else ONE)
    monkeypatch.setattr(batch, "FEW_FILES", 4)  # workers even for a few files,
    monkeypatch.setattr(batch, "CHUNK", 3)  # and many small tasks, to be put back in order
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["predict", str(scans), "--csv", str(one), "--jobs", "1", "--quiet"]) == 1
    assert main(["predict", str(scans), "--csv", str(two), "--jobs", "2", "--quiet"]) == 1
    assert two.read_text() == one.read_text()


def test_the_workers_read_with_the_profile_as_one_process_does(tmp_path, monkeypatch):
    def flagged_one(x=150, scale=1.0):  # as in test_personal.py: the bundled model reads it '7'
        return render_strokes([[(x - 80 * scale, 40 + 40 * scale), (x, 40), (x, 40 + 220 * scale)]], 12)

    Recognizer(profile="alice").learn(flagged_one(x=200, scale=0.8), 1)
    for i in range(6):
        flagged_one().save(tmp_path / f"{i}.png")
    monkeypatch.setattr(batch, "FEW_FILES", 2)
    monkeypatch.setattr(batch, "CHUNK", 2)
    out = tmp_path / "r.csv"
    for profile, answer, decided in ((["--profile", "alice"], "1", "yes"), (["--no-profile"], "7", "no")):
        assert main(["predict", str(tmp_path), *profile, "--jobs", "2", "--csv", str(out), "--force", "--quiet"]) == 0
        rows = read_csv(out)
        assert [(row["answer"], row["from_profile"], row["model_digit"]) for row in rows] == [
            (answer, decided, "7")
        ] * 6


def test_read_files_takes_any_iterable_of_paths_and_gives_rows_in_its_order(scans):
    paths = (str(scans / name) for name in ["b.png", "text.png", "a.png"])  # a generator, not a list
    rows = list(batch.read_files(paths))
    assert [os.path.basename(row.path) for row in rows] == ["b.png", "text.png", "a.png"]
    assert isinstance(rows[0].result, DigitResult) and rows[0].result.digit == 7 and rows[0].error is None
    assert rows[1].result is None and "not an image" in rows[1].error
    [number] = batch.read_files([scans / "a.png"], number=True)
    assert isinstance(number.result, NumberResult) and number.result.text == "1"


def test_resume_after_a_crash_drops_the_row_cut_short_and_reads_the_rest(scans, tmp_path):
    whole, cut = tmp_path / "whole.csv", tmp_path / "cut.csv"
    main(["predict", str(scans), "--csv", str(whole), "--jobs", "1", "--quiet"])
    text = whole.read_text()
    cut.write_text(text[: text.index(str(scans / "sub")) + 10])  # three rows, then half of one
    assert main(["predict", str(scans), "--csv", str(cut), "--resume", "--jobs", "1", "--quiet"]) == 1
    assert cut.read_text() == text


def test_resume_of_json_lines_reads_only_what_is_not_there(scans, tmp_path):
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    main(["predict", str(scans), "--jsonl", str(whole), "--jobs", "1", "--quiet"])
    lines = whole.read_text().splitlines(keepends=True)
    cut.write_text("".join(lines[:4]))
    assert main(["predict", str(scans), "--jsonl", str(cut), "--resume", "--jobs", "1", "--quiet"]) == 1
    assert cut.read_text() == whole.read_text()


def test_resume_with_other_options_than_the_file_was_written_with_is_a_usage_error(scans, tmp_path, capsys):
    out = tmp_path / "r.csv"
    main(["predict", str(scans), "--csv", str(out), "--jobs", "1", "--quiet"])
    before = out.read_text()
    assert main(["predict", str(scans), "--csv", str(out), "--resume", "--number"]) == 2
    assert "other columns" in capsys.readouterr().err and out.read_text() == before


def interrupted(command, out, after_rows):
    """Run `command` and press Ctrl-C once the file `out` holds more than `after_rows` rows.
    Returns (exit status, stderr), or None if the command ended before that many rows showed."""
    # A session of its own, and Ctrl-C to the whole group, as a terminal sends it: workers included.
    # A shell's background job (`pytest &`, as some CI runners start it) ignores Ctrl-C, and the
    # command would inherit that: it starts here as from a terminal, with Python's own handler.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, before)
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline:
        if out.exists() and out.read_text().count("\n") > after_rows:
            os.killpg(run.pid, signal.SIGINT)
            _, err = run.communicate(timeout=60)
            return run.returncode, err
        time.sleep(0.01)
    run.communicate(timeout=60)
    return None


@pytest.mark.slow
def test_an_interrupt_keeps_every_finished_row_and_resume_answers_each_file_once(tmp_path):
    folder = tmp_path / "many"
    one, seven = draw(folder / "0000.png", ONE), draw(folder / "0001.png", SEVEN)
    files = [one, seven]
    for i in range(2, 2400):
        files.append(folder / f"{i:04d}.png")
        shutil.copyfile(seven if i % 2 else one, files[-1])
    out = tmp_path / "r.csv"
    command = [sys.executable, "-m", "digitrec", "predict", str(folder), "--csv", str(out), "--jobs", "2"]
    for _ in range(3):
        outcome = interrupted(command, out, after_rows=20)
        if outcome is not None:
            break
        # It read every file before this process saw the rows (a fast machine, or this process
        # was kept waiting): that says nothing of an interrupt, so try again.
        out.unlink()
    assert outcome is not None, f"all {len(files)} files were read before an interrupt could be sent, three times"
    returncode, err = outcome
    assert returncode == 130, f"Ctrl-C after the first rows did not interrupt: {err}"
    assert "--resume" in err and "Traceback" not in err
    text = out.read_text()
    assert text.endswith("\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == len(rows[0]) and row[1] for row in rows[1:])  # whole rows, each with its answer
    assert 20 <= len(rows) - 1 < len(files)

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert [row["path"] for row in read_csv(out)] == [str(f) for f in files]  # each once, in order


def load_dask_example():
    spec = importlib.util.spec_from_file_location("dask_batch", REPO_ROOT / "bench" / "dask_batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_dask_example_of_the_docs_reads_with_two_local_workers(scans, tmp_path):
    from dask.distributed import Client, LocalCluster

    example = load_dask_example()
    assert inspect.getsource(example.read_on_dask) in (REPO_ROOT / "docs" / "performance.md").read_text()
    for i in range(20):
        draw(scans / "more" / f"{i:02d}.png", SEVEN if i % 3 else ONE)
    paths = list(batch.find_images([scans]))
    with (
        LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        written = example.read_on_dask(paths, tmp_path / "out", partition_size=5)
    assert len(written) == 6 and written == sorted(written)
    lines = [json.loads(line) for path in written for line in Path(path).read_text().splitlines()]
    expected = [
        json.loads(json.dumps(batch_record))
        for batch_record in (example.predict.json_record(row, False, 1) for row in batch.read_files(paths))
    ]
    assert lines == expected


def test_a_folder_mixing_images_and_stroke_files_gives_a_csv_row_each_in_sorted_order(scans, tmp_path):
    save_drawing(scans / "ink" / "one.inkml", write("1").strokes)
    save_drawing(scans / "ink" / "seven.json", write("7").strokes)
    (scans / "ink" / "broken.json").write_text("[[[0, 0], [1]]]")
    out = tmp_path / "r.csv"
    assert main(["predict", str(scans), "--csv", str(out), "--jobs", "1"]) == 1
    by_name = dict(zip(names(rows := read_csv(out), scans), rows))
    assert names(rows, scans) == sorted([*IN_ORDER, "ink/broken.json", "ink/one.inkml", "ink/seven.json"])
    assert [by_name[name]["answer"] for name in ["ink/one.inkml", "ink/seven.json", "b.png"]] == ["1", "7", "7"]
    assert by_name["ink/broken.json"]["error"] == "stroke 1, point 2 is not [x, y] numbers"


def test_worker_processes_read_stroke_files_as_one_process_does(tmp_path, monkeypatch):
    digits = ["7" if i % 3 == 0 else "1" for i in range(12)]
    for i, digit in enumerate(digits):
        save_drawing(tmp_path / "in" / f"{i:02d}{'.json' if i % 2 else '.inkml'}", write(digit).strokes)
    monkeypatch.setattr(batch, "FEW_FILES", 4)  # workers even for a few files
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["predict", str(tmp_path / "in"), "--csv", str(one), "--jobs", "1", "--quiet"]) == 0
    assert main(["predict", str(tmp_path / "in"), "--csv", str(two), "--jobs", "2", "--quiet"]) == 0
    assert two.read_text() == one.read_text()
    assert [row["answer"] for row in read_csv(one)] == digits
