"""Specification of `digitrec evaluate` and of the bundled model."""

import json

import numpy as np
import pytest

from digitrec import bundle, data, evaluate
from digitrec.cli import main

# The goal for the bundled model.
MIN_BUNDLED_ACCURACY = 0.997


@pytest.fixture(scope="module")
def bundled(bundled_keras):
    return bundled_keras


@pytest.mark.slow
def test_the_bundled_model_scores_what_its_card_says(bundled, mnist):
    _, (images, labels) = mnist
    report = evaluate.evaluate(bundled, images, labels)
    card = bundle.load_card()
    assert report["accuracy"] == pytest.approx(card["test_accuracy"], abs=1e-9)
    assert report["accuracy"] >= MIN_BUNDLED_ACCURACY


def test_the_bundled_model_card_records_how_it_was_made():
    card = bundle.load_card()
    assert card["architecture"] == "default"
    assert card["data_sha256"] == data.FILES
    assert card["command"].startswith("digitrec train")
    assert card["pen_writers"] == [1, 20]  # pendigits writers 21-30 only measure it
    assert bundle.bundled_model_path().stat().st_size < 1_500_000 * len(card.get("members", [None]))


@pytest.mark.slow
def test_report_counts_add_up(bundled, mnist):
    _, (images, labels) = mnist
    report = evaluate.evaluate(bundled, images[:500], labels[:500])
    matrix = np.array(report["confusion_matrix"])
    assert matrix.sum() == 500
    assert sum(row["support"] for row in report["per_class"]) == 500
    assert report["errors"] == 500 - np.trace(matrix) == len(report["mistakes"])
    for mistake in report["mistakes"]:
        assert labels[mistake["index"]] == mistake["true"] != mistake["predicted"]


def test_per_class_scores_from_a_known_matrix():
    matrix = np.zeros((10, 10), int)
    matrix[np.arange(10), np.arange(10)] = 10
    matrix[3, 5] = 10  # ten 3s read as 5
    scores = evaluate.per_class_scores(matrix)
    assert scores[3]["recall"] == 0.5 and scores[3]["precision"] == 1.0
    assert scores[5]["precision"] == 0.5 and scores[5]["recall"] == 1.0
    assert scores[3]["f1"] == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.slow
def test_evaluate_command_writes_report_and_pictures(tmp_path, data_env, capsys):
    assert main(["evaluate", "--out", str(tmp_path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((tmp_path / "report.json").read_text())
    assert printed["accuracy"] == saved["accuracy"] >= MIN_BUNDLED_ACCURACY
    for name in ("confusion_matrix.png", "mistakes.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_a_missing_model_is_one_clear_line(tmp_path, data_env, capsys):
    assert main(["evaluate", "--model", str(tmp_path / "nope.keras"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"digitrec evaluate: error: model file {tmp_path / 'nope.keras'} does not exist\n"


def test_a_corrupt_model_is_one_clear_line_and_is_left_alone(tmp_path, data_env, capsys):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert main(["evaluate", "--model", str(broken), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Keras model file" in err and "Traceback" not in err
    assert broken.read_bytes() == b"PK\x03\x04 this is not really a zip"
