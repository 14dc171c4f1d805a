"""Writing files so that an interrupted run never leaves a half-written one."""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from digitrec.errors import DigitrecError


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; rename it onto `dest` only if the block succeeds.

    The temporary name keeps `dest`'s suffix, since Keras and matplotlib pick the
    format from it. On any failure the temporary file is removed and `dest` is untouched.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{dest.stem}.", suffix=dest.suffix)
    except OSError as error:
        raise DigitrecError(f"cannot write {dest}: {error.strerror or error}") from None
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the result should not be
    try:
        yield Path(tmp)
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text(dest: str | os.PathLike[str], text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text)


def check_writable(dest: str | os.PathLike[str]) -> None:
    """Fail now, before any long work, if `dest` could not be written later."""
    dest = Path(dest)
    if dest.is_dir():
        raise DigitrecError(f"cannot write {dest}: it is a folder")
    folder = dest.parent if str(dest.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise DigitrecError(f"cannot write {dest}: {error.strerror or error}") from None


def _umask() -> int:

    mask = os.umask(0)
    os.umask(mask)
    return mask
