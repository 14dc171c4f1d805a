"""The pictures of docs/inside.md, made by `digitrec explain`: a right answer, a wrong one, a number.

    python bench/inside_pictures.py [--out docs]

- inside-right.png: MNIST's first test digit (a '7') drawn on a 280 px canvas;
- inside-wrong.png: the first '1' of the pen dev writers (21-30) that the window reads '7':
  a '1' with a long flag (../shared/data/pendigits, drawn the window's way);
- inside-number.png: four MNIST test digits written as a number, read with --number.

Each input is written to a temporary PNG and explained by the command a user types.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from inside import DEFAULT_PENDIGITS, DEV_WRITERS

from digitrec import Recognizer, data, pendigits, synthetic
from digitrec.image import render_strokes

ROOT = Path(__file__).resolve().parents[1]


def misread_one(path):
    """The first pen-drawn '1' of the dev writers that reads '7', drawn the window's way (a Pillow image)."""
    recognizer = Recognizer()
    for digit in pendigits.read(path):
        if digit.writer in DEV_WRITERS and digit.label == 1:
            drawing = render_strokes(pendigits.fitted(digit.strokes), 12)
            if recognizer.digit(drawing).digit == 7:
                return drawing
    raise SystemExit("no pen-drawn '1' of the dev writers reads '7'")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    parser.add_argument("--pendigits", default=str(DEFAULT_PENDIGITS), help="the UNIPEN file")
    args = parser.parse_args()
    _, (images, _) = data.load_mnist()
    rng = np.random.default_rng(0)
    inputs = {
        "inside-right.png": (synthetic.drawn_digit(images[0], rng, canvas=(280, 280)), []),
        "inside-wrong.png": (misread_one(args.pendigits), []),
        "inside-number.png": (synthetic.drawn_number(images[10:14], rng), ["--number"]),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, (image, options) in inputs.items():
            source = Path(folder) / name.replace("inside-", "drawing-")
            image.save(source)
            out = Path(args.out) / name
            subprocess.run(
                [sys.executable, "-m", "digitrec", "explain", *options, str(source), "-o", str(out), "--no-profile"],
                check=True,
            )
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
