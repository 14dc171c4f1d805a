"""Reading one person's handwriting: their taught examples decide the drawings that look like them.

    adapter = Adapter(prototypes, prototype_labels, min_similarity)   # the model's (`digitrec.export`)
    adapter = adapter.with_examples(forms, labels)     # the person's examples, in the same space
    probabilities, deciding = adapter.adjust(probabilities, forms)   # deciding: an example's index, or -1

The space is the network's "forms" output: what its last convolution reads, a
digit's form before the network merges all of a digit's forms into one class.
A person's '1' with a long flag lands among MNIST's '7's in the network's last
features, so the model says '7' with certainty; in the forms it is still a
form of its own, and their next '1' lands nearer that taught '1' than
anything else.

The rule: the person is the reference for every digit they taught, MNIST for
the others. A drawing's nearest example among the person's (cosine similarity
at least `min_similarity`) gives it that example's digit, unless the drawing
is nearer a prototype (a k-means centre of MNIST's training digits) of a digit
the person never taught. So once a person has taught their '7's, MNIST's idea
of a '7' no longer competes with their flagged '1': they mean '1' by it, and
that is how their profile reads it (it reads MNIST's uncrossed '7's as '1's
too, which is right for that person). A digit they never taught keeps MNIST's
prototypes as its guard, so its drawings read as without a profile.
Everything no example decides is answered exactly as without a profile.

Why this and not fine-tuning: it needs no training (a correction counts at
once, and undo is exact), and it runs on the default install.
docs/personal.md has the measurements.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

# How sure an answer decided by an example is, from its margin m (the example's similarity less the nearest
# rival's of another digit): 1 / (1 + exp(-(MARGIN_BIAS + MARGIN_SLOPE * m))). The deciding example's digit is
# the answer however sure the model was of another (a flagged '1' is a '7' at 0.99999 to the model), but it
# is only as sure as the example is nearer than the rest: 0.45 at a tie, 0.95 from a margin of 0.20, 0.99
# from 0.30. Fitted (logistic regression of right against margin) on MNIST's training digits as 200 people's
# profiles of 3 examples a digit, each reading 300 test digits (57,726 decided, 76 wrong):
# `python bench/personal.py --fit-margin`.
MARGIN_BIAS = -0.2
MARGIN_SLOPE = 16.1
# Where a drawing and an example both have a pen path, their similarity is (1 - PATH_WEIGHT) times that of their
# forms plus PATH_WEIGHT times that of their paths (the path model's forms: `digitrec.train_path`); elsewhere,
# that of their forms alone. Two drawings alike to look at but drawn differently (a '9' whose loop closed to a
# stroke, beside the writer's '7's) are then less alike, two drawn the same way more. Chosen on pendigits
# writers 16-20, read by picture networks and a path model that never saw them, through the protocol of
# `bench/personal.py` (`bench/path_weight.py`, docs/personal.md): 0.25 to 0.75 left no error there with
# either picture network, the forms alone and 0.1 one with the harder one; 0.5 is their middle.
PATH_WEIGHT = 0.5


def example_confidence(margin: float) -> float:
    """The probability that an answer decided by an example is right, from its margin (float >= 0)."""
    return float(1 / (1 + np.exp(-(MARGIN_BIAS + MARGIN_SLOPE * float(margin)))))


def unit(vectors: ArrayLike) -> NDArray[np.float32]:
    """float (n, F) -> float32 (n, F), each row scaled to length 1 (cosine similarity is then a dot product)."""
    array = np.asarray(vectors, np.float32)
    scaled: NDArray[np.float32] = array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-6)
    return scaled


def _paths(paths: NDArray[np.floating] | None, count: int) -> NDArray[np.float32]:
    """float (count, H) path forms, NaN rows where there is no path (None: no row has one) -> the same with each
    row of length 1, NaN rows kept (an empty (count, 0) array for None)."""
    if paths is None:
        return np.zeros((count, 0), np.float32)
    array = np.asarray(paths, np.float32)
    missing = np.isnan(array).any(axis=1)
    scaled = unit(np.nan_to_num(array))
    scaled[missing] = np.nan
    return scaled


class Adapter:
    """Adjusts a model's probabilities with a person's examples; immutable (each change makes a new one).

    prototypes: float (P, G), the model's digit prototypes; prototype_labels: int (P,);
    min_similarity: an example counts only for drawings at least this similar to it (cosine);
    forms: float (k, G), the person's examples in the same space; labels: int (k,);
    paths: float (k, H), the examples' path forms (the path model's), a row of NaN for an example
    drawn without strokes; None: none has one.
    """

    def __init__(
        self,
        prototypes: ArrayLike,
        prototype_labels: ArrayLike,
        min_similarity: float,
        forms: NDArray[np.floating] | None = None,
        labels: Sequence[int] | NDArray[np.integer] | None = None,
        paths: NDArray[np.floating] | None = None,
    ) -> None:
        self.prototypes = unit(prototypes)
        self.prototype_labels = np.asarray(prototype_labels, np.int64)
        self.min_similarity = float(min_similarity)
        self.forms = (
            unit(forms) if forms is not None and len(forms) else np.zeros((0, self.prototypes.shape[1]), np.float32)
        )
        self.labels = np.asarray(labels if labels is not None else [], np.int64)
        self.paths = _paths(paths, len(self.labels))

    def with_examples(
        self,
        forms: NDArray[np.floating],
        labels: Sequence[int] | NDArray[np.integer],
        paths: NDArray[np.floating] | None = None,
    ) -> "Adapter":
        """A new Adapter holding these examples (float (k, G), labels int (k,), path forms float (k, H) with NaN
        rows, or None) and no others."""
        return Adapter(self.prototypes, self.prototype_labels, self.min_similarity, forms, labels, paths)

    def __len__(self) -> int:
        return len(self.labels)

    def similarities(
        self, forms: NDArray[np.floating], paths: NDArray[np.floating] | None = None
    ) -> NDArray[np.float32]:
        """float (n, k): each drawing's similarity to each example, in [-1, 1]: the cosine of their forms
        (n, G), weighed with that of their paths (n, H; NaN rows: none) where both have one (PATH_WEIGHT)."""
        to_examples: NDArray[np.float32] = unit(forms) @ self.forms.T
        if paths is None or not self.paths.shape[1]:
            return to_examples
        drawn = _paths(paths, len(to_examples))
        has_path, have_paths = ~np.isnan(drawn).any(axis=1), ~np.isnan(self.paths).any(axis=1)
        both = np.asarray(has_path)[:, None] & np.asarray(have_paths)[None, :]
        alike = np.nan_to_num(drawn) @ np.nan_to_num(self.paths).T
        weighed: NDArray[np.float32] = np.where(
            both, (1 - PATH_WEIGHT) * to_examples + PATH_WEIGHT * alike, to_examples
        )
        return weighed

    def deciding_examples(
        self,
        forms: NDArray[np.floating],
        own: NDArray[np.integer] | Sequence[int] | None = None,
        paths: NDArray[np.floating] | None = None,
    ) -> NDArray[np.int64]:
        """int (n,): for each drawing's forms (n, G) (and path forms, as for `similarities`), the index of the
        example that decides it, or -1.

        own: int (n,), when the drawings are examples themselves: each one's index, so that
        it is read by the others.
        """
        return self.decide(forms, own, paths)[0]

    def decide(
        self,
        forms: NDArray[np.floating],
        own: NDArray[np.integer] | Sequence[int] | None = None,
        paths: NDArray[np.floating] | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """(int (n,) as `deciding_examples`, float (n,) margins): each deciding example's similarity less
        that of the nearest rival of another digit (an example, or a prototype of an untaught digit), >= 0
        where an example decides; 0 elsewhere. The prototypes have no path: a drawing is as similar to them
        as its forms are."""
        drawings = unit(forms)
        if not len(self.labels):
            return np.full(len(drawings), -1, np.int64), np.zeros(len(drawings))
        to_examples = self.similarities(drawings, paths)  # (n, k)
        if own is not None:
            to_examples[np.arange(len(drawings)), own] = -np.inf
        nearest = to_examples.argmax(axis=1)
        similarity = to_examples[np.arange(len(drawings)), nearest]
        answer = self.labels[nearest][:, None]
        # The rivals: the prototypes of the digits the person never taught, other than the example's own
        # (for a digit they taught, their own examples of it are the reference, and the nearest of all won).
        untaught = ~np.isin(self.prototype_labels, self.labels)  # (P,)
        rivals = untaught[None, :] & (self.prototype_labels[None, :] != answer)  # (n, P)
        to_rivals = np.where(rivals, drawings @ self.prototypes.T, -1.0).max(axis=1)
        decides = (similarity >= self.min_similarity) & (similarity > to_rivals)
        other_examples = np.where(self.labels[None, :] != answer, to_examples, -1.0).max(axis=1)
        margins = np.where(decides, similarity - np.maximum(to_rivals, other_examples), 0.0)
        return np.where(decides, nearest, -1).astype(np.int64), np.maximum(margins, 0.0)

    def adjust(
        self,
        probabilities: NDArray[np.floating],
        forms: NDArray[np.floating],
        paths: NDArray[np.floating] | None = None,
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """probabilities float32 (n, 10), forms (n, G), path forms (n, H) with NaN rows or None (as for
        `similarities`) -> (float32 (n, 10) rows summing to 1,
        int (n,): the index of the example that decided each row, -1 for none). Rows no example
        decides come back unchanged.

        A decided row's answer gets `example_confidence` of its margin, or the model's own probability
        of that digit if higher; the rest is shared among the other digits as the model shares it.
        """
        model = np.asarray(probabilities, np.float32)
        deciding, margins = self.decide(forms, paths=paths)
        adjusted = model.copy()
        for row in np.nonzero(deciding >= 0)[0]:
            digit = self.labels[deciding[row]]
            own = model[row].astype(np.float64)
            sure = max(example_confidence(margins[row]), float(own[digit]))
            others = own.copy()
            others[digit] = 0.0
            total = others.sum()
            others = others / total if total > 0 else np.full(10, 1 / 9) * (np.arange(10) != digit)
            adjusted[row] = (1 - sure) * others
            adjusted[row, digit] = sure
        return adjusted, deciding
