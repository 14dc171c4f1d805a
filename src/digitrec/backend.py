"""TensorFlow and Keras, imported once and without their start-up log noise.

Every module that needs them imports them from here. TensorFlow's C++ start-up
lines are written before its logging is configured, so no log level hides
them; stderr is silenced at the file-descriptor level for the import alone, and
replayed if the import fails.
"""

import os
import sys
import tempfile
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # later C++ logs (e.g. 'no CUDA driver')
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_quietly() -> tuple[Any, Any]:
    """(tensorflow, keras), both Any to a type checker: neither ships type information."""

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras
            import tensorflow as tf

            tf.config.list_physical_devices()  # device discovery logs too; do it now
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return tf, keras


# Declared Any: neither ships type information, and so declared a checker takes `keras.layers.Layer` as a base class.
tf: Any
keras: Any
tf, keras = _import_quietly()
