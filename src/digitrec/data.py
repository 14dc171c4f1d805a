"""MNIST as NumPy arrays: find the four IDX files, verify them, load them.

Sources, tried in order:
1. an explicit folder (`--data DIR` or the `DIGITREC_DATA` variable), which must
   hold all four files, gzipped or not;
2. the user's cache folder (filled by 3);
3. a download from public mirrors, tried in turn.

Every file is checked against the sha256 of its *decompressed* content before it
is used or cached, so a corrupt or truncated file is never trusted.
"""

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import platformdirs
from numpy.typing import NDArray

from digitrec.errors import DigitrecError

DATA_ENV = "DIGITREC_DATA"

# File stem -> sha256 of the decompressed IDX file (LeCun, Cortes & Burges).
FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

# Each serves `<stem>.gz` for every stem above.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

DOWNLOAD_TIMEOUT_S = 30
CHUNK_BYTES = 64 * 1024


class DataError(DigitrecError):
    """MNIST could not be found, verified or downloaded."""


Split = tuple[NDArray[np.uint8], NDArray[np.uint8]]  # (images (n, 28, 28) in 0..255, labels (n,) in 0..9)


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: Sequence[str] = MIRRORS,
) -> tuple[Split, Split]:
    """Load MNIST like `keras.datasets.mnist.load_data()`.

    Returns ((x_train, y_train), (x_test, y_test)): images uint8 in 0..255 of
    shape (60000, 28, 28) and (10000, 28, 28), labels uint8 in 0..9 of shape
    (60000,) and (10000,).
    """
    data_dir = data_dir or os.environ.get(DATA_ENV)
    if data_dir:
        content = {stem: _read_from_folder(Path(data_dir), stem) for stem in FILES}
    else:
        cache = Path(cache_dir or default_cache_dir())
        content = {stem: _read_cached_or_download(cache, stem, mirrors) for stem in FILES}
    arrays = {stem: parse_idx(data) for stem, data in content.items()}
    return (
        (arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]),
        (arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]),
    )


def data_hashes() -> dict[str, str]:
    """The sha256 of each decompressed file, as recorded in model cards."""
    return dict(FILES)


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("digitrec")) / "mnist"


def parse_idx(data: bytes) -> NDArray[np.uint8]:
    """Decode an IDX file (bytes) into a uint8 array of the shape it declares."""
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 0x08:
        raise DataError("not an IDX file of unsigned bytes")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError("IDX file is shorter than its header")
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">u4"))
    array = np.frombuffer(data, dtype=np.uint8, offset=header)
    if array.size != int(np.prod(shape)):
        raise DataError(f"IDX file holds {array.size} values, its header says {shape}")
    return array.reshape(shape)


def _read_from_folder(folder: Path, stem: str) -> bytes:
    if not folder.is_dir():
        raise DataError(f"MNIST folder {folder} does not exist (set by --data or {DATA_ENV})")
    for path in (folder / f"{stem}.gz", folder / stem):
        if path.is_file():
            return _verified(path.read_bytes(), stem, source=path)
    raise DataError(f"{folder} has no {stem}[.gz]; it needs the four original MNIST IDX files")


def _read_cached_or_download(cache: Path, stem: str, mirrors: Sequence[str]) -> bytes:
    path = cache / f"{stem}.gz"
    if path.is_file():
        try:
            return _verified(path.read_bytes(), stem, source=path)
        except DataError:
            path.unlink()  # a damaged cache entry is simply fetched again
    return _download(cache, stem, mirrors)


def _verified(raw: bytes, stem: str, source: Path | str) -> bytes:
    """Return the decompressed content of `raw` if its sha256 is MNIST's."""
    try:
        content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{source} is not a valid gzip file ({error})") from None
    if hashlib.sha256(content).hexdigest() != FILES[stem]:
        raise DataError(f"{source} is not the original {stem} (sha256 mismatch)")
    return content


def _download(cache: Path, stem: str, mirrors: Sequence[str]) -> bytes:
    """Fetch `<stem>.gz` from the first mirror that serves a verified copy."""
    cache.mkdir(parents=True, exist_ok=True)
    failures = []
    for mirror in mirrors:
        url = f"{mirror}{stem}.gz"
        # Download beside the destination so the final rename is atomic.
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=f".{stem}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                _fetch(url, out)
            content = _verified(Path(tmp).read_bytes(), stem, source=url)
            os.replace(tmp, cache / f"{stem}.gz")
            return content
        except (OSError, DataError) as error:
            failures.append(f"{url}: {reason(error)}")
        finally:
            Path(tmp).unlink(missing_ok=True)
    raise DataError(
        f"could not download {stem} ({'; '.join(failures)}). "
        f"Offline? Put the four MNIST files (*-ubyte[.gz]) in a folder and set {DATA_ENV}=FOLDER or pass --data FOLDER"
    )


def _fetch(url: str, out: BinaryIO) -> None:
    """Stream `url` into the open file `out`, with a progress bar."""
    from keras.utils import Progbar  # only a download needs Keras here

    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        size = int(response.headers.get("Content-Length") or 0) or None
        print(f"Downloading {url}")
        bar = Progbar(size, unit_name="byte")
        done = 0
        while chunk := response.read(CHUNK_BYTES):
            out.write(chunk)
            done += len(chunk)
            bar.update(done)
        if size is not None and done != size:
            raise OSError(f"connection closed after {done} of {size} bytes")


def reason(error: BaseException) -> str:
    """Why a download failed, in a few words (also for the pen digits' downloads)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__
