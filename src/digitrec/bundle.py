"""Model files: where the bundled model lives, and loading any model safely.

Free of TensorFlow at import time; loading a model imports it.
"""

import json
import zipfile
from importlib import resources
from pathlib import Path

from digitrec.errors import DigitrecError

BUNDLED_NAME = "digitrec.keras"


def bundled_model_path():
    """The model shipped inside the package (trained by `digitrec train`)."""
    return Path(str(resources.files("digitrec") / "models" / BUNDLED_NAME))


def load_card(model_path=None):
    """The model card (dict) saved beside a model file as `<name>.json`, or None if there is none."""
    path = Path(model_path) if model_path else bundled_model_path()
    try:
        return json.loads(path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return None


def load_model(path=None):
    """Load a `.keras` model with Keras' safe mode (no arbitrary code); default: the bundled one.

    Raises DigitrecError with a one-line reason if the file is missing or not a usable model.
    """
    path = Path(path) if path else bundled_model_path()
    if path.is_dir():
        raise DigitrecError(f"{path} is a folder, not a model file")
    if not path.is_file():
        raise DigitrecError(f"model file {path} does not exist")
    if not zipfile.is_zipfile(path):  # a .keras model is a zip archive; say so plainly
        raise DigitrecError(f"{path} is not a Keras model file (.keras files are zip archives)")
    from digitrec import model  # noqa: F401  (registers digitrec's custom layers for loading)
    from digitrec.backend import keras

    try:
        net = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many types for a damaged file; all mean the same here
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DigitrecError(f"{path} is not a usable Keras model ({reason[:200]})") from None
    if tuple(net.input_shape[1:]) != (28, 28, 1) or tuple(net.output_shape[1:]) != (10,):
        raise DigitrecError(f"{path} is not a digit model: it maps {net.input_shape} to {net.output_shape}")
    return net
