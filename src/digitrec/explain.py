"""Why the network read a digit, and what each of its layers saw: the window's Why? view and `digitrec explain`.

    explainer = Explainer()                    # the bundled model's; its file loads on first use
    [why] = explainer.explain([result])        # result: a recognize.DigitResult; why: an Explanation
    why.contrast        # float32 (28, 28): > 0 where the ink pushed toward the answer, < 0 toward the runner-up
    why.layers          # what each layer output, its strongest channels first
    explainer.explain([result], alone=True)    # also .evidence and .runner_up_evidence, each digit's alone

The maps are integrated gradients (Sundararajan et al., 2017): the drawing is
faded in from blank in STEPS steps, and each pixel gets its ink times the mean,
over the steps, of how much it moves a score: the answer's logit less the
runner-up's (the contrast: "why 7 and not 1"), or one digit's logit alone. A
map's pixels add up to that score's rise from a blank input to the drawing, so
red and blue are in the score's own units. Chosen by measurement
(bench/inside.py, docs/inside.md): deleting the 10% of the ink the contrast
ranks highest lowers the answer's probability about 15x as much as deleting a
random 10%, against about 11x for plain gradient x input and 13x for the
answer's evidence alone; occlusion does better (21x) at five times the cost.

It runs on ONNX Runtime, from the opened-up network (`digitrec.inside`) beside the
answering model, `MODEL.inside.onnx`, loaded only when first asked: the answers
cost nothing more while the view is off. It explains the digit given (the app's
answer, which a profile or several networks may have decided), not that network's own choice.
"""

import dataclasses
import json
import threading

import numpy as np

from digitrec import bundle
from digitrec.errors import DigitrecError

STEPS = 8  # integrated gradients' steps from blank to the drawing (bench/inside.py: 4 are less faithful, 16 cost 2x)
METADATA_KEY = "digitrec.layers"  # as digitrec.inside writes it
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True, eq=False)
class Layer:
    """What one layer output for a drawing.

    activations: float32 (h, w, c) (a dense layer's: (1, 1, c)), >= 0 (after ReLU);
    order: int (c,), its channels strongest first (by their largest value).
    """

    name: str  # "conv 2"
    kind: str  # "convolution", "pooling", "dense"
    what: str  # what its channels find, for a learner
    activations: np.ndarray
    order: np.ndarray

    @property
    def label(self):
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
    """Why one digit was read as `answer` rather than `runner_up`.

    probabilities: float32 (10,), the answer's (as the app gave them); model_input: float32 (28, 28) in [0, 1].
    The maps, float32 (28, 28) in logit units, 0 where there is no ink: contrast, how each pixel's ink
    moved the answer's score against the runner-up's; evidence and runner_up_evidence (None unless
    asked for), how it moved each one's alone (contrast = evidence - runner_up_evidence).
    layers: a Layer for each layer shown, input side first.
    """

    answer: int
    runner_up: int
    probabilities: np.ndarray
    model_input: np.ndarray
    contrast: np.ndarray
    layers: list
    evidence: np.ndarray = None
    runner_up_evidence: np.ndarray = None

    def maps(self):
        """{name: float32 (28, 28)}: the maps worked out, by the names `--json` gives them."""
        maps = {"contrast": self.contrast, "evidence": self.evidence, "runner_up_evidence": self.runner_up_evidence}
        return {name: value for name, value in maps.items() if value is not None}


def runner_up(probabilities, answer):
    """The likeliest digit other than `answer`, by probabilities (10,)."""
    return int(next(d for d in np.argsort(-np.asarray(probabilities), kind="stable") if d != answer))


class Explainer:
    """Explains answers with a model's opened-up network (default: the bundled model's).

    model_path: as for Recognizer (a `.keras` model or its `.onnx` export); the file used is
    `bundle.inside_path(model_path)`. It loads on first use (or `load()`); calls are thread-safe.
    """

    def __init__(self, model_path=None, steps=STEPS, threads=1):
        self.model_path = model_path
        self.steps = steps
        # Threads per operation: a drawing's batch (STEPS rows a map) is worked out faster on one than on
        # one a core (3.6 ms against 7.8 ms for 8 rows on 2 busy cores); 0, one a core, for big batches.
        self.threads = threads
        self._session = None
        self._labels = None
        self._lock = threading.Lock()

    def load(self):
        """Load the file now; raises DigitrecError (one line) if it is missing or not an opened-up network."""
        with self._lock:
            if self._session is None:
                self._session, self._labels = _load(bundle.inside_path(self.model_path), self.threads)
        return self

    @property
    def layer_labels(self):
        """[{"name", "kind", "shape", "what"}, ...], one for each layer shown."""
        return self.load()._labels

    def run(self, model_inputs, weights):
        """float (n, 28, 28) in [0, 1], weights float (n, 10) -> (logits float32 (n, 10), gradient float32
        (n, 28, 28) of sum(weights * logits) by the input, [each layer's output float32 (n, ...)])."""
        session = self.load()._session
        feed = {"image": np.asarray(model_inputs, np.float32)[..., None], "weights": np.asarray(weights, np.float32)}
        logits, gradient, *layers = session.run(None, feed)
        return logits, gradient[..., 0], layers

    def evidence(self, model_inputs, weights):
        """Integrated gradients: float (n, 28, 28), weights (n, 10) -> (float32 (n, 28, 28), how each pixel's
        ink moved sum(weights * logits) from a blank input's, [each layer's output for the inputs (n, ...)])."""
        x = np.asarray(model_inputs, np.float32)
        n, steps = len(x), self.steps
        alphas = np.arange(1, steps + 1, dtype=np.float32) / steps  # the last step is the drawing itself
        faded = (alphas[:, None, None, None] * x[None]).reshape(steps * n, *x.shape[1:])
        _, gradient, layers = self.run(faded, np.tile(np.asarray(weights, np.float32), (steps, 1)))
        mean = gradient.reshape(steps, n, *x.shape[1:]).mean(axis=0)
        return (x * mean).astype(np.float32), [layer[-n:] for layer in layers]

    def explain(self, results, alone=False):
        """DigitResults (or anything with .digit, .probabilities, .model_input) -> an Explanation each,
        worked out in one batch; alone: also each one's evidence and runner_up_evidence (twice the work).
        Raises DigitrecError if the opened-up network cannot be used."""
        if not results:
            return []
        x = np.stack([np.asarray(r.model_input, np.float32) for r in results])
        answers = [int(r.digit) for r in results]
        seconds = [runner_up(r.probabilities, a) for a, r in zip(answers, results)]
        eye, n = np.eye(NUM_CLASSES, dtype=np.float32), len(results)
        if alone:  # each drawing twice: for the answer's score, and for the runner-up's
            maps, layers = self.evidence(np.concatenate([x, x]), np.concatenate([eye[answers], eye[seconds]]))
            contrast, extra = maps[:n] - maps[n:], {"evidence": maps[:n], "runner_up_evidence": maps[n:]}
        else:
            contrast, layers = self.evidence(x, eye[answers] - eye[seconds])
            extra = {}
        return [
            Explanation(
                answer=a,
                runner_up=b,
                probabilities=np.asarray(r.probabilities, np.float32),
                model_input=x[i],
                contrast=contrast[i],
                layers=self._layers([layer[i] for layer in layers]),
                **{name: values[i] for name, values in extra.items()},
            )
            for i, (a, b, r) in enumerate(zip(answers, seconds, results))
        ]

    def _layers(self, outputs):
        layers = []
        for label, output in zip(self._labels, outputs):
            activations = output if output.ndim == 3 else output.reshape(1, 1, -1)
            order = np.argsort(-activations.max(axis=(0, 1)), kind="stable")
            layers.append(Layer(label["name"], label["kind"], label["what"], activations, order))
        return layers


def _load(path, threads):
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
