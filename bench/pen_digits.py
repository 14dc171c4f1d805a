"""How well digitrec reads real people's handwriting: the pen-drawn digits of 30 writers.

    python bench/pen_digits.py [--pendigits FILE] [--model PATH] [--json] [--picture FILE]

Each of the 7,494 digits of ../shared/data/pendigits (a stylus on a tablet,
never trained on) is fitted to the window's 280 px canvas with a 40 px margin,
drawn with the window's 12 px pen, and read two ways:

- the window's path, `Recognizer.number_from_strokes`: right only if the whole
  drawing reads as exactly that one digit;
- the digit path, `Recognizer.digit_from_strokes`.

Prints both accuracies, each writer's (worst first), the top confusions, how
many wrong answers were marked "not sure", and saves a picture of the misread
digits beside what the model saw (`--picture`, default pen-digits-mistakes.png).
"""

import argparse
import collections
import json
import time
from pathlib import Path

import numpy as np

import pendigits
from digitrec import Recognizer
from digitrec.image import render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "pendigits" / "pendigits-train.gz"


def read_all(recognizer, digits, pen_width=DEFAULT_PEN_WIDTH):
    """One record a digit: label, writer, the window path's text and the digit path's result."""
    records = []
    for digit in digits:
        drawing = render_strokes(pendigits.fitted(digit.strokes), pen_width)
        number = recognizer.number(drawing)
        single = recognizer.digit(drawing)
        records.append(dict(label=digit.label, writer=digit.writer, number=number.text,
                            digit=single.digit, confident=single.confident,
                            drawing=drawing, model_input=single.model_input))
    return records


def summary(records):
    """The figures, as a dict of plain values (what --json prints)."""
    wrong = [r for r in records if r["digit"] != r["label"]]
    by_writer = collections.defaultdict(list)
    for r in records:
        by_writer[r["writer"]].append(r)
    writers = sorted(({"writer": w, "digits": len(rs),
                       "window": _share(rs, "number"), "digit": _share(rs, "digit")}
                      for w, rs in by_writer.items()), key=lambda row: (row["window"], row["digit"]))
    confusions = collections.Counter(f"{r['label']}->{r['digit']}" for r in wrong)
    return {
        "digits": len(records),
        "window_path": _share(records, "number"),
        "digit_path": _share(records, "digit"),
        "window_wrong": sum(r["number"] != str(r["label"]) for r in records),
        "window_wrong_count": sum(len(r["number"]) != 1 for r in records),
        "digit_wrong": len(wrong),
        "digit_wrong_not_sure": sum(not r["confident"] for r in wrong),
        "worst_writer_window": writers[0]["window"],
        "worst_writer_digit": min(w["digit"] for w in writers),
        "writers": writers,
        "confusions": dict(confusions.most_common(12)),
    }


def _share(records, key):
    return float(np.mean([str(r[key]) == str(r["label"]) for r in records]))


def save_mistakes(records, path, limit=120):
    """A grid of misread digits: each drawing (small) beside its 28x28 model input."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    wrong = [r for r in records if r["digit"] != r["label"] or r["number"] != str(r["label"])][:limit]
    if not wrong:
        return
    columns = 8
    rows = -(-len(wrong) // columns)
    figure, axes = plt.subplots(rows, 2 * columns, figsize=(2 * columns * 0.9, rows * 1.1), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, r in enumerate(wrong):
        left, right = axes[i // columns, 2 * (i % columns)], axes[i // columns, 2 * (i % columns) + 1]
        left.imshow(np.asarray(r["drawing"]), cmap="gray")
        left.set_title(f"w{r['writer']} {r['label']}->{r['number'] or '-'}", fontsize=7)
        right.imshow(r["model_input"], cmap="gray_r")
        right.set_title(f"digit {r['digit']}{'' if r['confident'] else '?'}", fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pendigits", default=str(DEFAULT_FILE), help="the UNIPEN file (default: %(default)s)")
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--picture", default="pen-digits-mistakes.png", help="where to save the misread digits")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    digits = pendigits.read(args.pendigits)
    recognizer = Recognizer(args.model).load()
    started = time.perf_counter()
    records = read_all(recognizer, digits)
    results = {**summary(records), "seconds": round(time.perf_counter() - started, 1)}
    save_mistakes(records, args.picture)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{results['digits']} pen-drawn digits of {len(results['writers'])} writers")
    print(f"  window path (number_from_strokes, exactly the one digit): {results['window_path']:.2%}"
          f"  ({results['window_wrong']} wrong, {results['window_wrong_count']} of them not one digit)")
    print(f"  digit path (digit_from_strokes):                          {results['digit_path']:.2%}"
          f"  ({results['digit_wrong']} wrong, {results['digit_wrong_not_sure']} of them marked not sure)")
    print("\nwriter  digits  window   digit")
    for row in results["writers"]:
        print(f"{row['writer']:>6} {row['digits']:>7} {row['window']:>7.2%} {row['digit']:>7.2%}")
    print("\ntop confusions (digit path): " + ", ".join(f"{k} x{v}" for k, v in results["confusions"].items()))
    print(f"misread digits: {args.picture}")


if __name__ == "__main__":
    main()
