"""The picture and the path together: one answer from two readings of a drawn digit, and when to doubt it.

The picture model reads what the digit looks like; the path model (`digitrec.pen_path`)
how it was drawn. They fail on different digits: a '1' with a long flag looks like an
uncrossed '7' but is drawn from the flag down, a slashed '0' is drawn as an oval and
a stroke. Their answer is a weighted sum of their log-probabilities,

    log p(digit) = (1 - WEIGHT) * log p_picture(digit) + WEIGHT * log p_path(digit) + const,

and when both are sure of different digits (each at DISAGREEMENT or more), the answer
is marked "not sure": one of them is wrong, and no weight can tell which.

WEIGHT and DISAGREEMENT were chosen on pendigits writers 16-20, by a picture network
and a path model that had never seen them (trained on writers 1-15); never on the dev
sets (docs/handwriting.md gives the protocol and the command, `choose` the rule).
Free of TensorFlow: the recogniser uses it with NumPy alone.
"""

import numpy as np

WEIGHT = 0.5  # see docs/handwriting.md: chosen by `python bench/pen_path.py --choose`
DISAGREEMENT = 0.9
WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)  # the grid `choose` searches
MARGINS = np.round(np.arange(0.5, 1.0, 0.02), 2)
MAX_RIGHT_LOST = 0.002  # a margin may cost at most this share of the right answers ("not sure" on them)


def combined(picture, path, weight=WEIGHT):
    """float (n, 10) probabilities of each model -> float32 (n, 10): their weighted geometric mean, renormalised."""
    log = (1 - weight) * np.log(np.maximum(picture, 1e-12)) + weight * np.log(np.maximum(path, 1e-12))
    log -= log.max(axis=-1, keepdims=True)
    p = np.exp(log)
    return (p / p.sum(axis=-1, keepdims=True)).astype(np.float32)


def disagree(picture, path, margin=DISAGREEMENT):
    """bool (n,): the two models are both sure (top probability >= margin) of different digits."""
    picture, path = np.asarray(picture), np.asarray(path)
    differ = picture.argmax(axis=-1) != path.argmax(axis=-1)
    return differ & (picture.max(axis=-1) >= margin) & (path.max(axis=-1) >= margin)


def choose(picture, path, labels):
    """The weight and margin for writers neither model saw: picture, path float (n, 10), labels int (n,).

    The weight: the most digits read right, ties broken by the lower log-loss. The margin: the
    one that marks the most wrong answers "not sure" while costing at most MAX_RIGHT_LOST of the
    right ones (the highest such margin if several catch as many). Returns a dict of both and their figures.
    """
    labels = np.asarray(labels)
    rows = np.arange(len(labels))

    def score(weight):
        p = combined(picture, path, weight)
        return (p.argmax(axis=1) == labels).sum(), -np.log(np.maximum(p[rows, labels], 1e-12)).mean()

    scores = {float(w): score(w) for w in WEIGHTS}
    weight = max(WEIGHTS, key=lambda w: (scores[float(w)][0], -scores[float(w)][1]))
    right = combined(picture, path, weight).argmax(axis=1) == labels
    options = []
    for margin in MARGINS:
        doubted = disagree(picture, path, margin)
        caught, lost = int((doubted & ~right).sum()), int((doubted & right).sum())
        if lost <= MAX_RIGHT_LOST * right.sum():
            options.append((caught, float(margin), lost))
    caught, margin, lost = max(options) if options else (0, 1.0, 0)
    return {
        "weight": float(weight),
        "margin": margin,
        "digits": len(labels),
        "right": int(right.sum()),
        "wrong_caught": caught,
        "right_lost": lost,
        "by_weight": {w: int(s[0]) for w, s in scores.items()},
    }
