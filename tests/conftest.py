"""Shared fixtures: the real MNIST data, found where CI and the README put it; the bundled model; an X screen."""

import os
import shlex
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


def set_data_env(patch, mnist_dir):
    """Point $DIGITREC_DATA at MNIST and, unless set, $DIGITREC_PEN at the shared pen digits (skip without them)."""
    from digitrec.pendigits import PEN_ENV

    patch.setenv(DATA_ENV, str(mnist_dir))
    if not os.environ.get(PEN_ENV):
        if not (PEN_FOLDER / "pendigits-train.gz").is_file():
            pytest.skip(f"the pen digits are neither in ${PEN_ENV} nor in {PEN_FOLDER}")
        patch.setenv(PEN_ENV, str(PEN_FOLDER))


@pytest.fixture
def data_env(mnist_dir, monkeypatch):
    """Commands run in the test find MNIST (and the pen digits, which the default recipe trains
    on too) through the environment, as a user's would."""
    set_data_env(monkeypatch, mnist_dir)
    return mnist_dir


# The one run of `digitrec train` that the tests of what the command writes share (test_train.py,
# test_train_path.py, test_export.py): each such run trains, exports (a pass over all 70,000 MNIST
# digits) and trains a path model, a minute or more on 2 cores, so it is made once per session.
TRAIN_COMMAND = shlex.split("train --arch seed --train-size 500 --validation-size 500 --epochs 2 --seed 7")


@pytest.fixture(scope="session")
def trained_by_the_command(tmp_path_factory, mnist_dir):
    """`digitrec TRAIN_COMMAND --out m.keras`, run once for the session as a user runs it (MNIST and the pen
    digits found through the environment): the path of m.keras, with its card, curves, exports (.onnx,
    .inside.onnx) and path model beside it. Read-only: a test that changes a file copies it first."""
    from digitrec.cli import main

    out = tmp_path_factory.mktemp("trained-by-the-command") / "m.keras"
    with pytest.MonkeyPatch.context() as patch:
        set_data_env(patch, mnist_dir)
        assert main([*TRAIN_COMMAND, "--out", str(out)]) == 0
    return out


# A model shaped as the bundled one (the default architecture, members averaged), only smaller and
# barely trained, on MNIST alone: exporting the bundled five networks takes a minute and a half.
SMALL_ENSEMBLE = dict(arch="default", members=2, mnist_only=True, epochs=1, train_size=2000, validation_size=500)


@pytest.fixture(scope="session")
def small_ensemble(tmp_path_factory, mnist_dir):
    """A .keras model trained per SMALL_ENSEMBLE, once for the session, its card beside it: its path. Read-only."""
    from digitrec.config import TrainConfig
    from digitrec.train import train

    out = tmp_path_factory.mktemp("small") / "small.keras"
    train(TrainConfig(out=str(out), data_dir=str(mnist_dir), verbose=0, **SMALL_ENSEMBLE))
    return out


@pytest.fixture(scope="session")
def bundled_keras():
    """The bundled Keras model (five networks), loaded once: several tests compare against it."""
    return bundle.load_model()


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
