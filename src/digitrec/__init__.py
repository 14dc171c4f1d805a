"""digitrec: handwritten digit recognition, from MNIST training to a drawing app.

    from digitrec import Recognizer
    Recognizer().digit(image).digit

`import digitrec` is cheap: TensorFlow is imported only when a model loads.
"""

from digitrec.recognize import DigitResult, NumberResult, Recognizer

__all__ = ["Recognizer", "DigitResult", "NumberResult"]
__version__ = "0.1.0"
