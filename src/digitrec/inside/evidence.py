"""Why the network read a digit, and what each of its layers saw: the window's Why? view and `digitrec explain`.

    explainer = Explainer()                    # the bundled model's; its file loads on first use
    [why] = explainer.explain([result])        # result: a recognize.DigitResult; why: an Explanation
    why.against         # the runner-up if it has a real say (probability >= REAL_SAY), else None
    why.contrast        # float32 (28, 28), the map shown: > 0 where the ink pushed toward the answer,
                        # < 0 toward `against` (None: away from the answer)
    why.title           # "why 7 and not 1?", or "what made it a 7?" when the runner-up had no say
    why.layers          # what each layer output, its strongest channels first
    explainer.explain([result], alone=True)    # also .evidence and .runner_up_evidence, each digit's alone

The maps are integrated gradients (Sundararajan et al., 2017): the drawing is
faded in from blank in STEPS steps (crowded toward blank, where the answer is
decided: `path`), and each pixel gets its ink times the mean, over the path,
of how much it moves a score: the answer's logit less the runner-up's ("why 7
and not 1"), or the answer's alone ("what made it a 7", SCORES). Raw, they are
speckled pixel by pixel; a learner reads strokes, so each pixel's evidence is
then shared out over the ink around it with a Gaussian of about a stroke's
width (STROKE_SIGMA, `spread_over_ink`). A map's pixels add up to that score's
rise from a blank input to the drawing (nearly: 8 steps), so red and blue are
in the score's own units.

The runner-up is contrasted only when it has a real say (REAL_SAY): a '7' read
at 100.0% with a '4' at 0.0% is not "7 and not 4" (parts of a clean '7' would be
painted as the 4's), it is what made it a 7. How faithful the maps are, and why
these settings: bench/inside.py, docs/inside.md (deleting the 10% of the ink
the map ranks highest lowers the answer's probability many times as much as
deleting a random 10%; the issue's bound is 3x).

It runs on ONNX Runtime, from the opened-up network (`digitrec.inside.layers_export`) beside the
answering model, `MODEL.inside.onnx`, loaded only when first asked: the answers
cost nothing more while the view is off. It explains the digit given (the app's
answer, which a profile or several networks may have decided), not that network's own choice.
"""

import dataclasses
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from digitrec import bundle
from digitrec.errors import DigitrecError

STEPS = 8  # integrated gradients' steps from blank to the drawing (bench/inside.py: 4 are less faithful, 16 cost 2x)
# The Gaussian's sigma, in px of the 28x28 input, that spreads a pixel's evidence over the ink around it: the
# model input's strokes are 2-3 px wide, so a sigma of 1.5 px evens a stroke's evidence across its width and
# along a few px of it, and keeps strokes apart that are 4 px or more apart. On MNIST's validation split
# (bench/inside.py --split validation) 1 px leaves speckles, 2 px runs a small loop's strokes together.
STROKE_SIGMA = 1.5
# The runner-up has a real say when its probability is at least this; below it the map is the answer's evidence
# alone. The probabilities are calibrated, so below 1% the runner-up is the right digit 1 time in 100 or less:
# on MNIST's validation split (5,000) the runner-up was right for 2 of the 4,927 digits below 1% and 7 of the
# 73 at or above it (docs/inside.md).
REAL_SAY = 0.01
METADATA_KEY = "digitrec.layers"  # as digitrec.inside.layers_export writes it
NUM_CLASSES = 10
# A digit's score, as weights on the ten logits (row d: digit d's): its logit less the mean of the ten. The
# probabilities ignore what the ten logits share (a network may raise them all with the ink and answer the
# same), so the evidence for a digit ignores it too. On the bundled model it changes little (deleting its
# top 10%: 16.0x random against 16.2x for the logit alone, 500 MNIST validation digits). Against the runner-up
# the mean cancels: the answer's logit less the runner-up's.
SCORES = np.eye(NUM_CLASSES, dtype=np.float32) - 1 / NUM_CLASSES


@dataclasses.dataclass(frozen=True, eq=False)
class Layer:
    """What one layer output for a drawing.

    activations: float32 (h, w, c) (a dense layer's: (1, 1, c)), >= 0 (after ReLU);
    order: int (c,), its channels strongest first (by their largest value).
    """

    name: str  # "conv 2"
    kind: str  # "convolution", "pooling", "dense"
    what: str  # what its channels find, for a learner
    activations: NDArray[np.float32]
    order: NDArray[np.intp]

    @property
    def label(self) -> str:
        """E.g. "conv 2 · 24×24 · 32 filters: edges and bits of stroke"."""
        h, w, c = self.activations.shape
        size = (
            f"{c} values"
            if (h, w) == (1, 1)
            else f"{h}×{w} · {c} {'filters' if self.kind == 'convolution' else 'channels'}"
        )
        return f"{self.name} · {size}: {self.what}"


@dataclasses.dataclass(frozen=True, eq=False)
class Explanation:
    """Why one digit was read as `answer`: what made it one, and against `runner_up` when that had a say.

    probabilities: float32 (10,), the answer's (as the app gave them); model_input: float32 (28, 28) in [0, 1].
    against: runner_up if its probability is at least REAL_SAY, else None.
    The maps, float32 (28, 28) in logit units, 0 where there is no ink, spread over the ink at a stroke's
    scale: contrast, the map shown: how each pixel's ink moved the answer's score against the runner-up's
    (against is None: the answer's score alone, from a blank input's); evidence and runner_up_evidence
    (None unless asked for), how it moved each one's alone (contrast = evidence - runner_up_evidence, or
    = evidence when against is None).
    layers: a Layer for each layer shown, input side first.
    """

    answer: int
    runner_up: int
    probabilities: NDArray[np.float32]
    model_input: NDArray[np.float32]
    contrast: NDArray[np.float32]
    layers: list[Layer]
    evidence: NDArray[np.float32] | None = None
    runner_up_evidence: NDArray[np.float32] | None = None
    against: int | None = None

    @property
    def title(self) -> str:
        """What the map answers, for a learner: "why 7 and not 1?" or "what made it a 7?"."""
        if self.against is None:
            return f"what made it a {self.answer}?"
        return f"why {self.answer} and not {self.against}?"

    @property
    def ends(self) -> tuple[str, str]:
        """The words at the legend's blue and red ends: ("toward 1", "toward 7") or ("against 7", "toward 7")."""
        blue = f"against {self.answer}" if self.against is None else f"toward {self.against}"
        return blue, f"toward {self.answer}"

    def maps(self) -> dict[str, NDArray[np.float32]]:
        """{name: float32 (28, 28)}: the maps worked out, by the names `--json` gives them."""
        maps = {"contrast": self.contrast, "evidence": self.evidence, "runner_up_evidence": self.runner_up_evidence}
        return {name: value for name, value in maps.items() if value is not None}


def runner_up(probabilities: ArrayLike, answer: int) -> int:
    """The likeliest digit other than `answer`, by probabilities (10,)."""
    return int(next(d for d in np.argsort(-np.asarray(probabilities), kind="stable") if d != answer))


def path(steps: int = STEPS) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Where integrated gradients takes the gradient between blank (0) and the drawing (1), and each point's
    share of the path: (alphas float32 (steps,), widths float32 (steps,), summing to 1).

    The points are the midpoints of `steps` equal parts of t in [0, 1], at alpha = t ** 2: crowded toward
    blank, where the scores change most (the bundled model makes up its mind at a few per cent of the ink's
    darkness, which 8 even steps step over). On 300 MNIST validation digits this halves the error in the
    answer's maps' sums, against 128 even steps (2.1 against 4.1 logits; docs/inside.md), at the same cost.
    """
    t = np.arange(steps + 1, dtype=np.float32) / steps
    alphas, widths = ((t[:-1] + t[1:]) / 2) ** 2, np.diff(t**2)
    return np.asarray(alphas, np.float32), np.asarray(widths, np.float32)  # float32 already: asarray tells mypy


def spread_over_ink(maps: ArrayLike, model_inputs: ArrayLike, sigma: float = STROKE_SIGMA) -> NDArray[np.float32]:
    """Each pixel's evidence shared out over the ink around it, in proportion to the ink times a Gaussian
    of `sigma` px: float (n, 28, 28) maps and model inputs in [0, 1] -> float32 (n, 28, 28).

    A pixel q's value v goes to each pixel p as v * ink(p) * G(p - q) / sum_r ink(r) * G(r - q): the map
    stays 0 off the ink, keeps its total (so the pixels still add up to the score's rise), and is linear
    (so the contrast is still the answer's evidence less the runner-up's). sigma 0: the maps unchanged.
    """
    maps, ink = np.asarray(maps, np.float32), np.clip(np.asarray(model_inputs, np.float32), 0, 1)
    if sigma <= 0:
        return maps
    side = maps.shape[-1]
    offsets = np.arange(side, dtype=np.float32)
    gauss = np.exp(-0.5 * ((offsets[:, None] - offsets[None, :]) / sigma) ** 2)  # (28, 28), symmetric

    # The Gaussian over rows and columns; nothing comes in from beyond the border.
    def blur(values: NDArray[np.float32]) -> NDArray[np.float32]:
        return gauss @ values @ gauss

    share = np.divide(maps, blur(ink), out=np.zeros_like(maps), where=maps != 0)
    return (ink * blur(share)).astype(np.float32)


class Answer(Protocol):
    """What `Explainer.explain` reads of an answer: a recognize.DigitResult, or anything with these three."""

    @property
    def digit(self) -> int: ...  # the answer given (the app's: a profile or several networks may have decided it)

    @property
    def probabilities(self) -> NDArray[np.float32]: ...  # (10,)

    @property
    def model_input(self) -> NDArray[np.float32]: ...  # (28, 28) in [0, 1]


class Explainer:
    """Explains answers with a model's opened-up network (default: the bundled model's).

    model_path: as for Recognizer (a `.keras` model or its `.onnx` export); the file used is
    `bundle.inside_path(model_path)`. It loads on first use (or `load()`); calls are thread-safe.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        steps: int = STEPS,
        threads: int = 1,
        sigma: float = STROKE_SIGMA,
    ) -> None:
        self.model_path = model_path
        self.steps = steps
        self.sigma = sigma  # px: the maps' spread over the ink (0: the raw, pixel-by-pixel maps)
        # Threads per operation: a drawing's batch (STEPS rows a map) is worked out faster on one than on
        # one a core (3.6 ms against 7.8 ms for 8 rows on 2 busy cores); 0, one a core, for big batches.
        self.threads = threads
        self._session: Any = None  # an onnxruntime.InferenceSession (untyped), once loaded
        self._labels: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def load(self) -> "Explainer":
        """Load the file now; raises DigitrecError (one line) if it is missing or not an opened-up network."""
        with self._lock:
            if self._session is None:
                self._session, self._labels = _load(bundle.inside_path(self.model_path), self.threads)
        return self

    @property
    def layer_labels(self) -> list[dict[str, Any]]:
        """[{"name", "kind", "shape", "what"}, ...], one for each layer shown."""
        return self.load()._labels

    def run(
        self, model_inputs: ArrayLike, weights: ArrayLike
    ) -> tuple[NDArray[np.float32], NDArray[np.float32], list[NDArray[np.float32]]]:
        """float (n, 28, 28) in [0, 1], weights float (n, 10) -> (logits float32 (n, 10), gradient float32
        (n, 28, 28) of sum(weights * logits) by the input, [each layer's output float32 (n, ...)])."""
        session = self.load()._session
        feed = {"image": np.asarray(model_inputs, np.float32)[..., None], "weights": np.asarray(weights, np.float32)}
        logits, gradient, *layers = session.run(None, feed)
        return logits, gradient[..., 0], layers

    def evidence(
        self, model_inputs: ArrayLike, weights: ArrayLike
    ) -> tuple[NDArray[np.float32], list[NDArray[np.float32]]]:
        """Integrated gradients: float (n, 28, 28), weights (n, 10) -> (float32 (n, 28, 28), how each pixel's
        ink moved sum(weights * logits) from a blank input's, [each layer's output for the inputs (n, ...)])."""
        x = np.asarray(model_inputs, np.float32)
        n, steps = len(x), self.steps
        alphas, widths = path(steps)
        alphas = np.append(alphas, 1)  # and the drawing itself, for its layers' outputs (its gradient unused)
        faded = (alphas[:, None, None, None] * x[None]).reshape((steps + 1) * n, *x.shape[1:])
        _, gradient, layers = self.run(faded, np.tile(np.asarray(weights, np.float32), (steps + 1, 1)))
        integral = np.tensordot(widths, gradient[: steps * n].reshape(steps, n, *x.shape[1:]), axes=1)
        return (x * integral).astype(np.float32), [layer[-n:] for layer in layers]

    def explain(self, results: Sequence[Answer], alone: bool = False) -> list[Explanation]:
        """DigitResults (or anything with .digit, .probabilities, .model_input) -> an Explanation each,
        worked out in one batch; alone: also each one's evidence and runner_up_evidence (twice the work).
        Raises DigitrecError if the opened-up network cannot be used."""
        if not results:
            return []
        x = np.stack([np.asarray(r.model_input, np.float32) for r in results])
        answers = [int(r.digit) for r in results]
        seconds = [runner_up(r.probabilities, a) for a, r in zip(answers, results)]
        against = [b if float(r.probabilities[b]) >= REAL_SAY else None for b, r in zip(seconds, results)]
        said = np.array([b is not None for b in against], np.float32)  # 1: the runner-up has a say
        n = len(results)
        if alone:  # each drawing twice: for the answer's score, and for the runner-up's
            maps, layers = self.evidence(np.concatenate([x, x]), np.concatenate([SCORES[answers], SCORES[seconds]]))
            maps = spread_over_ink(maps, np.concatenate([x, x]), self.sigma)
            contrast = maps[:n] - said[:, None, None] * maps[n:]
            extra = {"evidence": maps[:n], "runner_up_evidence": maps[n:]}
        else:  # the answer's score, less the runner-up's where it has a say
            contrast, layers = self.evidence(x, SCORES[answers] - said[:, None] * SCORES[seconds])
            contrast, extra = spread_over_ink(contrast, x, self.sigma), {}
        return [
            Explanation(
                answer=a,
                runner_up=b,
                probabilities=np.asarray(r.probabilities, np.float32),
                model_input=x[i],
                contrast=contrast[i],
                layers=self._layers([layer[i] for layer in layers]),
                against=against[i],
                **{name: values[i] for name, values in extra.items()},
            )
            for i, (a, b, r) in enumerate(zip(answers, seconds, results))
        ]

    def _layers(self, outputs: list[NDArray[np.float32]]) -> list[Layer]:
        layers = []
        for label, output in zip(self._labels, outputs):
            activations = output if output.ndim == 3 else output.reshape(1, 1, -1)
            order = np.argsort(-activations.max(axis=(0, 1)), kind="stable")
            layers.append(Layer(label["name"], label["kind"], label["what"], activations, order))
        return layers


def _load(path: Path, threads: int) -> tuple[Any, list[dict[str, Any]]]:
    """(an ONNX Runtime session for an opened-up network file, its layers' labels). Raises DigitrecError."""
    if not path.is_file():
        raise DigitrecError(
            f"the Why? view needs {path.name} beside the model: make it with "
            f"`digitrec export {path.with_name(path.name.replace(bundle.INSIDE_SUFFIX, '.keras'))}`"
        )
    try:
        import onnxruntime
    except ImportError:
        raise DigitrecError("ONNX Runtime is not installed: pip install onnxruntime") from None
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only
    options.intra_op_num_threads = threads
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        labels = json.loads(session.get_modelmeta().custom_metadata_map[METADATA_KEY])
    except Exception as error:  # ONNX Runtime's own types for damaged files, a missing or bad label
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DigitrecError(f"{path} is not a usable opened-up network ({reason[:200]})") from None
    names = [o.name for o in session.get_outputs()]
    if (
        [i.name for i in session.get_inputs()] != ["image", "weights"]
        or names[:2] != ["logits", "gradient"]
        or len(names) != 2 + len(labels)
    ):
        raise DigitrecError(f"{path} is not an opened-up network written by digitrec export")
    return session, labels
