"""A person's handwriting profile on disk: the digits they taught digitrec, kept as files they can read.

    <user data folder>/profiles/<name>/      (or any folder given as a path)
        index.json     {"format": 1, "examples": [{"file": "<32 hex>.png", "label": 7,
                                                    "time": "2026-12-01T19:40:00+00:00", "source": "correction",
                                                    "strokes": "<32 hex>.strokes.json"}]}
        <32 hex>.png            one example: the digit as the model saw it, 28x28 grey, dark ink on white
        <32 hex>.strokes.json   how it was drawn, where known: [[[x, y], ...], ...], canvas px (floats, to
                                0.01 px), in drawing order, as `Recognizer.digit_from_strokes` takes them

An example drawn in the window keeps its strokes beside its PNG; one from an image
has none, and its index entry no "strokes" (so a profile without strokes is
exactly what earlier versions wrote and read). A strokes file is named for its
example and goes with it (remove, undo, reset, delete, export, import).

Every write takes the profile's lock, re-reads the index, writes each file to a
temporary name and renames it into place, the index last: an interrupted write
leaves the profile as it was, and two processes adding at once both keep their
examples. A damaged index or image raises ProfileError (one line) and nothing
is written over it.

Profiles travel as one zip of the same files (`export_archive`, `import_archive`);
`reset_keeping_copy` and `delete` write one to `backups_root()` first, so that
an import undoes them.
Importing reads only PNGs and JSON (no code), and refuses names that are not
the profile's own, oversized archives and images, images that are not 28x28
grey, and strokes that are not a drawn digit's (over MAX_STROKES_BYTES, more
than MAX_STROKES strokes or MAX_STROKE_POINTS points, a coordinate not finite).
"""

import contextlib
import dataclasses
import datetime
import io
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from digitrec.errors import DigitrecError
from digitrec.files import atomic_path
from digitrec.image import ImageError, Strokes, open_image
from digitrec.stroke_files import MAX_COORDINATE, StrokeFileError, json_strokes

PROFILES_ENV = "DIGITREC_PROFILES"  # where profiles live, if not in the user data folder
DEFAULT_NAME = "default"
FORMAT = 1
INDEX = "index.json"
SIZE = 28  # examples are model inputs
SOURCES = ("correction", "teach", "kept", "api", "import")  # "kept": an answer the person kept (the window)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
EXAMPLE_FILE = re.compile(r"[0-9a-f]{32}\.png")
STROKES_SUFFIX = ".strokes.json"
STROKES_FILE = re.compile(r"[0-9a-f]{32}\.strokes\.json")
# Limits for an archive from someone else: far above any real profile (an example is ~300 bytes).
MAX_ARCHIVE_BYTES = 20_000_000
MAX_EXAMPLES = 10_000
MAX_ENTRY_BYTES = 1_000_000
# Limits for an example's strokes, far above a drawn digit's and below stroke_files' for whole drawings. The
# window records a point a mouse move: the 200 mouse-like digits of tests/strokes.py have 1-2 strokes and 16-210
# points (median 62), and a '4' or a crossed '7' takes 2-3 strokes.
MAX_STROKES_BYTES = 64_000
MAX_STROKES = 100
MAX_STROKE_POINTS = 4_000
LOCK_TIMEOUT_S = 10


class ProfileError(DigitrecError):
    """A profile that cannot be read or written as asked."""


@dataclasses.dataclass(frozen=True)
class Example:
    """One taught digit: its image file (in the profile folder), the digit, when, and how it was taught;
    `strokes`: its strokes file (`<id>.strokes.json`), or None where it was not drawn here."""

    file: str
    label: int
    time: str
    source: str
    strokes: str | None = None

    @property
    def id(self) -> str:
        return self.file[: -len(".png")]

    @property
    def files(self) -> list[str]:
        """The example's files in the profile folder: its image, and its strokes if it has them."""
        return [self.file] if self.strokes is None else [self.file, self.strokes]

    def entry(self) -> dict[str, Any]:
        """Its entry in the index: no "strokes" where it has none, as the index was before strokes."""
        return {key: value for key, value in dataclasses.asdict(self).items() if value is not None}


def profiles_root() -> Path:
    """The folder holding the named profiles: $DIGITREC_PROFILES, else <user data folder>/profiles."""
    if os.environ.get(PROFILES_ENV):
        return Path(os.environ[PROFILES_ENV])
    import platformdirs

    return platformdirs.user_data_path("digitrec", appauthor=False) / "profiles"


def folder_for(name_or_path: str | os.PathLike[str]) -> Path:
    """A profile's folder: a name (letters, digits, '_', '.', '-') under `profiles_root()`,
    or a path (anything with a path separator in it)."""
    text = str(name_or_path)
    if "/" in text or os.sep in text or (os.altsep and os.altsep in text):
        return Path(text).expanduser()
    if not NAME.fullmatch(text):
        raise ProfileError(
            f"{text!r} is not a profile name: use letters, digits, '_', '.' and '-' (up to 64), or give a folder path"
        )
    return profiles_root() / text


def list_profiles() -> list["Profile"]:
    """The named profiles that exist, by name."""
    root = profiles_root()
    if not root.is_dir():
        return []
    return [Profile(path) for path in sorted(root.iterdir()) if (path / INDEX).is_file()]


class Profile:
    """One profile folder (it need not exist yet: an absent profile has no examples)."""

    def __init__(self, name_or_path: str | os.PathLike[str]) -> None:
        self.folder = folder_for(name_or_path)
        self.name = self.folder.name

    def __repr__(self) -> str:
        return f"Profile({str(self.folder)!r})"

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX

    def exists(self) -> bool:
        return self.index_path.is_file()

    def examples(self) -> list[Example]:
        """Every Example, oldest first. Raises ProfileError if the index is damaged."""
        if not self.exists():
            if self.folder.exists() and not self.folder.is_dir():
                raise ProfileError(f"profile {self.folder} is a file, not a folder")
            return []
        try:
            index = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ProfileError(f"profile {self.name}: {INDEX} is damaged ({_reason(error)})") from None
        return parse_index(index, where=f"profile {self.name}: {INDEX}")

    def images(self, examples: Sequence[Example] | None = None) -> NDArray[np.float32]:
        """float32 (n, 28, 28), ink 1 on paper 0: the examples' images, in order.

        Raises ProfileError naming the first missing or damaged image.
        """
        examples = self.examples() if examples is None else examples
        images = [read_example(self.folder / e.file, f"profile {self.name}: {e.file}") for e in examples]
        return np.stack(images) if images else np.zeros((0, SIZE, SIZE), np.float32)

    def strokes(self, example: Example) -> list[list[tuple[float, float]]] | None:
        """The strokes `example` was drawn with ([(x, y), ...] polylines in canvas px), or None if it has none.

        Raises ProfileError naming a missing or damaged strokes file.
        """
        if example.strokes is None:
            return None
        where = f"profile {self.name}: {example.strokes}"
        try:
            with open(self.folder / example.strokes, "rb") as file:
                data = file.read(MAX_STROKES_BYTES + 1)  # a bigger one is refused unread
        except OSError as error:
            raise ProfileError(f"{where}: {_reason(error)}") from None
        return parse_strokes(data, where)

    def add(
        self,
        model_input: NDArray[np.floating],
        label: int,
        source: str = "api",
        strokes: Strokes | None = None,
    ) -> Example:
        """Store one example (model_input: float (28, 28) in [0, 1], ink 1) and return its Example.

        strokes: how it was drawn ([(x, y), ...] polylines in canvas px), kept beside it; None (or no points):
        none. Raises ProfileError, storing nothing, for strokes no drawn digit has (see `encode_strokes`).
        """
        label = check_label(label)
        if source not in SOURCES:
            raise ProfileError(f"unknown example source {source!r}; one of {', '.join(SOURCES)}")
        name = os.urandom(16).hex()  # 32 random hex digits
        drawn = None if strokes is None else encode_strokes(strokes, f"the strokes of a new example of {label}")
        example = Example(f"{name}.png", label, _now(), source, None if drawn is None else name + STROKES_SUFFIX)
        with self.lock():
            examples = self.examples()  # re-read under the lock: another process may have added some
            try:
                with atomic_path(self.folder / example.file) as tmp:
                    to_png(model_input).save(tmp, format="PNG")
                if drawn is not None and example.strokes is not None:
                    with atomic_path(self.folder / example.strokes) as tmp:
                        tmp.write_bytes(drawn)
                self._write_index([*examples, example])  # the index last: it names only files in place
            except BaseException:  # no index entry, so no files either: the folder stays as it was
                self._unlink([example])
                raise
        return example

    def remove(self, ids: Iterable[str]) -> list[Example]:
        """Delete the examples with these ids; returns those that were there."""
        ids = set(ids)
        with self.lock():
            examples = self.examples()
            gone = [e for e in examples if e.id in ids]
            self._write_index([e for e in examples if e.id not in ids])  # the index first: never a dangling entry
            self._unlink(gone)
        return gone

    def undo(self) -> Example | None:
        """Delete the newest example and return it (None if there is none)."""
        examples = self.examples()
        return self.remove([examples[-1].id])[0] if examples else None

    def reset(self) -> int:
        """Delete every example (the folder and its empty index stay). Returns how many there were."""
        return len(self.remove([e.id for e in self.examples()]))

    def reset_keeping_copy(self) -> tuple[int, Path | None]:
        """Forget every example, as `reset`, having first written them to a zip in `backups_root()`
        that `import_archive` takes back. Returns (how many were forgotten, the zip's Path); (0, None)
        and nothing written if there were none."""
        with self.lock():
            examples = self.examples()
            if not examples:
                return 0, None
            backup = _backup_path(self.name, "reset")
            self.export_archive(backup)  # checks every file first: on any failure nothing is forgotten
            self._write_index([])  # the index first: never a dangling entry
            self._unlink(examples)
        return len(examples), backup

    def delete(self) -> tuple[int, Path]:
        """Remove the profile, having first written its examples to a zip in `backups_root()` that
        `import_archive` takes back. Its index goes first (from then on the profile does not exist),
        then its images, strokes and lock; its folder too, unless something else is in it. Returns (how
        many examples it held, the zip's Path)."""
        with self.lock():
            examples = self.examples()
            backup = _backup_path(self.name, "deleted")
            self.export_archive(backup)
            self.index_path.unlink()
            self._unlink(examples)
        (self.folder / ".lock").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # files of someone else's in the folder stay, and the folder too
            self.folder.rmdir()
        return len(examples), backup

    def lock(self) -> "_Lock":
        """A lock on this profile, held across processes (a `with` block)."""
        import filelock

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProfileError(f"cannot write profile {self.folder}: {_reason(error)}") from None
        return _Lock(filelock.FileLock(str(self.folder / ".lock"), timeout=LOCK_TIMEOUT_S), self.name)

    def _write_index(self, examples: Sequence[Example]) -> None:
        with atomic_path(self.index_path) as tmp:
            tmp.write_text(_index_text(self.name, examples), encoding="utf-8")

    def _unlink(self, examples: Iterable[Example]) -> None:
        """Delete these examples' files (those that are there)."""
        for example in examples:
            for name in example.files:
                (self.folder / name).unlink(missing_ok=True)

    def export_archive(self, dest: str | Path) -> int:
        """Write the profile as one zip (its index, images and strokes) to `dest`, atomically."""
        import zipfile  # here: every start of the app would pay 10 ms for it at the top

        examples = self.examples()
        for example in examples:  # check every file before writing anything
            read_example(self.folder / example.file, f"profile {self.name}: {example.file}")
            self.strokes(example)
        with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(INDEX, _index_text(self.name, examples))
            for example in examples:
                for name in example.files:
                    archive.write(self.folder / name, name)
        return len(examples)


def _index_text(name: str, examples: Sequence[Example]) -> str:
    index = {"format": FORMAT, "name": name, "examples": [e.entry() for e in examples]}
    return json.dumps(index, indent=1) + "\n"


def backups_root() -> Path:
    """Where `reset_keeping_copy` and `delete` keep what they removed: a folder in `profiles_root()`
    that no profile name can be ('.' first)."""
    return profiles_root() / ".backups"


def _backup_path(name: str, why: str) -> Path:
    """A new file in `backups_root()`: NAME-<UTC time>-<why>.zip, a number added if it is taken."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        path = backups_root() / f"{name}-{stamp}-{why}{'' if n == 1 else f'-{n}'}.zip"
        if not path.exists():
            return path
    raise ProfileError(f"too many backups of profile {name} this second in {backups_root()}")


def import_archive(path: str | Path, name: str | Path | None = None) -> tuple[Profile, int]:
    """Add the examples of a profile archive (with their strokes) to the profile `name` (default: the
    name inside it).

    Examples already there (the same file) are skipped. Returns (Profile, examples added).
    Raises ProfileError, having written nothing, if any part of the archive is unacceptable.
    """
    index, files = read_archive(path)
    if name is None:  # the archive's own name: a plain name, never a path someone else chose
        name = index.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise ProfileError(f"{path}: the archive names no usable profile ({str(name)[:40]!r}); give a name")
    profile = Profile(name)
    incoming = parse_index(index, where=f"{path}: {INDEX}")
    with profile.lock():
        examples = profile.examples()
        have = {e.file for e in examples}
        new = [e for e in incoming if e.file not in have]
        try:
            for example in new:
                for file in example.files:
                    with atomic_path(profile.folder / file) as tmp:
                        tmp.write_bytes(files[file])
            profile._write_index([*examples, *new])
        except BaseException:
            profile._unlink(new)
            raise
    return profile, len(new)


def read_archive(path: str | Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(index dict, {file name: its bytes}) from a profile archive, every part checked: the images
    as example PNGs, the strokes as a drawn digit's (`parse_strokes`)."""
    import zipfile  # here: see export_archive

    path = Path(path)
    try:
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise ProfileError(f"{path}: too large for a profile archive (over {MAX_ARCHIVE_BYTES:,} bytes)")
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such file") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise ProfileError(f"{path}: not a profile archive ({_reason(error)})") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > 2 * MAX_EXAMPLES + 1:  # an image and its strokes an example, and the index
            raise ProfileError(f"{path}: too many files for a profile archive ({len(entries)})")
        for entry in entries:
            # Only the profile's own flat file names: no folders, no '..', no absolute paths.
            name = entry.filename
            if name != INDEX and not EXAMPLE_FILE.fullmatch(name) and not STROKES_FILE.fullmatch(name):
                raise ProfileError(
                    f"{path}: unexpected entry {name!r} (a profile holds only "
                    f"{INDEX}, <32 hex digits>.png and <32 hex digits>{STROKES_SUFFIX})"
                )
            limit = MAX_STROKES_BYTES if STROKES_FILE.fullmatch(name) else MAX_ENTRY_BYTES
            if entry.file_size > limit:
                raise ProfileError(f"{path}: {name} is too large ({entry.file_size:,} bytes; at most {limit:,})")
        try:
            index = json.loads(archive.read(INDEX).decode("utf-8"))
            files = {e.filename: archive.read(e) for e in entries if e.filename != INDEX}
        except KeyError:
            raise ProfileError(f"{path}: no {INDEX} in the archive") from None
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError, RuntimeError) as error:
            raise ProfileError(f"{path}: damaged archive ({_reason(error)})") from None
    examples = parse_index(index, where=f"{path}: {INDEX}")
    for example in examples:
        for file in example.files:
            if file not in files:
                raise ProfileError(f"{path}: {file} is in the index but not in the archive")
    for file, data in files.items():  # every one, named in the index or not: a hostile file is refused
        if STROKES_FILE.fullmatch(file):
            parse_strokes(data, f"{path}: {file}")
    for example in examples:
        read_example(io.BytesIO(files[example.file]), f"{path}: {example.file}")
    return index, files


def parse_index(index: Any, where: str) -> list[Example]:
    """The Examples of an index dict; ProfileError (naming `where`) if it is not a valid index."""
    if not isinstance(index, dict) or index.get("format") != FORMAT or not isinstance(index.get("examples"), list):
        raise ProfileError(f"{where} is damaged (not a format-{FORMAT} profile index)")
    examples = []
    for number, entry in enumerate(index["examples"], 1):
        try:
            example = Example(**entry)
            valid = (
                isinstance(example.file, str)
                and EXAMPLE_FILE.fullmatch(example.file)
                and example.label == check_label(example.label)
                and example.source in SOURCES
                and isinstance(example.time, str)
                # An example's strokes are its own, named for it: never another file of the folder.
                and (example.strokes is None or example.strokes == example.id + STROKES_SUFFIX)
            )
        except (TypeError, ProfileError):
            valid = False
        if not valid:
            raise ProfileError(f"{where} is damaged (example {number}: {json.dumps(entry)[:80]})")
        examples.append(example)
    if len({e.file for e in examples}) != len(examples):
        raise ProfileError(f"{where} is damaged (an example is listed twice)")
    return examples


def encode_strokes(strokes: Strokes, where: str) -> bytes | None:
    """The strokes file's bytes for these strokes ([(x, y), ...] polylines): JSON, each coordinate to
    0.01 px, empty strokes left out; None if there is no point. Raises ProfileError (naming `where`) for
    strokes `parse_strokes` would refuse: what is written can always be read back."""
    try:
        drawing = [[[round(float(x), 2), round(float(y), 2)] for x, y in stroke] for stroke in strokes if len(stroke)]
    except (TypeError, ValueError, OverflowError):
        raise ProfileError(f"{where}: not strokes ([(x, y), ...] polylines)") from None
    if not drawing:
        return None
    try:
        data = json.dumps(drawing, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except ValueError:  # NaN or infinite
        raise ProfileError(f"{where}: a coordinate is not a number (NaN or infinite)") from None
    parse_strokes(data, where)
    return data


def parse_strokes(data: bytes, where: str) -> list[list[tuple[float, float]]]:
    """An example's strokes from its file's bytes: [[[x, y], ...], ...] JSON -> [[(x, y), ...], ...].

    Raises ProfileError (one line, naming `where`) for anything a drawn digit is not: over
    MAX_STROKES_BYTES, not JSON of that shape, no strokes or an empty one, over MAX_STROKES strokes
    or MAX_STROKE_POINTS points, a coordinate not finite or beyond stroke_files.MAX_COORDINATE.
    """
    if len(data) > MAX_STROKES_BYTES:
        raise ProfileError(f"{where}: too large for a digit's strokes (over {MAX_STROKES_BYTES:,} bytes)")
    try:
        strokes = json_strokes(data, where)  # the shape, checked as a strokes file's is
    except StrokeFileError as error:
        raise ProfileError(str(error)) from None
    if not strokes or not all(strokes):
        raise ProfileError(f"{where}: not a digit's strokes (no strokes, or one without points)")
    if len(strokes) > MAX_STROKES:
        raise ProfileError(f"{where}: too many strokes for a digit ({len(strokes):,}; at most {MAX_STROKES:,})")
    points = sum(map(len, strokes))
    if points > MAX_STROKE_POINTS:
        raise ProfileError(f"{where}: too many points for a digit ({points:,}; at most {MAX_STROKE_POINTS:,})")
    if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for stroke in strokes for point in stroke for v in point):
        raise ProfileError(f"{where}: a coordinate is not a number (NaN or infinite) or too large")
    return strokes


def read_example(source: str | Path | IO[bytes], where: str) -> NDArray[np.float32]:
    """float32 (28, 28), ink 1 on paper 0, from an example PNG (a path or a file object)."""
    try:
        image = open_image(source, max_pixels=SIZE * SIZE)  # a bigger one is refused undecoded
    except ImageError as error:
        raise ProfileError(f"{where}: {str(error).removeprefix(f'{source}: ')}") from None
    if image.size != (SIZE, SIZE):
        raise ProfileError(f"{where}: not an example image (must be {SIZE}x{SIZE}; got {image.width}x{image.height})")
    return (1 - np.asarray(image.convert("L"), np.float32) / 255).astype(np.float32, copy=False)


def to_png(model_input: NDArray[np.floating]) -> Image.Image:
    """A Pillow "L" image of a model input (float (28, 28) in [0, 1], ink 1): dark ink on white."""
    model_input = np.asarray(model_input, np.float32)
    if model_input.shape != (SIZE, SIZE):
        raise ProfileError(f"an example must be {SIZE}x{SIZE} (got {model_input.shape})")
    return Image.fromarray(((1 - np.clip(model_input, 0, 1)) * 255).round().astype(np.uint8))


def count_examples(count: int) -> str:
    """ "1 example", "3 examples"."""
    return f"{count} example{'' if count == 1 else 's'}"


def check_label(label: object) -> int:
    """`label` as an int, if it is a digit 0-9; ProfileError if not."""
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise ProfileError(f"a label is a digit 0-9 (got {label!r})")
    return int(label)


class _Lock:
    """filelock's lock, with a timeout that says which profile is busy."""

    def __init__(self, lock: Any, name: str) -> None:
        self._lock, self._name = lock, name

    def __enter__(self) -> "_Lock":
        import filelock

        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise ProfileError(f"profile {self._name} is busy: another digitrec is writing to it") from None
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._lock.release()


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
