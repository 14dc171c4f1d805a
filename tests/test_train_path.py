"""`digitrec train-path`: the path model trained on the pen digits and exported to ONNX (short real runs)."""

import json
import os
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from digitrec import Recognizer, bundle, model, pen_path, train_path
from digitrec.cli import main
from digitrec.image import render_strokes
from digitrec.pendigits import PEN_ENV
from digitrec.recognize import DEFAULT_PEN_WIDTH


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A path model from a short run on a few of the pen digits, left out writers 16-20: its .keras path."""
    from conftest import PEN_FOLDER

    folder = Path(os.environ.get(PEN_ENV) or PEN_FOLDER)
    if not (folder / "pendigits-train.gz").is_file():
        pytest.skip(f"the pen digits are neither in ${PEN_ENV} nor in {PEN_FOLDER}")
    out = tmp_path_factory.mktemp("path") / "quick.path.keras"
    train_path.train(out, pen=str(folder), leave_out_writers=range(16, 21), epochs=1, limit=60, verbose=0)
    return out


def test_the_path_model_maps_a_pen_path_to_ten_probabilities():
    net = model.build_path()
    assert net.input_shape == (None, pen_path.POINTS, pen_path.CHANNELS) and net.output_shape == (None, 10)


@pytest.mark.slow
def test_training_writes_the_model_its_onnx_export_and_a_card_of_its_data(trained):
    card = json.loads(trained.with_suffix(".json").read_text())
    assert trained.is_file() and trained.with_suffix(".onnx").is_file()
    assert card["data"]["digits"] == 60 and not set(card["data"]["pendigits_writers"]) & set(range(16, 21))


def test_the_export_answers_for_strokes_with_probabilities(trained):
    session = onnxruntime.InferenceSession(str(trained.with_suffix(".onnx")), providers=["CPUExecutionProvider"])
    x = pen_path.features([[(0, 0), (100, 0), (30, 150)], [(20, 75), (90, 75)]])[None]
    p = session.run(["probabilities"], {"path": x})[0]
    assert p.shape == (1, 10) and np.isclose(p.sum(), 1, atol=1e-5)


def test_the_export_gives_the_forms_profiles_compare_paths_in(trained):
    session = onnxruntime.InferenceSession(str(trained.with_suffix(".onnx")), providers=["CPUExecutionProvider"])
    seven, one = (pen_path.features(s)[None] for s in (SEVEN, [[(60, 80), (120, 20), (120, 260)]]))
    forms = [session.run(["forms"], {"path": x})[0] for x in (seven, one)]
    assert forms[0].shape == (1, 64) and (forms[0] >= 0).all()  # after the hidden layer's ReLU
    assert not np.allclose(forms[0], forms[1])  # two paths drawn differently lie apart


def test_the_bundled_path_model_gives_its_forms_too():
    session = bundle.load_path_session()
    assert [(o.name, o.shape[1:]) for o in session.get_outputs()] == [("probabilities", [10]), ("forms", [64])]


SEVEN = [[(40, 40), (200, 40), (100, 260)]]


def picture_only(folder):
    """The bundled picture model's export, copied alone into `folder`: its path."""
    folder.mkdir(exist_ok=True)
    (folder / "m.onnx").write_bytes(bundle.exported_path().read_bytes())
    return folder / "m.onnx"


def test_a_recogniser_reads_strokes_with_the_path_model_beside_its_model(trained, tmp_path):
    picture = picture_only(tmp_path / "with")
    picture.with_name("m.path.onnx").write_bytes(trained.with_suffix(".onnx").read_bytes())
    with_path = Recognizer(picture).digit_from_strokes(SEVEN)
    alone = Recognizer(picture_only(tmp_path / "alone")).digit_from_strokes(SEVEN)
    assert not np.allclose(with_path.probabilities, alone.probabilities)


def test_without_a_path_model_strokes_are_read_by_the_picture_alone(tmp_path):
    recognizer = Recognizer(picture_only(tmp_path))
    from_strokes = recognizer.digit_from_strokes(SEVEN).probabilities
    assert np.array_equal(from_strokes, recognizer.digit(render_strokes(SEVEN, DEFAULT_PEN_WIDTH)).probabilities)


def test_leaving_out_writers_outside_1_to_20_fails_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["train-path", "--leave-out-writers", "21-30"])
    assert exit.value.code == 2 and "within 1-20" in capsys.readouterr().err


@pytest.mark.slow
def test_digitrec_train_trains_the_path_model_beside_the_picture_networks(trained_by_the_command):
    out = trained_by_the_command  # `digitrec train ... --train-size 500` (conftest.TRAIN_COMMAND)
    card = json.loads(out.with_name("m.path.json").read_text())
    assert out.with_name("m.onnx").is_file() and out.with_name("m.path.onnx").is_file()
    assert card["data"]["digits"] == 500 // 11  # a quick run takes as large a share of the pen digits
    assert bundle.load_path_session(out) is not None
