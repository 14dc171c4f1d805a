"""Train the path model (a 1-D CNN over a digit's pen path) and export it to ONNX.

    digitrec train-path --out path.keras [--leave-out-writers 16-20]

Its data: pendigits writers 1-20's trajectories, varied (`path_training`), with
slashed zeros and crossed sevens drawn into them. It has no validation set of
its own: every training writer's digits train it (a copy of a digit in both
halves would flatter it), and it trains a fixed number of epochs. Its confidence
is set beside the picture's by the combination's weight, chosen on writers no
network saw (`digitrec.combine`, bench/pen_path.py --choose).

A run checkpoints every epoch into `<out>.run/` (`--resume` continues it); the
model is renamed into place at the end, then exported beside it as `<out>.onnx`
(input "path", float32 (n, 64, 5); outputs "probabilities", float32 (n, 10), and
"forms", float32 (n, 64): what its last hidden layer reads, where a profile compares
two drawings' paths), kept only if ONNX Runtime agrees with Keras on the training
writers' digits.
"""

import json
import os
import shutil
import time
import warnings
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from digitrec import model, path_training, pendigits
from digitrec.backend import keras
from digitrec.bundle import KerasModel
from digitrec.config import PATH_RECIPE
from digitrec.errors import DigitrecError
from digitrec.files import atomic_path, check_writable
from digitrec.pendigits import PenDigit

MAX_DIFFERENCE = 1e-4  # largest probability difference between the export and Keras


def training_digits(
    pen: str | None = None, leave_out_writers: Collection[int] = (), limit: int | None = None
) -> list[PenDigit]:
    """Writers 1-20's pen digits (list of PenDigit), less those left out; the first `limit` if given."""
    digits = [d for d in pendigits.training_digits(pen) if d.writer not in leave_out_writers]
    return digits[:limit] if limit else digits


def train(
    out: str | os.PathLike[str],
    pen: str | None = None,
    leave_out_writers: Collection[int] = (),
    seed: int = 1,
    epochs: int | None = None,
    limit: int | None = None,
    resume: bool = False,
    verbose: int | str = 2,
    command: str | None = None,
) -> dict[str, Any]:
    """Train the path model into `out` (.keras), export it beside it (.onnx); return its card (a dict)."""
    recipe = {**PATH_RECIPE, **({"epochs": epochs} if epochs else {})}
    out = Path(out)
    check_writable(out)
    work = Path(f"{out}.run")
    if not resume and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    digits = training_digits(pen, leave_out_writers, limit)
    x, y = path_training.training_data(
        digits,
        recipe["copies"],
        recipe["slashed_zero_copies"],
        recipe["crossed_seven_copies"],
        seed=seed,
    )
    keras.utils.set_random_seed(seed)
    net = model.build_path()
    steps = int(np.ceil(len(x) / recipe["batch_size"])) * recipe["epochs"]
    net.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], steps)),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=recipe["label_smoothing"]),
        metrics=["accuracy"],
    )
    try:
        net.fit(
            x,
            keras.utils.to_categorical(y, model.NUM_CLASSES),
            batch_size=recipe["batch_size"],
            epochs=recipe["epochs"],
            shuffle=True,
            callbacks=[
                keras.callbacks.CSVLogger(work / "log.csv", append=resume),
                keras.callbacks.BackupAndRestore(work / "backup"),
            ],
            verbose=verbose,
        )
    except KeyboardInterrupt:
        raise DigitrecError(f"interrupted; the last finished epoch is kept in {work}; rerun with --resume") from None
    clean = model.build_path()  # no optimiser state: what ships
    clean.set_weights(net.get_weights())
    card = {
        "model": "path",
        "data": {
            "pendigits_writers": sorted({d.writer for d in digits}),
            "digits": len(digits),
            "training_copies": len(x),
            "recipe": recipe,
        },
        "training_accuracy_last_epoch": _last_accuracy(work / "log.csv"),
        "parameters": int(clean.count_params()),
        "train_time_s": round(time.perf_counter() - started, 1),
        "seed": seed,
        "command": command,
    }
    with atomic_path(out) as tmp:
        clean.save(tmp)
    exported = export(out, x[:: max(1, len(x) // 2000)])
    card["export"] = {"file": exported.name}
    with atomic_path(out.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(card, indent=2) + "\n")
    shutil.rmtree(work)
    return card


def export(model_path: str | os.PathLike[str], x: NDArray[np.float32]) -> Path:
    """Export a path model (.keras) to ONNX beside it, checked against Keras on `x` (n, 64, 5); its path."""
    net = keras.saving.load_model(model_path, safe_mode=True)
    answering = answering_model(net)
    expected = answering.predict(x, batch_size=1000, verbose=0)
    out = Path(model_path).with_suffix(".onnx")
    with atomic_path(out) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        answering.export(str(tmp), format="onnx", verbose=False)
        from digitrec.export import name_outputs

        name_outputs(tmp, ["probabilities", "forms"])
        check(tmp, x, expected)
    return out


def answering_model(net: KerasModel) -> KerasModel:
    """The trained path model's layers, as a model of the input "path" with two outputs: its probabilities
    (n, 10) and its forms (n, 64), the output of its last hidden (dense) layer, where a profile compares paths
    (`digitrec.profile.adapt`): there two drawings of a digit made the same way lie close, whatever the digit."""
    inputs = keras.Input((model.PATH_POINTS, model.PATH_CHANNELS), name="path")
    hidden = [layer for layer in net.layers if isinstance(layer, keras.layers.Dense)][-2]
    x, forms = inputs, None
    for layer in net.layers:
        x = layer(x)
        if layer is hidden:
            forms = x
    answering = keras.Model(
        inputs,
        [keras.layers.Identity(name="probabilities")(x), keras.layers.Identity(name="forms")(forms)],
        name="path_answering",
    )
    answering(np.zeros((1, model.PATH_POINTS, model.PATH_CHANNELS), np.float32))  # Keras exports only a run model
    return answering


def check(path: str | os.PathLike[str], x: NDArray[np.float32], expected: list[NDArray[np.float32]]) -> None:
    """Raise DigitrecError unless ONNX Runtime on `path` agrees with `expected` ([probabilities (n, 10),
    forms (n, 64)]) on x."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(["probabilities", "forms"], {"path": x.astype(np.float32)})
    differ = int((got[0].argmax(axis=1) != expected[0].argmax(axis=1)).sum())
    worst = max(float(np.abs(g - e).max() / max(1.0, float(np.abs(e).max()))) for g, e in zip(got, expected))
    if differ or worst > MAX_DIFFERENCE:
        raise DigitrecError(f"the path model's ONNX export disagrees with Keras: {differ} answers, {worst:.2g} apart")


def _last_accuracy(log: Path) -> float:

    rows = log.read_text().splitlines()
    header, last = rows[0].split(","), rows[-1].split(",")
    return round(float(last[header.index("accuracy")]), 4)
