"""digitrec: handwritten digit recognition, from MNIST training to a drawing app.

`import digitrec` is cheap: TensorFlow is imported only when a model is needed.
"""

__version__ = "0.1.0"
