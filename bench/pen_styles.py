"""How well the recogniser reads the same digits redrawn with a thin, normal or thick pen.

    python bench/pen_styles.py [--n 5000] [--json] [--model PATH]

The validation digits (the last 5,000 MNIST training images, never trained on)
are drawn on a canvas as in bench/drawn_accuracy.py, once with each pen of
`digitrec.synthetic` (thin: about two thirds of MNIST's stroke width; thick: about
twice it, which can fill small loops), and read by digitrec. It shows where
drawn digits, and so whole numbers, lose accuracy.
"""

import argparse
import json

import numpy as np
from drawn_accuracy import add_common_options, model_input, predict_all, validation_digits

from digitrec import Recognizer, synthetic

PENS = ("thin", "normal", "thick")
SEED = 7


def pen_accuracy(recognizer, images, labels, pen):
    rng = np.random.default_rng(SEED)  # same canvases and placements for every pen
    inputs = [model_input(synthetic.drawn_digit(image, rng, stroke=pen)) for image in images]
    return float((predict_all(recognizer, inputs) == labels).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="validation digits to draw with each pen")
    add_common_options(parser)
    args = parser.parse_args()
    images, labels = validation_digits(args.data)
    images, labels = images[: args.n], labels[: args.n]
    recognizer = Recognizer(args.model).load()
    results = {pen: pen_accuracy(recognizer, images, labels, pen) for pen in PENS}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'pen':8} {'accuracy':>9}   ({len(images):,} validation digits each)")
    for pen, accuracy in results.items():
        print(f"{pen:8} {accuracy:>9.2%}")


if __name__ == "__main__":
    main()
