"""digitrec's commands print only their own lines: no TensorFlow start-up noise."""

import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "digitrec", *args], capture_output=True, text=True, timeout=300)


def test_import_digitrec_does_not_import_tensorflow():
    code = "import sys, digitrec; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.slow
def test_a_failing_command_prints_one_line_and_nothing_from_tensorflow(tmp_path):
    result = run("evaluate", "--model", str(tmp_path / "missing.keras"))
    assert result.returncode == 1
    assert result.stderr == f"digitrec evaluate: error: model file {tmp_path / 'missing.keras'} does not exist\n"


def test_loading_the_model_prints_nothing_on_stderr(tmp_path):
    image = tmp_path / "blank.png"
    from PIL import Image, ImageDraw

    picture = Image.new("L", (100, 100), 255)
    ImageDraw.Draw(picture).line([(50, 10), (50, 90)], fill=0, width=8)
    picture.save(image)
    result = run("predict", str(image))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"{image}: 1")


def test_every_command_has_help():
    for command in ("train", "evaluate", "export", "predict"):
        result = run(command, "--help")
        assert result.returncode == 0 and "default" in result.stdout
