"""How well the recogniser reads digits placed the way people draw them.

    python bench/drawn_accuracy.py [--n 10000] [--photos 2000] [--forms 2000] [--ruled 2000] [--desks 2000]
                                   [--numbers 5000] [--json] [--model PATH]

1. MNIST test digits drawn on a large canvas (random size 25-90% of its
   height, random position, either polarity, thin/normal/thick strokes):
   digitrec's preprocessing vs the tutorial's whole-canvas resize to 28x28
   (with the polarity fixed for it), the same model and the same images.
2. The first 2,000 of them photographed in dark ink on a page in uneven light,
   written on a form (in a printed box or on a printed line), on ruled or squared
   paper, and photographed on a sheet lying on a darker desk.
3. Numbers of 2-6 MNIST test digits written left to right: whole-number accuracy, with
   a random pen (thin/normal/thick) and with MNIST's own strokes.
4. scikit-learn's `load_digits` (8x8 scans of other writers, 1,797 digits), upscaled.
"""

import argparse
import json
import time

import numpy as np
from PIL import Image

from digitrec import Recognizer, data, paper, preprocess, synthetic
from digitrec.config import TrainConfig

SEED = 2026


def pictures(put, images, seed=SEED):
    """Yield a Pillow image for each MNIST image, put on paper by `put`, one of `synthetic`'s
    functions (image, rng) -> Pillow image, all from one random generator."""
    rng = np.random.default_rng(seed)
    for image in images:
        yield put(image, rng)


def tutorial_input(picture):
    """The tutorial's way: the whole canvas resized to 28x28 (polarity made MNIST's, to be fair to it)."""
    small = np.asarray(picture.convert("L").resize((28, 28)), np.float32) / 255
    return 1 - small if np.median(small) > 0.5 else small


def model_input(picture):
    """digitrec's float32 (28, 28) input for a drawing; zeros (scored as a miss) if it finds no ink."""
    found = preprocess.locate_digit(paper.to_ink(picture))
    return found[1] if found else np.zeros((28, 28), np.float32)


def validation_digits(data_dir):
    """The validation split (the last training images, never trained on): uint8 images, labels."""
    (images, labels), _ = data.load_mnist(data_dir)
    n_val = TrainConfig().validation_size
    return images[-n_val:], labels[-n_val:]


def add_common_options(parser):
    """--model, --data and --json, which every accuracy bench takes."""
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def digit_accuracy(recognizer, pictures, labels):
    """Returns {"digitrec": accuracy, "tutorial": accuracy} on the same pictures (Pillow images)."""
    ours, theirs = [], []
    for picture in pictures:
        ours.append(model_input(picture))
        theirs.append(tutorial_input(picture))
    return {
        name: float((predict_all(recognizer, inputs) == labels).mean())
        for name, inputs in (("digitrec", ours), ("tutorial", theirs))
    }


def predict_all(recognizer, inputs, batch=1000):
    inputs = np.stack(inputs)
    return np.concatenate(
        [recognizer.probabilities(inputs[i : i + batch]).argmax(axis=1) for i in range(0, len(inputs), batch)]
    )


def number_accuracy(recognizer, images, labels, count, seed=SEED, stroke=None):
    """Share of drawn numbers (2-6 digits) read exactly right; `stroke` as in synthetic.drawn_number."""
    numbers = synthetic.drawn_numbers(images, labels, count, np.random.default_rng(seed), stroke)
    return sum(recognizer.number(picture).text == text for picture, text in numbers) / count


def sklearn_accuracy(recognizer):
    """Accuracy on scikit-learn's 8x8 digits (values 0..16), upscaled to 64x64."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    inputs = []
    for image in digits.images:
        big = Image.fromarray((image * 255 / 16).astype(np.uint8)).resize((64, 64), Image.Resampling.BICUBIC)
        inputs.append(preprocess.locate_digit(paper.to_ink(big))[1])
    return float((predict_all(recognizer, inputs) == digits.target).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000, help="MNIST test digits to draw")
    parser.add_argument("--photos", type=int, default=2000, help="MNIST test digits to photograph in uneven light")
    parser.add_argument("--forms", type=int, default=2000, help="MNIST test digits to write on a form")
    parser.add_argument("--ruled", type=int, default=2000, help="MNIST test digits to write on ruled or squared paper")
    parser.add_argument(
        "--desks", type=int, default=2000, help="MNIST test digits to photograph on a sheet on a darker desk"
    )
    parser.add_argument(
        "--numbers", type=int, default=5000, help="numbers to compose, for each of the two number lines"
    )
    add_common_options(parser)
    args = parser.parse_args()
    _, (images, labels) = data.load_mnist(args.data)
    recognizer = Recognizer(args.model).load()
    started = time.perf_counter()
    rows = {  # name: (what the row says, how the digits are put on paper, how many)
        "digits": ("MNIST test digits drawn on a canvas", synthetic.drawn_digit, args.n),
        "photos": ("the same, photographed in uneven light", synthetic.photographed, args.photos),
        "forms": ("the same, in a printed box or on a line", synthetic.on_a_form, args.forms),
        "ruled": ("the same, on ruled or squared paper", synthetic.on_ruled_paper, args.ruled),
        "desks": ("the same, on a sheet on a darker desk", synthetic.on_a_desk, args.desks),
    }
    results = {}
    for name, (_, put, count) in rows.items():
        results["drawn_digits" if name == "digits" else name] = len(images[:count])
        accuracy = digit_accuracy(recognizer, pictures(put, images[:count]), labels[:count])
        results.update({f"{name}_{k}": v for k, v in accuracy.items()})
    results.update(
        {
            "numbers": args.numbers,
            "numbers_digitrec": number_accuracy(recognizer, images, labels, args.numbers),
            "numbers_mnist_strokes_digitrec": number_accuracy(
                recognizer, images, labels, args.numbers, stroke="normal"
            ),
            "sklearn_digits_digitrec": sklearn_accuracy(recognizer),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'test':48} {'digitrec':>9} {'tutorial':>9}")
    for name, (title, _, count) in rows.items():
        print(
            f"{title + ' (' + str(len(images[:count])) + ')':48} "
            f"{results[name + '_digitrec']:>9.2%} {results[name + '_tutorial']:>9.2%}"
        )
    print(
        f"{'numbers of 2-6 MNIST digits, any pen (' + str(args.numbers) + ')':48} {results['numbers_digitrec']:>9.2%}"
    )
    print(
        f"{'numbers, drawn with MNIST strokes (' + str(args.numbers) + ')':48} "
        f"{results['numbers_mnist_strokes_digitrec']:>9.2%}"
    )
    print(f"{'scikit-learn 8x8 digits, upscaled (1797)':48} {results['sklearn_digits_digitrec']:>9.2%}")


if __name__ == "__main__":
    main()
