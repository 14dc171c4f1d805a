"""How much a handwriting profile helps: the 30 writers of the pen-drawn digits, each teaching digitrec.

    python bench/personal.py [--pendigits FILE] [--model PATH] [--json] [--mnist-writers N] [--teach ROUNDS]
                             [--sizes 0,500,2000]

Each writer of ../shared/data/pendigits is a user with an empty profile (in a
temporary folder). They draw the first half of their digits, in the order they
recorded them, through `Recognizer.digit` (the window's pen: 12 px on a 280 px
canvas); every wrong answer is corrected at once with `Recognizer.learn` and the
true digit. Then the second half is read with their profile and without.
With --teach ROUNDS, each writer first runs the window's Teach mode: it asks for
each digit ROUNDS times, and they draw their first ROUNDS of that digit in their
first half, which are learnt as taught (and not drawn again).

Prints per writer (worst with the profile first) the errors on the second half
without and with the profile and the corrections made; the totals, and how many
of the errors are of a digit the writer's profile holds no example of (none of
that digit was misread in their first half, or taught); how long a
correction takes to count; and MNIST's test accuracy with the profiles of the
N writers who taught it most (the profiles likeliest to do harm); and how long
a correction takes to count in a profile that already holds many examples
(--sizes; MNIST test digits as the examples).
Nothing here tunes anything: the settings of `digitrec.adapt` were fixed on MNIST.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


from digitrec import Recognizer, bundle, data, pendigits
from digitrec.image import render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH, ProfileConflict

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "pendigits" / "pendigits-train.gz"


def by_writer(digits):
    """{writer: [PenDigit, ...] in recorded order}."""
    writers = {}
    for digit in digits:
        writers.setdefault(digit.writer, []).append(digit)
    return writers


def simulate(digits, plain, model, folder, teach=0):
    """One writer's session: returns their row of figures and their Recognizer (with the profile)."""
    mine = Recognizer(model, profile=folder).load()
    half = len(digits) // 2
    drawings = [render_strokes(pendigits.fitted(d.strokes), DEFAULT_PEN_WIDTH) for d in digits]
    taught = set()  # indexes into digits: each digit's first `teach` in the first half
    for label in range(10):
        taught.update([i for i in range(half) if digits[i].label == label][:teach])
    learn_s, conflicts = [], 0
    for i in range(half):
        digit, drawing = digits[i], drawings[i]
        if i in taught or mine.digit(drawing).digit != digit.label:
            started = time.perf_counter()
            source = "teach" if i in taught else "correction"
            try:
                mine.learn(drawing, digit.label, source=source)
            except ProfileConflict:  # the user is told, and says "learn it anyway"
                conflicts += 1
                mine.learn(drawing, digit.label, source=source, replace=True)
            learn_s.append(time.perf_counter() - started)
    second = list(zip(digits[half:], drawings[half:]))
    plain_answers = [plain.digit(drawing).digit for _, drawing in second]
    without = sum(answer != d.label for answer, (d, _) in zip(plain_answers, second))
    # Errors on a digit the profile holds no example of: nothing the writer taught showed the app
    # their form of it.
    shown = {example.label for example in mine.examples}
    unshown = sum(answer != d.label and d.label not in shown for answer, (d, _) in zip(plain_answers, second))
    with_profile = sum(mine.digit(drawing).digit != d.label for d, drawing in second)
    row = {"writer": digits[0].writer, "second_half": len(second), "errors_without": without,
           "errors_with": with_profile, "errors_unshown": unshown, "taught": len(taught),
           "corrections": len(learn_s) - len(taught),
           "conflicts": conflicts,
           "examples": len(mine.examples), "accuracy_with": 1 - with_profile / len(second),
           "accuracy_without": 1 - without / len(second)}
    return row, mine, learn_s


def mnist_accuracy(recognizer, images, labels):
    """Share of MNIST test digits (uint8 (n, 28, 28)) the recogniser reads right, profile applied."""
    probabilities = np.concatenate([recognizer.probabilities(images[i:i + 1000].astype(np.float32) / 255)
                                    for i in range(0, len(images), 1000)])
    return float((probabilities.argmax(axis=1) == labels).mean())


def learn_ms_by_size(model, sizes, images, labels, repeats=5):
    """{examples already in the profile: median ms for `learn_input` to count one more}."""
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        recognizer = Recognizer(model, profile=folder).load()
        stored = 0
        for size in sorted(sizes):
            for i in range(stored, size):  # straight into the store: MNIST's digits need no checks
                recognizer.profile.add(images[i] / 255, int(labels[i]))
            stored = max(stored, size)
            recognizer.reload_profile()
            times = []
            for i in range(repeats):
                started = time.perf_counter()
                try:  # stored, or reported as contradicting earlier examples: either way the user is told
                    recognizer.learn_input(images[-1 - i] / 255, int(labels[-1 - i]))
                    stored_one = True
                except ProfileConflict:
                    stored_one = False
                times.append(time.perf_counter() - started)
                if stored_one:
                    recognizer.undo()  # back to `size` examples for the next try
            result[size] = 1000 * statistics.median(times)
    return result


def min_similarity(model):
    """The similarity from which a person's example counts: a constant of the exported model."""
    session = bundle.load_session(model)
    return float(session.run(["min_similarity"], {"image": np.zeros((1, 28, 28, 1), np.float32)})[0][0])


def run(path, model=None, mnist_writers=5, teach=0, sizes=()):
    writers = by_writer(pendigits.read(path))
    plain = Recognizer(model).load()
    rows, recognizers, learn_s = [], {}, []
    with tempfile.TemporaryDirectory() as root:
        for writer, digits in sorted(writers.items()):
            row, recognizer, times = simulate(digits, plain, model, Path(root) / f"writer-{writer}", teach)
            rows.append(row)
            recognizers[writer] = recognizer
            learn_s += times
        _, (images, labels) = data.load_mnist()
        heaviest = sorted(rows, key=lambda r: -(r["corrections"] + r["taught"]))[:mnist_writers]
        mnist = {row["writer"]: mnist_accuracy(recognizers[row["writer"]], images, labels) for row in heaviest}
        mnist_plain = mnist_accuracy(plain, images, labels)
    learn_by_size = learn_ms_by_size(model, sizes, images, labels)
    without = sum(r["errors_without"] for r in rows)
    with_profile = sum(r["errors_with"] for r in rows)
    rows.sort(key=lambda r: (r["accuracy_with"], r["accuracy_without"]))
    return {
        "writers": len(rows),
        "second_half_digits": sum(r["second_half"] for r in rows),
        "errors_without": without,
        "errors_with": with_profile,
        "errors_unshown": sum(r["errors_unshown"] for r in rows),
        "errors_cut": 1 - with_profile / without if without else 0.0,
        "mean_accuracy_without": statistics.mean(r["accuracy_without"] for r in rows),
        "mean_accuracy_with": statistics.mean(r["accuracy_with"] for r in rows),
        "worst_writer_with": rows[0]["accuracy_with"],
        "writers_below_99": sum(r["accuracy_with"] < 0.99 for r in rows),
        "taught": sum(r["taught"] for r in rows),
        "corrections": sum(r["corrections"] for r in rows),
        "conflicts": sum(r["conflicts"] for r in rows),
        "learn_ms_median": 1000 * statistics.median(learn_s) if learn_s else None,
        "learn_ms_max": 1000 * max(learn_s) if learn_s else None,
        "learn_ms_by_profile_size": learn_by_size,
        "mnist_without": mnist_plain,
        "mnist_with": mnist,
        "min_similarity": min_similarity(model),
        "per_writer": rows,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pendigits", default=str(DEFAULT_FILE), help="the UNIPEN file (default: %(default)s)")
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--mnist-writers", type=int, default=5, metavar="N",
                        help="MNIST test accuracy with the profiles of the N writers who taught it most")
    parser.add_argument("--teach", type=int, default=0, metavar="ROUNDS",
                        help="each writer first teaches each digit this many times (Teach mode)")
    parser.add_argument("--sizes", default="0,500,2000",
                        help="time a correction in profiles already holding these many examples (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    results = run(args.pendigits, args.model, args.mnist_writers, args.teach, sizes)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    if args.teach:
        print(f"Teach mode first: each writer teaches each digit {args.teach} times ({results['taught']} in all)")
    print(f"{results['writers']} writers; each corrects every wrong answer on the first half of their digits,\n"
          f"then reads the second half ({results['second_half_digits']} digits in all) with and without the profile\n")
    print("writer  digits  errors without  with  corrections  accuracy with")
    for r in results["per_writer"]:
        print(f"{r['writer']:>6} {r['second_half']:>7} {r['errors_without']:>15} {r['errors_with']:>5} "
              f"{r['corrections']:>12} {r['accuracy_with']:>14.2%}")
    print(f"\nerrors on the second halves: {results['errors_without']} without the profile, "
          f"{results['errors_with']} with it ({results['errors_cut']:.0%} fewer)")
    print(f"of the {results['errors_without']} errors without the profile, {results['errors_unshown']} are a digit "
          "of which their writer's profile holds no example: nothing taught showed the app their form of it")
    print(f"mean writer accuracy: {results['mean_accuracy_without']:.2%} without, "
          f"{results['mean_accuracy_with']:.2%} with; worst writer with: {results['worst_writer_with']:.2%}; "
          f"writers below 99% with: {results['writers_below_99']}")
    print(f"corrections: {results['corrections']}, taught: {results['taught']} ({results['conflicts']} reported as "
          f"contradicting earlier examples); an example counts after {results['learn_ms_median']:.0f} ms "
          f"(median; longest {results['learn_ms_max']:.0f} ms)")
    if results["learn_ms_by_profile_size"]:
        print("in a profile that holds already "
              + ", ".join(f"{size} examples: {ms:.0f} ms" for size, ms in results["learn_ms_by_profile_size"].items()))
    with_profiles = "; with the profiles of " + ", ".join(
        f"writer {w}: {a:.2%}" for w, a in results["mnist_with"].items()) if results["mnist_with"] else ""
    print(f"MNIST test accuracy: {results['mnist_without']:.2%} without a profile{with_profiles}")
    print(f"an example counts from a similarity of {results['min_similarity']:.3f}: the model's "
          "min_similarity, which two MNIST training digits of different classes reach once in 10,000 pairs")


if __name__ == "__main__":
    main()
