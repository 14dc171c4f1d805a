"""Export a trained Keras model to ONNX, for answering without TensorFlow.

    digitrec export my.keras        # writes my.onnx beside it, checked on the MNIST test set

The exported network is the model as it answers: the training-only
augmentation layers are left out, and the softmax temperature is folded into
the last layer's weights (softmax(log softmax(z) / t) = softmax(z / t)), so the
file holds a plain CNN. Its outputs:

- "probabilities", float32 (n, 10);
- "features", float32 (n, F), what the last layer reads;
- "forms", float32 (n, G), what the last convolution reads, averaged down to
  at most FORMS_SIDE x FORMS_SIDE places and flattened: a digit's form, before
  the network merges each digit's forms into one class (a person's profile is
  matched there, `digitrec.profile.adapt`);
- two constants for the profile: "prototypes", float32 (10,
  PROTOTYPES_PER_DIGIT, G), k-means centres of each digit's MNIST training
  forms, and "min_similarity", float32 (1,), the cosine similarity two
  training digits of different classes reach once in 10,000 pairs.

An export is kept only if ONNX Runtime gives the same answer as Keras for all
10,000 MNIST test digits and probabilities within 1e-4 of Keras'; it is
written to a temporary file and renamed into place.
"""

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from digitrec import bundle, data, model, modelcard
from digitrec.backend import keras
from digitrec.bundle import KerasModel
from digitrec.errors import DigitrecError
from digitrec.files import atomic_path

OUTPUTS = ("probabilities", "features", "forms")  # the exported network's outputs, in order
# Centres per digit: MNIST's forms of a digit (a '7' with or without a crossbar, a round or a
# looped '2') sit in separate clusters, and each should have a centre near it to guard it.
PROTOTYPES_PER_DIGIT = 20
# The forms keep at most this many places a side: the default network's last convolution reads
# 4x4 already (G = 1,024); the tutorial's reads 26x26x32, too big to match and cluster quickly.
FORMS_SIDE = 4
# Below the similarity that digits of different classes reach this rarely, similarity says little
# about the class: a person's example counts only above it.
RARE_PAIR = 1e-4
MAX_DIFFERENCE = 1e-4  # largest probability difference to Keras allowed on the test set
TRAINING_ONLY = (
    model.RandomClosing,
    keras.layers.RandomRotation,
    keras.layers.RandomZoom,
    keras.layers.RandomTranslation,
)


def answering_model(net: KerasModel) -> KerasModel:
    """The network as it answers: (n, 28, 28, 1) float32 -> [probabilities (n, 10), features (n, F),
    forms (n, G)].

    An ensemble (`train.ensemble`) answers with its members' average probabilities (then its own
    temperature), and its features and forms are the members' side by side.
    Shares no state with `net` that export could change: the last layers are copies.
    """
    members = ensemble_members(net)
    if members is None:
        return member_answering(net)
    parts = [member_answering(m, name=f"{m.name}_answering") for m in members]
    inputs = keras.Input(model.INPUT_SHAPE, name="image")
    outputs = [part(inputs) for part in parts]
    probabilities = keras.layers.Average()([o[0] for o in outputs])
    if isinstance(net.layers[-1], model.Temperature):
        probabilities = model.Temperature(net.layers[-1].temperature)(probabilities)
    probabilities = keras.layers.Identity(name="probabilities")(probabilities)
    features = keras.layers.Concatenate(name="features")([o[1] for o in outputs])
    forms = keras.layers.Concatenate(name="forms")([o[2] for o in outputs])
    answering = keras.Model(inputs, [probabilities, features, forms], name="ensemble_answering")
    answering(np.zeros((1, *model.INPUT_SHAPE), np.float32))
    return answering


def ensemble_members(net: KerasModel) -> list[KerasModel] | None:
    """The member networks of an ensemble (in order), or None if `net` is one network."""
    members = [layer for layer in net.layers if isinstance(layer, keras.Model)]
    return members or None


def member_answering(net: KerasModel, name: str | None = None) -> KerasModel:
    """One network as it answers: [probabilities, features, forms], the temperature folded in."""
    layers = [layer for layer in net.layers if not isinstance(layer, TRAINING_ONLY)]
    temperature = 1.0
    if isinstance(layers[-1], model.Temperature):
        temperature = layers.pop().temperature
    *body, last = layers
    if not (isinstance(last, keras.layers.Dense) and last.get_config()["activation"] == "softmax"):
        raise DigitrecError("cannot export: the model does not end in a softmax layer")
    last_convolution = [layer for layer in body if isinstance(layer, keras.layers.Conv2D)][-1]
    inputs = keras.Input(model.INPUT_SHAPE, name="image")
    features = inputs
    for layer in body:
        if layer is last_convolution:
            forms = keras.layers.Flatten(name="forms")(at_most(FORMS_SIDE, features))
        features = layer(features)
    weights, bias = last.get_weights()
    # softmax(log softmax(z) / t) = softmax(z / t): the temperature becomes a scale on z.
    scaled = keras.layers.Dense(model.NUM_CLASSES, activation="softmax", dtype="float32", name="probabilities")
    probabilities = scaled(features)
    scaled.set_weights([weights / temperature, bias / temperature])
    features = keras.layers.Identity(name="features")(features)
    answering = keras.Model(inputs, [probabilities, features, forms], name=name or f"{net.name}_answering")
    answering(np.zeros((1, *model.INPUT_SHAPE), np.float32))  # Keras exports only a model that has run
    return answering


def at_most(side: int, tensor: Any) -> Any:
    """A (n, h, w, c) tensor, average-pooled to at most side x side places (unchanged if it has no more)."""
    size = -(-max(tensor.shape[1], tensor.shape[2]) // side)  # ceil
    return tensor if size == 1 else keras.layers.AveragePooling2D(size, padding="same")(tensor)


def export(model_path: str | os.PathLike[str], data_dir: str | None = None) -> Path:
    """Export a `.keras` model to ONNX beside it, check it on the MNIST test set, return its path.

    The model card beside it, if any, records the export's file name and sha256.
    Raises DigitrecError if the export disagrees with Keras (then nothing is written).
    """
    _need_export_tools()
    model_path = Path(model_path)
    net = bundle.load_model(model_path)
    answering = answering_model(net)
    (train_images, train_labels), (images, _) = data.load_mnist(data_dir)
    x = images[..., None].astype(np.float32) / np.float32(255)  # float32 either way; NumPy's stubs see it so

    expected = net.predict(x, batch_size=1000, verbose=0)
    centres, min_similarity = prototypes(answering, train_images, train_labels)
    out = model_path.with_suffix(bundle.EXPORT_SUFFIX)
    with atomic_path(out) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # tf2onnx's about NumPy's future, not the user's
        answering.export(str(tmp), format="onnx", verbose=False)
        name_outputs(tmp, OUTPUTS)
        add_constant_output(tmp, "prototypes", centres)
        add_constant_output(tmp, "min_similarity", np.array([min_similarity], np.float32))
        check(tmp, x, expected)
    card = bundle.load_card(model_path)
    if card is not None:
        modelcard.save({**card, "export": {"file": out.name, "sha256": sha256(out)}}, model_path)
    return out


def _need_export_tools() -> None:
    for package in ("onnx", "tf2onnx", "onnxruntime"):
        try:
            __import__(package)
        except ImportError:
            raise DigitrecError(f"exporting needs {package}: pip install 'digitrec[train]'") from None


def name_outputs(path: str | os.PathLike[str], names: Sequence[str]) -> None:
    """Rename an ONNX file's outputs, in order (Keras names them after TensorFlow's ops)."""
    import onnx

    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    for output, name in zip(graph.output, names):
        for node in graph.node:  # the features also feed the last layer: rename uses too
            node.output[:] = [name if o == output.name else o for o in node.output]
            node.input[:] = [name if i == output.name else i for i in node.input]
        output.name = name
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, str(path))


def prototypes(
    answering: KerasModel,
    images: NDArray[np.uint8],
    labels: NDArray[np.uint8],
    per_digit: int = PROTOTYPES_PER_DIGIT,
    seed: int = 0,
) -> tuple[NDArray[np.float32], float]:
    """The profile's constants from MNIST's training digits, in the "forms" space:
    (float32 (10, per_digit, G), k-means centres of each digit's forms, each of length 1;
    the similarity two digits of different classes reach in RARE_PAIR of 20,000 random pairs).

    images: uint8 (n, 28, 28), labels (n,); only the training split is used
    (the last VALIDATION_SIZE images are held out, as in training).
    """
    from scipy.cluster.vq import kmeans2

    from digitrec.config import TrainConfig
    from digitrec.profile.adapt import unit

    keep = len(images) - TrainConfig().validation_size
    x, labels = images[:keep, ..., None].astype(np.float32) / 255, labels[:keep]
    forms = unit(answering.predict(x, batch_size=1000, verbose=0)[2])
    centres = [
        kmeans2(forms[labels == digit], per_digit, seed=seed, minit="++")[0] for digit in range(model.NUM_CLASSES)
    ]
    rng = np.random.default_rng(seed)
    a, b = rng.choice(keep, 20_000), rng.choice(keep, 20_000)
    similarity = (forms[a] * forms[b]).sum(axis=1)[labels[a] != labels[b]]
    return np.stack([unit(c) for c in centres]).astype(np.float32), float(np.quantile(similarity, 1 - RARE_PAIR))


def add_constant_output(path: str | os.PathLike[str], name: str, array: NDArray[np.float32]) -> None:
    """Add a constant output to an ONNX file: it travels in the one file the recogniser loads."""
    import onnx
    from onnx import helper, numpy_helper

    graph_model = onnx.load(str(path))
    graph = graph_model.graph
    graph.node.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name)))
    graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, list(array.shape)))
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, str(path))


def check(path: str | os.PathLike[str], x: NDArray[np.float32], expected: NDArray[np.float32]) -> None:
    """Raise DigitrecError unless ONNX Runtime on `path` agrees with `expected` (n, 10) on x."""
    session = bundle.load_session(path)  # as the recogniser loads it: names and shapes checked too
    got = np.concatenate(
        [session.run(["probabilities"], {"image": x[i : i + 1000]})[0] for i in range(0, len(x), 1000)]
    )
    differ = int((got.argmax(axis=1) != expected.argmax(axis=1)).sum())
    worst = float(np.abs(got - expected).max())
    if differ or worst > MAX_DIFFERENCE:
        raise DigitrecError(
            f"the ONNX export disagrees with Keras: {differ} different answers, "
            f"probabilities up to {worst:.2g} apart (allowed {MAX_DIFFERENCE:g})"
        )


def sha256(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
