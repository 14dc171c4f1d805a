"""Pen-drawn digits in the UNIPEN text format (the UCI "pendigits" trajectories).

A measuring stick of real people's handwriting, never training data, so it
lives with the benches, not in the package (bench/pen_digits.py and
tests/test_pendigits.py use it). Each
digit is a list of strokes as a tablet recorded them; `fitted` places them on
a canvas the way a person would draw them in the window.

    .SEGMENT DIGIT 6-7 ? "4"      one digit, its label in quotes
    .COMMENT 4 1 117              label, writer, sample number
    .PEN_DOWN                     a stroke: one "x y" pair a line
     267 333
    .PEN_UP
"""

import dataclasses
import gzip
from pathlib import Path

from digitrec.errors import DigitrecError

TABLET_HEIGHT = 500  # the tablet's y axis points up, 0..500
CANVAS = 280         # the window's canvas, px
MARGIN = 40          # px of paper the fitted digit leaves on each side


class PenDigitsError(DigitrecError):
    """A file that is not in the expected format."""


@dataclasses.dataclass(frozen=True)
class PenDigit:
    """One digit: its label (0-9), writer (as recorded), and strokes as
    tuples of (x, y) tablet points, y pointing down (screen coordinates)."""

    label: int
    writer: int
    strokes: tuple


def read(path):
    """All digits in a UNIPEN file (plain or .gz), in recorded order. Raises PenDigitsError."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="ascii") as f:
            return parse(f)
    except FileNotFoundError:
        raise PenDigitsError(f"{path}: no such file") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise PenDigitsError(f"{path}: cannot read ({error})") from None


def parse(lines):
    """Digits from an iterable of UNIPEN text lines. Raises PenDigitsError on a malformed line."""
    digits, current, stroke = [], None, None
    for number, line in enumerate(lines, 1):
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == ".SEGMENT":
                current = _finished(current, digits)
                current = {"label": _label(words[-1]), "writer": 0, "strokes": []}
            elif words[0] == ".COMMENT" and current is not None:
                current["writer"] = int(words[2])
            elif words[0] == ".PEN_DOWN":
                stroke = []
            elif words[0] == ".PEN_UP":
                if current is None or stroke is None:
                    raise ValueError("pen up outside a digit's stroke")
                if stroke:
                    current["strokes"].append(tuple(stroke))
                stroke = None
            elif stroke is not None:
                x, y = (int(w) for w in words)
                stroke.append((x, TABLET_HEIGHT - y))
        except (ValueError, IndexError):
            raise PenDigitsError(f"line {number}: cannot parse {line.strip()!r}") from None
    _finished(current, digits)
    return digits


def _label(word):
    label = word.strip('"')
    if len(label) != 1 or not label.isdigit():
        raise ValueError(label)
    return int(label)


def _finished(current, digits):
    if current is not None and current["strokes"]:
        digits.append(PenDigit(current["label"], current["writer"], tuple(current["strokes"])))
    return None


def fitted(strokes, canvas=CANVAS, margin=MARGIN):
    """Strokes scaled (aspect kept) so that the longer side spans the canvas less its
    margins, and centred: a list of [(x, y), ...] in canvas px, as `render_strokes` takes."""
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = (canvas - 2 * margin) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [[(canvas / 2 + (x - cx) * scale, canvas / 2 + (y - cy) * scale) for x, y in stroke]
            for stroke in strokes]
