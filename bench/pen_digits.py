"""How well digitrec reads real people's handwriting: pen-drawn digits of writers it never trained on.

    python bench/pen_digits.py [--model PATH] [--json] [--picture FILE] [--picture-limit N]
                               [--neighbours] [--train-writers]

Two dev sets, measuring only (never trained on, nothing fitted to them):

- pendigits writers 21-30: 2,498 digits of ../shared/data/pendigits (a stylus on a
  tablet; writers 1-20 of the same file are training data, `--train-writers` reads them too);
- UNIPEN dev: 1,858 digits of ../shared/data/unipen-dev by 117 writers at three sites in other
  countries, on other tablets (writers 107-109 slash their zeros).

Each digit is fitted to the window's 280 px canvas with a 40 px margin, drawn with the window's
12 px pen, and read two ways:

- the window's path, `Recognizer.number_from_strokes`: right only if the whole
  drawing reads as exactly that one digit;
- the digit path, `Recognizer.digit_from_strokes`.

Prints, per set, both accuracies, each writer's (worst first, with their zeros'), the top
confusions, how many wrong answers were marked "not sure", the issue's goals met or not, and saves
a picture of the misread digits beside what the model saw (`--picture`, default pen-digits-mistakes.png).

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

from digitrec import Recognizer, data, pendigits
from digitrec.image import render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PENDIGITS_FILE = SHARED / "pendigits" / "pendigits-train.gz"
UNIPEN_FILE = SHARED / "unipen-dev" / "unipen-dev.gz"
# The goals, through the window's path (docs/handwriting.md).
GOALS = {
    "pendigits_dev": {"all": 0.996, "every_writer": 0.985},
    "unipen_dev": {
        "all": 0.990,
        "writers": {107: 0.98, 108: 0.98, 109: 0.98},
        "zeros_of": (107, 108, 109),
        "zeros": 0.97,
    },
}


def dev_sets(pendigits_file=PENDIGITS_FILE, unipen_file=UNIPEN_FILE, train_writers=False):
    """{name: list of PenDigit}: the measuring-only sets (and the training writers if asked)."""
    pen = pendigits.read(pendigits_file)
    sets = {
        "pendigits_dev": [d for d in pen if d.writer not in pendigits.TRAIN_WRITERS],
        "unipen_dev": pendigits.read(unipen_file),
    }
    if train_writers:
        sets["pendigits_train_writers"] = [d for d in pen if d.writer in pendigits.TRAIN_WRITERS]
    return sets


def read_all(recognizer, digits, pen_width=DEFAULT_PEN_WIDTH):
    """One record a digit: label, writer, the window path's text and the digit path's result."""
    records = []
    for digit in digits:
        strokes = pendigits.fitted(digit.strokes)
        drawing = render_strokes(strokes, pen_width)  # for the picture of the misread digits
        # As the window reads a drawing: by its picture and, where the model has a path model
        # beside it, by its strokes' path too.
        number = recognizer.number_from_strokes(strokes, pen_width)
        single = recognizer.digit_from_strokes(strokes, pen_width)
        records.append(
            dict(
                label=digit.label,
                writer=digit.writer,
                number=number.text,
                digit=single.digit,
                confident=single.confident,
                drawing=drawing,
                model_input=single.model_input,
            )
        )
    return records


def summary(records):
    """The figures, as a dict of plain values (what --json prints)."""
    wrong = [r for r in records if r["digit"] != r["label"]]
    by_writer = collections.defaultdict(list)
    for r in records:
        by_writer[r["writer"]].append(r)
    writers = sorted(
        (
            {
                "writer": w,
                "digits": len(rs),
                "window": _share(rs, "number"),
                "digit": _share(rs, "digit"),
                "zeros": _share([r for r in rs if r["label"] == 0], "number"),
                "zeros_count": sum(r["label"] == 0 for r in rs),
            }
            for w, rs in by_writer.items()
        ),
        key=lambda row: (row["window"], row["digit"]),
    )
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
    return np.concatenate(
        [(unit(model_inputs[i : i + chunk]) @ pool.T).argmax(axis=1) for i in range(0, len(model_inputs), chunk)]
    )


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
    return float(np.mean([str(r[key]) == str(r["label"]) for r in records])) if records else None


def goals(name, results):
    """[(goal, value, met)] for a set named in GOALS."""
    goal, rows = GOALS.get(name), {w["writer"]: w for w in results["writers"]}
    if goal is None:
        return []
    checks = [(f"all >= {goal['all']:.1%}", results["window_path"], results["window_path"] >= goal["all"])]
    if "every_writer" in goal:
        worst = results["worst_writer_window"]
        checks.append((f"every writer >= {goal['every_writer']:.1%}", worst, worst >= goal["every_writer"]))
    for writer, floor in goal.get("writers", {}).items():
        if writer in rows:
            value = rows[writer]["window"]
            checks.append((f"writer {writer} >= {floor:.0%}", value, value >= floor))
    if "zeros_of" in goal:
        zeros = [r for r in results["records"] if r["writer"] in goal["zeros_of"] and r["label"] == 0]
        value = _share(zeros, "number")
        names = ", ".join(map(str, goal["zeros_of"]))
        checks.append(
            (f"zeros of writers {names} >= {goal['zeros']:.0%} ({len(zeros)})", value, value >= goal["zeros"])
        )
    return checks


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
    figure, axes = plt.subplots(rows, panels * columns, figsize=(panels * columns * 0.9, rows * 1.1), squeeze=False)
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
    parser.add_argument("--pendigits", default=str(PENDIGITS_FILE), help="pendigits' file (default: %(default)s)")
    parser.add_argument("--unipen", default=str(UNIPEN_FILE), help="the UNIPEN dev file (default: %(default)s)")
    parser.add_argument("--train-writers", action="store_true", help="also read pendigits writers 1-20 (trained on)")
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--picture", default="pen-digits-mistakes.png", help="where to save the misread digits")
    parser.add_argument(
        "--picture-limit",
        type=int,
        default=120,
        metavar="N",
        help="show at most N misread digits (default: %(default)s)",
    )
    parser.add_argument(
        "--neighbours",
        action="store_true",
        help="find each digit's nearest MNIST training digit (needs MNIST and SciPy)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    recognizer = Recognizer(args.model).load()
    everything, results = [], {}
    for name, digits in dev_sets(args.pendigits, args.unipen, args.train_writers).items():
        started = time.perf_counter()
        records = read_all(recognizer, digits)
        results[name] = {**summary(records), "seconds": round(time.perf_counter() - started, 1)}
        if args.neighbours:
            results[name]["neighbours"] = neighbours(records)
        results[name]["goals"] = goals(name, {**results[name], "records": records})
        everything += records
    save_mistakes(everything, args.picture, args.picture_limit)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, result in results.items():
        report(name, result)
    print(f"misread digits: {args.picture}")


def report(name, results):
    print(f"\n== {name}: {results['digits']} pen-drawn digits of {len(results['writers'])} writers")
    print(
        f"  window path (number_from_strokes, exactly the one digit): {results['window_path']:.2%}"
        f"  ({results['window_wrong']} wrong, {results['window_wrong_count']} of them not one digit)"
    )
    print(
        f"  digit path (digit_from_strokes):                          {results['digit_path']:.2%}"
        f"  ({results['digit_wrong']} wrong, {results['digit_wrong_not_sure']} of them marked not sure)"
    )
    print("\nwriter  digits  window   digit   zeros")
    for row in results["writers"][:15]:
        zeros = f"{row['zeros']:.0%} of {row['zeros_count']}" if row["zeros_count"] else "-"
        print(f"{row['writer']:>6} {row['digits']:>7} {row['window']:>7.2%} {row['digit']:>7.2%}   {zeros}")
    if len(results["writers"]) > 15:
        print(
            f"   ... {len(results['writers']) - 15} more writers, "
            f"each at {results['writers'][15]['window']:.2%} or more"
        )
    print("\ntop confusions (digit path): " + ", ".join(f"{k} x{v}" for k, v in results["confusions"].items()))
    for goal, value, met in results["goals"]:
        print(f"  goal {goal}: {value:.2%} {'met' if met else 'NOT met'}")
    if "neighbours" in results:
        n = results["neighbours"]
        print(
            f"\nnearest MNIST training digit (blurred pixels, no model): of the {n['misread']} misread, "
            f"{n['misread_nearest_is_answer']} look most like an MNIST digit of the model's answer, "
            f"{n['misread_nearest_is_true']} like one of their own digit;\n"
            f"of the {n['read_right']} read right, {n['read_right_nearest_is_true']} "
            f"({n['read_right_nearest_is_true'] / max(1, n['read_right']):.0%}) like one of their own digit"
        )


if __name__ == "__main__":
    main()
