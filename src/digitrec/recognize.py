"""The recogniser: ink in any form -> the digit or the whole number, with probabilities.

    r = Recognizer()                 # the bundled model, loaded on first use
    r.digit(image)                   # DigitResult: .digit, .probabilities, .confident, .model_input
                                     # (with a profile: .example, the person's example that decided it)
    r.number(image)                  # NumberResult: .text and one DigitResult per digit, left to right
    r.digit_from_strokes(strokes)    # strokes as a canvas records them

    r = Recognizer(profile="alice")  # with a person's handwriting profile (digitrec.profile)
    r.learn(image, 7)                # teach it: the next answers use this example

`image` is a Pillow image or a 2-D NumPy array (uint8 0..255 or float 0..1),
any size, either polarity. The model runs on ONNX Runtime, from the file
`digitrec export` writes beside a `.keras` model: no TensorFlow.
"""

import dataclasses
import threading

import numpy as np
from PIL import Image

from digitrec import bundle
from digitrec.adapt import Adapter, unit
from digitrec.errors import DigitrecError
from digitrec.image import render_strokes
from digitrec.profile import Profile, ProfileError

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


def _one_blas_thread():
    """NumPy's BLAS and OpenCV on one thread each, for this process from now on. BLAS's threads (one
    a core) spin between the small products of a drawing's preprocessing: one process burnt both
    cores' time, and two worker processes on two cores read 0.42x as fast as one (bench/batch.py);
    OpenCV's split a drawing's small images over the cores, so one process took 1.3 cores' time.
    Called as a recogniser loads (the window's loader thread), not at start: the import costs 5 ms."""
    import cv2
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    cv2.setNumThreads(1)


class NoInkError(DigitrecError):
    """The image holds nothing that could be a digit."""


class ProfileConflict(ProfileError):
    """A new example contradicts earlier ones: they would no longer read as their own digit.

    `examples`: the contradicted Examples; `images`: theirs, float32 (k, 28, 28) in [0, 1], ink 1 (to show
    the person what they would lose). `learn(..., replace=True)` drops them and keeps the new one.
    """

    def __init__(self, message, examples, images=None):
        super().__init__(message)
        self.examples = examples
        self.images = np.zeros((0, 28, 28), np.float32) if images is None else images


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
    from_profile: bool = False  # the answer comes from one of the person's examples
    example: object = None  # the profile.Example that decided it (from_profile), or None
    # The model's own probabilities, float32 (10,), before any example weighed in: equal to
    # `probabilities` unless an example decided the answer (None: not given, as for `probabilities`).
    model_probabilities: np.ndarray | None = None

    @property
    def model_digit(self):
        """The model's own answer, before the profile (the answer itself when no example decided)."""
        own = self.probabilities if self.model_probabilities is None else self.model_probabilities
        return int(own.argmax())

    @property
    def model_confidence(self):
        """The model's own probability of `model_digit`, in [0, 1]."""
        own = self.probabilities if self.model_probabilities is None else self.model_probabilities
        return float(own.max())

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
    export itself. `profile`: a profile name, folder or `Profile` whose examples
    adjust the answers (`digitrec.adapt`); None: the model alone. The model and
    profile load on first use (or on `load()`), once; calls are thread-safe.

    A profile that cannot be read does not stop answers: they come from the model
    alone, and `profile_error` says why (one line); nothing in the profile is touched.
    """

    def __init__(self, model_path=None, threshold=CONFIDENCE_THRESHOLD, profile=None):
        self.model_path = model_path
        self.threshold = threshold
        self.profile = profile if profile is None or isinstance(profile, Profile) else Profile(profile)
        self._profile_problem = None  # why the profile can't be read (one line), or None
        self._session = None
        self._path = False  # the path model's session: False until looked for, None if there is none
        self._adapter = None  # the profile's examples in the network's forms (adapt.Adapter); None: no profile in use
        self._examples = []  # the profile's Examples, in the adapter's order
        # Each example's forms, by (file, its modification time and size): the network reads an
        # example once, not at every change to the profile (that cost 1.3 ms an example per correction).
        self._forms = {}
        self._lock = threading.RLock()

    def load(self):
        """Load and warm up the model (and profile) now (raises DigitrecError if the model can't be used)."""
        with self._lock:
            if self._session is None:
                _preprocess()  # here, not on the first drawing, which should not wait for OpenCV's import
                if _threads == 1:
                    _one_blas_thread()
                session = bundle.load_session(self.model_path, threads=_threads)
                session.run(None, {"image": np.zeros((1, 28, 28, 1), np.float32)})  # warm up now
                self._session = session
                if self.profile is not None:
                    self.reload_profile()
        return self

    @property
    def profile_error(self):
        """Why the profile is not in use (one line), or None."""
        return self._profile_problem and f"{self._profile_problem}; answering without the profile"

    @property
    def examples(self):
        """The profile's Examples in use (oldest first); empty without a profile."""
        return list(self._examples)

    def reload_profile(self):
        """Read the profile from disk again (after another process changed it, or after an error)."""
        with self._lock:
            self.load()
            self._adapter, self._examples, self._profile_problem = None, [], None
            try:
                examples = self.profile.examples()
                self._adapter = self._base_adapter().with_examples(
                    self._forms_of(examples), [e.label for e in examples]
                )
                self._examples = examples
            except ProfileError as error:
                self._profile_problem = str(error)

    def _forms_of(self, examples):
        """float32 (n, G): the examples' forms, read from their images only for those new or changed
        since the last call. Raises ProfileError naming a missing or damaged image."""
        keys = [self._file_key(e) for e in examples]
        new = [(key, e) for key, e in zip(keys, examples) if key not in self._forms]
        if new:
            forms = self._run("forms", self.profile.images([e for _, e in new]))
            self._forms.update(zip([key for key, _ in new], forms))
        self._forms = {key: self._forms[key] for key in keys}  # forget the examples gone
        return np.array([self._forms[key] for key in keys], np.float32) if keys else np.zeros((0, 0), np.float32)

    def _file_key(self, example):
        """(file name, modification time, size): new whenever the example's image is written again."""
        try:
            stat = (self.profile.folder / example.file).stat()
        except OSError:
            self.profile.images([example])  # raises ProfileError, saying what is wrong with the file
            raise ProfileError(f"profile {self.profile.name}: {example.file} cannot be read") from None
        return example.file, stat.st_mtime_ns, stat.st_size

    def _base_adapter(self):
        outputs = [o.name for o in self._session.get_outputs()]
        if not {"forms", "prototypes", "min_similarity"} <= set(outputs):
            raise ProfileError(
                f"the model {bundle.exported_path(self.model_path).name} predates profiles: "
                "export it again with `digitrec export`"
            )
        prototypes, min_similarity = self._session.run(
            ["prototypes", "min_similarity"], {"image": np.zeros((1, 28, 28, 1), np.float32)}
        )
        digits, per_digit, size = prototypes.shape
        return Adapter(prototypes.reshape(-1, size), np.repeat(np.arange(digits), per_digit), min_similarity[0])

    def learn(self, image, label, source="api", replace=False):
        """Teach the profile that `image` (as for `digit`) shows `label`; later answers use it.

        Returns the stored `profile.Example`. Raises ProfileConflict, storing nothing, if
        the example would make earlier ones read as another digit (replace=True: drop
        those and keep this one); ProfileError without a usable profile; NoInkError.
        """
        preprocess = _preprocess()
        found = preprocess.locate_digit(_ink_of(image))
        if found is None:
            raise NoInkError("no ink found: the image is blank")
        return self.learn_input(found[1], label, source, replace)

    def learn_input(self, model_input, label, source="api", replace=False):
        """As `learn`, for a model input: float (28, 28) in [0, 1], ink 1 (`DigitResult.model_input`)."""
        with self._lock:
            self.load()
            if self.profile is None:
                raise ProfileError("no profile to learn into: make the Recognizer with profile=NAME")
            self.reload_profile()  # another process may have added examples since
            if self._profile_problem:
                raise ProfileError(f"{self._profile_problem}; not learning")
            contradicted = self._contradicted(model_input, label)
            # Examples learnt from kept answers were guesses: one the person's own word contradicts goes without
            # asking. Only what they taught or corrected themselves is worth a question.
            # A kept answer is a guess too: it replaces nothing.
            asked = contradicted if source == "kept" else [e for e in contradicted if e.source != "kept"]
            if asked and not replace:
                raise ProfileConflict(_conflict_message(label, asked), asked, self.profile.images(asked))
            if contradicted:
                self.profile.remove([e.id for e in contradicted])
            example = self.profile.add(model_input, label, source)
            self.reload_profile()
            return example

    def undo(self):
        """Forget the profile's newest example; returns it (None if there was none)."""
        return self.change_profile(lambda profile: profile.undo())

    def forget(self, ids):
        """Forget the profile's examples with these ids; returns those that were there."""
        return self.change_profile(lambda profile: profile.remove(ids))

    def reset_profile(self):
        """Forget every example in the profile; returns how many there were."""
        return self.change_profile(lambda profile: profile.reset())

    def change_profile(self, change):
        """Apply change(profile) (any of `profile.Profile`'s changes) and read the profile again; returns
        what it returned. Raises ProfileError without a profile."""
        with self._lock:
            if self.profile is None:
                raise ProfileError("no profile in use")
            result = change(self.profile)
            self.reload_profile()
            return result

    def _contradicted(self, model_input, label):
        """The Examples of another digit that this one would decide: each earlier example, read by
        the rest of the profile, would be read as this one's digit (the two look alike to the network)."""
        if not self._examples:
            return []
        new = self._run("forms", np.asarray(model_input, np.float32)[None])
        forms = np.concatenate([self._forms_of(self._examples), new])
        labels = [e.label for e in self._examples]
        candidate = self._adapter.with_examples(forms, [*labels, label])
        # Only an example of another digit at least min_similarity from the new one can be decided
        # by it: read just those by the others (reading all of them costs the square of their number).
        near = candidate.forms[:-1] @ candidate.forms[-1]
        rows = [i for i, other in enumerate(labels) if other != label and near[i] >= candidate.min_similarity]
        if not rows:
            return []
        deciding = candidate.deciding_examples(forms[rows], own=rows)
        return [self._examples[i] for i, by in zip(rows, deciding) if by == len(labels)]

    @property
    def min_similarity(self):
        """The similarity of forms (cosine, in [-1, 1]) from which an example counts for a drawing: the model's."""
        return self._base_adapter().min_similarity if self._adapter is None else self._adapter.min_similarity

    def likeness(self, model_input, digit):
        """(how much `model_input` looks like a `digit`, how much like the profile's own examples of it): the
        highest cosine similarity of its forms to the model's prototypes and the profile's examples of that
        digit, and to those examples alone (-1 with none). model_input: float (28, 28) in [0, 1], ink 1."""
        with self._lock:
            adapter = self.load()._adapter or self._base_adapter()
        form = unit(self._run("forms", np.asarray(model_input, np.float32)[None]))[0]
        prototypes = adapter.prototypes[adapter.prototype_labels == digit] @ form
        examples = adapter.forms[adapter.labels == digit] @ form
        own = float(examples.max()) if len(examples) else -1.0
        return max(float(prototypes.max(initial=-1.0)), own), own

    def nearest_examples(self, model_input):
        """{digit: (Example, similarity)}: the profile's nearest example of each digit it holds to
        `model_input` (float (28, 28) in [0, 1], ink 1), by cosine similarity of forms in [-1, 1].

        What a profile's answer is weighed on: an example decides a drawing only from the model's
        `min_similarity` (`adapt`). Empty without a profile or examples.
        """
        with self._lock:
            adapter, examples = self.load()._adapter, self._examples
        if adapter is None or not len(adapter):
            return {}
        similarity = adapter.forms @ unit(self._run("forms", np.asarray(model_input, np.float32)[None]))[0]
        nearest = {}
        for i in np.argsort(-similarity):
            nearest.setdefault(examples[i].label, (examples[i], float(similarity[i])))
        return nearest

    def probabilities(self, model_inputs):
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, 10), with the profile's examples applied."""
        adapter = self.load()._adapter
        if adapter is None or not len(adapter):
            return self._run("probabilities", model_inputs)
        return adapter.adjust(*self._run_both(model_inputs))[0]

    def features(self, model_inputs):
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, F): what the network's last layer reads."""
        return self._run("features", model_inputs)

    def _run(self, output, model_inputs):
        self.load()
        batch = np.asarray(model_inputs, np.float32)[..., None]
        return self._session.run([output], {"image": batch})[0]

    def _run_both(self, model_inputs):
        """(probabilities (n, 10), forms (n, G)) in one run of the network: what a profile adjusts."""
        self.load()
        batch = np.asarray(model_inputs, np.float32)[..., None]
        return tuple(self._session.run(["probabilities", "forms"], {"image": batch}))

    def digit(self, image):
        """The single digit in `image`. Raises NoInkError if there is no ink."""
        preprocess = _preprocess()
        found = preprocess.locate_digit(_ink_of(image))
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
        digits, joins = preprocess.split_digits(_ink_of(image), joins=True)
        results = self._results(digits + [joined for _, joined in joins])  # one batch for all
        singles = results[: len(digits)]
        return NumberResult(_joined(singles, [(i, whole) for (i, _), whole in zip(joins, results[len(digits) :])]))

    def digit_from_strokes(self, strokes, pen_width=DEFAULT_PEN_WIDTH):
        """`strokes`: list of [(x, y), ...] polylines in canvas pixels, in drawing order.

        Read as a picture and, where the model has a path model beside it, by how it was drawn
        too (`digitrec.combine`): the answer weighs both, and is "not sure" when they are both
        sure of different digits. Without a path model, the picture alone, as `digit`.
        """
        result = self.digit(render_strokes(strokes, pen_width))
        return self._with_path(result, [s for s in strokes if len(s)])

    def number_from_strokes(self, strokes, pen_width=DEFAULT_PEN_WIDTH, size=None):
        """As `number`, each digit also read by its own strokes' path (see `digit_from_strokes`).
        `size`: the canvas's (width, height), as `render_strokes` takes it (default: just the ink's)."""
        number = self.number(render_strokes(strokes, pen_width, size=size))
        if self._path_model() is None:
            return number
        groups = _strokes_by_box([s for s in strokes if len(s)], [d.box for d in number.digits])
        return NumberResult([self._with_path(d, group) for d, group in zip(number.digits, groups)])

    def _path_model(self):
        """The path model's ONNX Runtime session, loaded once; None if the model has none."""
        with self._lock:
            if self._path is False:
                self._path = bundle.load_path_session(self.model_path, threads=_threads)
            return self._path

    def _with_path(self, result, strokes):
        """A picture's DigitResult combined with its strokes' path; as it was if there is no path
        model, no strokes, or the person's profile decided it (their examples come first)."""
        session = self._path_model()
        if session is None or not strokes or result.from_profile:
            return result
        from digitrec import combine, pen_path

        path = session.run(["probabilities"], {"path": pen_path.features(strokes)[None]})[0][0]
        both = combine.combined(result.probabilities, path)
        # The combination's own "not sure" (combine.THRESHOLD, chosen with its weight), not the
        # picture's threshold, unless the caller set another one.
        threshold = combine.THRESHOLD if self.threshold == CONFIDENCE_THRESHOLD else self.threshold
        confident = result.model_input.mean() <= MAX_MEAN_INK and not combine.not_sure(
            result.probabilities, path, threshold=threshold
        )
        return dataclasses.replace(
            result, digit=int(both.argmax()), probabilities=both, confident=bool(confident), model_probabilities=both
        )

    def _results(self, boxed_inputs):
        if not boxed_inputs:
            return []
        boxes, inputs = zip(*boxed_inputs)
        self.load()
        with self._lock:  # one profile state for the whole batch, even if a correction lands meanwhile
            adapter, examples = self._adapter, self._examples
        if adapter is not None and len(adapter):
            own, forms = self._run_both(np.stack(inputs))
            probabilities, deciding = adapter.adjust(own, forms)
        else:
            own = probabilities = self.probabilities(np.stack(inputs))
            deciding = [-1] * len(inputs)
        return [
            DigitResult(
                digit=int(p.argmax()),
                probabilities=p,
                confident=bool(p.max() >= self.threshold and x.mean() <= MAX_MEAN_INK),
                model_input=x,
                box=tuple(int(v) for v in box),
                from_profile=bool(by >= 0),
                example=examples[by] if by >= 0 else None,
                model_probabilities=np.asarray(mine, np.float32),
            )
            for box, x, p, mine, by in zip(boxes, inputs, probabilities, own, deciding)
        ]


def _strokes_by_box(strokes, boxes):
    """Each box's strokes: a stroke goes to the box (left, top, right, bottom) nearest most of its points."""
    groups = [[] for _ in boxes]
    if not boxes:
        return groups
    centres = np.array([((left + right) / 2, (top + bottom) / 2) for left, top, right, bottom in boxes])
    halves = np.array([((right - left) / 2, (bottom - top) / 2) for left, top, right, bottom in boxes]) + 1
    for stroke in strokes:
        points = np.asarray(stroke, np.float64).reshape(-1, 2)
        # Distance outside each box, in units of the box's size: 0 inside it.
        outside = np.maximum(np.abs(points[:, None, :] - centres[None]) / halves[None] - 1, 0).max(axis=2)
        groups[int(np.bincount(outside.argmin(axis=1), minlength=len(boxes)).argmax())].append(stroke)
    return groups


def _joined(singles, joins):
    """The digits left to right, where each sure join [(i, DigitResult), ...] replaces
    digits i and i + 1; the surest first, and no digit in two joins."""
    singles, taken = list(singles), set()
    for i, whole in sorted(joins, key=lambda join: -join[1].confidence):
        if whole.confident and not taken & {i, i + 1}:
            singles[i : i + 2] = [whole, None]
            taken |= {i, i + 1}
    return [result for result in singles if result is not None]


def _conflict_message(label, contradicted):
    counts = {}
    for example in contradicted:
        counts[example.label] = counts.get(example.label, 0) + 1
    earlier = ", ".join(f"{n} of your '{digit}'" for digit, n in sorted(counts.items()))
    return (
        f"this '{label}' looks like {earlier}: learnt, they would read '{label}' too; learn it anyway to replace them"
    )


def _preprocess():
    """digitrec.preprocess, imported on first use: it imports OpenCV, and the drawing app's
    window should be on screen before that, not after (with SciPy, the window waited 0.3 s)."""
    from digitrec import preprocess

    return preprocess


def _ink_of(image):
    """The ink of an image (as for `Recognizer.digit`): digitrec.paper's, imported on first use
    as digitrec.preprocess is (it imports OpenCV too)."""
    from digitrec import paper

    return paper.to_ink(as_pillow(image))


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
