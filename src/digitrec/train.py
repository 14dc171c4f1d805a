"""Train a CNN on MNIST, keep the best epoch on validation, write the model and its card.

The validation split comes from the *training* set (its last 5,000 images), and
picks the epoch to keep; the test set is touched once, at the end, for the card.
A run checkpoints every epoch into `<out>.run/`, so `--resume` continues it
after a crash or Ctrl-C; the model itself is renamed into place only at the end.
"""

import csv
import dataclasses
import os
import platform
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from digitrec import bundle, data, model, modelcard, plots
from digitrec.backend import keras, tf
from digitrec.bundle import KerasModel
from digitrec.config import TrainConfig
from digitrec.errors import DigitrecError
from digitrec.files import atomic_path, check_writable
from digitrec.modelcard import Card, LogRow

Settings = dict[str, Any]  # a recipe's settings (`TrainConfig.recipe`)
Images = NDArray[np.float32]  # (n, 28, 28, 1) in [0, 1], as the model takes them
Labels = NDArray[np.uint8]  # (n,) in 0..9

MIN_EMA_STEPS = 2000

# ---------------------------------------------------------------- data


def to_model_input(images: NDArray[np.uint8]) -> Images:
    """uint8 (n, 28, 28) in 0..255 -> float32 (n, 28, 28, 1) in [0, 1]."""
    return (images.astype(np.float32) / np.float32(255))[..., None]  # float32 either way; NumPy's stubs see it so


def split(
    config: TrainConfig, settings: Settings
) -> tuple[tuple[Images, Labels], tuple[Images, Labels], tuple[Images, Labels]]:
    """Return (x_train, y_train), (x_val, y_val), (x_test, y_test) ready for the model.

    Training: MNIST's first 55,000 and, unless the recipe has none, the pen digits of writers
    1-20 as the window would read them; validation and test: MNIST's own.
    """
    (x_train, y_train), (x_test, y_test) = data.load_mnist(config.data_dir)
    n_val = config.validation_size
    x_fit, y_fit = x_train[:-n_val], y_train[:-n_val]
    if config.train_size is not None:
        x_fit, y_fit = x_fit[: config.train_size], y_fit[: config.train_size]
    if settings["pen_copies"]:
        x_pen, y_pen = pen_images(config, settings)
        x_fit, y_fit = np.concatenate([x_fit, x_pen]), np.concatenate([y_fit, y_pen])
    return (
        (to_model_input(x_fit), y_fit),
        (to_model_input(x_train[-n_val:]), y_train[-n_val:]),
        (to_model_input(x_test), y_test),
    )


def pen_images(config: TrainConfig, settings: Settings) -> tuple[NDArray[np.uint8], Labels]:
    """The pen digits of writers 1-20 (less any left out) as training images: uint8 (n, 28, 28), labels uint8 (n,)."""
    from digitrec import pen_training, pendigits

    digits = [d for d in pendigits.training_digits(config.pen) if d.writer not in config.leave_out_writers]
    if config.train_size is not None:  # a quick run takes a share of them too
        digits = digits[: max(10, config.train_size // 11)]
    return pen_training.training_images(
        digits, settings["pen_copies"], settings["slashed_zero_copies"], seed=config.seed
    )


# ---------------------------------------------------------------- optimiser


def make_optimizer(settings: Settings, steps_per_epoch: int) -> Any:
    lr = settings["learning_rate"]
    if settings["schedule"] == "cosine":
        # A one-epoch run has no room for a warm-up: it decays from the start.
        warmup = min(settings["warmup_epochs"], settings["epochs"] - 1) * steps_per_epoch
        lr = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=lr / 10,
            warmup_target=lr,
            warmup_steps=warmup,
            decay_steps=settings["epochs"] * steps_per_epoch - warmup,
        )
    if settings["optimizer"] == "adadelta":
        return keras.optimizers.Adadelta(learning_rate=lr)
    # The weight average starts from the random initial weights and needs a few hundred
    # steps to forget them: a short run (a quick test) ends before it is any use.
    ema = settings["ema_momentum"] if settings["epochs"] * steps_per_epoch >= MIN_EMA_STEPS else None
    return keras.optimizers.Adam(learning_rate=lr, use_ema=bool(ema), ema_momentum=ema or 0.99)


def compile_model(net: KerasModel, settings: Settings, steps_per_epoch: int) -> None:
    net.compile(
        optimizer=make_optimizer(settings, steps_per_epoch),
        # Labels are integers; Keras' sparse loss has no label smoothing, so one-hot them.
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=settings["label_smoothing"]),
        metrics=["accuracy"],
    )


# ---------------------------------------------------------------- training


class EpochTimer(keras.callbacks.Callback):
    """Adds each epoch's wall time to the logs (so the CSV log records it)."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        assert logs is not None  # Keras passes the epoch's logs at its end
        logs["epoch_time_s"] = time.perf_counter() - self.start


def run_dir(out: str | os.PathLike[str]) -> Path:
    return Path(f"{out}.run")


def read_log(path: Path) -> list[LogRow]:
    """The CSV training log as a list of dicts of floats (one per finished epoch)."""
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def train(config: TrainConfig, extra_callbacks: Sequence[Any] = ()) -> Card:
    """Train per `config`; write the model, its card and curves; return the card (a dict).

    With more than one member in the recipe, each member is a whole run of its own (seeds
    seed, seed + 1, ...) and the model is their average (`train_ensemble`).
    """
    settings = config.recipe()
    if settings["members"] > 1:
        return train_ensemble(config, settings, extra_callbacks)
    return train_one(config, settings, extra_callbacks)


def train_one(config: TrainConfig, settings: Settings, extra_callbacks: Sequence[Any] = ()) -> Card:
    """Train one network per `config`; write it, its card and curves; return the card."""
    out = Path(config.out)
    check_writable(out)
    work = run_dir(out)
    if config.resume and not (work / "backup").is_dir():
        raise DigitrecError(f"nothing to resume: {work} holds no interrupted run")
    if not config.resume and work.exists():
        shutil.rmtree(work)  # a fresh run must not pick up an old one's state
    work.mkdir(parents=True, exist_ok=True)

    keras.utils.set_random_seed(config.seed)
    # The data first: a data set that cannot be found must leave the process's Keras as it was.
    (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = split(config, settings)
    train_images = len(x_fit)
    precision = "mixed_bfloat16" if settings["bfloat16"] and native_bfloat16() else "float32"
    keras.mixed_precision.set_global_policy(precision)
    steps_per_epoch = int(np.ceil(len(x_fit) / settings["batch_size"]))
    net = model.build(config.arch)
    compile_model(net, settings, steps_per_epoch)

    log_path = work / "log.csv"
    best_so_far = min((row["val_loss"] for row in read_log(log_path)), default=None)
    # Order matters: at each epoch's end the backup takes the raw weights, then the
    # averaged (EMA) weights are swapped in for the checkpoint and any extra callback.
    callbacks = [
        EpochTimer(),
        keras.callbacks.CSVLogger(log_path, append=config.resume),
        # Saves model + optimiser state each epoch; restores it when a run is resumed.
        keras.callbacks.BackupAndRestore(work / "backup"),
        *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if net.optimizer.use_ema else []),
        keras.callbacks.ModelCheckpoint(
            # Validation loss, not accuracy: it has no ties (5,000 images give accuracy in
            # steps of 0.02%, and a tie would keep an early epoch over a later, better one).
            work / "best.keras",
            monitor="val_loss",
            mode="min",
            save_best_only=True,
            initial_value_threshold=best_so_far,
        ),
        *extra_callbacks,
    ]
    try:
        net.fit(
            x_fit,
            _one_hot(y_fit),
            validation_data=(x_val, _one_hot(y_val)),
            batch_size=settings["batch_size"],
            epochs=settings["epochs"],
            shuffle=True,
            callbacks=callbacks,
            verbose=config.verbose,
        )
    except KeyboardInterrupt:
        raise DigitrecError(
            f"interrupted; the last finished epoch is kept in {work}; continue with the same command and --resume"
        ) from None
    finally:
        keras.mixed_precision.set_global_policy("float32")  # layers made after this (a caller's) are float32

    history = read_log(log_path)
    best = float32_copy(keras.saving.load_model(work / "best.keras", safe_mode=True), config.arch)
    temperature = fit_temperature(best, x_val, y_val)
    best = keras.Sequential(
        [keras.Input(model.INPUT_SHAPE), *best.layers, model.Temperature(temperature)], name=config.arch
    )
    predicted = best.predict(x_test, batch_size=1000, verbose=0).argmax(axis=1)
    card = modelcard.describe(
        best,
        config,
        settings,
        history,
        test_accuracy=float((predicted == y_test).mean()),
        precision=precision,
        temperature=temperature,
        train_time_s=sum(row["epoch_time_s"] for row in history),  # also right across --resume
        hardware=hardware(),
        train_images=train_images,
    )
    write_outputs(best, card, history, out)
    shutil.rmtree(work)
    return card


def train_ensemble(config: TrainConfig, settings: Settings, extra_callbacks: Sequence[Any] = ()) -> Card:
    """Train `members` networks one after another into `<out>.run/member-K.keras` (a finished
    member is kept across --resume), then write their average as the model, with its card."""
    out = Path(config.out)
    check_writable(out)
    work = run_dir(out)
    if config.resume and not work.is_dir():
        raise DigitrecError(f"nothing to resume: {work} holds no interrupted run")
    if not config.resume and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    cards = []
    for k in range(settings["members"]):
        path = work / f"member-{k + 1}.keras"
        member = dataclasses.replace(
            config, out=str(path), seed=config.seed + k, resume=(run_dir(path) / "backup").is_dir()
        )
        finished = bundle.load_card(path) if path.is_file() else None  # a finished member has its card beside it
        cards.append(
            finished if finished is not None else train_one(member, {**settings, "members": 1}, extra_callbacks)
        )

    members = [
        keras.saving.load_model(work / f"member-{k + 1}.keras", safe_mode=True) for k in range(settings["members"])
    ]
    (_, _), (x_val, y_val), (x_test, y_test) = split(
        dataclasses.replace(config, mnist_only=True), {**settings, "pen_copies": 0}
    )
    net = ensemble(members)
    temperature = fit_temperature(net, x_val, y_val)
    net = ensemble(members, temperature)
    card = modelcard.describe_ensemble(
        net,
        config,
        cards,
        validation_accuracy=accuracy(net, x_val, y_val),
        test_accuracy=accuracy(net, x_test, y_test),
        temperature=temperature,
    )
    plots.save_figure(
        plots.training_curves(read_member_logs(cards), title="ensemble: training curves"), modelcard.curves_path(out)
    )
    modelcard.save(card, out)
    with atomic_path(out) as tmp:
        net.save(tmp)
    shutil.rmtree(work)
    return card


def ensemble(members: Sequence[KerasModel], temperature: float | None = None) -> KerasModel:
    """One model answering with the average of the members' probabilities: (n, 28, 28, 1) ->
    (n, 10); then, if given, a softmax temperature fitted to the average."""
    inputs = keras.Input(model.INPUT_SHAPE, name="image")
    # Each member under a name of its own: they were saved as models of the same name.
    renamed = [keras.Sequential(m.layers, name=f"member_{k + 1}") for k, m in enumerate(members)]
    average = keras.layers.Average(name="average")([m(inputs) for m in renamed])
    outputs = average if temperature is None else model.Temperature(temperature, name="temperature")(average)
    return keras.Model(inputs, outputs, name="ensemble")


def accuracy(net: KerasModel, x: Images, y: Labels) -> float:
    return float((net.predict(x, batch_size=1000, verbose=0).argmax(axis=1) == y).mean())


def read_member_logs(cards: Sequence[Card]) -> list[list[LogRow]]:
    """The members' training logs (each a list of rows), as their cards keep them."""
    return [card["history"] for card in cards]


def float32_copy(net: KerasModel, arch: str) -> KerasModel:
    """An uncompiled float32 copy of a trained model: what ships (no optimiser state, a third
    of the size, and the same numbers on every CPU)."""
    keras.mixed_precision.set_global_policy("float32")
    clean = model.build(arch)
    clean.set_weights(net.get_weights())
    return clean


def fit_temperature(net: KerasModel, x_val: Images, y_val: Labels) -> float:
    """The softmax temperature that minimises the validation log-loss (a 1-D grid search)."""
    log_p = np.log(np.clip(net.predict(x_val, batch_size=1000, verbose=0), 1e-12, 1.0))
    rows = np.arange(len(y_val))

    def log_loss(t: float) -> float:
        scaled = log_p / t
        scaled -= scaled.max(axis=1, keepdims=True)
        return -(scaled[rows, y_val] - np.log(np.exp(scaled).sum(axis=1))).mean()

    return float(min(np.geomspace(0.05, 2.0, 80), key=log_loss))


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (else mixed precision would be slower)."""
    if tf.config.list_physical_devices("GPU"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def write_outputs(net: KerasModel, card: Card, history: Sequence[LogRow], out: Path) -> None:
    """The model, its card (JSON + Markdown) and curves, each renamed into place when complete."""
    plots.save_figure(
        plots.training_curves(history, title=f"{card['architecture']}: training curves"), modelcard.curves_path(out)
    )
    modelcard.save(card, out)
    with atomic_path(out) as tmp:
        net.save(tmp)


def _one_hot(labels: Labels) -> NDArray[np.float32]:
    return keras.utils.to_categorical(labels, model.NUM_CLASSES)


def hardware() -> dict[str, Any]:
    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {
        "cpu": _cpu_name(),
        "cpu_cores": os.cpu_count(),
        "gpus": gpus,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
    }


def _cpu_name() -> str:

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
