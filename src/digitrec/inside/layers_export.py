"""The network opened up, for the window's "Why?" view and `digitrec explain`: one network's layers'
outputs and the gradient of its scores, in an ONNX file of its own beside the model.

    digitrec export my.keras                # my.onnx, and my.inside.onnx beside it
    layers_export.export_file("my.keras")   # my.inside.onnx alone (e.g. again, for a new bundled model)

The file (`bundle.inside_path`) maps

- "image", float32 (n, 28, 28, 1) in [0, 1], and "weights", float32 (n, 10), to
- "logits", float32 (n, 10): the network's scores, its probabilities their softmax;
- "gradient", float32 (n, 28, 28, 1): d(sum_k weights[:, k] * logits[:, k]) / d image, so
  weights one-hot on a digit give how each pixel moves that digit's score, and
  one-hot minus one-hot how it moves one digit's score against another's;
- "layer1", ..., "layerK": what each stage of the network (a convolution with its
  batch norm and ReLU, a pooling, a hidden dense layer) outputs, float32 (n, h, w, c)
  or (n, c); its metadata "digitrec.layers" says, in JSON, what each is (name, shape, what it finds).

Why a file apart from the answering export (`digitrec.export`): that one stays as it is whatever
answers (one network, or several averaged), and the app loads this one only when the view is used.
It opens one network: `stages` takes a Keras Sequential network of digitrec's architectures
(`default` or `seed`), or of an ensemble its first member.

Why the backward pass is written out here instead of left to TensorFlow's autodiff: tf2onnx
cannot convert the ops autodiff makes (ReluGrad, and batch norm's), while this network's gradient
is made of what it can: transposed convolutions, per-channel scales, ReLU's masks, a matrix product.
The export checks it against autodiff (tf.GradientTape on the Keras network) and fails if they disagree.
"""

import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from digitrec import bundle, data, model
from digitrec.backend import keras, tf
from digitrec.errors import DigitrecError
from digitrec.export import TRAINING_ONLY, _need_export_tools, name_outputs
from digitrec.files import atomic_path

# Largest differences to Keras allowed at export, relative to the largest magnitude of each output:
# float32 sums in another order differ by ~1e-6 of it; a wrong stride or transpose by ~1.
MAX_RELATIVE_DIFFERENCE = 1e-3
# A ReLU whose input lies within float error of zero can take one side in ONNX Runtime and the other in
# TensorFlow; the gradient of that one digit then moves at a few pixels (1 digit in 500 of the bundled
# model's check: 9 pixels off by 0.0016). A wrong stride or transpose moves every digit's: so a share of
# the digits may differ, no more.
MAX_KINKED_SHARE = 0.01
CHECK_DIGITS = 500  # MNIST test digits the export is checked on (gradients for several targets each)
METADATA_KEY = "digitrec.layers"
OPSET = 17
SKIPPED = (keras.layers.Dropout, keras.layers.Flatten)  # nothing to show of them (Flatten is kept as a reshape)

# TensorFlow and Keras ship no type information: their objects are Any to a type checker; the names say which.
KerasModel = Any  # a keras.Model: a Sequential network, or an ensemble holding some
KerasLayer = Any  # a keras.layers.Layer
Tensor = Any  # a tf.Tensor
Session = Any  # an onnxruntime.InferenceSession (ONNX Runtime ships none either)
# One step of the network: (kind, its parameters), their form the kind's (see `stages`: NumPy arrays, a tuple, None).
Step = tuple[str, Any]
Label = dict[str, Any]  # a shown layer's label, as JSON: {"name", "kind", "shape", "what"} (see `_labels`)


# ---------------------------------------------------------------- the network, stage by stage


def stages(net: KerasModel) -> tuple[list[Step], list[int], list[Label]]:
    """The network as (steps, shown, labels): the steps [(kind, parameters)] in order, batch norm folded
    into a scale and shift; the indices of the steps whose outputs are shown; a label for each (`_labels`).

    kinds: "conv" (kernel, bias, strides, padding), "affine" (scale, shift), "relu", "pool" (size),
    "flatten", "dense" (weights, bias), "logits" (weights, bias: the last layer, its softmax and
    temperature left out). Raises DigitrecError for a layer it cannot open.
    """
    layers = [layer for layer in _one_network(net).layers if not isinstance(layer, TRAINING_ONLY)]
    temperature = 1.0
    if isinstance(layers[-1], model.Temperature):
        temperature = layers.pop().temperature
    *body, last = layers
    if not (isinstance(last, keras.layers.Dense) and last.get_config()["activation"] == "softmax"):
        raise DigitrecError("cannot open the model for the Why? view: it does not end in a softmax layer")
    steps: list[Step] = []
    shown: list[tuple[int, KerasLayer]] = []
    for layer in body:
        steps += _steps_of(layer)
        if _is_stage_end(layer):
            shown.append((len(steps) - 1, layer))
    weights, bias = last.get_weights()
    # softmax(log softmax(z) / t) = softmax(z / t): the temperature scales the scores, as in the answering export.
    steps.append(("logits", (weights / temperature, bias / temperature)))
    return steps, [i for i, _ in shown], _labels([layer for _, layer in shown], body)


def _one_network(net: KerasModel) -> KerasModel:
    """A Sequential network: `net` itself, or the first Sequential network it holds (an ensemble's member)."""
    if isinstance(net, keras.Sequential):
        return net
    members = [layer for layer in net.layers if isinstance(layer, keras.Sequential)]
    if not members:
        raise DigitrecError(
            "cannot open the model for the Why? view: it is not a Sequential network (pass one of its members)"
        )
    return members[0]


def _activation(layer: KerasLayer) -> list[Step]:
    activation = layer.get_config().get("activation", "linear")
    if activation not in ("linear", "relu"):
        raise DigitrecError(f"cannot open layer {layer.name} for the Why? view: activation {activation!r}")
    return [("relu", None)] if activation == "relu" else []


def _steps_of(layer: KerasLayer) -> list[Step]:
    """The steps of one Keras layer (see `stages`)."""
    if isinstance(layer, keras.layers.Conv2D):
        config = layer.get_config()
        if tuple(config["dilation_rate"]) != (1, 1) or config.get("groups", 1) != 1:
            raise DigitrecError(f"cannot open layer {layer.name} for the Why? view: dilated or grouped")
        kernel = layer.kernel.numpy()
        bias = layer.bias.numpy() if layer.bias is not None else np.zeros(kernel.shape[-1], np.float32)
        return [("conv", (kernel, bias, tuple(config["strides"]), config["padding"].upper())), *_activation(layer)]
    if isinstance(layer, keras.layers.BatchNormalization):
        gamma = layer.gamma.numpy() if layer.gamma is not None else 1.0
        beta = layer.beta.numpy() if layer.beta is not None else 0.0
        scale = gamma / np.sqrt(layer.moving_variance.numpy() + layer.epsilon)
        shift = beta - layer.moving_mean.numpy() * scale
        return [("affine", (np.asarray(scale, np.float32), np.asarray(shift, np.float32)))]
    if isinstance(layer, keras.layers.ReLU):
        config = layer.get_config()
        if config.get("max_value") is not None or config.get("negative_slope", 0) or config.get("threshold", 0):
            raise DigitrecError(f"cannot open layer {layer.name} for the Why? view: a ReLU with options")
        return [("relu", None)]
    if isinstance(layer, keras.layers.Activation):
        return _activation(layer)
    if isinstance(layer, keras.layers.MaxPooling2D):
        config = layer.get_config()
        if tuple(config["pool_size"]) != tuple(config["strides"]) or config["padding"] != "valid":
            raise DigitrecError(f"cannot open layer {layer.name} for the Why? view: overlapping pooling")
        return [("pool", tuple(config["pool_size"]))]
    if isinstance(layer, keras.layers.Flatten):
        return [("flatten", None)]
    if isinstance(layer, keras.layers.Dropout):
        return []
    if isinstance(layer, keras.layers.Dense):
        weights, bias = layer.get_weights()
        return [("dense", (weights, bias)), *_activation(layer)]
    raise DigitrecError(f"cannot open layer {layer.name} ({type(layer).__name__}) for the Why? view")


def _is_stage_end(layer: KerasLayer) -> bool:
    """Whether a layer's output is one to show: what a convolution (with its batch norm), a pooling or a
    hidden dense layer hands on, after its ReLU."""
    if isinstance(layer, (keras.layers.ReLU, keras.layers.MaxPooling2D)):
        return True
    if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense, keras.layers.Activation)):
        return layer.get_config().get("activation", "linear") != "linear"
    return False


# What a learner is told each kind of stage finds, by how deep it is (a share of the convolutions).
WHAT = [
    (0.0, "edges and bits of stroke"),
    (0.25, "pieces of strokes: curves, corners, ends"),
    (0.55, "parts of digits: loops, bars, hooks"),
]


def _labels(layers: list[KerasLayer], body: list[KerasLayer]) -> list[Label]:
    """One dict per output shown: name ("conv 3"), kind, shape [h, w, c] or [c], strides, what it finds."""
    convolutions = [layer for layer in body if isinstance(layer, keras.layers.Conv2D)]
    labels: list[Label] = []
    conv_number, dense_number = 0, 0
    source: KerasLayer = None  # the convolution the layers since come from
    for layer in body:
        if isinstance(layer, keras.layers.Conv2D):
            source = layer
        if layer not in layers:
            continue
        shape = [int(v) for v in layer.output.shape[1:]]
        if isinstance(layer, keras.layers.MaxPooling2D):
            name, kind, what = "pool", "pooling", "the strongest of each 2×2: half the size, the same channels"
        elif isinstance(layer, keras.layers.Dense):
            dense_number += 1
            name, kind, what = f"dense {dense_number}", "dense", "the features the answer is read from"
        else:
            conv_number += 1
            depth = convolutions.index(source) / len(convolutions)
            name, kind = f"conv {conv_number}", "convolution"
            what = (
                "the features the answer is read from"
                if shape[:2] == [1, 1]
                else [text for start, text in WHAT if depth >= start - 1e-9][-1]
            )
            if tuple(source.get_config()["strides"]) != (1, 1):
                what += " (stride 2: half the size)"
        labels.append({"name": name, "kind": kind, "shape": shape, "what": what})
    return labels


# ---------------------------------------------------------------- forward and backward, in TensorFlow ops


def forward_backward(steps: list[Step], image: Tensor, weights: Tensor) -> tuple[Tensor, Tensor, list[Tensor]]:
    """image float32 (n, 28, 28, 1), weights float32 (n, 10) -> (logits (n, 10), gradient (n, 28, 28, 1),
    the output of every step [(n, ...)]). The gradient of sum(weights * logits) by the image, worked
    out backwards through the steps with what each kept on the way forward."""
    outputs, kept, x = [], [], image
    for kind, parameters in steps:
        inputs = x
        if kind == "conv":
            kernel, bias, strides, padding = parameters
            x = tf.nn.conv2d(x, kernel, strides, padding) + bias
        elif kind == "affine":
            x = x * parameters[0] + parameters[1]
        elif kind == "relu":
            x = tf.nn.relu(x)
        elif kind == "pool":
            x = tf.nn.max_pool2d(x, parameters, parameters, "VALID")
        elif kind == "flatten":
            x = tf.reshape(x, (-1, int(np.prod(x.shape[1:]))))
        elif kind in ("dense", "logits"):
            x = tf.matmul(x, parameters[0]) + parameters[1]
        kept.append((inputs, x))
        outputs.append(x)
    logits = x
    gradient = weights
    for (kind, parameters), (inputs, out) in zip(reversed(steps), reversed(kept)):
        if kind == "conv":
            kernel, _, strides, padding = parameters
            # A convolution's gradient by its input is the transposed convolution with the same kernel.
            size = tf.stack([tf.shape(gradient)[0], *inputs.shape[1:]])
            gradient = tf.nn.conv2d_transpose(gradient, kernel, size, strides, padding)
        elif kind == "affine":
            gradient = gradient * parameters[0]
        elif kind == "relu":
            gradient = gradient * tf.cast(out > 0, tf.float32)
        elif kind == "pool":
            gradient = _unpool(gradient, inputs, parameters)
        elif kind == "flatten":
            gradient = tf.reshape(gradient, (-1, *inputs.shape[1:]))
        elif kind in ("dense", "logits"):
            gradient = tf.matmul(gradient, parameters[0], transpose_b=True)
    return logits, gradient, outputs


def _unpool(gradient: Tensor, inputs: Tensor, size: tuple[int, int]) -> Tensor:
    """A max pooling's gradient (n, h, w, c) -> by its input (n, H, W, c): each place's to the first
    pixel of its block that was the maximum, as TensorFlow's does (ties are common: flat ink)."""
    (_, height, width, channels), (ph, pw) = inputs.shape, size
    h, w = height // ph, width // pw
    blocks = tf.reshape(inputs[:, : h * ph, : w * pw], (-1, h, ph, w, pw, channels))
    blocks = tf.reshape(tf.transpose(blocks, (0, 1, 3, 5, 2, 4)), (-1, h, w, channels, ph * pw))
    first = tf.one_hot(tf.argmax(blocks, axis=-1), ph * pw)  # (n, h, w, c, ph * pw)
    spread = tf.reshape(first * gradient[..., None], (-1, h, w, channels, ph, pw))
    spread = tf.reshape(tf.transpose(spread, (0, 1, 4, 2, 5, 3)), (-1, h * ph, w * pw, channels))
    return tf.pad(spread, [[0, 0], [0, height - h * ph], [0, width - w * pw], [0, 0]])


def inside_function(net: KerasModel) -> tuple[Any, list[Label]]:
    """A tf.function of the opened network: (image, weights) -> [logits, gradient, layer1, ...] (see the
    module's docstring), and the layers' labels."""
    # The weights stay NumPy arrays: made constants inside the function, they are frozen into the graph
    # (TensorFlow tensors made outside it would be captured, and tf2onnx would make them inputs).
    steps, shown, labels = stages(net)

    @tf.function(
        input_signature=[
            tf.TensorSpec((None, *model.INPUT_SHAPE), tf.float32, name="image"),
            tf.TensorSpec((None, model.NUM_CLASSES), tf.float32, name="weights"),
        ]
    )
    def opened(image: Tensor, weights: Tensor) -> list[Tensor]:
        logits, gradient, outputs = forward_backward(steps, image, weights)
        return [logits, gradient, *(outputs[i] for i in shown)]

    return opened, labels


# ---------------------------------------------------------------- the file, checked against Keras


def export_inside(net: KerasModel, out: str | os.PathLike[str], x: NDArray[np.float32]) -> Path:
    """Write the opened network to `out` (.inside.onnx), checked against Keras on x (float32 (n, 28, 28, 1)).

    Raises DigitrecError, writing nothing, if ONNX Runtime on the file disagrees with Keras.
    """
    _need_export_tools()
    import tf2onnx

    opened, labels = inside_function(net)
    names = ["logits", "gradient", *(f"layer{i + 1}" for i in range(len(labels)))]
    with atomic_path(out) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # tf2onnx's about NumPy's future, not the user's
        tf2onnx.convert.from_function(opened, input_signature=opened.input_signature, opset=OPSET, output_path=str(tmp))
        name_outputs(tmp, names)
        _name_inputs_and_label(tmp, ["image", "weights"], labels)
        check_inside(tmp, net, x)
    return Path(out)


def _name_inputs_and_label(path: str | os.PathLike[str], names: list[str], labels: list[Label]) -> None:
    import onnx

    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    for given, name in zip(graph.input, names):
        for node in graph.node:
            node.input[:] = [name if i == given.name else i for i in node.input]
        given.name = name
    entry = graph_model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(labels)
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, str(path))


def keras_reference(
    net: KerasModel, x: NDArray[np.float32], weights: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32], list[NDArray[np.float32]]]:
    """What the file must give, from Keras itself: (logits (n, 10), the gradient by autodiff
    (n, 28, 28, 1), the shown layers' outputs [(n, ...)])."""
    network = _one_network(net)
    layers = [layer for layer in network.layers if not isinstance(layer, TRAINING_ONLY)]
    temperature = layers.pop().temperature if isinstance(layers[-1], model.Temperature) else 1.0
    *body, last = layers
    shown = [layer for layer in body if _is_stage_end(layer)]
    image = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(image)
        features, outputs = image, []
        for layer in body:
            features = layer(features, training=False)
            if layer in shown:
                outputs.append(features)
        kernel, bias = last.get_weights()
        logits = (tf.matmul(features, kernel) + bias) / temperature
        target = tf.reduce_sum(logits * weights)
    gradient = tape.gradient(target, image)
    return logits.numpy(), gradient.numpy(), [o.numpy() for o in outputs]


def check_inside(path: str | os.PathLike[str], net: KerasModel, x: NDArray[np.float32]) -> None:
    """Raise DigitrecError unless ONNX Runtime on `path` gives Keras' logits, gradients (autodiff)
    and layer outputs on x, for weights one-hot on each digit and on answer minus runner-up."""
    session = load_inside_session(path)
    rng = np.random.default_rng(0)
    weights = np.eye(model.NUM_CLASSES, dtype=np.float32)[rng.integers(0, model.NUM_CLASSES, len(x))]
    weights -= np.eye(model.NUM_CLASSES, dtype=np.float32)[rng.integers(0, model.NUM_CLASSES, len(x))] / 2
    names = [o.name for o in session.get_outputs()]
    kinked = 0
    for start in range(0, len(x), 100):
        batch, w = x[start : start + 100], weights[start : start + 100]
        got = session.run(names, {"image": batch, "weights": w})
        expected = keras_reference(net, batch, w)
        pairs = [("logits", got[0], expected[0]), ("gradient", got[1], expected[1])]
        pairs += [(name, g, e) for name, g, e in zip(names[2:], got[2:], expected[2])]
        for name, g, e in pairs:
            scale = max(float(np.abs(e).max()), 1e-6)
            if name == "gradient" and g.shape == e.shape:  # judged digit by digit (MAX_KINKED_SHARE)
                off = np.abs(g - e).reshape(len(g), -1).max(axis=1) / scale > MAX_RELATIVE_DIFFERENCE
                kinked += int(off.sum())
                g, e = g[~off], e[~off]
            worst = float(np.abs(g - e).max(initial=0.0)) / scale
            if g.shape != e.shape or worst > MAX_RELATIVE_DIFFERENCE:
                raise DigitrecError(
                    f"the Why? view's export disagrees with Keras: its {name} differs by "
                    f"{worst:.2g} of its largest value (allowed {MAX_RELATIVE_DIFFERENCE:g})"
                )
    if kinked > MAX_KINKED_SHARE * len(x):
        raise DigitrecError(
            f"the Why? view's export disagrees with Keras: its gradient differs for {kinked} "
            f"of {len(x)} digits (allowed {MAX_KINKED_SHARE:.0%})"
        )


def load_inside_session(path: str | os.PathLike[str]) -> Session:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def export_file(
    model_path: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    digits: int = CHECK_DIGITS,
) -> Path:
    """Write MODEL.inside.onnx beside a `.keras` model (default: the bundled one), checked against Keras on
    the first `digits` MNIST test digits; returns its path."""
    model_path = Path(model_path) if model_path else bundle.bundled_model_path()
    net = bundle.load_model(model_path)
    _, (images, _) = data.load_mnist(data_dir)
    x = images[:digits, ..., None].astype(np.float32) / np.float32(255)
    return export_inside(net, bundle.inside_path(model_path), x)
