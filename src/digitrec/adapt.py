"""Reading one person's handwriting: their taught examples decide the drawings that look like them.

    adapter = Adapter(prototypes, prototype_labels, min_similarity)   # the model's (`digitrec.export`)
    adapter = adapter.with_examples(forms, labels)     # the person's examples, in the same space
    probabilities, decided = adapter.adjust(probabilities, forms)

The space is the network's "forms" output: what its last convolution reads, a
digit's form before the network merges all of a digit's forms into one class.
A person's '1' with a long flag lands among MNIST's '7's in the network's last
features, so the model says '7' with certainty; in the forms it is still a
form of its own, and their next '1' lands nearer that taught '1' than
anything else. So: a drawing whose nearest neighbour, among the person's
examples and the model's prototypes of every digit (k-means centres of
MNIST's training digits), is one of the person's examples (cosine similarity
at least `min_similarity`) gets that example's digit. Everything else is
answered exactly as without a profile.

Why this and not fine-tuning: it needs no training (a correction counts at
once, and undo is exact), it runs on the default install, and the prototypes
guard MNIST's writers: an MNIST '7' stays nearer an MNIST '7' prototype than
a person's flagged '1'. docs/personal.md has the measurements.
"""

import numpy as np

# How much the nearest example outweighs the model: its digit's probability is multiplied by
# a million, enough to overrule even a sure answer (a flagged '1' is a '7' at 0.99999).
EXAMPLE_WEIGHT = np.log(1e6)


def unit(vectors):
    """float (n, F) -> float32 (n, F), each row scaled to length 1 (cosine similarity is then a dot product)."""
    vectors = np.asarray(vectors, np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)


class Adapter:
    """Adjusts a model's probabilities with a person's examples; immutable (each change makes a new one).

    prototypes: float (P, G), the model's digit prototypes; prototype_labels: int (P,);
    min_similarity: an example counts only for drawings at least this similar to it (cosine);
    forms: float (k, G), the person's examples in the same space; labels: int (k,).
    """

    def __init__(self, prototypes, prototype_labels, min_similarity, forms=None, labels=None):
        self.prototypes = unit(prototypes)
        self.prototype_labels = np.asarray(prototype_labels, np.int64)
        self.min_similarity = float(min_similarity)
        self.forms = unit(forms) if forms is not None and len(forms) else np.zeros(
            (0, self.prototypes.shape[1]), np.float32)
        self.labels = np.asarray(labels if labels is not None else [], np.int64)

    def with_examples(self, forms, labels):
        """A new Adapter holding these examples (float (k, G), labels int (k,)) and no others."""
        return Adapter(self.prototypes, self.prototype_labels, self.min_similarity, forms, labels)

    def __len__(self):
        return len(self.labels)

    def deciding_examples(self, forms, own=None):
        """int (n,): for each drawing's forms (n, G), the index of the example that decides it, or -1.

        own: int (n,), when the drawings are examples themselves: each one's index, so that
        it is read by the others.
        """
        forms = unit(forms)
        if not len(self.labels):
            return np.full(len(forms), -1)
        to_examples = forms @ self.forms.T  # (n, k)
        if own is not None:
            to_examples[np.arange(len(forms)), own] = -np.inf
        nearest = to_examples.argmax(axis=1)
        similarity = to_examples[np.arange(len(forms)), nearest]
        # The example must be nearer than every prototype of another digit (a prototype of its own
        # digit does not compete: agreeing with the model is no reason to doubt the example).
        rivals = self.prototype_labels[None, :] != self.labels[nearest][:, None]  # (n, P)
        to_rivals = np.where(rivals, forms @ self.prototypes.T, -1.0).max(axis=1)
        decides = (similarity >= self.min_similarity) & (similarity > to_rivals)
        return np.where(decides, nearest, -1)

    def adjust(self, probabilities, forms):
        """probabilities float32 (n, 10), forms (n, G) -> (float32 (n, 10) rows summing to 1,
        bool (n,): which rows an example decided). Rows no example decides come back unchanged."""
        adjusted, deciding = self.decide(probabilities, forms)
        return adjusted, deciding >= 0

    def decide(self, probabilities, forms):
        """As `adjust`, with int (n,) for the second: the index of the example that decided each row, or -1."""
        probabilities = np.asarray(probabilities, np.float32)
        deciding = self.deciding_examples(forms)
        rows = np.nonzero(deciding >= 0)[0]
        adjusted = probabilities.copy()
        if len(rows):
            logits = np.log(np.maximum(probabilities[rows], 1e-12)).astype(np.float64)
            logits[np.arange(len(rows)), self.labels[deciding[rows]]] += EXAMPLE_WEIGHT
            exp = np.exp(logits - logits.max(axis=1, keepdims=True))
            adjusted[rows] = exp / exp.sum(axis=1, keepdims=True)
        return adjusted, deciding
