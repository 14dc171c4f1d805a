"""The exported model: made by `digitrec export` and `digitrec train`, checked against Keras,
and what answers in the app and `digitrec predict` (ONNX Runtime, no TensorFlow)."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from digitrec import Recognizer, bundle
from digitrec.cli import main
from digitrec.errors import DigitrecError


@pytest.fixture(scope="module")
def test_inputs(mnist):
    _, (images, labels) = mnist
    return images[..., None].astype(np.float32) / 255, labels


@pytest.mark.slow
def test_the_bundled_export_answers_as_the_bundled_keras_model(test_inputs, bundled_keras):
    """All 10,000 MNIST test digits: the same digit, probabilities within 1e-4."""
    from digitrec import export

    x, _ = test_inputs
    expected = bundled_keras.predict(x, batch_size=1000, verbose=0)
    export.check(bundle.exported_path(), x, expected)  # raises if they disagree


def test_the_bundled_export_is_the_one_its_card_names():
    from digitrec import export

    card = bundle.load_card()
    path = bundle.exported_path()
    assert card["export"]["file"] == path.name
    assert card["export"]["sha256"] == export.sha256(path)


def test_the_recogniser_answers_with_the_base_install_alone(tmp_path):
    # TensorFlow, Keras and SciPy come with the `train` extra only: answering must not need them.
    # Nor numpy.ma, which NumPy's median imports on first use: 15 ms of the first answer.
    code = (
        "import sys, numpy as np; from digitrec import Recognizer; r = Recognizer(); "
        "p = r.probabilities(np.zeros((2, 28, 28), np.float32)); "
        "n = r.number(np.pad(np.ones((60, 8)), 40)); "
        "print(p.shape, n.text, [m for m in ('tensorflow', 'keras', 'scipy', 'numpy.ma') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["(2,", "10)", "1", "[]"]


def test_the_recogniser_gives_the_networks_features_too(test_inputs):
    x, _ = test_inputs
    features = Recognizer().features(x[:3, ..., 0])
    members = len(bundle.load_card().get("members", [None]))  # an ensemble's networks' features side by side
    assert features.shape == (3, 128 * members) and features.dtype == np.float32


@pytest.mark.slow
def test_the_export_carries_what_a_profile_needs(test_inputs):
    """The forms of each drawing, k-means centres of each digit's training forms (a test digit's
    nearest centre is nearly always of its own digit: they guard MNIST's writers against a
    person's examples) and the similarity from which an example counts."""
    from digitrec.export import PROTOTYPES_PER_DIGIT
    from digitrec.profile.adapt import unit

    x, labels = test_inputs
    session = bundle.load_session()
    forms, prototypes, min_similarity = session.run(["forms", "prototypes", "min_similarity"], {"image": x[:2000]})
    assert prototypes.shape == (10, PROTOTYPES_PER_DIGIT, forms.shape[1])
    np.testing.assert_allclose(np.linalg.norm(prototypes, axis=2), 1, atol=1e-5)
    nearest = (unit(forms) @ prototypes.reshape(-1, forms.shape[1]).T).argmax(axis=1) // PROTOTYPES_PER_DIGIT
    assert (nearest == labels[:2000]).mean() >= 0.98
    assert min_similarity.shape == (1,) and 0 < min_similarity[0] < 1


@pytest.mark.slow
def test_export_writes_a_checked_onnx_file_beside_the_model(tmp_path, data_env, small_ensemble, test_inputs, capsys):
    model = tmp_path / "copy.keras"
    shutil.copy(small_ensemble, model)
    assert main(["export", str(model)]) == 0
    assert "the same answers as" in capsys.readouterr().out
    x = test_inputs[0][:100]
    expected = bundle.load_model(model).predict(x, verbose=0)
    for answering in (Recognizer(model), Recognizer(tmp_path / "copy.onnx")):
        assert np.allclose(answering.probabilities(x[..., 0]), expected, atol=1e-4)
    # The export and the Why? view's network beside it, and no temporary file left.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.inside.onnx", "copy.keras", "copy.onnx"]


def test_a_keras_model_without_its_export_says_how_to_make_one(tmp_path):
    model = tmp_path / "mine.keras"
    shutil.copy(bundle.bundled_model_path(), model)
    with pytest.raises(
        DigitrecError, match=r"no exported model beside it \(mine.onnx\); make one with `digitrec export"
    ):
        Recognizer(model).load()


def test_a_damaged_export_is_one_clear_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(DigitrecError, match="is not a usable ONNX model"):
        Recognizer(broken).load()
    assert main(["predict", "--model", str(broken), str(broken)]) == 1


@pytest.mark.slow
def test_an_export_that_disagrees_with_keras_is_not_written(tmp_path, data_env, trained_by_the_command, monkeypatch):
    """Any trained model will do: the session's one network, which exports in half the time of the
    two-network `small_ensemble` (the check still compares all 10,000 test digits)."""
    from digitrec import export

    model = tmp_path / "m.keras"
    shutil.copy(trained_by_the_command, model)
    real_check = export.check
    monkeypatch.setattr(export, "check", lambda path, x, expected: real_check(path, x, expected + 0.01))
    assert main(["export", str(model)]) == 1
    assert not (tmp_path / "m.onnx").exists()


def test_training_commands_without_tensorflow_say_which_extra_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    for command in (["train"], ["evaluate"], ["export", "x.keras"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "pip install 'digitrec[train]'" in err
