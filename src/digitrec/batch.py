"""Reading many image and stroke files: folders and patterns to sorted paths, paths to rows, on every core.

    for path in find_images(["scans/", "extra/*.jpg", "one.png"]):   # sorted, lazily
        ...
    for row in read_files(paths, number=True, jobs=4):              # one Row a path, in order
        row.path, row.result, row.error       # a NumberResult (DigitResult without number), or why it failed

Nothing is collected: paths are walked one folder at a time and answered a
few hundred at a time, so memory stays flat however many files there are.
Each worker process answers with a recogniser of its own, one file at a time
(one thread per operation); `read_files` with jobs=1 answers in the calling
process, which is also what one task of a cluster (Dask, ...) runs.
"""

from __future__ import annotations

import collections
import dataclasses
import glob
import itertools
import os
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from numpy.typing import NDArray
from PIL import Image

from digitrec.errors import DigitrecError, UsageError
from digitrec.image import open_image, render_strokes
from digitrec.recognize import (
    DEFAULT_PEN_WIDTH,
    DigitResult,
    NoInkError,
    NumberResult,
    Recognizer,
    answer_one_at_a_time,
)
from digitrec.stroke_files import STROKE_SUFFIXES, is_stroke_file, on_canvas, read_strokes

if TYPE_CHECKING:  # for the checker alone: `profile_folder` imports it where it is used
    from digitrec.profile import Profile

FileName = str | os.PathLike[str]
ProfileGiven: TypeAlias = "str | os.PathLike[str] | Profile"  # a profile's name, its folder, or a Profile

# What counts as an image inside a folder or a pattern's matches (any case). A file named on
# the command line is read whatever its name.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pbm", ".pgm", ".ppm")
# ... and what else a folder or a pattern gives: drawings kept as strokes (InkML, JSON strokes).
SUFFIXES = IMAGE_SUFFIXES + STROKE_SUFFIXES
# Files per task sent to a worker: a task's trip between processes (pickling, pipes, the pool's
# bookkeeping: 0.1-0.3 ms, one-off timing) is a tenth of a file's work; a task of eight, about 1%.
CHUNK = 8
# Tasks waiting or running per worker: enough that no worker waits for the next while the
# oldest is handed back in order, few enough that memory does not grow with the input.
IN_FLIGHT_PER_WORKER = 4
# Fewer files than this are read in this process even with jobs > 1: starting a worker (its
# imports and model, about half a second) costs more than it saves on so few.
FEW_FILES = 100


@dataclasses.dataclass(frozen=True)
class Row:
    """One file's answer. result: a DigitResult, or a NumberResult when read as a number;
    None if the file failed, and then error says why in one line (without the path)."""

    path: str
    result: DigitResult | NumberResult | None = None
    error: str | None = None
    # Read as a digit: how many digit-sized groups of ink the image holds (`digit_groups`); more
    # than one says it may hold a number, read whole with number=True. None when read as a number.
    digit_groups: int | None = None


def available_cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def is_image_name(name: str) -> bool:
    """Whether a folder or a pattern gives this file: an image's or a stroke file's name (SUFFIXES)."""
    return name.lower().endswith(SUFFIXES)


def is_pattern(text: str) -> bool:
    """Whether `text` is a glob pattern (as the `glob` module reads one)."""
    return any(sign in text for sign in "*?[")


def find_images(inputs: Iterable[FileName]) -> Iterator[str]:
    """Yield the image paths (str) that `inputs` name, lazily, in order.

    inputs: paths of files, folders, or glob patterns ('scans/**/*.png'), in the order given.
    A file is yielded whatever its name (even if it does not exist: reading it says so); a
    folder gives its images and stroke files (SUFFIXES) at any depth, a pattern the images and folders
    it matches; both in sorted order, as paths sort (by folder, then name), hidden files
    and folders ('.name') left out, links to folders not followed inside a folder.
    """
    for given in map(str, inputs):
        if os.path.isdir(given):
            yield from _walk(given)
        elif os.path.lexists(given) or not is_pattern(given):
            yield given
        else:
            for match in sorted(glob.iglob(given, recursive=True), key=lambda p: Path(p).parts):
                if os.path.isdir(match):
                    yield from _walk(match)
                elif is_image_name(match):
                    yield match


def _walk(folder: str) -> Iterator[str]:
    """The images under `folder`, each level sorted by name: sorted as paths, and streamed."""
    try:
        with os.scandir(folder) as entries:
            found = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in entries if not e.name.startswith("."))
    except OSError:
        return  # an unreadable folder holds nothing we can read
    for name, is_folder in found:
        path = os.path.join(folder, name)
        if is_folder:
            yield from _walk(path)
        elif is_image_name(name):
            yield path


def check_inputs(inputs: Iterable[FileName]) -> None:
    """Raise UsageError, before any work, for an input that names nothing to read: a missing
    folder or other path (a missing image file is left to its row), a pattern matching no image,
    a folder holding none."""
    for given in map(str, inputs):
        if not os.path.lexists(given) and not is_pattern(given):
            if is_image_name(given):
                continue  # a missing image file is its row's error, as any file that cannot be read
            raise UsageError(f"{given}: no such file or folder")
        if next(find_images([given]), None) is not None:
            continue
        if os.path.isdir(given):
            raise UsageError(f"{given}: no image files in this folder (looked for {', '.join(SUFFIXES)})")
        raise UsageError(f"{given}: no image file matches this pattern")


def read_one(recognizer: Recognizer, path: FileName, number: bool = False) -> Row:
    """The Row for one file: read as a digit, or as a number; a failure is the row's error.
    A stroke file's drawing stays strokes, fitted to the window's canvas, up to the recogniser."""
    path = str(path)
    try:
        if is_stroke_file(path):
            strokes = on_canvas(read_strokes(path), number)
            image = None if number else render_strokes(strokes, DEFAULT_PEN_WIDTH)  # only to count its digits
            result = recognizer.number_from_strokes(strokes) if number else recognizer.digit_from_strokes(strokes)
        else:
            image = open_image(path)
            result = recognizer.number(image) if number else recognizer.digit(image)
        if number:
            assert isinstance(result, NumberResult)  # read as a number
            if not result.digits:
                raise NoInkError("no ink found: the image is blank")
            return Row(path, result)
        assert image is not None  # read as a digit, a stroke file's drawing too
        return Row(path, result, digit_groups=digit_groups(image))
    except DigitrecError as error:
        message = str(error)
        return Row(path, error=message[len(path) + 2 :] if message.startswith(f"{path}: ") else message)
    except Exception as error:  # a bug met on one odd file must not stop a run of thousands: it is that file's row
        return Row(path, error=f"unexpected error, please report it ({type(error).__name__}: {error})")


def digit_groups(image: Image.Image | NDArray[Any]) -> int:
    """How many digit-sized groups of ink `image` (as for `Recognizer.digit`) holds, as a number is
    split into digits (`preprocess.split_digits`); two neighbours that may be one digit's strokes
    (`preprocess.staggered`: a '4' whose stem stands apart) count once. 0 for a blank image.

    It only counts: the digit is read as before, from all the ink. (The ink is found a second time
    for it; on 10,000 files, docs/performance.md#reading-many-files-python-benchbatchpy.)"""
    from digitrec import paper, preprocess
    from digitrec.recognize import as_pillow

    _, kept = preprocess.pieces(paper.to_ink(as_pillow(image)))
    groups = sorted(preprocess.group_pieces(kept), key=lambda group: min(box[1].start for _, box in group))
    return len(groups) - sum(bool(preprocess.staggered(a, b)) for a, b in itertools.pairwise(groups))


_recognizers: dict[tuple[str | None, str | None], Recognizer] = {}  # (model, profile folder) -> its Recognizer


def recognizer(model: FileName | None = None, profile: ProfileGiven | None = None) -> Recognizer:
    """This process's Recognizer for a model and profile (name, folder or Profile; None: the model
    alone), made and loaded on the first call and kept; the profile is read again at each call.

    Raises DigitrecError if the model cannot be used. It answers one file at a time, so recognisers
    made from now on in this process use one thread per operation (`recognize.answer_one_at_a_time`).
    """
    key = (str(model) if model else None, profile_folder(profile))
    if key in _recognizers:
        if profile is not None:
            _recognizers[key].reload_profile()  # examples learnt since the last call count
        return _recognizers[key]
    answer_one_at_a_time()
    _recognizers[key] = Recognizer(model, profile=key[1]).load()
    return _recognizers[key]


def profile_folder(profile: ProfileGiven | None) -> str | None:
    """The absolute folder (str) of a profile given as a name, folder or Profile; None for None.
    Absolute, as a relative one without a '/' ('alice') would read as a profile's name."""
    from digitrec.profile import Profile

    if profile is None:
        return None
    return str((profile if isinstance(profile, Profile) else Profile(profile)).folder.absolute())


def read_files(
    paths: Iterable[FileName],
    model: FileName | None = None,
    number: bool = False,
    profile: ProfileGiven | None = None,
    jobs: int = 1,
) -> Generator[Row]:
    """Yield a Row for each path of the iterable `paths`, in its order, as they are answered.

    model, profile: as for Recognizer (profile: name, folder or Profile; None: the model alone).
    jobs: processes answering at once, each with its own recogniser; 1 answers in this process
    (with `recognizer(model, profile)`). `paths` is read a few hundred ahead at most. A script
    using jobs > 1 must start from `if __name__ == "__main__":`, as for any multiprocessing.
    Raises DigitrecError if the model cannot be used or a worker process dies.
    """
    reader = recognizer(model, profile)  # here too with workers: a model that cannot be used fails once, now
    given = iter(paths)
    first = list(itertools.islice(given, FEW_FILES))
    every = itertools.chain(first, given)
    if jobs <= 1 or len(first) < FEW_FILES:
        for path in every:
            yield read_one(reader, path, number)
        return
    yield from _read_in_workers(every, model, number, profile_folder(profile), jobs)


def _read_in_workers(
    paths: Iterator[FileName], model: FileName | None, number: bool, profile: str | None, jobs: int
) -> Iterator[Row]:
    import concurrent.futures
    import multiprocessing

    # Not "fork": this process may have threads already (ONNX Runtime's, the progress bar's),
    # and a child forked from a process with threads can deadlock. A fork server forks
    # workers from a clean, single-threaded process (Python 3.14's default on Linux).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker, initargs=(model, profile)
    )
    # (first path, future of its task's rows) of the tasks sent, oldest first: rows go out in input order
    pending: collections.deque[tuple[FileName, Future[list[Row]]]] = collections.deque()
    try:
        for chunk in _chunks(paths, CHUNK):
            pending.append((chunk[0], pool.submit(_read_chunk, chunk, number)))
            if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                yield from _rows_of(*pending.popleft())
        while pending:
            yield from _rows_of(*pending.popleft())
    finally:  # also on an interrupt, or when the caller stops early: no work left behind
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(iterable: Iterator[FileName], size: int) -> Iterator[list[FileName]]:
    while chunk := list(itertools.islice(iterable, size)):
        yield chunk


def _rows_of(first_path: FileName, future: Future[list[Row]]) -> list[Row]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        raise DigitrecError(
            f"a worker process stopped (killed, or out of memory?) while reading {first_path} or a file soon after it"
        ) from None


_worker: Recognizer | None = None  # the worker process's Recognizer


def _start_worker(model: FileName | None, profile: str | None) -> None:
    """Make a worker process's recogniser (once: tasks reuse it)."""
    import signal

    import cv2

    global _worker
    # Ctrl-C reaches every process of the terminal's group: the parent stops the work and
    # writes what it has; a worker interrupted would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)  # the workers fill the cores; OpenCV's own threads would only contend
    answer_one_at_a_time()
    _worker = Recognizer(model, profile=profile).load()


def _read_chunk(paths: list[FileName], number: bool) -> list[Row]:
    assert _worker is not None  # made by _start_worker, the pool's initializer
    return [_travelling(read_one(_worker, path, number)) for path in paths]


def _travelling(row: Row) -> Row:
    """The row as it goes back to the parent: without each digit's 28x28 model input, which no
    output writes and which was most of a row's bytes to pickle (3 KB of a digit's 3.5)."""
    if row.result is None:
        return row
    light: DigitResult | NumberResult
    if isinstance(row.result, NumberResult):
        light = NumberResult([_without_input(d) for d in row.result.digits])
    else:
        light = _without_input(row.result)
    return dataclasses.replace(row, result=light)


def _without_input(result: DigitResult) -> DigitResult:
    # A DigitResult has a model input everywhere but in this copy, which only the outputs read (none reads it).
    return dataclasses.replace(result, model_input=None)  # type: ignore[arg-type]
