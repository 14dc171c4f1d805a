"""Measure MNIST's stroke width and centre of mass, the targets of digitrec.preprocess.

    python bench/stroke_width.py [--data DIR] [--n 5000]

Prints, for MNIST training digits:
- the median stroke width (px, in the 28x28 image), measured the way
  `preprocess.stroke_width` measures a drawing;
- how much ink the heaviest hold (`recognize.MAX_MEAN_INK`);
- the mean centre of mass, which `preprocess.place` aims for;
- how many have faint strokes: ink that `synthetic.STROKE_LEVEL` keeps but grey
  level 0.5 drops or breaks, in digits enlarged to 100 px as the synthetic pens
  draw them;
- the stroke widths of the synthetic thin and thick pens.
"""

import argparse

import numpy as np
from scipy import ndimage

from digitrec import data, preprocess, synthetic


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA or the cache)")
    parser.add_argument("--n", type=int, default=5000, help="number of training digits to measure")
    args = parser.parse_args()
    (images, _), _ = data.load_mnist(args.data)
    widths, centres = [], []
    for image in images[: args.n]:
        ink = image.astype(np.float32) / 255
        box = preprocess.bounding_box([b for _, b in preprocess.pieces(ink)[1]])
        crop = ink[box]
        work = preprocess.resize(crop, preprocess.WORK_MIN / max(crop.shape))
        scale = preprocess.BOX / max(work.shape)
        widths.append(preprocess.stroke_width(np.pad(work > preprocess.INK_LEVEL, 1)) * scale)
        centres.append(ndimage.center_of_mass(ink))
    widths = np.array(widths)
    print(
        f"stroke width over {len(widths)} digits (px at 28x28): median {np.median(widths):.2f}, "
        f"10%-90% {np.percentile(widths, 10):.2f}-{np.percentile(widths, 90):.2f}"
    )
    mean_ink = (images / 255).mean(axis=(1, 2))
    print(
        f"mean ink of all {len(images)} training digits' 28x28 images: median {np.median(mean_ink):.3f}, "
        f"99.9% {np.percentile(mean_ink, 99.9):.3f}, heaviest {mean_ink.max():.3f}"
    )
    cy, cx = np.mean(centres, axis=0)
    print(f"mean centre of mass (row, column): {cy:.2f}, {cx:.2f}")
    faint = np.mean([has_faint_strokes(image) for image in images[: args.n]])
    print(f"digits whose strokes break or vanish at grey level 0.5 but not {synthetic.STROKE_LEVEL}: {faint:.1%}")
    for pen in ("thin", "thick"):
        pen_widths = [synthetic.pen_width(image, pen) for image in images[: args.n]]
        print(f"synthetic {pen} pen, median stroke width (px at 28x28): {np.median(pen_widths):.2f}")


def has_faint_strokes(image, height=100):
    """Whether the pieces of ink of an enlarged MNIST digit differ between the two grey levels."""
    big = synthetic.scaled(synthetic.digit_crop(image), height, "normal")

    def count(level):
        return ndimage.label(big > level, structure=np.ones((3, 3)))[1]

    return count(0.5) != count(synthetic.STROKE_LEVEL)


if __name__ == "__main__":
    main()
