"""Shared fixtures: the real MNIST data, found where CI and the README put it; the bundled model; an X screen."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from digitrec import bundle
from digitrec.data import DATA_ENV, FILES, load_mnist

REPO_ROOT = Path(__file__).resolve().parents[1]


def find_mnist():
    """The folder holding the four MNIST .gz files: $DIGITREC_DATA, else ../shared/data/mnist."""
    for folder in (os.environ.get(DATA_ENV), REPO_ROOT.parent / "shared" / "data" / "mnist"):
        if folder and all((Path(folder) / f"{stem}.gz").is_file() for stem in FILES):
            return Path(folder)
    return None


@pytest.fixture(scope="session")
def mnist_dir():
    folder = find_mnist()
    if folder is None:
        pytest.fail(f"MNIST not found: set {DATA_ENV} to the folder of the four *-ubyte.gz files")
    return folder


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays."""
    return load_mnist(mnist_dir)


PEN_FOLDER = REPO_ROOT.parent / "shared" / "data" / "pendigits"


@pytest.fixture
def data_env(mnist_dir, monkeypatch):
    """Commands run in the test find MNIST (and the pen digits, which the default recipe trains
    on too) through the environment, as a user's would."""
    from digitrec.pendigits import PEN_ENV

    monkeypatch.setenv(DATA_ENV, str(mnist_dir))
    if not os.environ.get(PEN_ENV):
        if not (PEN_FOLDER / "pendigits-train.gz").is_file():
            pytest.skip(f"the pen digits are neither in ${PEN_ENV} nor in {PEN_FOLDER}")
        monkeypatch.setenv(PEN_ENV, str(PEN_FOLDER))
    return mnist_dir


@pytest.fixture(scope="session", autouse=True)
def never_the_users_folders(tmp_path_factory):
    """Profiles and settings in the session's own folders from the start, for the apps that fixtures of a
    module or session launch before a test's own folders below are set: the window learns the answers
    it keeps, and a test must never teach the real user's 'default' profile."""
    from digitrec.profile import PROFILES_ENV
    from digitrec.settings import CONFIG_ENV

    patch = pytest.MonkeyPatch()
    patch.setenv(PROFILES_ENV, str(tmp_path_factory.mktemp("session-profiles")))
    patch.setenv(CONFIG_ENV, str(tmp_path_factory.mktemp("session-config")))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def own_profiles(tmp_path_factory, monkeypatch):
    """Every test reads and writes handwriting profiles in a folder of its own, never the user's."""
    from digitrec.profile import PROFILES_ENV

    folder = tmp_path_factory.mktemp("profiles")
    monkeypatch.setenv(PROFILES_ENV, str(folder))
    return folder


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory, monkeypatch):
    """Every test reads and writes the window's settings (the Why? switch) in a folder of its own, never the
    user's; returns the settings file."""
    from digitrec.settings import CONFIG_ENV, FILE

    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv(CONFIG_ENV, str(folder))
    return folder / FILE


@pytest.fixture(scope="session")
def display():
    """A virtual 1366x768 X screen for the session; DISPLAY points at it while tests run."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb): the GUI tests need an X screen")
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display number and writes it once it accepts clients.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    patch = pytest.MonkeyPatch()
    patch.setenv("DISPLAY", f":{number}")
    yield f":{number}"
    patch.undo()
    server.terminate()
    server.wait()


@pytest.fixture(scope="session")
def model_path():
    path = bundle.bundled_model_path()
    if not path.is_file():
        pytest.skip(f"no bundled model at {path}: train one with `digitrec train --out {path}`")
    return path


@pytest.fixture
def mirror(monkeypatch):
    """Start local mirrors: mirror(files, drop_midway=False) -> local_mirror.Mirror; all shut down afterwards."""
    from local_mirror import Mirror

    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy set in the environment must not see them
    started = []

    def start(files, drop_midway=False):
        started.append(Mirror(files, drop_midway))
        return started[-1]

    yield start
    for m in started:
        m.close()
