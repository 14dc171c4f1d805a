"""The recogniser: ink in any form -> the digit or the whole number, with probabilities.

    r = Recognizer()                 # the bundled model, loaded on first use
    r.digit(image)                   # DigitResult: .digit, .probabilities, .confident, .model_input
    r.number(image)                  # NumberResult: .text and one DigitResult per digit, left to right
    r.digit_from_strokes(strokes)    # strokes as a canvas records them

`image` is a Pillow image or a 2-D NumPy array (uint8 0..255 or float 0..1),
any size, either polarity. The model runs on ONNX Runtime, from the file
`digitrec export` writes beside a `.keras` model: no TensorFlow.
"""

import dataclasses
import threading

import numpy as np
from PIL import Image

from digitrec import bundle
from digitrec.errors import DigitrecError
from digitrec.image import render_strokes

# Below this top probability an answer is marked "not sure". Chosen on the
# validation split by bench/confidence.py (the highest threshold that flags at
# most 1% of right answers): on 5,000 drawn validation digits it flags 67% of
# the wrong answers and 0.56% of the right ones.
CONFIDENCE_THRESHOLD = 0.95
# A model input with more ink than this (its mean over 28x28, in [0, 1]) is unlike any digit,
# however sure the model is of it: MNIST's heaviest training digit has 0.40 (bench/stroke_width.py),
# while a solid blob or a patch of noise fills the 20 px box, about 0.5, and reads as a sure '0'.
MAX_MEAN_INK = 0.40
DEFAULT_PEN_WIDTH = 12


# Threads per operation for recognisers made from now on (0: one a core). For one 28x28 digit,
# splitting each operation over the cores costs more than it saves; for batches of hundreds it pays.
_threads = 0


def answer_one_at_a_time():
    """Make recognisers created from now on answer one drawing at a time faster: one
    thread per operation. The `predict` and `gui` commands call this."""
    global _threads
    _threads = 1


class NoInkError(DigitrecError):
    """The image holds nothing that could be a digit."""


@dataclasses.dataclass(frozen=True, eq=False)
class DigitResult:
    """One recognised digit.

    probabilities: float32 (10,), sums to 1; model_input: float32 (28, 28) in
    [0, 1], what the model saw; box: (left, top, right, bottom) in the image.
    """

    digit: int
    probabilities: np.ndarray
    confident: bool
    model_input: np.ndarray
    box: tuple

    @property
    def confidence(self):
        return float(self.probabilities[self.digit])

    def top(self, k=3):
        """The k likeliest digits as [(digit, probability), ...], likeliest first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(d), float(self.probabilities[d])) for d in order]


@dataclasses.dataclass(frozen=True)
class NumberResult:
    """The digits of a number, left to right (empty if there was no ink)."""

    digits: list

    @property
    def text(self):
        return "".join(str(d.digit) for d in self.digits)

    @property
    def confident(self):
        return bool(self.digits) and all(d.confident for d in self.digits)


class Recognizer:
    """Recognises digits and numbers with a model (default: the bundled one).

    `model_path`: a `.keras` model with its export beside it, or the `.onnx`
    export itself. The model loads on first use (or on `load()`), once; calls
    are thread-safe.
    """

    def __init__(self, model_path=None, threshold=CONFIDENCE_THRESHOLD):
        self.model_path = model_path
        self.threshold = threshold
        self._session = None
        self._lock = threading.Lock()

    def load(self):
        """Load and warm up the model now (raises DigitrecError if it can't be used)."""
        with self._lock:
            if self._session is None:
                _preprocess()  # here, not on the first drawing: the window is up before SciPy's import
                session = bundle.load_session(self.model_path, threads=_threads)
                session.run(None, {"image": np.zeros((1, 28, 28, 1), np.float32)})  # warm up now
                self._session = session
        return self

    def probabilities(self, model_inputs):
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, 10)."""
        return self._run("probabilities", model_inputs)

    def features(self, model_inputs):
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, F): what the network's last layer reads."""
        return self._run("features", model_inputs)

    def _run(self, output, model_inputs):
        self.load()
        batch = np.asarray(model_inputs, np.float32)[..., None]
        return self._session.run([output], {"image": batch})[0]

    def digit(self, image):
        """The single digit in `image`. Raises NoInkError if there is no ink."""
        preprocess = _preprocess()
        found = preprocess.locate_digit(preprocess.to_ink(as_pillow(image)))
        if found is None:
            raise NoInkError("no ink found: the image is blank")
        return self._results([found])[0]

    def number(self, image):
        """All digits in `image`, left to right, predicted in one batch.

        Two neighbours that may be one digit's strokes (`preprocess.staggered`: a '4'
        whose stem stands apart) are read as one too, and taken as one where that
        reading is sure: the parts alone often read as sure digits ('1' and '1').
        """
        preprocess = _preprocess()
        digits, joins = preprocess.split_digits(preprocess.to_ink(as_pillow(image)), joins=True)
        results = self._results(digits + [joined for _, joined in joins])  # one batch for all
        singles = results[:len(digits)]
        return NumberResult(_joined(singles, [(i, whole) for (i, _), whole in zip(joins, results[len(digits):])]))

    def digit_from_strokes(self, strokes, pen_width=DEFAULT_PEN_WIDTH):
        """`strokes`: list of [(x, y), ...] polylines in canvas pixels."""
        return self.digit(render_strokes(strokes, pen_width))

    def number_from_strokes(self, strokes, pen_width=DEFAULT_PEN_WIDTH):
        return self.number(render_strokes(strokes, pen_width))

    def _results(self, boxed_inputs):
        if not boxed_inputs:
            return []
        boxes, inputs = zip(*boxed_inputs)
        probabilities = self.probabilities(np.stack(inputs))
        return [
            DigitResult(digit=int(p.argmax()), probabilities=p,
                        confident=bool(p.max() >= self.threshold and x.mean() <= MAX_MEAN_INK),
                        model_input=x, box=tuple(int(v) for v in box))
            for box, x, p in zip(boxes, inputs, probabilities)
        ]


def _joined(singles, joins):
    """The digits left to right, where each sure join [(i, DigitResult), ...] replaces
    digits i and i + 1; the surest first, and no digit in two joins."""
    singles, taken = list(singles), set()
    for i, whole in sorted(joins, key=lambda join: -join[1].confidence):
        if whole.confident and not taken & {i, i + 1}:
            singles[i:i + 2] = [whole, None]
            taken |= {i, i + 1}
    return [result for result in singles if result is not None]


def _preprocess():
    """digitrec.preprocess, imported on first use: it imports SciPy (a quarter of a second), and
    the drawing app's window should be on screen before that, not after."""
    from digitrec import preprocess

    return preprocess


def as_pillow(image):
    """A Pillow image from a Pillow image or a 2-D array (uint8 0..255, or float 0..1)."""
    if isinstance(image, Image.Image):
        return image
    array = np.asarray(image)
    if array.ndim != 2:
        raise DigitrecError(f"expected a 2-D grey image, got an array of shape {array.shape}")
    if array.dtype != np.uint8:
        array = (np.clip(array, 0, 1) * 255).round().astype(np.uint8)
    return Image.fromarray(array)
