"""Model files: where the bundled model lives, and loading any model safely.

A model is a `.keras` file (for training and evaluation, with TensorFlow)
and its export beside it, `.onnx` (for answers, with ONNX Runtime alone;
`digitrec export` makes it). Free of TensorFlow: only `load_model` imports it.
"""

import json
import os
from pathlib import Path
from typing import Any

from digitrec.errors import DigitrecError

# ONNX Runtime and Keras ship no type information: their objects are Any to a type checker. The names say
# which is meant wherever one is handed on.
Session = Any  # an onnxruntime.InferenceSession
KerasModel = Any  # a keras.Model
ModelPath = str | os.PathLike[str]  # a model file (.keras or .onnx); None in the functions below: the bundled one

BUNDLED_NAME = "digitrec.keras"
EXPORT_SUFFIX = ".onnx"
INSIDE_SUFFIX = ".inside.onnx"  # the network opened up, for the Why? view (`digitrec.inside`)


def bundled_model_path() -> Path:
    """The model shipped inside the package (trained by `digitrec train`)."""
    # Beside this file, not via importlib.resources: ONNX Runtime needs a real file anyway, and
    # the import of importlib.resources (with zipfile) cost 15 ms of each start.
    return Path(__file__).resolve().parent / "models" / BUNDLED_NAME


def exported_path(model_path: ModelPath | None = None) -> Path:
    """The exported (.onnx) file that answers for a model: the file itself if it is one,
    else the one beside it. Raises DigitrecError, saying how to make it, if there is none."""
    path = Path(model_path) if model_path else bundled_model_path()
    if path.suffix not in (".keras", EXPORT_SUFFIX) and path.is_file():
        raise DigitrecError(
            f"{path} is not a model file: give a .keras model (with its {EXPORT_SUFFIX} export "
            f"beside it) or the {EXPORT_SUFFIX} export"
        )
    exported = path if path.suffix == EXPORT_SUFFIX else path.with_suffix(EXPORT_SUFFIX)
    if exported.is_file():
        return exported
    if path.suffix != EXPORT_SUFFIX and path.is_file():
        raise DigitrecError(
            f"{path} has no exported model beside it ({exported.name}); make one with `digitrec export {path}`"
        )
    if path.is_dir():
        raise DigitrecError(f"{path} is a folder, not a model file")
    raise DigitrecError(f"model file {path} does not exist")


def inside_path(model_path: ModelPath | None = None) -> Path:
    """Where a model's opened-up network (`digitrec.inside`) lives: MODEL.inside.onnx beside MODEL.keras
    or MODEL.onnx (it may not exist)."""
    path = Path(model_path) if model_path else bundled_model_path()
    if path.name.endswith(INSIDE_SUFFIX):
        return path
    return path.with_name(path.stem + INSIDE_SUFFIX)


PATH_SUFFIX = ".path.onnx"  # the path model beside a picture model (`digitrec.train_path`)


def path_model_path(model_path: ModelPath | None = None) -> Path:
    """Where a picture model's path model lives: MODEL.path.onnx beside MODEL.keras or MODEL.onnx
    (it may not exist: then strokes are read by the picture alone)."""
    path = Path(model_path) if model_path else bundled_model_path()
    if path.name.endswith(PATH_SUFFIX):
        return path
    return path.with_name(path.name.removesuffix(EXPORT_SUFFIX).removesuffix(".keras") + PATH_SUFFIX)


def load_path_session(model_path: ModelPath | None = None, threads: int = 0) -> Session | None:
    """An ONNX Runtime session for the path model beside `model_path` (see `path_model_path`), or
    None if there is none. Raises DigitrecError if the file is there but is not a path model."""
    path = path_model_path(model_path)
    if not path.is_file():
        return None
    session = _session(path, threads)
    inputs = [(i.name, i.shape[1:]) for i in session.get_inputs()]
    if inputs != [("path", [64, 5])] or session.get_outputs()[0].name != "probabilities":
        raise DigitrecError(f"{path} is not a path model exported by digitrec: it reads {inputs}")
    return session


def load_session(model_path: ModelPath | None = None, threads: int = 0) -> Session:
    """An ONNX Runtime session for a model's exported file (see `exported_path`).

    threads: threads per operation (0: ONNX Runtime's choice, one a core). Raises
    DigitrecError with a one-line reason if the file is missing or not a digit model.
    """
    path = exported_path(model_path)
    session = _session(path, threads)
    inputs = [(i.name, i.shape[1:]) for i in session.get_inputs()]
    outputs = [(o.name, o.shape[1:]) for o in session.get_outputs()]
    if inputs != [("image", [28, 28, 1])] or outputs[:1] != [("probabilities", [10])]:
        raise DigitrecError(f"{path} is not a digit model exported by digitrec: it maps {inputs} to {outputs}")
    return session


def _session(path: Path, threads: int) -> Session:
    """An ONNX Runtime session for the file `path` on the CPU; DigitrecError (one line) if it cannot be made."""
    try:
        import onnxruntime
    except ImportError:
        raise DigitrecError("ONNX Runtime is not installed: pip install onnxruntime") from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3  # errors only: its warnings are not the user's business
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # ONNX Runtime raises its own types for damaged files
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DigitrecError(f"{path} is not a usable ONNX model ({reason[:200]})") from None


def load_card(model_path: ModelPath | None = None) -> dict[str, Any] | None:
    """The model card (dict) saved beside a model file as `<name>.json`, or None if there is none."""
    path = Path(model_path) if model_path else bundled_model_path()
    try:
        return json.loads(path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return None


def load_model(path: ModelPath | None = None) -> KerasModel:
    """Load a `.keras` model with Keras' safe mode (no arbitrary code); default: the bundled one.

    Raises DigitrecError with a one-line reason if the file is missing or not a usable model.
    """
    path = Path(path) if path else bundled_model_path()
    if path.is_dir():
        raise DigitrecError(f"{path} is a folder, not a model file")
    if not path.is_file():
        raise DigitrecError(f"model file {path} does not exist")
    import zipfile

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
