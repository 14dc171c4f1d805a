"""The recogniser: ink in any form -> the digit or the whole number, with probabilities.

    r = Recognizer()                 # the bundled model, loaded on first use
    r.digit(image)                   # DigitResult: .digit, .probabilities, .confident, .model_input
                                     # (with a profile: .example, the person's example that decided it)
    r.number(image)                  # NumberResult: .text and one DigitResult per digit, left to right
    r.digit_from_strokes(strokes)    # strokes as a canvas records them: read as a picture and as a path
                                     # (.picture_probabilities, .path_probabilities: each reading alone)

    r = Recognizer(profile="alice")  # with a person's handwriting profile (digitrec.profile)
    r.learn(image, 7)                # teach it: the next answers use this example
    r.learn_input(d.model_input, 7, strokes=d.strokes)   # a result, with the strokes it was read from

`image` is a Pillow image or a 2-D NumPy array (uint8 0..255 or float 0..1),
any size, either polarity. The model runs on ONNX Runtime, from the file
`digitrec export` writes beside a `.keras` model: no TensorFlow.
"""

import dataclasses
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from digitrec import bundle
from digitrec.errors import DigitrecError
from digitrec.image import Strokes, render_strokes
from digitrec.profile.adapt import Adapter
from digitrec.profile.reading import ProfileConflict, ProfileReading
from digitrec.profile.store import Example, Profile, ProfileError

__all__ = ["DigitResult", "NoInkError", "NumberResult", "ProfileConflict", "Recognizer"]

# A box in an image: (left, top, right, bottom) px.
Box = tuple[int, int, int, int]
Changed = TypeVar("Changed")

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


def answer_one_at_a_time() -> None:
    """Make recognisers created from now on answer one drawing at a time faster: one
    thread per operation. The `predict` and `gui` commands call this."""
    global _threads
    _threads = 1


def _one_blas_thread() -> None:
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


@dataclasses.dataclass(frozen=True, eq=False)
class DigitResult:
    """One recognised digit.

    probabilities: float32 (10,), sums to 1; model_input: float32 (28, 28) in
    [0, 1], what the model saw; box: (left, top, right, bottom) in the image;
    strokes: the strokes it was read from ([(x, y), ...] polylines, canvas px: a
    number's digit, its own), None for an image.

    Read from strokes with a path model, the answer weighs two readings (`digitrec.combine`):
    picture_probabilities, the picture model's, and path_probabilities, the path model's, each
    float32 (10,); both None for an image, path_probabilities None without a path model.
    """

    digit: int
    probabilities: NDArray[np.float32]
    confident: bool
    model_input: NDArray[np.float32]
    box: Box
    from_profile: bool = False  # the answer comes from one of the person's examples
    example: Example | None = None  # the profile.Example that decided it (from_profile), or None
    # The model's own probabilities, float32 (10,), before any example weighed in: equal to
    # `probabilities` unless an example decided the answer (None: not given, as for `probabilities`).
    model_probabilities: NDArray[np.float32] | None = None
    strokes: Strokes | None = None
    picture_probabilities: NDArray[np.float32] | None = None
    path_probabilities: NDArray[np.float32] | None = None

    @property
    def model_digit(self) -> int:
        """The model's own answer, before the profile (the answer itself when no example decided)."""
        own = self.probabilities if self.model_probabilities is None else self.model_probabilities
        return int(own.argmax())

    @property
    def model_confidence(self) -> float:
        """The model's own probability of `model_digit`, in [0, 1]."""
        own = self.probabilities if self.model_probabilities is None else self.model_probabilities
        return float(own.max())

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.digit])

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        """The k likeliest digits as [(digit, probability), ...], likeliest first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(d), float(self.probabilities[d])) for d in order]


@dataclasses.dataclass(frozen=True)
class NumberResult:
    """The digits of a number, left to right (empty if there was no ink)."""

    digits: list[DigitResult]

    @property
    def text(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    @property
    def confident(self) -> bool:
        return bool(self.digits) and all(d.confident for d in self.digits)


class Recognizer:
    """Recognises digits and numbers with a model (default: the bundled one).

    `model_path`: a `.keras` model with its export beside it, or the `.onnx`
    export itself. `profile`: a profile name, folder or `Profile` whose examples
    adjust the answers (`digitrec.profile.adapt`); None: the model alone. The model and
    profile load on first use (or on `load()`), once; calls are thread-safe.

    A profile that cannot be read does not stop answers: they come from the model
    alone, and `profile_error` says why (one line); nothing in the profile is touched.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        threshold: float = CONFIDENCE_THRESHOLD,
        profile: str | os.PathLike[str] | Profile | None = None,
    ) -> None:
        self.model_path = model_path
        self.threshold = threshold
        self._session: Any = None  # the ONNX Runtime session
        self._path: Any = False  # the path model's session: False until looked for, None if there is none
        # The profile's bookkeeping (its examples, their forms, learning): digitrec.profile.reading.
        profile = profile if profile is None or isinstance(profile, Profile) else Profile(profile)
        self._reading = ProfileReading(
            profile, forms=self._network_forms, base=self._base_adapter, paths=self._path_forms
        )
        self._lock = threading.RLock()

    def load(self) -> "Recognizer":
        """Load and warm up the model (and profile) now (raises DigitrecError if the model can't be used)."""
        with self._lock:
            if self._session is None:
                _preprocess()  # here, not on the first drawing, which should not wait for OpenCV's import
                if _threads == 1:
                    _one_blas_thread()
                session = bundle.load_session(self.model_path, threads=_threads)
                session.run(None, {"image": np.zeros((1, 28, 28, 1), np.float32)})  # warm up now
                self._session = session
                # Under this lock, so no answer comes before the profile is read. The reading's own lock is
                # taken only by threads past this point, so its calls back into `_run` find the model loaded.
                self._reading.reload()
        return self

    @property
    def profile(self) -> Profile | None:
        """The profile read with (`digitrec.profile.Profile`), or None."""
        return self._reading.profile

    @property
    def profile_error(self) -> str | None:
        """Why the profile is not in use (one line), or None."""
        problem = self._reading.problem
        return problem and f"{problem}; answering without the profile"

    @property
    def examples(self) -> list[Example]:
        """The profile's Examples in use (oldest first); empty without a profile."""
        return self._reading.examples

    def reload_profile(self) -> None:
        """Read the profile from disk again (after another process changed it, or after an error)."""
        self.load()._reading.reload()

    def _network_forms(self, model_inputs: NDArray[np.float32]) -> NDArray[np.float32]:
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, G): the network's forms, where a profile's examples are
        compared with drawings (what `ProfileReading` gets of the network)."""
        return self._run("forms", model_inputs)

    def _path_forms(self, drawings: Sequence[Strokes]) -> NDArray[np.float32] | None:
        """float32 (n, H): the path model's forms of n drawings' strokes, where a profile compares paths (what
        `ProfileReading` gets of the path model); None if there is no path model, or one exported without
        them."""
        session = self._path_model()
        if session is None or "forms" not in {o.name for o in session.get_outputs()}:
            return None
        from digitrec import pen_path

        forms: NDArray[np.float32] = session.run(
            ["forms"], {"path": np.stack([pen_path.features(s) for s in drawings])}
        )[0]
        return forms

    def _base_adapter(self) -> Adapter:
        """The model's own Adapter, without examples: its prototypes and min_similarity. Raises ProfileError
        for a model exported before profiles."""
        session = self.load()._session
        outputs = [o.name for o in session.get_outputs()]
        if not {"forms", "prototypes", "min_similarity"} <= set(outputs):
            raise ProfileError(
                f"the model {bundle.exported_path(self.model_path).name} predates profiles: "
                "export it again with `digitrec export`"
            )
        prototypes, min_similarity = session.run(
            ["prototypes", "min_similarity"], {"image": np.zeros((1, 28, 28, 1), np.float32)}
        )
        digits, per_digit, size = prototypes.shape
        return Adapter(prototypes.reshape(-1, size), np.repeat(np.arange(digits), per_digit), min_similarity[0])

    def learn(
        self,
        image: Image.Image | NDArray[Any],
        label: int,
        source: str = "api",
        replace: bool = False,
        strokes: Strokes | None = None,
    ) -> Example:
        """Teach the profile that `image` (as for `digit`) shows `label`; later answers use it.

        strokes: how it was drawn ([(x, y), ...] polylines, canvas px), where it was: the profile
        keeps them beside it. Returns the stored `profile.Example`. Raises ProfileConflict, storing
        nothing, if the example would make earlier ones read as another digit (replace=True: drop
        those and keep this one); ProfileError without a usable profile; NoInkError.
        """
        preprocess = _preprocess()
        found = preprocess.locate_digit(_ink_of(image))
        if found is None:
            raise NoInkError("no ink found: the image is blank")
        return self.learn_input(found[1], label, source, replace, strokes)

    def learn_input(
        self,
        model_input: NDArray[np.floating],
        label: int,
        source: str = "api",
        replace: bool = False,
        strokes: Strokes | None = None,
    ) -> Example:
        """As `learn`, for a model input: float (28, 28) in [0, 1], ink 1 (`DigitResult.model_input`);
        strokes: `DigitResult.strokes`."""
        return self.load()._reading.learn(model_input, label, source, replace, strokes)

    def undo(self) -> Example | None:
        """Forget the profile's newest example; returns it (None if there was none)."""
        return self.change_profile(lambda profile: profile.undo())

    def forget(self, ids: Iterable[str]) -> list[Example]:
        """Forget the profile's examples with these ids; returns those that were there."""
        return self.change_profile(lambda profile: profile.remove(ids))

    def reset_profile(self) -> int:
        """Forget every example in the profile; returns how many there were."""
        return self.change_profile(lambda profile: profile.reset())

    def change_profile(self, change: Callable[[Profile], Changed]) -> Changed:
        """Apply change(profile) (any of `profile.Profile`'s changes) and read the profile again; returns
        what it returned. Raises ProfileError without a profile."""
        return self.load()._reading.change(change)

    @property
    def min_similarity(self) -> float:
        """The similarity of forms (cosine, in [-1, 1]) from which an example counts for a drawing: the model's."""
        return self.load()._reading.min_similarity

    def likeness(self, model_input: NDArray[np.floating], digit: int) -> tuple[float, float]:
        """(how much `model_input` looks like a `digit`, how much like the profile's own examples of it): the
        highest cosine similarity of its forms to the model's prototypes and the profile's examples of that
        digit, and to those examples alone (-1 with none). model_input: float (28, 28) in [0, 1], ink 1."""
        return self.load()._reading.likeness(model_input, digit)

    def nearest_examples(
        self, model_input: NDArray[np.floating], strokes: Strokes | None = None
    ) -> dict[int, tuple[Example, float]]:
        """{digit: (Example, similarity)}: the profile's nearest example of each digit it holds to
        `model_input` (float (28, 28) in [0, 1], ink 1), by the similarity in [-1, 1] the rule weighs:
        that of forms, and of paths where `strokes` (the drawing's) and the example's are both known.

        What a profile's answer is weighed on: an example decides a drawing only from the model's
        `min_similarity` (`adapt`). Empty without a profile or examples.
        """
        return self.load()._reading.nearest_examples(model_input, strokes)

    def probabilities(self, model_inputs: NDArray[np.floating]) -> NDArray[np.float32]:
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, 10), with the profile's examples applied."""
        adapter = self.load()._reading.state[0]
        if adapter is None or not len(adapter):
            return self._run("probabilities", model_inputs)
        return adapter.adjust(*self._run_both(model_inputs))[0]

    def features(self, model_inputs: NDArray[np.floating]) -> NDArray[np.float32]:
        """float32 (n, 28, 28) in [0, 1] -> float32 (n, F): what the network's last layer reads."""
        return self._run("features", model_inputs)

    def _run(self, output: str, model_inputs: NDArray[np.floating]) -> NDArray[np.float32]:
        """One output of the network for float (n, 28, 28) model inputs in [0, 1]."""
        self.load()
        batch = np.asarray(model_inputs, np.float32)[..., None]
        result: NDArray[np.float32] = self._session.run([output], {"image": batch})[0]
        return result

    def _run_both(self, model_inputs: NDArray[np.floating]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """(probabilities (n, 10), forms (n, G)) in one run of the network: what a profile adjusts."""
        self.load()
        batch = np.asarray(model_inputs, np.float32)[..., None]
        probabilities, forms = self._session.run(["probabilities", "forms"], {"image": batch})
        return probabilities, forms

    def digit(self, image: Image.Image | NDArray[Any]) -> DigitResult:
        """The single digit in `image`. Raises NoInkError if there is no ink."""
        return self._digit(_ink_of(image))

    def number(self, image: Image.Image | NDArray[Any]) -> NumberResult:
        """All digits in `image`, left to right, predicted in one batch.

        Two neighbours that may be one digit's strokes (`preprocess.staggered`: a '4'
        whose stem stands apart) are read as one too, and taken as one where that
        reading is sure: the parts alone often read as sure digits ('1' and '1').
        """
        return self._number(_ink_of(image))

    def digit_from_strokes(self, strokes: Strokes, pen_width: int = DEFAULT_PEN_WIDTH) -> DigitResult:
        """`strokes`: list of [(x, y), ...] polylines in canvas pixels, in drawing order.

        Read as a picture and, where the model has a path model beside it, by how it was drawn
        too (`digitrec.combine`): the answer weighs both, and is "not sure" when they are both
        sure of different digits. Without a path model, the picture alone, as `digit`. With a
        profile, the person's examples weigh how it was drawn too (`profile.adapt.PATH_WEIGHT`).
        """
        drawn = [s for s in strokes if len(s)]
        return self._digit(_ink_of_strokes(strokes, pen_width), drawn)

    def number_from_strokes(
        self, strokes: Strokes, pen_width: int = DEFAULT_PEN_WIDTH, size: tuple[int, int] | None = None
    ) -> NumberResult:
        """As `number`, each digit also read by its own strokes' path (see `digit_from_strokes`).
        `size`: the canvas's (width, height), as `render_strokes` takes it (default: just the ink's)."""
        drawn = [s for s in strokes if len(s)]
        return self._number(_ink_of_strokes(strokes, pen_width, size), drawn)

    def _digit(self, ink: NDArray[np.float32], strokes: Strokes | None = None) -> DigitResult:
        """The single digit in ink (h, w) float32 in [0, 1]; `strokes`: its strokes where known."""
        found = _preprocess().locate_digit(ink)
        if found is None:
            raise NoInkError("no ink found: the image is blank")
        return self._read([found], None if strokes is None else [strokes])[0][0]

    def _number(self, ink: NDArray[np.float32], strokes: Strokes | None = None) -> NumberResult:
        """The digits in ink (h, w) float32 in [0, 1], left to right; `strokes`: its strokes where known,
        each digit read with its own (a stroke goes to the digit it lies in)."""
        digits, joins = _preprocess().split_digits(ink, joins=True)
        groups = None
        if strokes is not None:
            singles = _strokes_by_box(strokes, [_box(box) for box, _ in digits])
            groups = singles + [singles[i] + singles[i + 1] for i, _ in joins]
        results, pictures = self._read(digits + [joined for _, joined in joins], groups)  # one batch for all
        wholes = list(zip([i for i, _ in joins], results[len(digits) :], pictures[len(digits) :]))
        return NumberResult(_joined(results[: len(digits)], wholes))

    def _path_model(self) -> Any:
        """The path model's ONNX Runtime session, loaded once; None if the model has none."""
        with self._lock:
            if self._path is False:
                self._path = bundle.load_path_session(self.model_path, threads=_threads)
            return self._path

    def _read_paths(
        self, groups: Sequence[Strokes] | None, count: int
    ) -> tuple[NDArray[np.float32] | None, NDArray[np.float32] | None]:
        """(float32 (count, 10) the path model's probabilities, float32 (count, H) its forms or None), NaN
        rows for a digit without strokes; (None, None) without strokes or a path model."""
        session = self._path_model() if groups is not None else None
        rows = [i for i, group in enumerate(groups or []) if group]
        if session is None or not rows:
            return None, None
        from digitrec import pen_path

        assert groups is not None
        names = [o.name for o in session.get_outputs()]
        outputs = session.run(
            [n for n in ("probabilities", "forms") if n in names],
            {"path": np.stack([pen_path.features(groups[i]) for i in rows])},
        )
        probabilities = np.full((count, 10), np.nan, np.float32)
        probabilities[rows] = outputs[0]
        if len(outputs) < 2:
            return probabilities, None
        forms = np.full((count, outputs[1].shape[1]), np.nan, np.float32)
        forms[rows] = outputs[1]
        return probabilities, forms

    def _read(
        self, boxed_inputs: Sequence[tuple[Sequence[float], NDArray[np.float32]]], groups: Sequence[Strokes] | None
    ) -> tuple[list[DigitResult], list[DigitResult]]:
        """A DigitResult for each (box, model input float32 (28, 28) in [0, 1]), read in one batch, each with
        its strokes in `groups` where known; and each one as the picture alone read it (with the profile).

        An answer an example of the profile decided is that example's digit (their examples come first);
        any other with strokes weighs the picture and the path (`digitrec.combine`).
        """
        if not boxed_inputs:
            return [], []
        boxes, inputs = zip(*boxed_inputs)
        batch = np.stack(inputs)
        # One profile state for the whole batch, even if a correction lands meanwhile.
        adapter, examples = self.load()._reading.state
        paths, path_forms = self._read_paths(groups, len(inputs))
        if adapter is not None and len(adapter):
            picture, forms = self._run_both(batch)
            adjusted, deciding = adapter.adjust(picture, forms, path_forms)
        else:
            picture = adjusted = self._run("probabilities", batch)
            deciding = np.full(len(inputs), -1)
        results, pictures = [], []
        for row, (box, x) in enumerate(zip(boxes, inputs)):
            mine = picture[row]
            path = None if paths is None or np.isnan(paths[row]).any() else paths[row]
            result = DigitResult(
                digit=int(adjusted[row].argmax()),
                probabilities=adjusted[row],
                confident=bool(adjusted[row].max() >= self.threshold and x.mean() <= MAX_MEAN_INK),
                model_input=x,
                box=_box(box),
                from_profile=bool(deciding[row] >= 0),
                example=examples[deciding[row]] if deciding[row] >= 0 else None,
                model_probabilities=np.asarray(mine, np.float32),
                strokes=None if groups is None else groups[row],
                picture_probabilities=None if groups is None else np.asarray(mine, np.float32),
                path_probabilities=path,
            )
            results.append(result if path is None else self._with_path(result, path))
            pictures.append(result)
        return results, pictures

    def _with_path(self, result: DigitResult, path: NDArray[np.float32]) -> DigitResult:
        """A picture's DigitResult weighed with its path's probabilities (float32 (10,)): the model's own
        answer is their combination; the answer too, unless an example of the profile decided it."""
        from digitrec import combine

        picture = np.asarray(result.model_probabilities)[None]
        both = combine.combined(picture, path[None])[0]
        if result.from_profile:
            return dataclasses.replace(result, model_probabilities=both)
        # The combination's own "not sure" (combine.THRESHOLD, chosen with its weight), not the
        # picture's threshold, unless the caller set another one.
        threshold = combine.THRESHOLD if self.threshold == CONFIDENCE_THRESHOLD else self.threshold
        confident = (
            result.model_input.mean() <= MAX_MEAN_INK
            and not combine.not_sure(picture, path[None], threshold=threshold)[0]
        )
        return dataclasses.replace(
            result, digit=int(both.argmax()), probabilities=both, confident=bool(confident), model_probabilities=both
        )


def _box(box: Sequence[float]) -> Box:
    left, top, right, bottom = (int(v) for v in box)
    return left, top, right, bottom


def _strokes_by_box(strokes: Strokes, boxes: Sequence[Box]) -> list[list[Sequence[tuple[float, float]]]]:
    """Each box's strokes: a stroke goes to the box (left, top, right, bottom) nearest most of its points."""
    groups: list[list[Sequence[tuple[float, float]]]] = [[] for _ in boxes]
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


def _joined(singles: Sequence[DigitResult], joins: Sequence[tuple[int, DigitResult, DigitResult]]) -> list[DigitResult]:
    """The digits left to right, where each join [(i, DigitResult, as the picture read it), ...] the picture
    was sure of replaces digits i and i + 1; the surest first, and no digit in two joins. (The picture
    decides which: the path reads a digit, not whether two pieces are one.)"""
    kept: list[DigitResult | None] = list(singles)
    taken: set[int] = set()
    for i, whole, picture in sorted(joins, key=lambda join: -join[2].confidence):
        if picture.confident and not taken & {i, i + 1}:
            kept[i : i + 2] = [whole, None]
            taken |= {i, i + 1}
    return [result for result in kept if result is not None]


def _preprocess() -> Any:
    """digitrec.preprocess, imported on first use: it imports OpenCV, and the drawing app's
    window should be on screen before that, not after (with SciPy, the window waited 0.3 s)."""
    from digitrec import preprocess

    return preprocess


def _ink_of(image: Image.Image | NDArray[Any]) -> NDArray[np.float32]:
    """The ink of an image (as for `Recognizer.digit`): digitrec.paper's, imported on first use
    as digitrec.preprocess is (it imports OpenCV too)."""
    from digitrec import paper

    return paper.to_ink(as_pillow(image))


def _ink_of_strokes(strokes: Strokes, pen_width: int, size: tuple[int, int] | None = None) -> NDArray[np.float32]:
    """The ink of strokes drawn as the window draws them (`render_strokes`): float32 (h, w) in [0, 1], ink 1.
    What `paper.to_ink` finds in that picture, without looking for paper: a drawing has none (on all 7,494
    pendigits digits drawn on the window's canvas the two are equal to the bit), and it costs a third of a
    drawing's answer."""
    picture = np.asarray(render_strokes(strokes, pen_width, size=size), np.float32)
    ink: NDArray[np.float32] = 1.0 - picture / np.float32(255.0)
    return ink


def as_pillow(image: Image.Image | NDArray[Any]) -> Image.Image:
    """A Pillow image from a Pillow image or a 2-D array (uint8 0..255, or float 0..1)."""
    if isinstance(image, Image.Image):
        return image
    array = np.asarray(image)
    if array.ndim != 2:
        raise DigitrecError(f"expected a 2-D grey image, got an array of shape {array.shape}")
    if array.dtype != np.uint8:
        array = (np.clip(array, 0, 1) * 255).round().astype(np.uint8)
    return Image.fromarray(array)
