"""How well digitrec reads real people's handwriting: the pen-drawn digits of 30 writers.

    python bench/pen_digits.py [--pendigits FILE] [--model PATH] [--json]
                               [--picture FILE] [--picture-limit N] [--neighbours]

Each of the 7,494 digits of ../shared/data/pendigits (a stylus on a tablet,
never trained on) is fitted to the window's 280 px canvas with a 40 px margin,
drawn with the window's 12 px pen, and read two ways:

- the window's path, `Recognizer.number_from_strokes`: right only if the whole
  drawing reads as exactly that one digit;
- the digit path, `Recognizer.digit_from_strokes`.

Prints both accuracies, each writer's (worst first), the top confusions, how
many wrong answers were marked "not sure", and saves a picture of the misread
digits beside what the model saw (`--picture`, default pen-digits-mistakes.png).

With --neighbours (MNIST is read from the data directory), it also finds each
digit's nearest MNIST training digit, as a plain nearest-neighbour reader of
MNIST would, with no model: the highest cosine similarity of the 28x28 images
blurred by a 1 px Gaussian (so that strokes a pixel apart still meet). It says
how many misread digits look most like an MNIST digit of the answer the model
gave, rather than of their own, and shows that MNIST digit in the picture.
"""

import argparse
import collections
import json
import time
from pathlib import Path

import numpy as np

import pendigits
from digitrec import Recognizer, data
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


def nearest(model_inputs, images, chunk=500):
    """int (n,): for each model input (float (n, 28, 28), ink 1 on 0) the index of the most similar of
    `images` (uint8 (m, 28, 28), MNIST's), by cosine similarity of the images blurred by a 1 px Gaussian."""
    from scipy import ndimage  # the train extra's; only this option needs it

    def unit(batch):
        flat = ndimage.gaussian_filter(np.asarray(batch, np.float32), sigma=(0, 1, 1)).reshape(len(batch), -1)
        return flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-6)

    pool = unit(images / np.float32(255))
    return np.concatenate([(unit(model_inputs[i:i + chunk]) @ pool.T).argmax(axis=1)
                           for i in range(0, len(model_inputs), chunk)])


def neighbours(records):
    """Give each record its nearest MNIST training digit ("neighbour": index, "neighbour_label") and
    return the counts --neighbours prints."""
    (images, labels), _ = data.load_mnist()
    found = nearest(np.stack([r["model_input"] for r in records]), images)
    for r, index in zip(records, found):
        r["neighbour"], r["neighbour_label"], r["neighbour_image"] = int(index), int(labels[index]), images[index]
    wrong = [r for r in records if r["digit"] != r["label"]]
    right = [r for r in records if r["digit"] == r["label"]]
    return {
        "misread": len(wrong),
        "misread_nearest_is_answer": sum(r["neighbour_label"] == r["digit"] for r in wrong),
        "misread_nearest_is_true": sum(r["neighbour_label"] == r["label"] for r in wrong),
        "read_right": len(right),
        "read_right_nearest_is_true": sum(r["neighbour_label"] == r["label"] for r in right),
    }


def _share(records, key):
    return float(np.mean([str(r[key]) == str(r["label"]) for r in records]))


def save_mistakes(records, path, limit=120):
    """A grid of misread digits: each drawing (small) beside its 28x28 model input, and the nearest MNIST
    training digit where `neighbours` found them."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    wrong = [r for r in records if r["digit"] != r["label"] or r["number"] != str(r["label"])][:limit]
    if not wrong:
        return
    panels = 3 if "neighbour" in wrong[0] else 2
    columns = 16 // panels
    rows = -(-len(wrong) // columns)
    figure, axes = plt.subplots(rows, panels * columns, figsize=(panels * columns * 0.9, rows * 1.1),
                                squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, r in enumerate(wrong):
        row, first = i // columns, panels * (i % columns)
        axes[row, first].imshow(np.asarray(r["drawing"]), cmap="gray")
        axes[row, first].set_title(f"w{r['writer']} {r['label']}->{r['number'] or '-'}", fontsize=7)
        axes[row, first + 1].imshow(r["model_input"], cmap="gray_r")
        axes[row, first + 1].set_title(f"digit {r['digit']}{'' if r['confident'] else '?'}", fontsize=7)
        if panels == 3:
            axes[row, first + 2].imshow(r["neighbour_image"], cmap="gray_r")
            axes[row, first + 2].set_title(f"MNIST {r['neighbour_label']}", fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pendigits", default=str(DEFAULT_FILE), help="the UNIPEN file (default: %(default)s)")
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--picture", default="pen-digits-mistakes.png", help="where to save the misread digits")
    parser.add_argument("--picture-limit", type=int, default=120, metavar="N",
                        help="show at most N misread digits (default: %(default)s)")
    parser.add_argument("--neighbours", action="store_true",
                        help="find each digit's nearest MNIST training digit (needs MNIST and SciPy)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    digits = pendigits.read(args.pendigits)
    recognizer = Recognizer(args.model).load()
    started = time.perf_counter()
    records = read_all(recognizer, digits)
    results = {**summary(records), "seconds": round(time.perf_counter() - started, 1)}
    if args.neighbours:
        results["neighbours"] = neighbours(records)
    save_mistakes(records, args.picture, args.picture_limit)
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
    if args.neighbours:
        n = results["neighbours"]
        print(f"\nnearest MNIST training digit (blurred pixels, no model): of the {n['misread']} misread, "
              f"{n['misread_nearest_is_answer']} look most like an MNIST digit of the model's answer, "
              f"{n['misread_nearest_is_true']} like one of their own digit;\n"
              f"of the {n['read_right']} read right, {n['read_right_nearest_is_true']} "
              f"({n['read_right_nearest_is_true'] / max(1, n['read_right']):.0%}) like one of their own digit")
    print(f"misread digits: {args.picture}")


if __name__ == "__main__":
    main()
