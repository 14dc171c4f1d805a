"""The pictures: training curves, confusion matrix, misclassified digits.

Figures are built with `matplotlib.figure.Figure` directly (no pyplot), so no
GUI backend is involved and nothing global changes.
"""

import os
from collections.abc import Sequence
from typing import cast

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from digitrec.files import atomic_path

LogRow = dict[str, float]  # one epoch of a training log (`digitrec.modelcard.LogRow`)


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")


def training_curves(history: Sequence[LogRow] | Sequence[Sequence[LogRow]], title: str = "training curves") -> Figure:
    """Loss and accuracy per epoch, training vs validation. `history`: list of CSV-log rows, or
    (an ensemble) a list of such lists, one a member, drawn each in its own shade."""
    runs = cast(  # one run's rows, or (an ensemble) several runs'
        Sequence[Sequence[LogRow]], history if history and isinstance(history[0], list) else [history]
    )
    fig = Figure(figsize=(10, 4))
    fig.suptitle(title)
    for ax, metric, label in zip(fig.subplots(1, 2), ("loss", "accuracy"), ("loss", "accuracy (%)")):
        scale = 100 if metric == "accuracy" else 1
        for k, rows in enumerate(runs):
            epochs = [int(row["epoch"]) + 1 for row in rows]
            name = f" (member {k + 1})" if len(runs) > 1 else ""
            ax.plot(
                epochs,
                [scale * row[metric] for row in rows],
                "o-",
                color="C0",
                alpha=1 - 0.25 * k,
                label="training" + name,
            )
            ax.plot(
                epochs,
                [scale * row[f"val_{metric}"] for row in rows],
                "o-",
                color="C1",
                alpha=1 - 0.25 * k,
                label="validation" + name,
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    rows = [row for run in runs for row in run]
    if rows:
        # The interesting part of the accuracy plot is the last percent or two.
        accs = [100 * row[k] for row in rows for k in ("accuracy", "val_accuracy")]
        fig.axes[1].set_ylim(max(min(accs), 97.0) - 0.2, 100.0)
    return fig


def confusion_matrix(matrix: NDArray[np.integer], title: str = "confusion matrix") -> Figure:
    """`matrix`: int (10, 10), rows = true digit, columns = predicted digit."""
    fig = Figure(figsize=(7, 6))
    ax = fig.subplots()
    # Log colours: the diagonal is ~1000, the interesting errors are 1-10.
    image = ax.imshow(np.log1p(matrix), cmap="Blues")
    for (true, pred), count in np.ndenumerate(matrix):
        if count:
            dark = np.log1p(count) > 0.6 * np.log1p(matrix.max())
            ax.text(
                pred,
                true,
                str(count),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if dark else ("black" if true == pred else "#c00000"),
            )
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="log(1 + count)")
    return fig


def mistakes_grid(
    images: NDArray[np.uint8],
    true: Sequence[int],
    predicted: Sequence[int],
    confidence: Sequence[float],
    columns: int = 10,
    title: str = "misclassified test digits",
) -> Figure:
    """A grid of digits with 'true -> predicted (confidence)'.

    `images`: uint8 (n, 28, 28); `true`, `predicted`: ints (n,); `confidence`: floats (n,) in [0, 1].
    """
    n = len(images)
    rows = max(1, int(np.ceil(n / columns)))
    fig = Figure(figsize=(columns * 1.2, rows * 1.45 + 0.5))
    fig.suptitle(f"{title}: true -> predicted (confidence)")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, t, p, c in zip(axes, images, true, predicted, confidence):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=255)
        ax.set_title(f"{t} -> {p} ({c:.0%})", fontsize=9, color="#c00000")
    return fig
