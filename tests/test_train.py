"""Specification of `digitrec train`: short real runs on a subset of MNIST."""

import hashlib
import json

import numpy as np
import pytest
from conftest import SMALL_ENSEMBLE, set_data_env

from digitrec import bundle, export
from digitrec.backend import keras
from digitrec.cli import main
from digitrec.config import TrainConfig
from digitrec.errors import DigitrecError
from digitrec.model import RandomClosing, build
from digitrec.train import run_dir, train

QUICK = dict(train_size=4000, validation_size=1000, epochs=2, verbose=0)


class StopAfterFirstEpoch(keras.callbacks.Callback):
    """Acts like Ctrl-C pressed during the second epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


def test_seed_architecture_is_the_tutorial_cnn():
    net = build("seed")
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Conv2D", "Conv2D", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense"]
    assert net.count_params() == 2_380_938  # as the tutorial prints


def test_default_architecture_maps_digits_to_ten_probabilities():
    net = build("default")
    assert net.input_shape == (None, 28, 28, 1)
    assert net.output_shape == (None, 10)


def test_random_closing_fills_the_loops_a_fat_pen_fills_in_training_only(mnist):
    from scipy import ndimage

    images = (mnist[0][0][:32] / 255).astype("float32")[..., None]
    closed = np.asarray(RandomClosing(1.0, seed=1)(images, training=True))
    expected = np.stack([ndimage.grey_closing(image, size=(3, 3, 1)) for image in images])
    np.testing.assert_array_equal(closed, expected)
    np.testing.assert_array_equal(np.asarray(RandomClosing(1.0)(images)), images)  # inference: untouched


def test_random_closing_closes_about_its_share_of_the_images(mnist):
    images = (mnist[0][0][:1000] / 255).astype("float32")[..., None]
    closed = np.asarray(RandomClosing(0.3, seed=1)(images, training=True))
    changed = np.mean([not np.array_equal(a, b) for a, b in zip(closed, images)])
    assert 0.25 < changed < 0.35


def quick_seed_run(out, mnist_dir):
    """Train the tutorial's network QUICK (seed 1) into `out`; its card."""
    return train(TrainConfig(arch="seed", out=str(out), data_dir=str(mnist_dir), **QUICK))


@pytest.fixture(scope="module")
def quick_card(tmp_path_factory, mnist_dir):
    """The card of one quick run of the tutorial's network, shared: two tests read a short run's figures."""
    return quick_seed_run(tmp_path_factory.mktemp("quick") / "m.keras", mnist_dir)


@pytest.mark.slow
def test_a_short_run_learns_well_above_chance(quick_card):
    card = quick_card
    # Chance is 10%; two epochs on 4,000 images already give about 90%.
    assert card["validation_accuracy"] > 0.85
    assert card["test_accuracy"] > 0.85


@pytest.fixture(scope="module")
def default_run(tmp_path_factory, mnist_dir):
    """One network of the default recipe, pen digits and all, in a short run, shared: (its card, its .keras path)."""
    out = tmp_path_factory.mktemp("default") / "m.keras"
    # Batch norm needs a few hundred steps before its running statistics serve: batch 32, 3 epochs.
    config = TrainConfig(
        arch="default",
        out=str(out),
        batch_size=32,
        learning_rate=1e-3,
        members=1,
        **{**QUICK, "epochs": 3},
    )  # one network: the recipe's five learn alike, from the same data
    with pytest.MonkeyPatch.context() as patch:
        set_data_env(patch, mnist_dir)  # the pen digits found as a user's run finds them
        return train(config), out


@pytest.mark.slow
def test_the_default_architecture_learns_in_a_short_run(default_run):
    card, _ = default_run
    assert card["test_accuracy"] > 0.60  # chance is 10%


@pytest.mark.slow
def test_training_writes_model_card_markdown_and_curves(trained_by_the_command):
    out = trained_by_the_command  # `digitrec train --arch seed ... --epochs 2 --seed 7` (conftest.TRAIN_COMMAND)
    folder = out.parent
    card = json.loads((folder / "m.json").read_text())
    for key in (
        "architecture",
        "parameters",
        "data_sha256",
        "epochs",
        "batch_size",
        "seed",
        "validation_accuracy",
        "test_accuracy",
        "train_time_s",
        "hardware",
        "versions",
        "command",
    ):
        assert key in card
    assert card["epochs"] == 2 and card["seed"] == 7 and card["architecture"] == "seed"
    assert "--seed 7" in card["command"]
    assert "test accuracy" in (folder / "m.md").read_text()
    assert (folder / "m.curves.png").read_bytes()[:4] == b"\x89PNG"
    assert keras.saving.load_model(out, safe_mode=True).count_params() == card["parameters"]
    # The export that answers for it, checked against it on the test set, named on the card.
    assert card["export"] == {
        "file": "m.onnx",
        "sha256": hashlib.sha256((folder / "m.onnx").read_bytes()).hexdigest(),
    }
    assert "m.onnx" in (folder / "m.md").read_text()
    # The tutorial's last convolution reads 26x26x32: its forms are averaged down to 4x4x32.
    forms = {o.name: o.shape for o in bundle.load_session(folder / "m.onnx").get_outputs()}["forms"]
    assert forms[1] == 4 * 4 * 32
    assert not run_dir(out).exists()  # the checkpoints of a finished run are cleaned up


@pytest.mark.slow
def test_same_seed_gives_the_same_model(tmp_path, mnist_dir, quick_card):
    # A second run of the shared run's settings, later in the same process, as a user's rerun.
    again = quick_seed_run(tmp_path / "again.keras", mnist_dir)
    assert again["validation_accuracy"] == quick_card["validation_accuracy"]


@pytest.mark.slow
def test_an_interrupted_run_keeps_the_old_model_and_resumes(tmp_path, data_env):
    out = tmp_path / "m.keras"
    out.write_bytes(b"the previous model")
    config = TrainConfig(arch="seed", out=str(out), **QUICK)
    with pytest.raises(DigitrecError, match="--resume"):
        train(config, extra_callbacks=[StopAfterFirstEpoch()])
    assert out.read_bytes() == b"the previous model"
    assert (run_dir(out) / "best.keras").is_file()

    card = train(TrainConfig(**{**config.__dict__, "resume": True}))
    assert card["epochs"] == 2
    assert keras.saving.load_model(out, safe_mode=True).count_params() == card["parameters"]


def test_resume_without_an_interrupted_run_is_a_clear_error(tmp_path, data_env, capsys):
    assert main(["train", "--out", str(tmp_path / "m.keras"), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to resume" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--out", "/proc/no/such/place.keras"], "cannot write"),
    ],
)
def test_bad_settings_fail_in_one_line_before_training(tmp_path, data_env, capsys, args, message):
    assert main(["train", "--out", str(tmp_path / "m.keras"), *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_data_folder_with_wrong_files_fails_in_one_line(tmp_path, capsys):
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (tmp_path / name).write_bytes(b"not mnist")
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.keras")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sha256" in err


@pytest.mark.slow
def test_the_default_recipe_trains_on_the_pen_digits_and_mnist_only_leaves_them_out(default_run, small_ensemble):
    # Two runs shared with other tests: one network of the recipe, and conftest's small ensemble (--mnist-only).
    with_pen, out = default_run
    without = bundle.load_card(small_ensemble)
    assert without["train_images"] == SMALL_ENSEMBLE["train_size"] and "pen_sha256" not in without
    assert with_pen["train_images"] > QUICK["train_size"] + 1000  # each pen digit 3 times, zeros slashed
    assert with_pen["pen_writers"] == [1, 20]
    assert "pendigits-orig.tra" in out.with_suffix(".md").read_text()


@pytest.mark.slow
def test_an_ensemble_trains_its_members_then_answers_as_one_model(tmp_path, data_env):
    out = tmp_path / "e.keras"
    config = TrainConfig(arch="seed", out=str(out), members=2, **QUICK)
    with pytest.raises(DigitrecError, match="--resume"):
        train(config, extra_callbacks=[StopInSecondMember()])
    assert (run_dir(out) / "member-1.keras").is_file()  # the first member is kept...
    card = train(TrainConfig(**{**config.__dict__, "resume": True}))  # ...and not trained again
    assert [m["seed"] for m in card["members"]] == [1, 2]
    net = keras.saving.load_model(out, safe_mode=True)
    assert net.count_params() == card["parameters"] == 2 * build("seed").count_params()
    assert "members (their probabilities averaged) | 2" in (tmp_path / "e.md").read_text()
    # As it answers (the export's network, without the ONNX step the bundled model's tests cover):
    # the members' average, their forms side by side.
    images = np.random.default_rng(0).random((4, 28, 28, 1), np.float32)
    probabilities, _, forms = export.answering_model(net)(images)
    assert np.allclose(probabilities, net.predict(images, verbose=0), atol=1e-5)
    assert forms.shape == (4, 2 * 4 * 4 * 32)


class StopInSecondMember(keras.callbacks.Callback):
    """Interrupts the second member's first epoch, as Ctrl-C would."""

    calls = 0

    def on_epoch_end(self, epoch, logs=None):
        StopInSecondMember.calls += 1
        if StopInSecondMember.calls > QUICK["epochs"]:
            raise KeyboardInterrupt
