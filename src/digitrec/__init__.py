"""digitrec: handwritten digit recognition, from MNIST training to a drawing app.

    from digitrec import Recognizer
    Recognizer().digit(image).digit

`import digitrec` is cheap, and never imports TensorFlow: answers run on ONNX Runtime.
"""

from digitrec.recognize import DigitResult, NumberResult, Recognizer

__all__ = ["DigitResult", "NumberResult", "Recognizer"]
__version__ = "0.1.0"
