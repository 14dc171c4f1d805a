"""Training settings: each architecture's recipe, and the config the CLI fills in.

Kept free of TensorFlow so that `digitrec --help` and the GUI start fast.
"""

import dataclasses
from typing import Any

from digitrec.errors import DigitrecError

# What each architecture trains with unless the command line says otherwise.
RECIPES: dict[str, dict[str, Any]] = {
    # The Keras tutorial, verbatim: Adadelta at 1.0, batch 128, 10 epochs.
    "seed": dict(
        optimizer="adadelta",
        learning_rate=1.0,
        batch_size=128,
        epochs=10,
        warmup_epochs=0,
        label_smoothing=0.0,
        schedule="constant",
        ema_momentum=None,
        bfloat16=False,
        pen_copies=0,
        slashed_zero_copies=0,
        members=1,
    ),
    # Adam with a short warm-up then cosine decay to zero: the late low-LR epochs are what
    # lift accuracy past 99.6%. Validation and checkpoints use an exponential moving average
    # of the weights over ~200 steps (half an epoch): it smooths out the noise of the
    # high-LR epochs, so the model is good early (99.4-99.5% on validation by epoch 3), not only
    # at the end. Label smoothing keeps the confidences honest. On CPUs with native
    # bfloat16 (AVX512-BF16, AMX) the convolutions run in bfloat16, 1.3x faster; weights
    # stay float32 and the shipped model is float32. 24 epochs (20 until r19: with the same
    # seed, 99.60% -> 99.68% on validation): 11 minutes on 2 such cores when quiet, 13.5 in
    # bench/train_vs_seed.py's run.
    # Beside MNIST's 55,000: each pen digit of writers 1-20 (about 5,000) three times, varied,
    # and each of their zeros twice more with a slash (pen_training.py): the world's forms.
    "default": dict(
        optimizer="adam",
        learning_rate=3e-3,
        batch_size=128,
        epochs=24,
        warmup_epochs=1,
        label_smoothing=0.1,
        schedule="cosine",
        ema_momentum=0.995,
        bfloat16=True,
        pen_copies=3,
        slashed_zero_copies=2,
        members=5,
    ),
}

# The path model (`digitrec.train_path`): each pen digit of writers 1-20 `copies` times, varied
# (`path_training`), each '0' `slashed_zero_copies` more times with a slash and each one-stroke '7'
# `crossed_seven_copies` more with a bar; Adam with cosine decay, a fixed number of epochs.
PATH_RECIPE: dict[str, Any] = dict(
    copies=6,
    slashed_zero_copies=4,
    crossed_seven_copies=3,
    epochs=12,
    batch_size=128,
    learning_rate=3e-3,
    label_smoothing=0.1,
)


@dataclasses.dataclass
class TrainConfig:
    """Every training setting; None means "the architecture's recipe"."""

    arch: str = "default"
    out: str = "digitrec.keras"
    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    seed: int = 1
    validation_size: int = 5000
    train_size: int | None = None  # use only the first N training images (for quick tests)
    data_dir: str | None = None
    pen: str | None = None  # the pen digits' file or folder; None: $DIGITREC_PEN, the cache, a download
    members: int | None = None  # networks averaged into one model (an ensemble); None: the recipe's
    mnist_only: bool = False  # MNIST alone, no pen digits (the recipe before real handwriting)
    # Pen writers (of 1-20) to leave out of training, so that a later choice (the path model's
    # weight beside the picture) can be made on writers no network has seen.
    leave_out_writers: tuple[int, ...] = ()
    resume: bool = False
    verbose: int | str = "auto"
    command: str | None = None  # the command line, for the model card

    def recipe(self) -> dict[str, Any]:
        """The effective settings: the recipe, overridden by whatever was given."""
        if self.arch not in RECIPES:
            raise DigitrecError(f"unknown architecture {self.arch!r}; choose from {', '.join(RECIPES)}")
        settings = dict(RECIPES[self.arch])
        for key in ("epochs", "batch_size", "learning_rate", "members"):
            if getattr(self, key) is not None:
                settings[key] = getattr(self, key)
        if self.mnist_only:
            settings.update(pen_copies=0, slashed_zero_copies=0)
        if settings["epochs"] < 1:
            raise DigitrecError(f"--epochs must be at least 1 (got {settings['epochs']})")
        if settings["members"] < 1:
            raise DigitrecError(f"--members must be at least 1 (got {settings['members']})")
        if settings["batch_size"] < 1:
            raise DigitrecError(f"--batch-size must be at least 1 (got {settings['batch_size']})")
        if self.validation_size < 1:
            raise DigitrecError("--validation-size must be at least 1")
        return settings
