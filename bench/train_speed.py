"""Training throughput of the `default` CNN under different setups, side by side in one run.

    python bench/train_speed.py [--steps 120] [--json]

Each setup trains the same model, in a Python process of its own, for the
same number of steps (after a warm-up epoch that compiles it) and reports
images per second and the projected time of a full epoch on 55,000 images.
The setups are what we tried for the README's performance section: batch
size, XLA (`jit_compile`), where the augmentation runs (inside the model, or
in a tf.data pipeline beside it), bfloat16 mixed precision, and batch norm
after the first two (full-resolution) convolutions, as `default` had before.
"""

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from digitrec import data, model
from digitrec.backend import keras, tf
from digitrec.train import to_model_input

TRAIN_IMAGES = 55_000


def build_setup(batch_size, jit, augment_in, precision, first_norm):
    """A compiled default model and a tf.data dataset for it."""
    keras.mixed_precision.set_global_policy(precision)
    layers = model.default_layers()
    n_aug = len(model.augmentation_layers())
    augmentation, body = layers[:n_aug], layers[n_aug:]
    if first_norm:  # the two plain 3x3 convolutions, with batch norm after each
        body = [*model.conv_bn(32, 3), *model.conv_bn(32, 3), *body[2:]]
    if augment_in == "model":
        net = keras.Sequential([keras.Input(model.INPUT_SHAPE), *augmentation, *body])
    else:
        net = keras.Sequential([keras.Input(model.INPUT_SHAPE), *body])
        augmenter = keras.Sequential(augmentation)
    net.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=jit,
    )

    def dataset(x, y):
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10_000).batch(batch_size)
        if augment_in == "tf.data":
            ds = ds.map(lambda a, b: (augmenter(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
        return ds.prefetch(tf.data.AUTOTUNE)

    return net, dataset


def measure(x, y, batch_size, jit, augment_in, precision, first_norm, steps):
    net, dataset = build_setup(batch_size, jit, augment_in, precision, first_norm)
    n = batch_size * steps
    net.fit(dataset(x[: batch_size * 10], y[: batch_size * 10]), epochs=1, verbose=0)  # compile/trace
    started = time.perf_counter()
    net.fit(dataset(x[:n], y[:n]), epochs=1, verbose=0)
    per_second = n / (time.perf_counter() - started)
    return {
        "batch_size": batch_size,
        "jit_compile": jit,
        "augmentation": augment_in,
        "precision": precision,
        "first_convs": "batch norm" if first_norm else "plain",
        "images_per_s": round(per_second),
        "epoch_s": round(TRAIN_IMAGES / per_second, 1),
    }


SETUPS = [  # (batch size, jit_compile, where augmentation runs, precision policy, batch norm in the first convs)
    (128, False, "model", "float32", False),
    (128, True, "tf.data", "float32", False),
    (128, False, "tf.data", "float32", False),
    (256, False, "model", "float32", False),
    (64, False, "model", "float32", False),
    (128, False, "model", "mixed_bfloat16", False),  # fast only where the CPU has native bfloat16
    (128, False, "model", "mixed_bfloat16", True),  # Keras' batch norm is unfused: slow at 26x26
]


def measure_in_own_process(index, args):
    """One setup in a fresh Python: in a shared one, whichever runs later runs faster (warm caches)."""
    command = [sys.executable, __file__, "--only", str(index), "--steps", str(args.steps)]
    if args.data:
        command += ["--data", args.data]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"setup {SETUPS[index]} failed: {last_line}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=120, help="timed training steps per setup")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--only", type=int, help=argparse.SUPPRESS)  # one setup, in this process
    args = parser.parse_args()
    if args.only is not None:
        (images, labels), _ = data.load_mnist(args.data)
        x, y = to_model_input(images), labels.astype(np.int32)
        print(json.dumps(measure(x, y, *SETUPS[args.only], steps=args.steps)))
        return
    rows = [measure_in_own_process(i, args) for i in range(len(SETUPS))]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        f"{'batch':>5} {'jit_compile':>11} {'augmentation':>12} {'precision':>14} {'first convs':>11} "
        f"{'images/s':>9} {'epoch s':>8}"
    )
    for row in rows:
        print(
            f"{row['batch_size']:>5} {row['jit_compile']!s:>11} {row['augmentation']:>12} "
            f"{row['precision']:>14} {row['first_convs']:>11} {row['images_per_s']:>9} {row['epoch_s']:>8}"
        )


if __name__ == "__main__":
    main()
