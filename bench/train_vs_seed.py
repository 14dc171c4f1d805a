"""Train the tutorial CNN (`seed`) and digitrec's `default` one after the other, on this machine.

    python bench/train_vs_seed.py [--json] [--data DIR] [--out DIR]

Per epoch: wall time, validation and test accuracy; per architecture: the wall
time to first reach the tutorial's 99.26% test accuracy. Goals on a 2-core CPU:
one network of default's recipe (its data: MNIST and the pen digits) trains in
<= 15 min, and it reaches 99.26% in less than half the time the seed needs for its
10 epochs. (The bundled model averages several such networks, `--members`;
`digitrec train` trains them one after another.)

Test accuracy is measured after every epoch here only to draw this race; the
training itself never looks at the test set (evaluation time is not counted).
"""

import argparse
import json
import tempfile
from pathlib import Path

from digitrec.backend import keras
from digitrec.config import TrainConfig
from digitrec.train import split, train

TUTORIAL_ACCURACY = 0.9926
GOAL_TOTAL_S = 15 * 60


class TestEachEpoch(keras.callbacks.Callback):
    def __init__(self, x_test, y_test):
        super().__init__()
        self.x_test, self.y_test = x_test, y_test
        self.rows = []

    def on_epoch_end(self, epoch, logs=None):
        predicted = self.model.predict(self.x_test, batch_size=1000, verbose=0).argmax(axis=1)
        self.rows.append(
            {
                "epoch": epoch + 1,
                "epoch_time_s": round(logs["epoch_time_s"], 1),
                "val_accuracy": round(logs["val_accuracy"], 4),
                "test_accuracy": round(float((predicted == self.y_test).mean()), 4),
            }
        )
        print(f"  [bench] epoch {epoch + 1}: test accuracy {self.rows[-1]['test_accuracy']:.2%}", flush=True)


def race(arch, data_dir, out_dir, epochs=None):
    config = TrainConfig(
        arch=arch, out=str(out_dir / f"{arch}.keras"), data_dir=data_dir, epochs=epochs, verbose=2, members=1
    )
    _, _, (x_test, y_test) = split(config, {**config.recipe(), "pen_copies": 0})  # only its test set is used
    tester = TestEachEpoch(x_test, y_test)
    card = train(config, extra_callbacks=[tester])
    elapsed = 0.0
    reached = None
    for row in tester.rows:
        elapsed += row["epoch_time_s"]
        row["elapsed_s"] = round(elapsed, 1)
        if reached is None and row["test_accuracy"] >= TUTORIAL_ACCURACY:
            reached = row["elapsed_s"]
    return {
        "arch": arch,
        "epochs": tester.rows,
        "total_s": round(elapsed, 1),
        "reached_tutorial_s": reached,
        "final_test_accuracy": card["test_accuracy"],
        "hardware": card["hardware"],
    }


def print_table(results):
    print(f"\n{'arch':8} {'epoch':>5} {'time s':>7} {'elapsed s':>9} {'val acc':>8} {'test acc':>8}")
    for result in results:
        for row in result["epochs"]:
            print(
                f"{result['arch']:8} {row['epoch']:>5} {row['epoch_time_s']:>7.1f} {row['elapsed_s']:>9.1f} "
                f"{row['val_accuracy']:>8.2%} {row['test_accuracy']:>8.2%}"
            )
    seed, default = results
    print()
    for result in results:
        reached = result["reached_tutorial_s"]
        print(
            f"{result['arch']:8} total {result['total_s'] / 60:5.1f} min, best-on-validation test accuracy "
            f"{result['final_test_accuracy']:.2%}, first >= {TUTORIAL_ACCURACY:.2%} after "
            + (f"{reached:.0f} s" if reached is not None else "never")
        )
    half = seed["total_s"] / 2
    reached = default["reached_tutorial_s"]
    print(
        f"goal: default total <= {GOAL_TOTAL_S / 60:.0f} min: "
        f"{'met' if default['total_s'] <= GOAL_TOTAL_S else 'MISSED'}"
    )
    print(
        f"goal: default reaches {TUTORIAL_ACCURACY:.2%} in < half the seed's 10 epochs ({half:.0f} s): "
        f"{'met' if reached is not None and reached < half else 'MISSED'}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--out", help="keep the trained models here (default: a temporary folder)")
    parser.add_argument("--epochs", type=int, help="override both recipes' epochs (quick trial runs only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.out or tmp)
        results = [race(arch, args.data, out_dir, args.epochs) for arch in ("seed", "default")]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)


if __name__ == "__main__":
    main()
