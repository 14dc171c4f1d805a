"""A person's handwriting profile: the digits they taught digitrec, kept as files they can read.

    <user data folder>/profiles/<name>/      (or any folder given as a path)
        index.json     {"format": 1, "examples": [{"file": "<32 hex>.png", "label": 7,
                                                    "time": "2026-12-01T19:40:00+00:00", "source": "correction"}]}
        <32 hex>.png   one example: the digit as the model saw it, 28x28 grey, dark ink on white

Every write takes the profile's lock, re-reads the index, writes each file to a
temporary name and renames it into place, the index last: an interrupted write
leaves the profile as it was, and two processes adding at once both keep their
examples. A damaged index or image raises ProfileError (one line) and nothing
is written over it.

Profiles travel as one zip of the same files (`export_archive`, `import_archive`);
`reset_keeping_copy` and `delete` write one to `backups_root()` first, so that
an import undoes them.
Importing reads only PNGs and JSON (no code), and refuses names that are not
the profile's own, oversized archives and images, and images that are not
28x28 grey.
"""

import contextlib
import dataclasses
import datetime
import io
import json
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image

from digitrec.errors import DigitrecError
from digitrec.files import atomic_path
from digitrec.image import ImageError, open_image

PROFILES_ENV = "DIGITREC_PROFILES"  # where profiles live, if not in the user data folder
DEFAULT_NAME = "default"
FORMAT = 1
INDEX = "index.json"
SIZE = 28  # examples are model inputs
SOURCES = ("correction", "teach", "kept", "api", "import")  # "kept": an answer the person kept (the window)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
EXAMPLE_FILE = re.compile(r"[0-9a-f]{32}\.png")
# Limits for an archive from someone else: far above any real profile (an example is ~300 bytes).
MAX_ARCHIVE_BYTES = 20_000_000
MAX_EXAMPLES = 10_000
MAX_ENTRY_BYTES = 1_000_000
LOCK_TIMEOUT_S = 10


class ProfileError(DigitrecError):
    """A profile that cannot be read or written as asked."""


@dataclasses.dataclass(frozen=True)
class Example:
    """One taught digit: its image file (in the profile folder), the digit, when, and how it was taught."""

    file: str
    label: int
    time: str
    source: str

    @property
    def id(self):
        return self.file[: -len(".png")]


def profiles_root():
    """The folder holding the named profiles: $DIGITREC_PROFILES, else <user data folder>/profiles."""
    if os.environ.get(PROFILES_ENV):
        return Path(os.environ[PROFILES_ENV])
    import platformdirs

    return platformdirs.user_data_path("digitrec", appauthor=False) / "profiles"


def folder_for(name_or_path):
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


def list_profiles():
    """The named profiles that exist, by name."""
    root = profiles_root()
    if not root.is_dir():
        return []
    return [Profile(path) for path in sorted(root.iterdir()) if (path / INDEX).is_file()]


class Profile:
    """One profile folder (it need not exist yet: an absent profile has no examples)."""

    def __init__(self, name_or_path):
        self.folder = folder_for(name_or_path)
        self.name = self.folder.name

    def __repr__(self):
        return f"Profile({str(self.folder)!r})"

    @property
    def index_path(self):
        return self.folder / INDEX

    def exists(self):
        return self.index_path.is_file()

    def examples(self):
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

    def images(self, examples=None):
        """float32 (n, 28, 28), ink 1 on paper 0: the examples' images, in order.

        Raises ProfileError naming the first missing or damaged image.
        """
        examples = self.examples() if examples is None else examples
        images = [read_example(self.folder / e.file, f"profile {self.name}: {e.file}") for e in examples]
        return np.stack(images) if images else np.zeros((0, SIZE, SIZE), np.float32)

    def add(self, model_input, label, source="api"):
        """Store one example (model_input: float (28, 28) in [0, 1], ink 1) and return its Example."""
        label = check_label(label)
        if source not in SOURCES:
            raise ProfileError(f"unknown example source {source!r}; one of {', '.join(SOURCES)}")
        example = Example(f"{os.urandom(16).hex()}.png", label, _now(), source)  # 32 random hex digits
        with self.lock():
            examples = self.examples()  # re-read under the lock: another process may have added some
            with atomic_path(self.folder / example.file) as tmp:
                to_png(model_input).save(tmp, format="PNG")
            try:
                self._write_index([*examples, example])
            except BaseException:  # no index entry, so no image either: the folder stays as it was
                (self.folder / example.file).unlink(missing_ok=True)
                raise
        return example

    def remove(self, ids):
        """Delete the examples with these ids; returns those that were there."""
        ids = set(ids)
        with self.lock():
            examples = self.examples()
            gone = [e for e in examples if e.id in ids]
            self._write_index([e for e in examples if e.id not in ids])  # the index first: never a dangling entry
            for example in gone:
                (self.folder / example.file).unlink(missing_ok=True)
        return gone

    def undo(self):
        """Delete the newest example and return it (None if there is none)."""
        examples = self.examples()
        return self.remove([examples[-1].id])[0] if examples else None

    def reset(self):
        """Delete every example (the folder and its empty index stay). Returns how many there were."""
        return len(self.remove([e.id for e in self.examples()]))

    def reset_keeping_copy(self):
        """Forget every example, as `reset`, having first written them to a zip in `backups_root()`
        that `import_archive` takes back. Returns (how many were forgotten, the zip's Path); (0, None)
        and nothing written if there were none."""
        with self.lock():
            examples = self.examples()
            if not examples:
                return 0, None
            backup = _backup_path(self.name, "reset")
            self.export_archive(backup)  # checks every image first: on any failure nothing is forgotten
            self._write_index([])  # the index first: never a dangling entry
            for example in examples:
                (self.folder / example.file).unlink(missing_ok=True)
        return len(examples), backup

    def delete(self):
        """Remove the profile, having first written its examples to a zip in `backups_root()` that
        `import_archive` takes back. Its index goes first (from then on the profile does not exist),
        then its images and lock; its folder too, unless something else is in it. Returns (how many
        examples it held, the zip's Path)."""
        with self.lock():
            examples = self.examples()
            backup = _backup_path(self.name, "deleted")
            self.export_archive(backup)
            self.index_path.unlink()
            for example in examples:
                (self.folder / example.file).unlink(missing_ok=True)
        (self.folder / ".lock").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # files of someone else's in the folder stay, and the folder too
            self.folder.rmdir()
        return len(examples), backup

    def lock(self):
        """A lock on this profile, held across processes (a `with` block)."""
        import filelock

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProfileError(f"cannot write profile {self.folder}: {_reason(error)}") from None
        return _Lock(filelock.FileLock(str(self.folder / ".lock"), timeout=LOCK_TIMEOUT_S), self.name)

    def _write_index(self, examples):
        index = {"format": FORMAT, "name": self.name, "examples": [dataclasses.asdict(e) for e in examples]}
        with atomic_path(self.index_path) as tmp:
            tmp.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")

    def export_archive(self, dest):
        """Write the profile as one zip (its index and images) to `dest`, atomically."""
        import zipfile  # here: every start of the app would pay 10 ms for it at the top

        examples = self.examples()
        for example in examples:  # check every image before writing anything
            read_example(self.folder / example.file, f"profile {self.name}: {example.file}")
        index = {"format": FORMAT, "name": self.name, "examples": [dataclasses.asdict(e) for e in examples]}
        with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(INDEX, json.dumps(index, indent=1) + "\n")
            for example in examples:
                archive.write(self.folder / example.file, example.file)
        return len(examples)


def backups_root():
    """Where `reset_keeping_copy` and `delete` keep what they removed: a folder in `profiles_root()`
    that no profile name can be ('.' first)."""
    return profiles_root() / ".backups"


def _backup_path(name, why):
    """A new file in `backups_root()`: NAME-<UTC time>-<why>.zip, a number added if it is taken."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        path = backups_root() / f"{name}-{stamp}-{why}{'' if n == 1 else f'-{n}'}.zip"
        if not path.exists():
            return path
    raise ProfileError(f"too many backups of profile {name} this second in {backups_root()}")


def import_archive(path, name=None):
    """Add the examples of a profile archive to the profile `name` (default: the name inside it).

    Examples already there (the same file) are skipped. Returns (Profile, examples added).
    Raises ProfileError, having written nothing, if any part of the archive is unacceptable.
    """
    index, images = read_archive(path)
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
                with atomic_path(profile.folder / example.file) as tmp:
                    tmp.write_bytes(images[example.file])
            profile._write_index([*examples, *new])
        except BaseException:
            for example in new:
                (profile.folder / example.file).unlink(missing_ok=True)
            raise
    return profile, len(new)


def read_archive(path):
    """(index dict, {file name: PNG bytes}) from a profile archive, every part checked."""
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
        if len(entries) > MAX_EXAMPLES + 1:
            raise ProfileError(f"{path}: too many files for a profile archive ({len(entries)})")
        for entry in entries:
            # Only the profile's own flat file names: no folders, no '..', no absolute paths.
            if entry.filename != INDEX and not EXAMPLE_FILE.fullmatch(entry.filename):
                raise ProfileError(
                    f"{path}: unexpected entry {entry.filename!r} (a profile holds only "
                    f"{INDEX} and <32 hex digits>.png)"
                )
            if entry.file_size > MAX_ENTRY_BYTES:
                raise ProfileError(f"{path}: {entry.filename} is too large ({entry.file_size:,} bytes)")
        try:
            index = json.loads(archive.read(INDEX).decode("utf-8"))
            images = {e.filename: archive.read(e) for e in entries if e.filename != INDEX}
        except KeyError:
            raise ProfileError(f"{path}: no {INDEX} in the archive") from None
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError, RuntimeError) as error:
            raise ProfileError(f"{path}: damaged archive ({_reason(error)})") from None
    examples = parse_index(index, where=f"{path}: {INDEX}")
    for example in examples:
        if example.file not in images:
            raise ProfileError(f"{path}: {example.file} is in the index but not in the archive")
        read_example(io.BytesIO(images[example.file]), f"{path}: {example.file}")
    return index, images


def parse_index(index, where):
    """The Examples of an index dict; ProfileError (naming `where`) if it is not a valid index."""
    if not isinstance(index, dict) or index.get("format") != FORMAT or not isinstance(index.get("examples"), list):
        raise ProfileError(f"{where} is damaged (not a format-{FORMAT} profile index)")
    examples = []
    for number, entry in enumerate(index["examples"], 1):
        try:
            example = Example(**entry)
            valid = (
                EXAMPLE_FILE.fullmatch(example.file)
                and example.label == check_label(example.label)
                and example.source in SOURCES
                and isinstance(example.time, str)
            )
        except (TypeError, ProfileError):
            valid = False
        if not valid:
            raise ProfileError(f"{where} is damaged (example {number}: {json.dumps(entry)[:80]})")
        examples.append(example)
    if len({e.file for e in examples}) != len(examples):
        raise ProfileError(f"{where} is damaged (an example is listed twice)")
    return examples


def read_example(source, where):
    """float32 (28, 28), ink 1 on paper 0, from an example PNG (a path or a file object)."""
    try:
        image = open_image(source, max_pixels=SIZE * SIZE)  # a bigger one is refused undecoded
    except ImageError as error:
        raise ProfileError(f"{where}: {str(error).removeprefix(f'{source}: ')}") from None
    if image.size != (SIZE, SIZE):
        raise ProfileError(f"{where}: not an example image (must be {SIZE}x{SIZE}; got {image.width}x{image.height})")
    return 1 - np.asarray(image.convert("L"), np.float32) / 255


def to_png(model_input):
    """A Pillow "L" image of a model input (float (28, 28) in [0, 1], ink 1): dark ink on white."""
    model_input = np.asarray(model_input, np.float32)
    if model_input.shape != (SIZE, SIZE):
        raise ProfileError(f"an example must be {SIZE}x{SIZE} (got {model_input.shape})")
    return Image.fromarray(((1 - np.clip(model_input, 0, 1)) * 255).round().astype(np.uint8))


def count_examples(count):
    """ "1 example", "3 examples"."""
    return f"{count} example{'' if count == 1 else 's'}"


def check_label(label):
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label <= 9:
        raise ProfileError(f"a label is a digit 0-9 (got {label!r})")
    return int(label)


class _Lock:
    """filelock's lock, with a timeout that says which profile is busy."""

    def __init__(self, lock, name):
        self._lock, self._name = lock, name

    def __enter__(self):
        import filelock

        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise ProfileError(f"profile {self._name} is busy: another digitrec is writing to it") from None
        return self

    def __exit__(self, *exc):
        self._lock.release()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _reason(error):
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
