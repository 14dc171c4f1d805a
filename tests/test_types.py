"""The package's type information reaches its users (PEP 561)."""

from pathlib import Path

import pytest

import digitrec

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_carries_a_py_typed_marker():
    # Without it, users' type checkers ignore every annotation in digitrec.
    assert (Path(digitrec.__file__).parent / "py.typed").is_file()


def test_the_py_typed_marker_is_shipped_in_the_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["digitrec"]
