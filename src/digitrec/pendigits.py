"""Real people's pen digits: find, download, verify and parse UCI's pendigits trajectories.

The training data beside MNIST. UCI's "Pen-Based Recognition of Handwritten
Digits" (Alpaydin and Alimoglu, 1998) records each digit as the pen's path on a
tablet. Its file `pendigits-orig.tra` holds 7,494 digits by 30 writers: writers
1-20 train digitrec, writers 21-30 only measure it (`TRAIN_WRITERS`).

Sources, tried in order (as for MNIST in `digitrec.data`):
1. an explicit file or folder (`--pen PATH` or `$DIGITREC_PEN`): the file, plain,
   gzipped or compressed (.Z), or a folder holding one of `LOCAL_NAMES`;
2. the user's cache (`~/.cache/digitrec/pendigits` on Linux), filled by 3;
3. a download of UCI's archive (a zip holding `pendigits-orig.tra.Z`), or of the
   file itself, from `SOURCES` in turn.

The sha256 of the decompressed file is checked before anything is used or cached.

The format (UNIPEN text):

    .SEGMENT DIGIT 6-7 ? "4"      one digit, its label in quotes
    .COMMENT 4 1 117              label, writer, sample number
    .PEN_DOWN                     a stroke: one "x y" pair a line, y pointing up
     267 333
    .PEN_UP
"""

import dataclasses
import gzip
import hashlib
import io
import os
import tempfile
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import platformdirs

from digitrec.data import reason
from digitrec.errors import DigitrecError

PEN_ENV = "DIGITREC_PEN"
SHA256 = "a66225d68d7d68591e62944df1ad33b3f5aa608e2df2505844b41f5568a80da4"  # of pendigits-orig.tra
CACHE_NAME = "pendigits-orig.tra.gz"
# What a folder given by --pen or $DIGITREC_PEN may hold, in order of preference.
LOCAL_NAMES = ("pendigits-train.gz", "pendigits-orig.tra", "pendigits-orig.tra.gz", "pendigits-orig.tra.Z", CACHE_NAME)
SOURCES = (
    "https://archive.ics.uci.edu/static/public/81/pen+based+recognition+of+handwritten+digits.zip",
    "https://archive.ics.uci.edu/ml/machine-learning-databases/pendigits/pendigits-orig.tra.Z",
)
MEMBER = "pendigits-orig.tra"  # the file inside UCI's zip (as is, or with .Z)
TRAIN_WRITERS = range(1, 21)  # the writers digitrec may learn from; 21-30 only measure it
TABLET_HEIGHT = 500  # pendigits' y axis points up, 0..500
DOWNLOAD_TIMEOUT_S = 30
MAX_DOWNLOAD_BYTES = 50 * 2**20  # UCI's zip is under 1 MB: anything this big is not it


class PenDigitsError(DigitrecError):
    """The pen digits could not be found, verified, downloaded or parsed."""


@dataclasses.dataclass(frozen=True)
class PenDigit:
    """One digit: its label (0-9), writer (as recorded), and strokes: a tuple of
    strokes, each a tuple of (x, y) points, y pointing down (screen coordinates)."""

    label: int
    writer: int
    strokes: tuple[tuple[tuple[int, int], ...], ...]


# ---------------------------------------------------------------- finding the data


Source = str | os.PathLike[str]  # a file or folder


def load(
    source: Source | None = None, cache_dir: Source | None = None, sources: Sequence[str] = SOURCES
) -> list[PenDigit]:
    """All of pendigits' training-file digits (list of PenDigit, recorded order), from `source`
    (a file or folder), else $DIGITREC_PEN, else the cache, else a download. Raises PenDigitsError."""
    return parse(content(source, cache_dir, sources).decode("ascii").splitlines())


def training_digits(
    source: Source | None = None, cache_dir: Source | None = None, sources: Sequence[str] = SOURCES
) -> list[PenDigit]:
    """The digits of the writers digitrec may learn from (`TRAIN_WRITERS`)."""
    return [d for d in load(source, cache_dir, sources) if d.writer in TRAIN_WRITERS]


def content(source: Source | None = None, cache_dir: Source | None = None, sources: Sequence[str] = SOURCES) -> bytes:
    """The verified bytes of `pendigits-orig.tra`."""
    source = source or os.environ.get(PEN_ENV)
    if source:
        return _from_local(Path(source))
    cache = Path(cache_dir or default_cache_dir()) / CACHE_NAME
    if cache.is_file():
        try:
            return verified(cache.read_bytes(), cache)
        except PenDigitsError:
            cache.unlink()  # a damaged cache entry is simply fetched again
    return _download(cache, sources)


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("digitrec")) / "pendigits"


def _from_local(path: Path) -> bytes:
    if path.is_dir():
        found = [path / name for name in LOCAL_NAMES if (path / name).is_file()]
        if not found:
            raise PenDigitsError(f"{path} holds none of {', '.join(LOCAL_NAMES)} (set by --pen or {PEN_ENV})")
        path = found[0]
    if not path.is_file():
        raise PenDigitsError(f"pen digits file {path} does not exist (set by --pen or {PEN_ENV})")
    return verified(path.read_bytes(), path)


def verified(raw: bytes, source: Path | str) -> bytes:
    """The decompressed `raw` (gzip, Unix compress, a zip holding the file, or plain), if its
    sha256 is pendigits-orig.tra's; else PenDigitsError."""
    try:
        data = unpacked(raw)
    except (OSError, EOFError, ValueError, zlib.error, zipfile.BadZipFile) as error:
        raise PenDigitsError(f"{source}: cannot decompress ({error})") from None
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise PenDigitsError(f"{source} is not UCI's pendigits-orig.tra (sha256 mismatch)")
    return data


def unpacked(raw: bytes) -> bytes:
    """bytes -> bytes: undo a zip (taking its `MEMBER`), gzip or Unix compress, by their magic numbers."""
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [n for n in archive.namelist() if Path(n).name in (MEMBER, MEMBER + ".Z")]
            if not names:
                raise ValueError(f"the archive holds no {MEMBER}")
            raw = archive.read(sorted(names)[0])
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:2] == b"\x1f\x9d":
        import unlzw3  # LZW (Unix compress), UCI's format for the original trajectories

        return unlzw3.unlzw(raw)

    return raw


def _download(cache: Path, sources: Sequence[str]) -> bytes:
    """Fetch the first source that gives a verified file; cache it gzipped, renamed into place."""
    failures = []
    for url in sources:
        try:
            data = verified(_fetch(url), url)
        except (OSError, PenDigitsError) as error:
            failures.append(f"{url}: {reason(error)}")
            continue
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(gzip.compress(data))
            os.replace(tmp, cache)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return data
    raise PenDigitsError(
        f"could not download the pen digits ({'; '.join(failures)}). Offline? Put pendigits-orig.tra "
        f"(plain, .gz or .Z) in a folder and set {PEN_ENV}=FOLDER or pass --pen FOLDER"
    )


def _fetch(url: str) -> bytes:
    print(f"Downloading {url}")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        size = int(response.headers.get("Content-Length") or 0) or None
        raw = response.read(MAX_DOWNLOAD_BYTES + 1)
    if len(raw) > MAX_DOWNLOAD_BYTES:
        raise OSError("the download is far bigger than the pen digits")
    if size is not None and len(raw) != size:
        raise OSError(f"connection closed after {len(raw)} of {size} bytes")
    return raw


# ---------------------------------------------------------------- parsing


def read(path: Source) -> list[PenDigit]:
    """All digits in a UNIPEN file (plain or .gz), in recorded order, without a sha256 check
    (for other UNIPEN files, such as the measuring-only UNIPEN digits). Raises PenDigitsError."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="ascii") as f:
            return parse(f)
    except FileNotFoundError:
        raise PenDigitsError(f"{path}: no such file") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise PenDigitsError(f"{path}: cannot read ({error})") from None


def parse(lines: Iterable[str], tablet_height: int = TABLET_HEIGHT) -> list[PenDigit]:
    """Digits from an iterable of UNIPEN text lines. Raises PenDigitsError on a malformed line.
    y is flipped (tablet_height - y) so that it points down, as on a screen."""
    digits: list[PenDigit] = []
    current: dict[str, Any] | None = None  # the digit being read: its label, writer and strokes so far
    stroke: list[tuple[int, int]] | None = None
    for number, line in enumerate(lines, 1):
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == ".SEGMENT":
                _finished(current, digits)
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
                stroke.append((x, tablet_height - y))
        except (ValueError, IndexError):
            raise PenDigitsError(f"line {number}: cannot parse {line.strip()!r}") from None
    _finished(current, digits)
    return digits


def _label(word: str) -> int:
    label = word.strip('"')
    if len(label) != 1 or not label.isdigit():
        raise ValueError(label)
    return int(label)


def _finished(current: dict[str, Any] | None, digits: list[PenDigit]) -> None:
    if current is not None and current["strokes"]:
        digits.append(PenDigit(current["label"], current["writer"], tuple(current["strokes"])))
    return None


# ---------------------------------------------------------------- on the canvas

CANVAS = 280  # the window's canvas for one digit, px
MARGIN = 40  # px of paper the fitted digit leaves on each side


def fitted(
    strokes: Sequence[Sequence[tuple[float, float]]], canvas: float = CANVAS, margin: float = MARGIN
) -> list[list[tuple[float, float]]]:
    """Strokes scaled (aspect kept) so that the longer side spans the canvas less its
    margins, and centred: a list of [(x, y), ...] in canvas px, as `render_strokes` takes."""
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = (canvas - 2 * margin) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [[(canvas / 2 + (x - cx) * scale, canvas / 2 + (y - cy) * scale) for x, y in stroke] for stroke in strokes]
