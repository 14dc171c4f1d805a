"""The picture and the path together: one answer from two readings of a drawn digit, and when to doubt it.

The picture model reads what the digit looks like; the path model (`digitrec.pen_path`)
how it was drawn. They fail on different digits: a '1' with a long flag looks like an
uncrossed '7' but is drawn from the flag down, a slashed '0' is drawn as an oval and
a stroke. Their answer is a weighted sum of their log-probabilities,

    log p(digit) = (1 - WEIGHT) * log p_picture(digit) + WEIGHT * log p_path(digit) + const,

and when both are sure of different digits (each at DISAGREEMENT or more), the answer
is marked "not sure": one of them is wrong, and no weight can tell which. So is an
answer whose combined probability is under THRESHOLD (the picture's own threshold,
`recognize.CONFIDENCE_THRESHOLD`, does not fit: the path model, trained with label
smoothing, states at most about 93%, and the combination is less sharp than the picture).

WEIGHT, DISAGREEMENT and THRESHOLD were chosen on pendigits writers 16-20, by a picture network
and a path model that had never seen them (trained on writers 1-15); never on the dev
sets (docs/handwriting.md gives the protocol and the command, `choose` the rule).
Free of TensorFlow: the recogniser uses it with NumPy alone.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Chosen by `python bench/pen_path.py --choose` (docs/handwriting.md: the path model).
WEIGHT = 0.55
DISAGREEMENT = 0.7
THRESHOLD = 0.3
WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)  # the grids `choose` searches
MARGINS = np.round(np.arange(0.5, 1.0, 0.02), 2)
THRESHOLDS = np.round(np.arange(0.3, 0.99, 0.02), 2)
# "Not sure" may cost at most this share of the right answers, the disagreement rule and the
# threshold together: the rule bench/confidence.py chose the picture's threshold by.
MAX_RIGHT_LOST = 0.01


def combined(picture: ArrayLike, path: ArrayLike, weight: float = WEIGHT) -> NDArray[np.float32]:
    """float (n, 10) probabilities of each model -> float32 (n, 10): their weighted geometric mean, renormalised."""
    log = (1 - weight) * np.log(np.maximum(picture, 1e-12)) + weight * np.log(np.maximum(path, 1e-12))
    log -= log.max(axis=-1, keepdims=True)
    p = np.exp(log)
    return (p / p.sum(axis=-1, keepdims=True)).astype(np.float32)


def disagree(picture: ArrayLike, path: ArrayLike, margin: float = DISAGREEMENT) -> NDArray[np.bool_]:
    """bool (n,): the two models are both sure (top probability >= margin) of different digits."""
    picture, path = np.asarray(picture), np.asarray(path)
    differ = picture.argmax(axis=-1) != path.argmax(axis=-1)
    return differ & (picture.max(axis=-1) >= margin) & (path.max(axis=-1) >= margin)


def not_sure(
    picture: ArrayLike,
    path: ArrayLike,
    weight: float = WEIGHT,
    margin: float = DISAGREEMENT,
    threshold: float = THRESHOLD,
) -> NDArray[np.bool_]:
    """bool (n,): the answer is "not sure": the two disagree sharply, or the combination is under `threshold`."""
    return disagree(picture, path, margin) | (combined(picture, path, weight).max(axis=-1) < threshold)


def choose(picture: ArrayLike, path: ArrayLike, labels: ArrayLike) -> dict[str, Any]:
    """The weight, margin and threshold for writers neither model saw: picture, path float (n, 10),
    labels int (n,).

    The weight: the most digits read right, ties broken by the lower log-loss. The margin: the
    one that marks the most wrong answers "not sure" while costing at most MAX_RIGHT_LOST of the
    right ones (of those, the one that costs fewest, then the highest); then the threshold likewise,
    within what is left of that budget. Returns a dict of the three and their figures.
    """
    labels = np.asarray(labels)
    rows = np.arange(len(labels))

    def score(weight: float) -> tuple[int, float]:

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
            options.append((caught, -lost, float(margin)))
    caught, lost, margin = max(options) if options else (0, 0, 1.0)
    lost = -lost
    thresholds = []
    for threshold in THRESHOLDS:
        doubted = not_sure(picture, path, weight, margin, threshold)
        caught_t, lost_t = int((doubted & ~right).sum()), int((doubted & right).sum())
        if lost_t <= MAX_RIGHT_LOST * right.sum():
            thresholds.append((caught_t, -lost_t, float(threshold)))
    caught_t, lost_t, threshold = max(thresholds) if thresholds else (caught, -lost, 0.0)
    lost_t = -lost_t
    return {
        "weight": float(weight),
        "margin": margin,
        "threshold": threshold,
        "digits": len(labels),
        "right": int(right.sum()),
        "wrong_caught_by_disagreement": caught,
        "right_lost_to_disagreement": lost,
        "wrong_caught": caught_t,
        "right_lost": lost_t,
        "by_weight": {w: int(s[0]) for w, s in scores.items()},
    }
