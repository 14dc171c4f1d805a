"""Drawings kept as strokes in files: InkML and JSON strokes, read safely and fitted to the window's canvas.

    strokes = read_strokes("seven.inkml")             # [[(x, y), ...], ...] as the file has them
    recognizer.digit_from_strokes(on_canvas(strokes))  # or number_from_strokes(on_canvas(strokes, number=True))

Two formats, told apart by the file's name (any case):

- InkML (`.inkml`, W3C, as pen tablets and note apps export it): its `<trace>`s in
  document order are the strokes, wherever they are (inside `<traceGroup>`s too), one
  file one drawing; hover traces (`type="penUp"`) are left out. A point's values are
  its channels in the order of the trace's `<traceFormat>` (by `contextRef`, else the
  last one before the trace, else X Y): x and y are the channels named X and Y, else
  the first two; time, pressure and the rest are ignored. Difference-coded values
  (`'` first, `"` second differences, `!` back to explicit) are decoded; `?`, `*`,
  `T`, `F` in X or Y are refused. Points written "x,y x,y" (commas inside points,
  as some converters do) are read too. In the default namespace
  `http://www.w3.org/2003/InkML` or in none.
- JSON strokes (`.json`): `[[[x, y], ...], ...]`, a list of strokes, each a list of
  [x, y] numbers: what `Recognizer.digit_from_strokes` takes.

Coordinates: x to the right and y down, as on a screen (and in the window, and as
InkML's own examples and tablets' exports have it); a Y channel declared
`orientation="-ve"` is turned to point down. Units do not matter: the drawing is
fitted by its bounding box.

Hostile files are refused in one line (StrokeFileError), and none costs more
than a few times MAX_BYTES of memory (docs/stroke-files.md measures them): more than
MAX_BYTES (10 MB, its size checked before reading), more than MAX_POINTS points
(the commas of InkML and the '[' of JSON counted before parsing, the points as they
are read) or MAX_STROKES strokes, InkML with a DTD (so no entity is expanded, no
external one ever fetched) or more than MAX_ELEMENTS elements, coordinates not
finite or beyond MAX_COORDINATE, no points, all points at one place, not XML or
not JSON, JSON of another shape.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, cast

from digitrec.errors import DigitrecError

if TYPE_CHECKING:  # for the checker alone: reading strokes imports neither Pillow nor ElementTree up front
    import xml.etree.ElementTree as ElementTree

    from digitrec.image import Point, Strokes

FileName = str | os.PathLike[str]  # a file's name, as given (it is quoted in messages)
Channels = list[str]  # a trace format's channel names in order ("X", "Y", "T", ...; "-Y": y pointing up)

INKML_SUFFIXES = (".inkml",)
JSON_SUFFIXES = (".json",)
STROKE_SUFFIXES = INKML_SUFFIXES + JSON_SUFFIXES

# Far above any real drawing (100,000 points of InkML are about 1.5 MB), small enough that
# reading a file, and ElementTree's text of it, costs a few tens of MB at most.
MAX_BYTES = 10_000_000
# A digit drawn on a tablet at 200 points a second for 10 s is 2,000 points; a number, a few times that.
MAX_POINTS = 100_000
MAX_STROKES = 1_000  # a digit takes 1-4 strokes
MAX_ELEMENTS = 10_000  # an InkML drawing's traces, groups, annotations, definitions: a few dozen; ~300 bytes each
MAX_COORDINATE = 1e9  # beyond any tablet's resolution; far from float overflow when fitted

# The window's canvas for one digit, as `pendigits.fitted` and bench/pen_digits.py use it.
CANVAS = 280  # px
MARGIN = 40  # px of paper left on each side
# A number is fitted by its height as a digit is, as wide as it comes, up to this many times its height.
MAX_NUMBER_ASPECT = 20

INKML_NAMESPACE = "http://www.w3.org/2003/InkML"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NOT_PLAIN = re.compile(r"[^-+.\deE,\s]")  # a difference order, T, F, *, ?, or a letter: not a plain trace
POINT = re.compile(r"[^,]*[^,\s][^,]*")  # a point's text between commas; blank ones (a trailing comma) left out
# One value of a point: an optional difference order, then a number, or T, F, * or ?.
VALUE = re.compile(r"\s*([!'\"]?)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[TF*?])")


class StrokeFileError(DigitrecError):
    """A file that cannot be read as a drawing of strokes; the message is one line, naming the file."""


def is_stroke_file(name: object) -> bool:
    return str(name).lower().endswith(STROKE_SUFFIXES)


def read_strokes(path: FileName) -> list[list[Point]]:
    """The strokes of an InkML or JSON strokes file (told apart by its name).

    Returns a list of strokes, each a list of (x, y) float tuples in the file's units, x to the
    right, y down; at least one point, not all at one place. Raises StrokeFileError.
    """
    data = read_capped(path)
    if str(path).lower().endswith(INKML_SUFFIXES):
        strokes = inkml_strokes(data, path)
    else:
        strokes = json_strokes(data, path)
    return checked(strokes, path)


def read_capped(path: FileName) -> bytes:
    """The file's bytes, refused if it holds more than MAX_BYTES: the size is checked before
    reading, and no more than that is read even if the file grows or has no size (a pipe)."""
    max_bytes = MAX_BYTES
    try:
        with open(path, "rb") as file:
            size = _size(file)
            if size > max_bytes:
                raise StrokeFileError(f"{path}: too large for a drawing ({size:,} bytes; at most {max_bytes:,})")
            data = _read_up_to(file, max_bytes + 1, size)
    except FileNotFoundError:
        raise StrokeFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StrokeFileError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise StrokeFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise StrokeFileError(f"{path}: too large for a drawing (more than {max_bytes:,} bytes)")
    if not data.strip():
        raise StrokeFileError(f"{path}: empty file")
    return data


def _read_up_to(file: IO[bytes], limit: int, size: int) -> bytes:
    """At most `limit` bytes of the file: its size and one more at once, then 64 kB at a time (a
    pipe, a file still growing). read(limit) would set aside `limit` bytes for a file of a few hundred."""
    pieces: list[bytes] = []
    total = 0
    while total < limit:
        piece = file.read(min(65_536 if pieces else size + 1, limit - total))
        if not piece:
            break
        pieces.append(piece)
        total += len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _size(file: IO[bytes]) -> int:
    return os.fstat(file.fileno()).st_size


# ---------------------------------------------------------------- JSON


def json_strokes(data: bytes, path: FileName) -> list[list[Point]]:
    """Strokes from JSON bytes holding [[[x, y], ...], ...]."""
    # A point is at least one '['; counted before parsing, so a million points never become lists.
    if data.count(b"[") > MAX_POINTS + MAX_STROKES + 1:
        raise _too_many_points(path)
    try:
        drawing = json.loads(data)
    except RecursionError:
        raise StrokeFileError(f"{path}: not JSON strokes (nested too deep)") from None
    except ValueError as error:  # JSONDecodeError, a bad encoding, an integer of thousands of digits
        raise StrokeFileError(f"{path}: not JSON ({_first_line(error)})") from None
    if not isinstance(drawing, list):
        raise StrokeFileError(f"{path}: not JSON strokes: expected a list of strokes [[[x, y], ...], ...]")
    strokes = []
    for s, stroke in enumerate(drawing, 1):
        if not isinstance(stroke, list):
            raise StrokeFileError(f"{path}: stroke {s} is not a list of [x, y] points")
        points: list[Point] = []
        for p, point in enumerate(stroke, 1):
            if not (isinstance(point, list) and len(point) == 2 and all(map(_is_number, point))):
                raise StrokeFileError(f"{path}: stroke {s}, point {p} is not [x, y] numbers")
            points.append((_float(point[0], path), _float(point[1], path)))
        strokes.append(points)
    return strokes


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _float(value: float, path: FileName) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond float's range
        raise StrokeFileError(f"{path}: a coordinate is too large") from None


# ---------------------------------------------------------------- InkML


def inkml_strokes(data: bytes, path: FileName) -> list[list[Point]]:
    """Strokes from InkML bytes: the traces in document order (see the module's docstring)."""
    import io
    import xml.etree.ElementTree as ElementTree

    import defusedxml
    import defusedxml.ElementTree

    # Most traces write a comma a point: counted before parsing, a million points cost nothing to refuse.
    if data.count(b",") > MAX_POINTS + MAX_ELEMENTS:
        raise _too_many_points(path)
    strokes: list[list[Point]] = []
    points, traces = 0, 0
    formats: dict[str, Channels] = {}  # id of a traceFormat, context or inkSource -> its channel names
    latest: Channels | None = None  # the channels of the last traceFormat met
    open_elements: list[ElementTree.Element] = []  # the elements from the root to the one being read
    try:
        events = defusedxml.ElementTree.iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True)
        for count, (event, element) in enumerate(events):
            if count > 2 * MAX_ELEMENTS:  # a start and an end event an element
                raise StrokeFileError(f"{path}: too many XML elements for a drawing (more than {MAX_ELEMENTS:,})")
            namespace, name = _split_tag(element.tag)
            if event == "start":
                if not open_elements:
                    _check_root(namespace, name, path)
                open_elements.append(element)
                continue
            open_elements.pop()
            if name == "traceFormat":
                latest = _channels(element)
                _register(formats, element, latest)
            elif name in ("context", "inkSource"):
                _register(formats, element, _format_of(element, formats))
            elif name == "trace":
                traces += 1
                if element.get("type") != "penUp":  # hover: the pen above the tablet, not ink
                    channels = _trace_format(element, open_elements, formats) or latest or ["X", "Y"]
                    stroke = _trace_points(element.text or "", channels, traces, MAX_POINTS - points, path)
                    if stroke:
                        strokes.append(stroke)
                        points += len(stroke)
                        if len(strokes) > MAX_STROKES:
                            raise StrokeFileError(f"{path}: too many strokes (more than {MAX_STROKES:,})")
                element.clear()  # its text is read: let it go
    except defusedxml.DTDForbidden:
        raise StrokeFileError(
            f"{path}: InkML with a DTD is refused (it could expand entities or read other files)"
        ) from None
    except defusedxml.DefusedXmlException as error:  # entities or external references without a DTD
        raise StrokeFileError(f"{path}: refused: {_first_line(error)}") from None
    except ElementTree.ParseError as error:
        raise StrokeFileError(f"{path}: not XML ({_first_line(error)})") from None
    return strokes


def _check_root(namespace: str, name: str, path: FileName) -> None:
    if name != "ink":
        raise StrokeFileError(f"{path}: not InkML (its root element is <{name}>, not <ink>)")
    if namespace not in ("", INKML_NAMESPACE):
        raise StrokeFileError(f"{path}: not InkML (its <ink> is in the namespace {namespace[:60]!r})")


def _split_tag(tag: object) -> tuple[str, str]:
    """('namespace', 'localname') of an ElementTree tag; '' for no namespace."""
    if not isinstance(tag, str):  # a comment or processing instruction
        return "", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _split_tag(child.tag)[1] == name]


def _channels(trace_format: ElementTree.Element) -> Channels:
    """The channel names of a <traceFormat> in order (regular ones, then intermittent ones); a Y
    channel with orientation="-ve" points up and is named "-Y" so that the reader turns it."""
    names = []
    for channel in trace_format.iter():
        if _split_tag(channel.tag)[1] == "channel":
            name = channel.get("name", "")
            names.append("-Y" if name == "Y" and channel.get("orientation") == "-ve" else name)
    return names


def _register(formats: dict[str, Channels], element: ElementTree.Element, channels: Channels | None) -> None:
    key = element.get(XML_ID) or element.get("id")
    if key and channels:
        formats[key] = channels


def _format_of(element: ElementTree.Element, formats: dict[str, Channels]) -> Channels | None:
    """The channels a <context> or <inkSource> names: its own traceFormat, or one it refers to."""
    for name in ("traceFormat", "inkSource"):
        for child in _children(element, name):
            found = _channels(child) if name == "traceFormat" else _format_of(child, formats)
            if found:
                return found
    for attribute in ("traceFormatRef", "inkSourceRef", "contextRef"):
        reference = element.get(attribute, "").lstrip("#")
        if reference in formats:
            return formats[reference]
    return None


def _trace_format(
    trace: ElementTree.Element, open_elements: Sequence[ElementTree.Element], formats: dict[str, Channels]
) -> Channels | None:
    """The channels a trace's contextRef (or its nearest traceGroup's) names, if known."""
    for element in [trace, *reversed(open_elements)]:
        reference = element.get("contextRef", "").lstrip("#")
        if reference:
            return formats.get(reference)
    return None


def _trace_points(text: str, channels: Channels, number: int, budget: int, path: FileName) -> list[Point]:
    """One trace's (x, y) points; at most `budget` of them, else StrokeFileError."""
    x_at = channels.index("X") if "X" in channels else 0
    y_name = "-Y" if "-Y" in channels else "Y"
    y_at = channels.index(y_name) if y_name in channels else 1
    needed = max(x_at, y_at) + 1
    if "," in text and not NOT_PLAIN.search(text):
        try:
            return _plain_points(text, x_at, y_at, y_name == "-Y", budget, path)
        except (ValueError, IndexError):
            pass  # run-on values ("3-5"), "x,y" points, too few values: read below, which says what is wrong
    if "," not in text.strip():  # no commas at all: the values run on, a point every len(channels) of them
        run = _values(text, number, path, limit=(budget + 1) * len(channels))
        chunks = (run[i : i + len(channels)] for i in range(0, len(run), len(channels)))
    else:
        chunks = (_values(m.group(), number, path, limit=len(channels) + 32) for m in POINT.finditer(text))
    decoders = [_Decoder() for _ in range(needed)]
    points: list[Point] = []
    for p, values in enumerate(chunks, 1):
        if len(values) < needed:
            if p == 1 and len(values) == 1 and "," in text:
                return _comma_pairs(text, number, budget, path)  # "x,y x,y": commas inside points
            raise StrokeFileError(
                f"{path}: trace {number}, point {p} has {len(values)} values; its format names {', '.join(channels)}"
            )
        if len(points) >= budget:
            raise _too_many_points(path)
        x = decoders[x_at].next(*values[x_at], number, path)
        y = decoders[y_at].next(*values[y_at], number, path)
        points.append((x, -y if y_name == "-Y" else y))
    return points


def _plain_points(text: str, x_at: int, y_at: int, y_up: bool, budget: int, path: FileName) -> list[Point]:
    """The points of the common trace, plain numbers apart by spaces and points by commas: read
    straight, without the difference decoders (a third of the time). ValueError or IndexError if
    a point is not so."""
    points: list[Point] = []
    for match in POINT.finditer(text):
        if len(points) >= budget:
            raise _too_many_points(path)
        values = match.group().split(None, max(x_at, y_at) + 1)  # the channels after x and y stay one string
        x, y = float(values[x_at]), float(values[y_at])
        points.append((x, -y if y_up else y))
    return points


def _comma_pairs(text: str, number: int, budget: int, path: FileName) -> list[Point]:
    """A trace written "x,y x,y ...": each whitespace-separated word one point."""
    points: list[Point] = []
    for p, match in enumerate(re.finditer(r"\S+", text), 1):
        if len(points) >= budget:
            raise _too_many_points(path)
        try:
            x, y = (float(v) for v in match.group().split(","))
        except ValueError:
            raise StrokeFileError(f"{path}: trace {number}, point {p}: cannot read {match.group()[:20]!r}") from None
        points.append((x, y))
    return points


def _values(chunk: str, number: int, path: FileName, limit: int) -> list[tuple[str, str]]:
    """A point's values as (difference order, text) pairs: '', '!', "'" or '"'; a number or T F * ?.
    More than `limit` of them: StrokeFileError (too many points), before they fill memory."""
    if len(chunk.split(None, limit)) > limit:  # more words than that: at least as many values; refused at once
        raise _too_many_points(path, "or a point with too many values")
    values: list[tuple[str, str]] = []
    at = 0
    while at < len(chunk):
        if len(values) > limit:
            raise _too_many_points(path, "or a point with too many values")
        match = VALUE.match(chunk, at)
        if match is None:
            if chunk[at:].strip():
                raise StrokeFileError(f"{path}: trace {number}: cannot read {chunk[at:].strip()[:20]!r}")
            break
        values.append(cast("tuple[str, str]", match.groups()))  # VALUE's two groups: both always match
        at = match.end()
    return values


class _Decoder:
    """One channel's values through a trace: explicit, or first (') or second (") differences;
    a prefix holds for the channel's later values until another one is given (InkML 2011, 3.2.2)."""

    def __init__(self) -> None:
        self.order = "!"
        self.value: float | None = None
        self.velocity = 0.0

    def next(self, order: str, text: str, number: int, path: FileName) -> float:
        if text in ("T", "F", "*", "?"):
            raise StrokeFileError(f"{path}: trace {number}: {text!r} for a coordinate is not read")
        self.order = order or self.order
        given = float(text)
        if self.order == "!":
            self.velocity = 0.0 if self.value is None else given - self.value
            self.value = given
        elif self.value is None:
            raise StrokeFileError(f"{path}: trace {number}: starts with a difference, with nothing to add it to")
        elif self.order == "'":
            self.velocity, self.value = given, self.value + given
        else:  # second difference: the change of the change
            self.velocity += given
            self.value += self.velocity
        return self.value


# ---------------------------------------------------------------- checks and the canvas


def checked(strokes: Iterable[list[Point]], path: FileName) -> list[list[Point]]:
    """The strokes with empty ones left out; StrokeFileError if they cannot be a drawing."""
    strokes = [stroke for stroke in strokes if stroke]
    if not strokes:
        raise StrokeFileError(f"{path}: no strokes: nothing drawn")
    if len(strokes) > MAX_STROKES:
        raise StrokeFileError(f"{path}: too many strokes ({len(strokes):,}; at most {MAX_STROKES:,})")
    points = sum(map(len, strokes))
    if points > MAX_POINTS:
        raise StrokeFileError(f"{path}: too many points ({points:,}; at most {MAX_POINTS:,})")
    for stroke in strokes:
        for x, y in stroke:
            if not (math.isfinite(x) and math.isfinite(y)):
                raise StrokeFileError(f"{path}: a coordinate is not a number (NaN or infinite)")
            if abs(x) > MAX_COORDINATE or abs(y) > MAX_COORDINATE:
                raise StrokeFileError(f"{path}: a coordinate is too large (beyond {MAX_COORDINATE:g})")
    xs, ys = _extent(strokes)
    if xs == ys == 0:
        raise StrokeFileError(f"{path}: every point is at one place: nothing to read")
    return strokes


def _extent(strokes: Strokes) -> tuple[float, float]:
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    return max(xs) - min(xs), max(ys) - min(ys)


def on_canvas(strokes: Strokes, number: bool = False) -> list[list[Point]]:
    """The strokes moved and scaled (aspect kept) as the window's would be, in canvas px, for
    `Recognizer.digit_from_strokes` / `number_from_strokes`: a list of [(x, y), ...] floats.

    A digit: its longer side spans the 280 px canvas less its 40 px margins, centred (as
    `pendigits.fitted`). A number (number=True): its height spans those 200 px, as a digit's
    would, its left edge 40 px in, as wide as it comes up to MAX_NUMBER_ASPECT times its height:
    fitted by its longer side, a number of six digits would be drawn a third as tall.
    """
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    ink = CANVAS - 2 * MARGIN
    span = max(height, width / MAX_NUMBER_ASPECT) if number else max(width, height)
    scale = ink / span if span > 0 else 1.0
    # Where the drawing's centre goes: the canvas's centre, or for a number half its width in from the margin.
    centre_x = MARGIN + width * scale / 2 if number else CANVAS / 2
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [[(centre_x + (x - cx) * scale, CANVAS / 2 + (y - cy) * scale) for x, y in stroke] for stroke in strokes]


def _too_many_points(path: FileName, also: str = "") -> StrokeFileError:
    return StrokeFileError(f"{path}: too many points (more than {MAX_POINTS:,}){', ' + also if also else ''}")


def _first_line(error: BaseException) -> str:

    return str(error).splitlines()[0] if str(error) else type(error).__name__
