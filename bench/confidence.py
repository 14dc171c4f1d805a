"""Choose the recogniser's "not sure" threshold on validation data (never the test set).

    python bench/confidence.py [--json]

The validation digits (the last 5,000 MNIST training images, which the model
never trained on) are drawn on a canvas the way people draw (see
`digitrec.synthetic`) and recognised. For each candidate threshold it prints
the share of wrong answers flagged "not sure" and the share of right answers
flagged by mistake. The threshold in `digitrec.recognize` is the highest whose
false-flag rate stays at or below 1%.
"""

import argparse
import json

import numpy as np
from drawn_accuracy import add_common_options, model_input, validation_digits

from digitrec import Recognizer, synthetic

CANDIDATES = np.round(np.arange(0.30, 0.96, 0.05), 2)
MAX_FALSE_FLAGS = 0.01


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_options(parser)
    args = parser.parse_args()
    images, labels = validation_digits(args.data)
    rng = np.random.default_rng(5)
    inputs = np.stack([model_input(synthetic.drawn_digit(image, rng)) for image in images])
    probabilities = Recognizer(args.model).probabilities(inputs)
    top = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    rows = [
        {
            "threshold": float(t),
            "errors_flagged": float((top[~right] < t).mean()) if (~right).any() else 0.0,
            "right_flagged": float((top[right] < t).mean()),
        }
        for t in CANDIDATES
    ]
    chosen = max((r for r in rows if r["right_flagged"] <= MAX_FALSE_FLAGS), key=lambda r: r["threshold"])
    if args.json:
        print(json.dumps({"accuracy": float(right.mean()), "rows": rows, "chosen": chosen}, indent=2))
        return
    print(f"validation digits drawn on a canvas: {len(labels)}, accuracy {right.mean():.2%}, {(~right).sum()} wrong")
    print(f"{'threshold':>9} {'wrong flagged':>13} {'right flagged':>13}")
    for r in rows:
        mark = "  <- chosen" if r is chosen else ""
        print(f"{r['threshold']:>9.2f} {r['errors_flagged']:>13.1%} {r['right_flagged']:>13.2%}{mark}")


if __name__ == "__main__":
    main()
