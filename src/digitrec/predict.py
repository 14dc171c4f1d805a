"""`digitrec predict`: recognise image files, folders and patterns; print the answers or write a table.

On the terminal: one line (or JSON object) per answered file on stdout, as it is
answered, and one line per failure on stderr. With --csv or --jsonl: one row a
file, failures included, each flushed as soon as it is written, so an interrupt
or a crash leaves every finished row in the file, and --resume reads only the
files not in it yet. A bad file never stops the run; the exit status says
whether any failed. Progress and the summary go to stderr, never into the rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import time
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from digitrec import batch
from digitrec.batch import FileName, ProfileGiven, Row
from digitrec.errors import DigitrecError, UsageError
from digitrec.profile import count_examples
from digitrec.recognize import DigitResult, NumberResult

SHOWN_FAILURES = 10  # failures the summary names; the rest are counted, their rows say why
PROGRESS_DELAY_S = 1.0  # the progress bar appears only for a run longer than this


def predict_files(
    inputs: Sequence[FileName],
    model: FileName | None = None,
    number: bool = False,
    top: int = 1,
    as_json: bool = False,
    profile: ProfileGiven | None = None,
    csv_path: str | None = None,
    jsonl_path: str | None = None,
    resume: bool = False,
    force: bool = False,
    jobs: int = 1,
    quiet: bool = False,
) -> int:
    """Recognise every image that `inputs` name (see `batch.find_images`); returns the exit status.

    Output: csv_path or jsonl_path (a file, or "-" for stdout), else lines (as_json: JSON objects)
    on the terminal. resume: skip the files already in that file and add the rest to it; force: write
    it afresh (without either, an existing file is a UsageError, and left as it is). jobs:
    processes answering at once (1: this one). profile: a profile (name, folder or Profile) to
    read with; one that cannot be read is reported in one line on stderr and the model answers
    alone. quiet: no progress bar, no summary.
    Returns 0 if every file was read, 1 if any failed (rows kept from before included), 130 if
    interrupted. Raises UsageError for options or inputs that cannot work, before any work.
    """
    output = choose_output(csv_path, jsonl_path, number, top, as_json, resume, force)
    batch.check_inputs(inputs)
    recognizer = batch.recognizer(model, profile)  # a bad model fails once, before any file
    if recognizer.profile_error:
        print(f"digitrec predict: warning: {recognizer.profile_error}", file=sys.stderr)
    elif recognizer.profile is not None:  # never hidden: which profile may decide answers
        examples = count_examples(len(recognizer.examples))
        print(f"digitrec predict: using profile {recognizer.profile.name}: {examples}", file=sys.stderr)
        output.profile_name = recognizer.profile.name
    if isinstance(output, RowFile) and output.done and not quiet:
        print(
            f"digitrec predict: resuming {output.dest}: {count_files(len(output.done))} already in it", file=sys.stderr
        )
    show_bar = not quiet and sys.stderr.isatty()

    def paths() -> Iterable[str]:  # walked twice when the bar shows: counted first, so that it can say the time left
        return not_done(batch.find_images(inputs), output.done)

    total = sum(1 for _ in paths()) if show_bar else None
    tally, started = Tally(), time.perf_counter()
    with output, progress_bar(total, show_bar) as bar:
        stopped = write_rows(batch.read_files(paths(), model, number, profile, jobs), output, bar, tally)
    if stopped is not None:
        return stopped
    if not quiet and (output.is_file or (sys.stderr.isatty() and tally.files > 1)):
        print(tally.summary(time.perf_counter() - started, output), file=sys.stderr)
    return 1 if tally.failed or output.failed_before else 0


def write_rows(rows: Generator[Row], output: Output, bar: Bar, tally: Tally) -> int | None:
    """Write each row as it comes; returns None when all are written, or the exit status of a run cut short."""
    try:
        with contextlib.closing(rows):  # stops the workers, however the loop ends
            for row in rows:
                output.write(row, bar)
                tally.add(row)
                bar.update()
    except KeyboardInterrupt:
        bar.close()
        print(f"digitrec predict: interrupted after {count_files(tally.files)}{output.resume_hint()}", file=sys.stderr)
        return 130
    except DigitrecError as error:  # a worker died, the disk is full: the rows written so far stay
        raise DigitrecError(f"{error}{output.resume_hint()}") from None
    return None


def choose_output(
    csv_path: str | None,
    jsonl_path: str | None,
    number: bool,
    top: int,
    as_json: bool,
    resume: bool,
    force: bool = False,
) -> Output:
    dest = csv_path or jsonl_path
    if csv_path and jsonl_path:
        raise UsageError("give --csv or --jsonl, not both")
    if as_json and (csv_path or jsonl_path):
        raise UsageError("--json prints to the terminal; for a file give --jsonl FILE (or --jsonl - for stdout)")
    if resume and not (csv_path or jsonl_path):
        raise UsageError("--resume continues a --csv or --jsonl file: name it")
    if resume and "-" in (csv_path, jsonl_path):
        raise UsageError("--resume needs a file to read back, not stdout (-)")
    if force and resume:
        raise UsageError("give --resume (continue the file) or --force (start it again), not both")
    if force and not dest:
        raise UsageError("--force starts a --csv or --jsonl file again: name it")
    # Never overwritten unasked: forgetting --resume after Ctrl-C would lose every finished row.
    if dest and dest != "-" and not (resume or force) and os.path.lexists(dest) and not os.path.isdir(dest):
        raise UsageError(f"{dest} exists: --resume to continue it, --force to start again")
    if csv_path:
        return CsvFile(csv_path, number, top, resume)
    if jsonl_path:
        return JsonlFile(jsonl_path, number, top, resume)
    return Terminal(number, top, as_json)


def not_done(paths: Iterable[str], done: set[str] | frozenset[str]) -> Iterable[str]:
    if not done:
        return paths
    return (path for path in paths if os.path.normpath(path) not in done)


def count_files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


class Bar(Protocol):
    """What the rows' writers ask of a progress bar: tqdm's, or NoBar."""

    def update(self, n: float | None = 1) -> bool | None: ...

    def close(self) -> None: ...

    def write(self, s: str, file: IO[str]) -> None: ...


@contextlib.contextmanager
def progress_bar(total: int | None, shown: bool) -> Generator[Bar]:
    """A tqdm bar on stderr (files done, files/s, time left), or one that shows nothing."""
    if not shown:
        yield NoBar()
        return
    from tqdm import tqdm  # imported only for a terminal: `predict one.png` starts sooner

    with tqdm(
        total=total, unit="file", file=sys.stderr, delay=PROGRESS_DELAY_S, dynamic_ncols=True, leave=False
    ) as bar:
        yield bar


class NoBar:
    def update(self, n: float | None = 1) -> None:
        pass

    def close(self) -> None:
        pass

    @staticmethod
    def write(s: str, file: IO[str]) -> None:
        print(s, file=file)


class Tally:
    """What the summary says: files read, not sure, failed (the first few named)."""

    def __init__(self) -> None:
        self.files = self.not_sure = self.failed = 0
        self.failures: list[tuple[str, str]] = []  # (path, error) of the first SHOWN_FAILURES

    def add(self, row: Row) -> None:
        self.files += 1
        if row.error is not None:
            self.failed += 1
            if len(self.failures) < SHOWN_FAILURES:
                self.failures.append((row.path, row.error))
        elif not _answer(row).confident:
            self.not_sure += 1

    def summary(self, seconds: float, output: Output) -> str:
        lines = [
            f"digitrec predict: {count_files(self.files)} in {seconds:.1f} s "
            f"({self.files / max(seconds, 1e-9):.1f} files/s): {self.files - self.failed} answered "
            f"({self.not_sure} not sure), {self.failed} failed"
        ]
        if isinstance(output, RowFile):
            lines += [f"  {path}: {error}" for path, error in self.failures]
            if self.failed > len(self.failures):
                lines.append(f"  and {self.failed - len(self.failures)} more: {output.where_errors}")
            if output.done:
                lines.append(
                    f"  with the {count_files(len(output.done))} from before "
                    f"({output.failed_before} failed), {output.dest} holds "
                    f"{count_files(len(output.done) + self.files)}"
                )
        return "\n".join(lines)


class Terminal:
    """Lines (or JSON objects) for answered files on stdout; one line per failure on stderr."""

    is_file = False
    done: frozenset[str] = frozenset()
    failed_before = 0
    profile_name: str | None = None  # the profile read with, named where one of its examples decided an answer

    def __init__(self, number: bool, top: int, as_json: bool) -> None:
        self.number, self.top, self.as_json = number, top, as_json

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False

    def write(self, row: Row, bar: Bar) -> None:
        if row.error is not None:
            bar.write(f"digitrec predict: error: {row.path}: {row.error}", file=sys.stderr)
        else:
            bar.write(
                json.dumps(to_dict(row, self.number, self.top))
                if self.as_json
                else to_line(row, self.number, self.top, self.profile_name),
                file=sys.stdout,
            )
            sys.stdout.flush()  # each answer shows as it comes, in a pipe too

    def resume_hint(self) -> str:
        return ""


class RowFile:
    """Rows written to a file (or stdout, "-"), each flushed at once; with resume, the rows
    already in the file are read back first (`done`: their paths) and the new ones added."""

    is_file = True
    profile_name: str | None = None  # a row says in its own cell whether an example decided it
    where_errors: str  # where the summary sends a reader for the failures it does not name
    file: IO[str]

    def __init__(self, dest: str, number: bool, top: int, resume: bool) -> None:
        self.dest, self.number, self.top = dest, number, top
        self.done: set[str] = set()
        self.failed_before = 0
        self._keep: int | None = None  # bytes of complete rows to keep when resuming; None: write afresh
        if resume:
            self._read_back()

    def read_rows(self, text: str) -> None:
        """Take in the rows of a file being resumed (its complete rows' text)."""
        raise NotImplementedError

    def start(self, fresh: bool) -> None:
        """Begin writing the open file (fresh: nothing is in it)."""
        raise NotImplementedError

    def write_row(self, row: Row) -> None:
        raise NotImplementedError

    def _read_back(self) -> None:
        try:
            data = Path(self.dest).read_bytes()
        except FileNotFoundError:
            return  # nothing done yet: start afresh
        except OSError as error:
            raise DigitrecError(f"cannot read {self.dest}: {error.strerror or error}") from None
        # A crash can cut the last row short; it is dropped (and its file read again).
        self._keep = data.rfind(b"\n") + 1
        self.read_rows(data[: self._keep].decode("utf-8", "surrogateescape"))

    def finished(self, path: str, error: str | None) -> None:
        self.done.add(os.path.normpath(path))
        self.failed_before += bool(error)

    def __enter__(self) -> RowFile:
        if self.dest == "-":
            self.file = sys.stdout
        else:
            try:
                os.makedirs(os.path.dirname(self.dest) or ".", exist_ok=True)  # as the other commands' --out
                if self._keep is not None:
                    os.truncate(self.dest, self._keep)
                self.file = open(
                    self.dest,
                    "w" if self._keep is None else "a",
                    newline="",
                    encoding="utf-8",
                    errors="surrogateescape",
                )
            except OSError as error:
                raise DigitrecError(f"cannot write {self.dest}: {error.strerror or error}") from None
        self.start(fresh=not self._keep)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.file is not sys.stdout:
            self.file.close()
        return False

    def write(self, row: Row, bar: Bar) -> None:
        try:
            self.write_row(row)
            self.file.flush()
        except BrokenPipeError:
            raise
        except OSError as error:  # a full disk, say
            raise DigitrecError(f"cannot write {self.dest}: {error.strerror or error}") from None

    def resume_hint(self) -> str:
        if self.dest == "-":
            return ""
        return f"; {self.dest} holds every finished row: the same command with --resume reads the rest"


class CsvFile(RowFile):
    """Columns: path, answer, confidence, not_sure, [digit_confidences, digit_top | topK...], error."""

    def __init__(self, dest: str, number: bool, top: int, resume: bool) -> None:
        self.columns = csv_columns(number, top)
        super().__init__(dest, number, top, resume)
        self.where_errors = f"see the error column of {dest}"

    def read_rows(self, text: str) -> None:
        rows = csv.reader(io.StringIO(text))
        header = next(rows, None)
        if header is None:
            return
        if header != self.columns:
            raise UsageError(
                f"{self.dest} holds other columns ({','.join(header)}) than these options write: "
                "resume with the options it was written with, or write a new file"
            )
        for line, row in enumerate(rows, start=2):
            if len(row) != len(self.columns):
                raise UsageError(f"{self.dest}: line {line} is not a row of `digitrec predict`")
            self.finished(row[0], row[-1])

    def start(self, fresh: bool) -> None:
        self.writer = csv.writer(self.file, lineterminator="\n")
        if fresh:
            self.writer.writerow(self.columns)

    def write_row(self, row: Row) -> None:
        self.writer.writerow(csv_row(row, self.number, self.top))


class JsonlFile(RowFile):
    """One JSON object a line: --json's, with "error" (null, or why the file failed)."""

    def __init__(self, dest: str, number: bool, top: int, resume: bool) -> None:
        super().__init__(dest, number, top, resume)
        self.where_errors = f"see the rows with an error in {dest}"

    def read_rows(self, text: str) -> None:
        for line, entry in enumerate(text.splitlines(), start=1):
            try:
                record = json.loads(entry)
                path, error = record["file"], record.get("error")
            except (ValueError, KeyError, TypeError):
                raise UsageError(f"{self.dest}: line {line} is not a row of `digitrec predict`") from None
            if error is None and ("number" in record) != self.number:
                raise UsageError(
                    f"{self.dest} was written {'without' if self.number else 'with'} --number: "
                    "resume with the options it was written with, or write a new file"
                )
            self.finished(path, error)

    def start(self, fresh: bool) -> None:
        pass

    def write_row(self, row: Row) -> None:
        self.file.write(json.dumps(json_record(row, self.number, self.top)) + "\n")


Output = Terminal | RowFile  # where the answers go


def csv_columns(number: bool, top: int) -> list[str]:
    columns = ["path", "answer", "confidence", "not_sure"]
    if number:
        columns += ["digit_confidences"] + (["digit_top"] if top > 1 else [])
        columns += ["from_profile", "model_answer", "model_digit_confidences"]
    else:
        if top > 1:
            columns += [name for k in range(1, top + 1) for name in (f"top{k}", f"top{k}_confidence")]
        columns += ["from_profile", "model_digit", "model_confidence", "digit_groups"]
    return [*columns, "error"]


def csv_row(row: Row, number: bool, top: int) -> list[Any]:
    """A Row as CSV cells: a number's confidence is its least sure digit's; probabilities to 4 places;
    yes/no for booleans; a number's per-digit cells apart by spaces, its digits in order."""
    if row.error is not None:
        return [row.path] + [""] * (len(csv_columns(number, top)) - 2) + [row.error]
    result = _answer(row)
    not_sure = "no" if result.confident else "yes"
    if not number:
        assert isinstance(result, DigitResult)  # read as a digit
        tops = [cell for d, p in result.top(top) for cell in (d, f"{p:.4f}")] if top > 1 else []
        own = [_yes_no(result.from_profile), result.model_digit, f"{result.model_confidence:.4f}", row.digit_groups]
        return [row.path, result.digit, f"{result.confidence:.4f}", not_sure, *tops, *own, ""]
    assert isinstance(result, NumberResult)  # read as a number
    digits = result.digits
    cells = [
        row.path,
        result.text,
        f"{min(d.confidence for d in digits):.4f}",
        not_sure,
        " ".join(f"{d.confidence:.4f}" for d in digits),
    ]
    if top > 1:  # each digit's K likeliest, "d:p/d:p", digits apart by spaces as in digit_confidences
        cells.append(" ".join("/".join(f"{k}:{p:.4f}" for k, p in d.top(top)) for d in digits))
    cells += [
        " ".join(_yes_no(d.from_profile) for d in digits),
        "".join(str(d.model_digit) for d in digits),
        " ".join(f"{d.model_confidence:.4f}" for d in digits),
    ]
    return [*cells, ""]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def json_record(row: Row, number: bool, top: int) -> dict[str, Any]:
    if row.error is not None:
        return {"file": row.path, "error": row.error}
    return {**to_dict(row, number, top), "error": None}


def to_line(row: Row, number: bool, top: int, profile_name: str | None = None) -> str:
    """The terminal's line for an answered Row: the answer, its confidence, whether a profile's example
    decided it (and what the model alone said), the K likeliest, "not sure", and a hint if an image
    read as a digit seems to hold several."""
    result = _answer(row)
    if number:
        assert isinstance(result, NumberResult)  # read as a number
        per_digit = " ".join(f"{d.confidence * 100:.1f}" for d in result.digits)
        decided = [(i, d) for i, d in enumerate(result.digits, 1) if d.from_profile]
        from_profile = ", ".join(f"digit {i}: {_model_alone(d)}" for i, d in decided)
        from_profile = f"; from your profile {profile_name!r} ({from_profile})" if decided else ""
        line = f"{row.path}: {result.text}  (per digit: {per_digit}%{from_profile})"
        if top > 1:  # each digit's K likeliest, digits apart by " | "
            line += "  top: " + " | ".join(_likeliest(d, top) for d in result.digits)
    else:
        assert isinstance(result, DigitResult)  # read as a digit
        from_profile = f", from your profile {profile_name!r}; {_model_alone(result)}" if result.from_profile else ""
        line = f"{row.path}: {result.digit}  ({result.confidence:.1%}{from_profile})"
        if top > 1:
            line += "  top: " + _likeliest(result, top)
    if not result.confident:
        line += "  not sure"
    if (row.digit_groups or 0) > 1:
        line += f"{';' if not result.confident else ' '} looks like {row.digit_groups} digits: try --number"
    return line


def _model_alone(digit: DigitResult) -> str:
    return f"model alone: {digit.model_digit} {digit.model_confidence:.1%}"


def _likeliest(digit: DigitResult, top: int) -> str:
    return ", ".join(f"{d} {p:.1%}" for d, p in digit.top(top))


def to_dict(row: Row, number: bool, top: int) -> dict[str, Any]:
    """The JSON object of an answered Row (`--json`, `--jsonl`)."""
    result = _answer(row)
    if number:
        assert isinstance(result, NumberResult)  # read as a number
        return {
            "file": str(row.path),
            "number": result.text,
            "confident": result.confident,
            "digits": [digit_dict(d, top) for d in result.digits],
        }
    assert isinstance(result, DigitResult)  # read as a digit
    return {"file": str(row.path), **digit_dict(result, top), "digit_groups": row.digit_groups}


def _answer(row: Row) -> DigitResult | NumberResult:
    assert row.result is not None  # a row without an error has its answer
    return row.result


def digit_dict(result: DigitResult, top: int) -> dict[str, Any]:

    return {
        "digit": result.digit,
        "confidence": round(result.confidence, 4),
        "confident": result.confident,
        "from_profile": result.from_profile,
        "model_digit": result.model_digit,
        "model_confidence": round(result.model_confidence, 4),
        "top": [{"digit": d, "probability": round(p, 4)} for d, p in result.top(top)],
        "probabilities": [round(float(p), 4) for p in result.probabilities],
        "box": list(result.box),
    }
