"""Which kept answers a profile may learn: the window's guess at what the person meant, made cautious.

A correction or a Teach-mode drawing says what the person meant. An answer they kept
(they cleared the canvas without correcting it) says much less: people clear exactly
when the answer is wrong, when the drawing is half done, or when they only tried the pen.
Learnt, such an answer teaches the profile what the person never meant (a dash stored as
a '5' makes every dash read '5'). So a kept answer is learnt only when every sign says
it was a finished digit, read right:

- the answer had been on screen for `MIN_SHOWN_S` and the pen was up (not cleared while
  drawing, nor at once after the answer showed: that is a rejection, not a keep);
- the model was sure of it (`DigitResult.confident`, and at least the picture's 0.95);
- it looks like a digit: its form is at least the model's `min_similarity` from one of
  the person's own examples of the answer's digit, or where they have none, from a
  prototype of it (a dash, a blob, random ink or most half-done drawings are not), and
  its ink is no longer than `MAX_INK_LENGTH` times its box's diagonal (a scribble);
- it is not already in the profile (`SAME_DRAWING`: the same drawing cleared twice).

Whether learning kept answers helps at all is measured by `bench/personal.py --user realistic`
(docs/personal.md): the switch is off by default.
"""

from collections.abc import Sequence

import numpy as np

from digitrec.recognize import CONFIDENCE_THRESHOLD, DigitResult, Recognizer, Strokes

# The answer must have been on screen this long (s), with no ink added, to count as kept. Reading a digit's
# answer takes a glance of well under a second; clearing sooner is a rejection of it or of the drawing.
MIN_SHOWN_S = 1.0
# A digit's ink is at most about 4 times its box's diagonal: on pendigits writers 1-20 (5,000 digits, a
# design set) the longest is an '8' at 3.9 (median 2.0); random scribbles have a median of 6.4.
MAX_INK_LENGTH = 5.0
# Similarity of forms (cosine) from which a kept drawing is one already in the profile: the same drawing
# cleared twice gives 1.0, the same shape drawn smaller elsewhere with another pen 0.998, while two drawings
# of one digit by one hand are 0.98 or less.
SAME_DRAWING = 0.995


def ink_length(strokes: Strokes) -> float:
    """The length of the ink of `strokes` ([(x, y), ...] polylines) over its bounding box's diagonal, >= 0."""
    arrays = [np.asarray(stroke, np.float64).reshape(-1, 2) for stroke in strokes if len(stroke)]
    if not arrays:
        return 0.0
    points = np.concatenate(arrays)
    diagonal = float(np.hypot(*(points.max(axis=0) - points.min(axis=0))))
    length = sum(float(np.hypot(*np.diff(a, axis=0).T).sum()) for a in arrays if len(a) > 1)
    return length / max(diagonal, 1.0)


def strokes_of(box: Sequence[float], strokes: Strokes) -> list[Sequence[tuple[float, float]]]:
    """The strokes whose middle point lies in `box` (left, top, right, bottom): one digit's of a number's."""
    left, top, right, bottom = box
    mine: list[Sequence[tuple[float, float]]] = []
    for stroke in strokes:
        if len(stroke):
            x, y = stroke[len(stroke) // 2]
            if left <= x <= right and top <= y <= bottom:
                mine.append(stroke)
    return mine


def why_not_learn(
    recognizer: Recognizer, result: DigitResult, shown_s: float, drawing: bool, strokes: Strokes | None = None
) -> str | None:
    """Why the kept answer `result` (a DigitResult) is not to be learnt, in a few plain words; None: learn it.

    shown_s: seconds the answer was on screen before the canvas was cleared; drawing: the pen was down;
    strokes: the digit's strokes ([(x, y), ...] polylines) where known (the window), else None.
    """
    if drawing:
        return "you were still drawing"
    if shown_s < MIN_SHOWN_S:
        return "cleared as soon as it showed"
    # The picture's own bar for "sure" (0.95), even where an answer from strokes says "not sure" only below the
    # combination's lower one: learning asks for more than answering.
    if not result.confident or result.confidence < CONFIDENCE_THRESHOLD:
        return "it was not sure"
    if strokes is not None and ink_length(strokes) > MAX_INK_LENGTH:
        return "it looks like a scribble"
    likeness, own = recognizer.likeness(result.model_input, result.digit)
    # Where the person taught this digit, their own examples are what it looks like (a half-done '4' can pass
    # for one of MNIST's '1's, seldom for one of theirs): on pendigits writers 1-20 after Teach mode, this
    # let through a third fewer half-done drawings and a quarter of the scribbles, and 2 in 426 fewer digits.
    if (own if own > -1 else likeness) < recognizer.min_similarity:
        return "it does not look like a digit" if own == -1 else f"it does not look like your {result.digit}s"
    if own >= SAME_DRAWING:
        return "it is already in your profile"
    return None
