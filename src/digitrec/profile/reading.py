"""The profile a recogniser reads with: its examples, each one's forms, the Adapter made of them, and the
changes that keep them current (learning with its conflict check, undo, forget, reset).

    reading = ProfileReading(profile, forms=network_forms, base=model_adapter, paths=path_forms)
    reading.reload()                       # read the profile from disk; a problem: reading.problem (one line)
    adapter, examples = reading.state      # what answers are adjusted with: one consistent pair
    reading.learn(model_input, 7)          # -> the stored Example; ProfileConflict if it contradicts earlier ones

The network stays with the recogniser (`digitrec.recognize`): what this needs of it comes as
callables, the network's forms of model inputs, the model's own Adapter (its prototypes) and
the path model's forms of strokes, so the profile code never imports the recogniser.

An example drawn in the window keeps its strokes (`store`): where the model has a path model,
the rule weighs how a drawing was drawn beside how it looks (`adapt.PATH_WEIGHT`), for the
examples that have strokes and the drawings read from strokes.
"""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from digitrec.image import Strokes
from digitrec.profile.adapt import Adapter, unit
from digitrec.profile.store import Example, Profile, ProfileError

# The network's forms: float32 (n, 28, 28) model inputs in [0, 1], ink 1 -> float32 (n, G).
FormsOf = Callable[[NDArray[np.float32]], NDArray[np.float32]]
# The path model's forms: a list of n drawings' strokes -> float32 (n, H); None: the model has no path model.
PathsOf = Callable[[Sequence[Strokes]], NDArray[np.float32] | None]
# An example's image file as last read: (file name, modification time in ns, size in bytes).
FileKey = tuple[str, int, int]
Changed = TypeVar("Changed")


class ProfileConflict(ProfileError):
    """A new example contradicts earlier ones: they would no longer read as their own digit.

    `examples`: the contradicted Examples; `images`: theirs, float32 (k, 28, 28) in [0, 1], ink 1 (to show
    the person what they would lose). `learn(..., replace=True)` drops them and keeps the new one.
    """

    def __init__(self, message: str, examples: Sequence[Example], images: NDArray[np.float32] | None = None) -> None:
        super().__init__(message)
        self.examples = list(examples)
        self.images = np.zeros((0, 28, 28), np.float32) if images is None else images


class ProfileReading:
    """The profile in use (or None: the model alone) as a recogniser reads with it. Thread-safe.

    forms: the network's forms of model inputs (`FormsOf`); base: the model's Adapter without examples
    (its prototypes and min_similarity), raising ProfileError for a model that has none; paths: the path
    model's forms of strokes (`PathsOf`; None: no path model). A profile that cannot be read leaves no
    examples in use and says why in `problem`; nothing in it is touched.
    """

    def __init__(
        self, profile: Profile | None, forms: FormsOf, base: Callable[[], Adapter], paths: PathsOf | None = None
    ) -> None:
        self.profile = profile
        self._network_forms = forms
        self._base = base
        self._path_forms = paths
        # (the Adapter of the examples, or None: no profile in use; the Examples, in the adapter's order). One
        # attribute, replaced whole, so that a reader on another thread never sees one without the other.
        self._state: tuple[Adapter | None, list[Example]] = (None, [])
        self.problem: str | None = None  # why the profile can't be read (one line), or None
        # Each example's forms, by its file key: the network reads an example once, not at every
        # change to the profile (that cost 1.3 ms an example per correction).
        self._forms: dict[FileKey, NDArray[np.float32]] = {}
        self._paths: dict[FileKey, NDArray[np.float32]] = {}  # each example's path forms, NaN without strokes
        self._lock = threading.RLock()

    @property
    def state(self) -> tuple[Adapter | None, list[Example]]:
        """(the Adapter answers are adjusted with, or None; the Examples in its order): one consistent pair."""
        return self._state

    @property
    def examples(self) -> list[Example]:
        """The profile's Examples in use (oldest first); empty without a profile."""
        return list(self._state[1])

    def reload(self) -> None:
        """Read the profile from disk again (after another process changed it, or after an error)."""
        with self._lock:
            self._state, self.problem = (None, []), None
            if self.profile is None:
                return
            try:
                examples = self.profile.examples()
                adapter = self._base().with_examples(
                    self._forms_of(examples), [e.label for e in examples], self._paths_of(examples)
                )
            except ProfileError as error:
                self.problem = str(error)
            else:
                self._state = (adapter, examples)

    def _forms_of(self, examples: Sequence[Example]) -> NDArray[np.float32]:
        """float32 (n, G): the examples' forms, read from their images only for those new or changed
        since the last call. Raises ProfileError naming a missing or damaged image."""
        assert self.profile is not None
        keys = [self._file_key(e) for e in examples]
        new = [(key, e) for key, e in zip(keys, examples) if key not in self._forms]
        if new:
            forms = self._network_forms(self.profile.images([e for _, e in new]))
            self._forms.update(zip([key for key, _ in new], forms))
        self._forms = {key: self._forms[key] for key in keys}  # forget the examples gone
        return np.array([self._forms[key] for key in keys], np.float32) if keys else np.zeros((0, 0), np.float32)

    def _paths_of(self, examples: Sequence[Example]) -> NDArray[np.float32] | None:
        """float32 (n, H): the examples' path forms, a NaN row for one without strokes; None without a path
        model or without any strokes. Read from their strokes files only for those new since the last call;
        raises ProfileError naming a damaged strokes file."""
        assert self.profile is not None
        if self._path_forms is None:
            return None
        keys = [self._file_key(e) for e in examples]
        new = [(key, self.profile.strokes(e)) for key, e in zip(keys, examples) if key not in self._paths]
        drawn = [(key, strokes) for key, strokes in new if strokes]
        if drawn:
            paths = self._path_forms([strokes for _, strokes in drawn])
            if paths is None:  # the model has no path model
                return None
            self._paths.update(zip([key for key, _ in drawn], paths))
        self._paths = {key: self._paths[key] for key in keys if key in self._paths}  # forget the examples gone
        if not self._paths:
            return None
        size = next(iter(self._paths.values())).shape[0]
        return np.array([self._paths.get(key, np.full(size, np.nan, np.float32)) for key in keys], np.float32)

    def path_form(self, strokes: Strokes | None) -> NDArray[np.float32] | None:
        """float32 (1, H): one drawing's path forms (a NaN row without strokes); None without a path model."""
        if self._path_forms is None:
            return None
        paths = self._path_forms([strokes]) if strokes else None
        if paths is None:
            size = self._state[0].paths.shape[1] if self._state[0] is not None else 0
            return np.full((1, size), np.nan, np.float32) if size else None
        return paths

    def _file_key(self, example: Example) -> FileKey:
        """(file name, modification time, size): new whenever the example's image is written again."""
        assert self.profile is not None
        try:
            stat = (self.profile.folder / example.file).stat()
        except OSError:
            self.profile.images([example])  # raises ProfileError, saying what is wrong with the file
            raise ProfileError(f"profile {self.profile.name}: {example.file} cannot be read") from None
        return example.file, stat.st_mtime_ns, stat.st_size

    def learn(
        self,
        model_input: NDArray[np.floating],
        label: int,
        source: str = "api",
        replace: bool = False,
        strokes: Strokes | None = None,
    ) -> Example:
        """Store `model_input` (float (28, 28) in [0, 1], ink 1) as an example of `label`, with the strokes
        it was drawn with where given ([(x, y), ...] polylines, canvas px); returns its Example.

        Raises ProfileConflict, storing nothing, if the example would make earlier ones read as another
        digit (replace=True: drop those and keep this one); ProfileError without a usable profile.
        """
        with self._lock:
            if self.profile is None:
                raise ProfileError("no profile to learn into: make the Recognizer with profile=NAME")
            self.reload()  # another process may have added examples since
            if self.problem:
                raise ProfileError(f"{self.problem}; not learning")
            contradicted = self._contradicted(model_input, label, strokes)
            # Examples learnt from kept answers were guesses: one the person's own word contradicts goes without
            # asking. Only what they taught or corrected themselves is worth a question.
            # A kept answer is a guess too: it replaces nothing.
            asked = contradicted if source == "kept" else [e for e in contradicted if e.source != "kept"]
            if asked and not replace:
                raise ProfileConflict(_conflict_message(label, asked), asked, self.profile.images(asked))
            if contradicted:
                self.profile.remove([e.id for e in contradicted])
            example = self.profile.add(model_input, label, source, strokes)
            self.reload()
            return example

    def strokes(self, example: Example) -> list[list[tuple[float, float]]] | None:
        """The strokes `example` was drawn with ([(x, y), ...] polylines, canvas px), or None if it has none
        (or there is no profile). Raises ProfileError naming a damaged strokes file."""
        return None if self.profile is None else self.profile.strokes(example)

    def change(self, change: Callable[[Profile], Changed]) -> Changed:
        """Apply change(profile) (any of `Profile`'s changes) and read the profile again; returns what it
        returned. Raises ProfileError without a profile."""
        with self._lock:
            if self.profile is None:
                raise ProfileError("no profile in use")
            result = change(self.profile)
            self.reload()
            return result

    def _contradicted(
        self, model_input: NDArray[np.floating], label: int, strokes: Strokes | None = None
    ) -> list[Example]:
        """The Examples of another digit that this one would decide: each earlier example, read by
        the rest of the profile, would be read as this one's digit (the two look alike to the network,
        and where both have strokes, were drawn alike)."""
        adapter, examples = self._state
        if adapter is None or not examples:
            return []
        new = self._network_forms(np.asarray(model_input, np.float32)[None])
        forms = np.concatenate([self._forms_of(examples), new])
        labels = [e.label for e in examples]
        paths = _joined_paths(self._paths_of(examples), self.path_form(strokes), len(examples))
        candidate = adapter.with_examples(forms, [*labels, label], paths)
        # Only an example of another digit at least min_similarity from the new one can be decided
        # by it: read just those by the others (reading all of them costs the square of their number).
        near = candidate.similarities(forms[-1:], None if paths is None else paths[-1:])[0, :-1]
        rows = [i for i, other in enumerate(labels) if other != label and near[i] >= candidate.min_similarity]
        if not rows:
            return []
        deciding = candidate.deciding_examples(
            forms[rows], own=np.array(rows), paths=None if paths is None else paths[rows]
        )
        return [examples[i] for i, by in zip(rows, deciding) if by == len(labels)]

    def _adapter(self) -> Adapter:
        """The Adapter in use, or without a profile the model's own (no examples)."""
        adapter = self._state[0]
        return self._base() if adapter is None else adapter

    @property
    def min_similarity(self) -> float:
        """The similarity of forms (cosine, in [-1, 1]) from which an example counts for a drawing: the model's."""
        return self._adapter().min_similarity

    def likeness(self, model_input: NDArray[np.floating], digit: int) -> tuple[float, float]:
        """(how much `model_input` looks like a `digit`, how much like the profile's own examples of it): the
        highest cosine similarity of its forms to the model's prototypes and the profile's examples of that
        digit, and to those examples alone (-1 with none). model_input: float (28, 28) in [0, 1], ink 1."""
        adapter = self._adapter()
        form = unit(self._network_forms(np.asarray(model_input, np.float32)[None]))[0]
        prototypes = adapter.prototypes[adapter.prototype_labels == digit] @ form
        examples = adapter.forms[adapter.labels == digit] @ form
        own = float(examples.max()) if len(examples) else -1.0
        return max(float(prototypes.max(initial=-1.0)), own), own

    def nearest_examples(
        self, model_input: NDArray[np.floating], strokes: Strokes | None = None
    ) -> dict[int, tuple[Example, float]]:
        """{digit: (Example, similarity)}: the profile's nearest example of each digit it holds to
        `model_input` (float (28, 28) in [0, 1], ink 1), by the similarity the rule weighs in [-1, 1]:
        that of forms, and of paths where the drawing's `strokes` and the example's are both known.

        What a profile's answer is weighed on: an example decides a drawing only from the model's
        `min_similarity` (`adapt`). Empty without a profile or examples.
        """
        adapter, examples = self._state
        if adapter is None or not len(adapter):
            return {}
        forms = self._network_forms(np.asarray(model_input, np.float32)[None])
        similarity = adapter.similarities(forms, self.path_form(strokes))[0]
        nearest: dict[int, tuple[Example, float]] = {}
        for i in np.argsort(-similarity):
            nearest.setdefault(examples[i].label, (examples[i], float(similarity[i])))
        return nearest


def _joined_paths(
    earlier: NDArray[np.float32] | None, new: NDArray[np.float32] | None, count: int
) -> NDArray[np.float32] | None:
    """The path forms of `count` earlier examples (or None) and of a new one (1, H) (or None), as one
    (count + 1, H) array with NaN rows where there is none; None if no path model gave any."""
    if earlier is None and new is None:
        return None
    size = (earlier if earlier is not None else new).shape[1]  # type: ignore[union-attr]
    earlier = np.full((count, size), np.nan, np.float32) if earlier is None else earlier
    new = np.full((1, size), np.nan, np.float32) if new is None else new
    return np.concatenate([earlier, new])


def _conflict_message(label: int, contradicted: Sequence[Example]) -> str:
    counts: dict[int, int] = {}
    for example in contradicted:
        counts[example.label] = counts.get(example.label, 0) + 1
    earlier = ", ".join(f"{n} of your '{digit}'" for digit, n in sorted(counts.items()))
    return (
        f"this '{label}' looks like {earlier}: learnt, they would read '{label}' too; learn it anyway to replace them"
    )
