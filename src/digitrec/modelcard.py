"""The model card: what a trained model is, how it was made, and how well it does.

Saved beside the model as `<name>.json` (for programs) and `<name>.md` (for people).
"""

import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from digitrec import data
from digitrec.backend import keras, tf
from digitrec.bundle import KerasModel
from digitrec.config import TrainConfig
from digitrec.files import write_text

Card = dict[str, Any]  # the card: JSON values by name (`describe` lists them)
LogRow = dict[str, float]  # one epoch of the training log: "epoch", "loss", "val_accuracy", ...


def card_path(model_path: str | os.PathLike[str]) -> Path:
    return Path(model_path).with_suffix(".json")


def markdown_path(model_path: str | os.PathLike[str]) -> Path:
    return Path(model_path).with_suffix(".md")


def curves_path(model_path: str | os.PathLike[str]) -> Path:
    return Path(model_path).with_suffix(".curves.png")


def describe(
    net: KerasModel,
    config: TrainConfig,
    settings: dict[str, Any],
    history: Sequence[LogRow],
    test_accuracy: float,
    train_time_s: float,
    hardware: dict[str, Any],
    precision: str,
    temperature: float,
    train_images: int,
) -> Card:
    """The card as a JSON-ready dict."""
    best = min(history, key=lambda row: row["val_loss"])  # the epoch train.py kept
    return {
        "architecture": config.arch,
        "parameters": int(net.count_params()),
        "data_sha256": data.data_hashes(),
        **pen_data(settings),
        "train_images": int(train_images),
        "validation_images": config.validation_size,
        "epochs": settings["epochs"],
        "best_epoch": int(best["epoch"]) + 1,
        "batch_size": settings["batch_size"],
        "optimizer": settings["optimizer"],
        "learning_rate": settings["learning_rate"],
        "schedule": settings["schedule"],
        "label_smoothing": settings["label_smoothing"],
        "ema_momentum": settings["ema_momentum"],
        "seed": config.seed,
        "training_precision": precision,
        "temperature": round(temperature, 4),
        "validation_accuracy": round(best["val_accuracy"], 6),
        "test_accuracy": round(test_accuracy, 6),
        "train_time_s": round(train_time_s, 1),
        "hardware": hardware,
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "command": config.command or shlex.join(sys.argv),
        # Each epoch's figures, as the training log has them (an ensemble's curves need them).
        "history": [{k: round(v, 6) for k, v in row.items()} for row in history],
    }


def describe_ensemble(
    net: KerasModel,
    config: TrainConfig,
    member_cards: Sequence[Card],
    validation_accuracy: float,
    test_accuracy: float,
    temperature: float,
) -> Card:
    """The card of an ensemble (`train.ensemble`) as a JSON-ready dict: the first member's
    training settings, the ensemble's accuracy, and each member's own figures."""
    first = member_cards[0]
    return {
        **{k: v for k, v in first.items() if k not in ("history", "export", "command")},
        "parameters": int(net.count_params()),
        "members": [
            {
                k: card[k]
                for k in (
                    "seed",
                    "best_epoch",
                    "validation_accuracy",
                    "test_accuracy",
                    "train_time_s",
                    "temperature",
                    "history",
                )
            }
            for card in member_cards
        ],
        "seed": config.seed,
        "temperature": round(temperature, 4),
        "validation_accuracy": round(validation_accuracy, 6),
        "test_accuracy": round(test_accuracy, 6),
        "train_time_s": round(sum(card["train_time_s"] for card in member_cards), 1),
        "command": config.command or shlex.join(sys.argv),
    }


def pen_data(settings: dict[str, Any]) -> dict[str, Any]:
    """What the card says of the pen digits a run trained on (nothing if it had none)."""
    from digitrec import pendigits

    if not settings.get("pen_copies"):
        return {}
    return {
        "pen_sha256": {"pendigits-orig.tra": pendigits.SHA256},
        "pen_writers": [min(pendigits.TRAIN_WRITERS), max(pendigits.TRAIN_WRITERS)],
        "pen_copies": settings["pen_copies"],
        "slashed_zero_copies": settings["slashed_zero_copies"],
    }


def save(card: Card, model_path: str | os.PathLike[str]) -> None:
    write_text(card_path(model_path), json.dumps(card, indent=2) + "\n")
    write_text(markdown_path(model_path), to_markdown(card, Path(model_path).name))


def _export_row(card: Card) -> str:
    if "export" not in card:
        return ""
    return (
        f"| export (answers without TensorFlow) | `{card['export']['file']}`, sha256 `{card['export']['sha256']}` |\n"
    )


def _validation_row(card: Card) -> str:
    if "members" not in card:
        return (
            f"| validation accuracy (best epoch, {card['validation_images']:,} images) | "
            f"{card['validation_accuracy']:.2%} (epoch {card['best_epoch']} of {card['epochs']}) |"
        )
    members = "; ".join(
        f"seed {m['seed']}: test {m['test_accuracy']:.2%}, validation {m['validation_accuracy']:.2%} "
        f"(epoch {m['best_epoch']})"
        for m in card["members"]
    )
    return (
        f"| validation accuracy ({card['validation_images']:,} images) | {card['validation_accuracy']:.2%} |\n"
        f"| members (their probabilities averaged) | {len(card['members'])}: {members} |"
    )


def _data_lines(card: Card) -> str:
    lines = [f"- `{name}`: `{digest}`" for name, digest in card["data_sha256"].items()]
    if "pen_sha256" in card:
        first, last = card["pen_writers"]
        lines += [
            f"- pen digits (UCI pendigits, writers {first}-{last} only; each {card['pen_copies']} times, "
            f"varied, and each '0' {card['slashed_zero_copies']} more times slashed), `{name}`: `{digest}`"
            for name, digest in card["pen_sha256"].items()
        ]
    return "\n".join(lines)


def _training(card: Card) -> str:
    return (
        f"{card['train_images']:,} images, batch {card['batch_size']}, {card['optimizer']} at "
        f"{card['learning_rate']} ({card['schedule']}), label smoothing {card['label_smoothing']}, "
        f"weight EMA {card['ema_momentum']}, {card['training_precision']}, seed {card['seed']}"
    )


def to_markdown(card: Card, model_name: str) -> str:

    hw = card["hardware"]
    device = ", ".join(hw["gpus"]) or f"{hw['cpu']} ({hw['cpu_cores']} cores, no GPU)"
    return f"""# Model card: {model_name}

| | |
|---|---|
| architecture | `{card["architecture"]}` ({card["parameters"]:,} parameters) |
| test accuracy (MNIST, 10,000 images) | **{card["test_accuracy"]:.2%}** |
{_validation_row(card)}
| training | {_training(card)} |
| probability calibration | softmax temperature {card["temperature"]} (fitted on validation) |
| training wall time | {card["train_time_s"] / 60:.1f} min on {device} |
| software | TensorFlow {card["versions"]["tensorflow"]}, Keras {card["versions"]["keras"]}, Python {hw["python"]} |
| command | `{card["command"]}` |
{_export_row(card)}
Data, verified by the sha256 of each decompressed file:

{_data_lines(card)}
"""
