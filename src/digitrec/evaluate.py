"""Evaluate a model on the MNIST test set: accuracy, per-class scores, pictures, JSON.

This is the one place where the test set is used to judge a model.
"""

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from digitrec import bundle, data, plots
from digitrec.bundle import KerasModel
from digitrec.files import write_text
from digitrec.train import to_model_input

NUM_CLASSES = 10
MAX_MISTAKES_SHOWN = 100


Report = dict[str, Any]  # `evaluate`'s JSON-ready report


def predict_probabilities(net: KerasModel, images: NDArray[np.uint8]) -> NDArray[np.float32]:
    """uint8 (n, 28, 28) -> float32 (n, 10) class probabilities."""
    return net.predict(to_model_input(images), batch_size=1000, verbose=0)


def evaluate(net: KerasModel, images: NDArray[np.uint8], labels: NDArray[np.integer]) -> Report:
    """Score `net` on uint8 images (n, 28, 28) with int labels (n,). Returns the report dict."""
    probabilities = predict_probabilities(net, images)
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    wrong = np.flatnonzero(predicted != labels)
    return {
        "images": len(labels),
        "accuracy": float(np.trace(matrix) / matrix.sum()),
        "errors": len(wrong),
        "per_class": per_class_scores(matrix),
        "confusion_matrix": matrix.tolist(),
        "mistakes": [
            {
                "index": int(i),
                "true": int(labels[i]),
                "predicted": int(predicted[i]),
                "confidence": round(float(confidence[i]), 4),
            }
            for i in wrong
        ],
    }


def per_class_scores(matrix: NDArray[np.integer]) -> list[dict[str, float]]:
    """Precision, recall, F1 and support per digit from a confusion matrix (rows = true)."""
    true_positives = np.diag(matrix)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.nan_to_num(true_positives / matrix.sum(axis=0))
        recall = np.nan_to_num(true_positives / matrix.sum(axis=1))
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    return [
        {
            "digit": d,
            "precision": round(float(precision[d]), 4),
            "recall": round(float(recall[d]), 4),
            "f1": round(float(f1[d]), 4),
            "support": int(matrix[d].sum()),
        }
        for d in range(NUM_CLASSES)
    ]


def evaluate_file(
    model_path: str | os.PathLike[str] | None, out_dir: str | os.PathLike[str], data_dir: str | None = None
) -> Report:
    """Evaluate a model file (default: bundled) on MNIST's test set; write report.json and the plots."""
    net = bundle.load_model(model_path)
    _, (images, labels) = data.load_mnist(data_dir)
    report = evaluate(net, images, labels)
    report["model"] = str(model_path or bundle.bundled_model_path())
    save_report(report, images, Path(out_dir))
    return report


def save_report(report: Report, images: NDArray[np.uint8], out_dir: Path) -> None:
    """report.json, confusion_matrix.png and mistakes.png in `out_dir`; `images`: the test images."""
    report["files"] = {name: str(out_dir / name) for name in ("report.json", "confusion_matrix.png", "mistakes.png")}
    accuracy = f"{report['accuracy']:.2%} of {report['images']:,}"
    matrix = np.array(report["confusion_matrix"])
    plots.save_figure(
        plots.confusion_matrix(matrix, title=f"MNIST test set: {accuracy} right"), out_dir / "confusion_matrix.png"
    )
    shown = report["mistakes"][:MAX_MISTAKES_SHOWN]
    plots.save_figure(
        plots.mistakes_grid(
            images[[m["index"] for m in shown]],
            [m["true"] for m in shown],
            [m["predicted"] for m in shown],
            [m["confidence"] for m in shown],
            title=f"misclassified test digits, {len(shown)} of {report['errors']}",
        ),
        out_dir / "mistakes.png",
    )
    write_text(out_dir / "report.json", to_json(report) + "\n")


def to_json(report: Report) -> str:
    return json.dumps(report, indent=2)


def to_text(report: Report) -> str:

    lines = [
        f"model: {report['model']}",
        f"MNIST test accuracy: {report['accuracy']:.2%} ({report['errors']} errors in {report['images']:,} images)",
        "",
        "digit  precision   recall       F1  support",
    ]
    for row in report["per_class"]:
        lines.append(
            f"{row['digit']:>5}  {row['precision']:>9.2%}  {row['recall']:>7.2%}  "
            f"{row['f1']:>7.2%}  {row['support']:>7}"
        )
    lines += ["", *(f"wrote {path}" for path in report["files"].values())]
    return "\n".join(lines)
