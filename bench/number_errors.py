"""Why drawn numbers fail: a wrong count of digits (splitting), or a misread digit.

    python bench/number_errors.py [--numbers 1000] [--test] [--json] [--model PATH]

Numbers of 2-6 validation digits (with --test, test digits) are written left to
right as in bench/drawn_accuracy.py, but with the pen and the digit height drawn
here, so that each failure can be put down to them. Every digit of a number is
also drawn alone, at the same height and with the same pen: a digit misread both
ways is lost to the pen or the model, not to splitting.
"""

import argparse
import collections
import json

import numpy as np
from drawn_accuracy import add_common_options, validation_digits

from digitrec import Recognizer, data, synthetic

PENS = ("thin", "normal", "thick")
HEIGHTS = (40, 120)  # digit height in px, as synthetic.drawn_number draws it
SEED = 2027


def drawn_alone(image, height, pen, rng):
    """One MNIST digit at `height` px with `pen`, alone on paper with a margin of half its height."""
    ink = synthetic.scaled(synthetic.digit_crop(image), height, pen)
    margin = height // 2
    sheet = np.pad(ink, margin)
    return synthetic.on_paper(sheet, sheet.shape[::-1], rng)


def tally(recognizer, images, labels, count):
    """Per pen: numbers, numbers right, numbers with a wrong count, digits misread in numbers
    of the right count, and how many of those are misread alone too."""
    rng = np.random.default_rng(SEED)
    totals = collections.defaultdict(collections.Counter)
    for _ in range(count):
        picks = rng.choice(len(images), size=rng.integers(2, 7), replace=False)
        pen, height = PENS[rng.integers(len(PENS))], int(rng.integers(*HEIGHTS))
        read = recognizer.number(synthetic.drawn_number(images[picks], rng, digit_height=height, stroke=pen))
        truth = [int(d) for d in labels[picks]]
        t = totals[pen]
        t["numbers"] += 1
        t["right"] += [d.digit for d in read.digits] == truth
        if len(read.digits) != len(truth):
            t["wrong_count"] += 1
            continue
        for image, label, result in zip(images[picks], truth, read.digits):
            if result.digit != label:
                t["misread_digits"] += 1
                t["misread_alone_too"] += recognizer.digit(drawn_alone(image, height, pen, rng)).digit != label
    totals["all"] = sum(totals.values(), collections.Counter())
    return {pen: dict(totals[pen]) for pen in (*PENS, "all")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=1000, help="numbers to write")
    parser.add_argument("--test", action="store_true", help="use MNIST test digits instead of validation digits")
    add_common_options(parser)
    args = parser.parse_args()
    if args.test:
        _, (images, labels) = data.load_mnist(args.data)
    else:
        images, labels = validation_digits(args.data)
    results = tally(Recognizer(args.model).load(), images, labels, args.numbers)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"{'pen':8} {'numbers':>8} {'right':>7} {'wrong count':>12} {'misread digits':>15} {'of which alone too':>19}"
    )
    for pen, t in results.items():
        print(
            f"{pen:8} {t.get('numbers', 0):>8} {t.get('right', 0) / max(1, t.get('numbers', 0)):>7.2%} "
            f"{t.get('wrong_count', 0):>12} {t.get('misread_digits', 0):>15} {t.get('misread_alone_too', 0):>19}"
        )


if __name__ == "__main__":
    main()
