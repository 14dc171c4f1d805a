"""The weight of the path in a profile's similarity (`profile.adapt.PATH_WEIGHT`), chosen where it can be.

    python bench/path_weight.py --model P.keras [--model R.onnx ...] [--writers 16-20] [--no-keep]

`bench/personal.py --choose-path-weight` runs the real protocol on writers 16-20 at each weight,
and there every weight leaves no error: those writers are read too well to choose by. This
replays the same protocol in NumPy, at every weight at once, on each digit's outputs computed
once (the picture's probabilities and forms, the path's probabilities and forms), so that it
can also run with a harder reader. Each --model is a picture model with a path model beside it
(MODEL.path.onnx, exported with its forms), both trained without the writers replayed; e.g. P of
docs/handwriting.md, and r19, the MNIST-only network bundled before
(`git show 8a1645a:src/digitrec/models/digitrec.onnx > r19.onnx`, with P's path model copied to
r19.path.onnx).

The replay, per writer: Teach mode (the first 3 of each digit), then the first half of the rest
drawn in recorded order, each wrong answer corrected (contradicted examples replaced, as "Learn
anyway"), each right one kept where `digitrec.kept`'s rule takes it (sure at 0.95 or more, like
their own examples of that digit or its prototypes, no scribble, not already there; one that
contradicts earlier examples left out); then errors on the second half. Its shortcuts: each drawing
is read as one digit (`digit_from_strokes`, not the window's number reading), and a kept answer's
likeness is to the examples' forms alone, as `kept` has it. Prints, per model and weight, the
errors with the profiles (and without), and the misread digits.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from personal import CHOOSING_WRITERS, DEFAULT_FILE, TEACH_ROUNDS, by_writer

from digitrec import Recognizer, combine, kept, pen_path, pendigits
from digitrec.profile import adapt
from digitrec.recognize import DEFAULT_PEN_WIDTH

WEIGHTS = (0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75)


def readings(recognizer, digits):
    """Each digit's outputs, read once: {"labels", "picture", "forms", "path", "paths", "ink"} arrays."""
    strokes = [pendigits.fitted(d.strokes) for d in digits]
    inputs = np.stack([recognizer.digit_from_strokes(s, DEFAULT_PEN_WIDTH).model_input for s in strokes])
    picture, forms = recognizer._run_both(inputs)
    path, paths = recognizer._path_model().run(
        ["probabilities", "forms"], {"path": np.stack([pen_path.features(s) for s in strokes])}
    )
    return {
        "labels": np.array([d.label for d in digits]),
        "picture": picture.astype(np.float64),
        "forms": adapt.unit(forms),
        "path": path,
        "paths": adapt.unit(paths),
        "ink": np.array([kept.ink_length(s) for s in strokes]),
    }


class Replay:
    """One writer's profile in the replay: example indexes into their digits, and their labels."""

    def __init__(self, r, base):
        self.r, self.base = r, base
        self.examples, self.labels = [], []

    def adapter(self, examples=None, labels=None):
        examples = self.examples if examples is None else examples
        labels = self.labels if labels is None else labels
        if not examples:
            return self.base
        return self.base.with_examples(self.r["forms"][examples], labels, self.r["paths"][examples])

    def read(self, i):
        """(answer, probabilities, confident) for digit i, as `Recognizer._read` answers from strokes."""
        r, picture, path = self.r, self.r["picture"][i : i + 1], self.r["path"][i : i + 1]
        adjusted, deciding = self.adapter().adjust(picture, r["forms"][i : i + 1], r["paths"][i : i + 1])
        if deciding[0] >= 0:
            return int(adjusted[0].argmax()), adjusted[0], bool(adjusted[0].max() >= 0.95)
        both = combine.combined(picture, path)[0]
        return int(both.argmax()), both, not bool(combine.not_sure(picture, path)[0])

    def contradicted(self, new, label):
        """The examples (positions) of another digit the new one would decide, as `ProfileReading` finds them."""
        if not self.examples:
            return []
        examples, labels = [*self.examples, new], [*self.labels, label]
        candidate = self.adapter(examples, labels)
        near = candidate.similarities(self.r["forms"][[new]], self.r["paths"][[new]])[0, :-1]
        rows = [k for k, other in enumerate(self.labels) if other != label and near[k] >= candidate.min_similarity]
        if not rows:
            return []
        at = [self.examples[k] for k in rows]
        deciding = candidate.deciding_examples(self.r["forms"][at], own=np.array(rows), paths=self.r["paths"][at])
        return [k for k, by in zip(rows, deciding) if by == len(self.examples)]

    def learn(self, i, label, source):
        gone = self.contradicted(i, label)
        if gone and source == "kept":
            return
        for k in sorted(gone, reverse=True):
            del self.examples[k], self.labels[k]
        self.examples.append(i)
        self.labels.append(label)

    def keeps(self, i, answer, probabilities, confident):
        """`kept.why_not_learn`'s rule for a kept answer that showed long enough, with the pen up."""
        if not confident or probabilities.max() < 0.95 or self.r["ink"][i] > kept.MAX_INK_LENGTH:
            return False
        own = [e for e, label in zip(self.examples, self.labels) if label == answer]
        base = self.base
        likeness = (
            float((self.r["forms"][own] @ self.r["forms"][i]).max())
            if own
            else float((base.prototypes[base.prototype_labels == answer] @ self.r["forms"][i]).max())
        )
        return likeness >= base.min_similarity and not (own and likeness >= kept.SAME_DRAWING)


def replay(r, base, weight, keep=True):
    """(errors with the profile, errors without, [(true, read), ...] misread with it) for one writer."""
    adapt.PATH_WEIGHT = weight
    me, labels = Replay(r, base), r["labels"]
    # Teach mode: each digit's first TEACH_ROUNDS, in recorded order (as personal.taught_first).
    taught = sorted(i for d in range(10) for i in np.flatnonzero(labels == d)[:TEACH_ROUNDS])
    rest = [i for i in range(len(labels)) if i not in set(taught)]
    drawn, second = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    for i in taught:
        me.learn(i, labels[i], "teach")
    for i in drawn:
        answer, probabilities, confident = me.read(i)
        if answer != labels[i]:
            me.learn(i, labels[i], "correction")
        elif keep and me.keeps(i, answer, probabilities, confident):
            me.learn(i, answer, "kept")
    plain = Replay(r, base)
    misread = [(int(labels[i]), me.read(i)[0]) for i in second if me.read(i)[0] != labels[i]]
    without = sum(plain.read(i)[0] != labels[i] for i in second)
    return len(misread), without, misread


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", required=True, help="a picture model with MODEL.path.onnx")
    parser.add_argument("--writers", default="16-20", help="pendigits writers replayed (default: %(default)s)")
    parser.add_argument("--pendigits", default=str(DEFAULT_FILE), help="the pendigits file")
    parser.add_argument("--no-keep", action="store_true", help="corrections only, no kept answers")
    args = parser.parse_args()
    low, high = (int(w) for w in args.writers.split("-"))
    if not set(range(low, high + 1)) <= set(CHOOSING_WRITERS) | set(pendigits.TRAIN_WRITERS):
        parser.error("replay training writers only (1-20): the dev writers choose nothing")
    writers = {w: d for w, d in by_writer(pendigits.read(args.pendigits)).items() if low <= w <= high}
    chosen = adapt.PATH_WEIGHT
    try:
        for model in args.model:
            recognizer = Recognizer(model).load()
            base = recognizer._base_adapter()
            cached = {w: readings(recognizer, digits) for w, digits in writers.items()}
            print(f"{model}: writers {args.writers}, min_similarity {base.min_similarity:.3f}")
            for weight in WEIGHTS:
                rows = {w: replay(r, base, weight, not args.no_keep) for w, r in cached.items()}
                misread = " ".join(f"{w}:{t}->{a}" for w, (_, _, m) in rows.items() for t, a in m)
                print(
                    f"  weight {weight:<4}  errors with the profiles {sum(e for e, _, _ in rows.values())} "
                    f"(without {sum(n for _, n, _ in rows.values())})  {misread}",
                    flush=True,
                )
    finally:
        adapt.PATH_WEIGHT = chosen


if __name__ == "__main__":
    main()
