"""Specification of `digitrec.data`: where MNIST comes from, and what is trusted.

Downloads go to real HTTP servers on 127.0.0.1 that serve the real MNIST files
(or damaged copies of them); nothing in urllib is mocked.
"""

import gzip
import hashlib
import socket

import numpy as np
import pytest
from conftest import find_mnist

from digitrec.data import DATA_ENV, FILES, DataError, load_mnist, parse_idx

MNIST = find_mnist()
if MNIST is None:
    pytest.skip(
        f"the four MNIST *-ubyte.gz files were found neither in ${DATA_ENV} nor in ../shared/data/mnist",
        allow_module_level=True,
    )

LABELS = "t10k-labels-idx1-ubyte"  # the smallest file: the one the mirror tests download


# ---------------------------------------------------------------- helpers


def flipped(data):
    """Same length, same gzip header, every later byte wrong."""
    return data[:10] + bytes(b ^ 0xFF for b in data[10:])


def is_verified(path):
    stem = path.name.removesuffix(".gz")
    return hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest() == FILES.get(stem)


def download(cache, *mirror_urls):
    return load_mnist(data_dir=None, cache_dir=cache, mirrors=mirror_urls)


def assert_same_arrays(got, expected):
    for a, b in zip(got[0] + got[1], expected[0] + expected[1]):
        assert a.dtype == b.dtype and np.array_equal(a, b)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def gz():
    """stem -> the bytes of the shared `<stem>.gz`, read once."""
    return {stem: (MNIST / f"{stem}.gz").read_bytes() for stem in FILES}


@pytest.fixture(scope="session")
def reference():
    """MNIST as loaded from the shared folder, once."""
    return load_mnist(data_dir=MNIST)


@pytest.fixture
def served(gz):
    """The real files under the names the mirrors use."""
    return {f"{stem}.gz": data for stem, data in gz.items()}


@pytest.fixture
def dead_url():
    """A mirror URL on a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture(autouse=True)
def no_data_folder(monkeypatch):
    """No data folder from the environment, and no proxy between us and 127.0.0.1."""
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


@pytest.fixture
def cache_without_labels(cache, gz):
    """A cache holding every verified file except LABELS."""
    cache.mkdir()
    for stem, data in gz.items():
        if stem != LABELS:
            (cache / f"{stem}.gz").write_bytes(data)
    return cache


# ---------------------------------------------------------------- an explicit folder


def test_a_folder_of_gzipped_files_loads_as_uint8_arrays_of_mnist_shapes(reference):
    (x_train, y_train), (x_test, y_test) = reference
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def test_a_folder_of_uncompressed_idx_files_loads_the_same_arrays(tmp_path, gz, reference):
    for stem, data in gz.items():
        (tmp_path / stem).write_bytes(gzip.decompress(data))
    assert_same_arrays(load_mnist(data_dir=tmp_path), reference)


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda gz: np.random.default_rng(0).bytes(4096), id="random-bytes"),
        pytest.param(lambda gz: gz["train-labels-idx1-ubyte"], id="another-mnist-file"),
        pytest.param(lambda gz: gz[LABELS][: len(gz[LABELS]) // 2], id="truncated-gzip"),
        pytest.param(lambda gz: flipped(gz[LABELS]), id="corrupted-gzip"),
    ],
)
def test_a_folder_with_a_wrong_file_is_rejected_naming_that_file(tmp_path, gz, wrong):
    for stem, data in gz.items():
        (tmp_path / f"{stem}.gz").write_bytes(wrong(gz) if stem == LABELS else data)
    with pytest.raises(DataError) as error:
        load_mnist(data_dir=tmp_path)
    assert str(tmp_path / f"{LABELS}.gz") in str(error.value)
    assert "\n" not in str(error.value)


def test_a_folder_missing_a_file_is_rejected_naming_what_is_missing(tmp_path, gz):
    for stem, data in gz.items():
        if stem != LABELS:
            (tmp_path / f"{stem}.gz").write_bytes(data)
    with pytest.raises(DataError, match=LABELS):
        load_mnist(data_dir=tmp_path)


# ---------------------------------------------------------------- download and cache


def test_a_download_fills_the_cache_with_verified_files_and_is_not_repeated(mirror, served, cache, gz, reference):
    good = mirror(served)
    assert_same_arrays(download(cache, good.url), reference)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{stem}.gz" for stem in FILES)
    assert all(is_verified(p) for p in cache.iterdir())
    assert len(good.requests) == 4

    assert_same_arrays(download(cache, good.url), reference)
    assert len(good.requests) == 4  # the second load came from the cache


def test_a_mirror_that_is_down_is_skipped_for_the_next(mirror, served, cache_without_labels, dead_url, gz):
    good = mirror(served)
    (_, _), (_, y_test) = download(cache_without_labels, dead_url, good.url)
    assert good.requests == [f"/mnist/{LABELS}.gz"]
    assert (cache_without_labels / f"{LABELS}.gz").read_bytes() == gz[LABELS]
    assert y_test.shape == (10000,)


def test_a_mirror_serving_a_corrupt_file_is_skipped_and_nothing_corrupt_is_cached(
    mirror, served, cache_without_labels, gz
):
    corrupt = mirror({name: flipped(data) for name, data in served.items()})
    good = mirror(served)
    download(cache_without_labels, corrupt.url, good.url)
    assert corrupt.requests == good.requests == [f"/mnist/{LABELS}.gz"]
    assert len(list(cache_without_labels.iterdir())) == 4
    assert all(is_verified(p) for p in cache_without_labels.iterdir())


def test_a_connection_dropped_mid_file_fails_and_leaves_no_file_in_the_cache(mirror, served, cache):
    dropping = mirror(served, drop_midway=True)
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        download(cache, dropping.url)
    assert list(cache.iterdir()) == []  # no partial file, no .part file


def test_when_every_mirror_fails_the_error_says_how_to_provide_the_files(mirror, cache):
    missing = [mirror({}), mirror({})]
    with pytest.raises(DataError) as error:
        download(cache, *(m.url for m in missing))
    message = str(error.value)
    assert DATA_ENV in message and "HTTP 404" in message and "\n" not in message
    assert all(len(m.requests) == 1 for m in missing)


def test_a_corrupted_cached_file_is_replaced_by_a_fresh_download(mirror, served, cache_without_labels, gz, reference):
    (cache_without_labels / f"{LABELS}.gz").write_bytes(flipped(gz[LABELS]))
    good = mirror(served)
    assert_same_arrays(download(cache_without_labels, good.url), reference)
    assert good.requests == [f"/mnist/{LABELS}.gz"]
    assert (cache_without_labels / f"{LABELS}.gz").read_bytes() == gz[LABELS]


# ---------------------------------------------------------------- parse_idx


def test_parse_idx_decodes_the_shape_its_header_declares():
    data = b"\0\0\x08\x02" + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes(range(6))
    assert parse_idx(data).tolist() == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"hello, world", id="text"),
        pytest.param(gzip.compress(b"\0\0\x08\x01\0\0\0\x01\x07"), id="still-gzipped"),
        pytest.param(b"\0\0\x0d\x01\0\0\0\x01" + bytes(4), id="floats-not-bytes"),
        pytest.param(b"\0\0\x08\x03\0\0\0\x02", id="truncated-header"),
        pytest.param(b"\0\0\x08\x01\0\0\0\x05abc", id="fewer-values-than-declared"),
    ],
)
def test_parse_idx_rejects_bytes_that_are_not_idx(data):
    with pytest.raises(DataError):
        parse_idx(data)
