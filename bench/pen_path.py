"""The path model beside the picture: pen digits read by how they look, how they were drawn, and both.

    python bench/pen_path.py [--picture-model PATH] [--path-model PATH] [--json]
    python bench/pen_path.py --choose --picture-model PICTURE --path-model PATH   # writers 16-20 only

Measuring (the default): the two dev sets of bench/pen_digits.py (pendigits writers
21-30, UNIPEN dev), never trained on and nothing chosen on them. Each digit is drawn
on the window's canvas as bench/pen_digits.py does and read by the window's path
(`Recognizer.number`: right only if it reads as exactly that one digit); its strokes
are read by the path model. Printed per set: the picture alone (the bundled model), the
path alone, the two combined (`digitrec.combine`, its WEIGHT), each writer's (worst
first), the writers who lose more than one digit against the picture alone, and how
many wrong answers the disagreement rule marks "not sure" and how many right ones it costs.

Choosing (--choose): pendigits writers 16-20, read by a picture network and a path
model that were both trained without them (`digitrec train --members 1
--leave-out-writers 16-20`, `digitrec train-path --leave-out-writers 16-20`);
prints the weight and the margin `combine.choose` picks, to be written into
`digitrec/combine.py`. This is the only place where they are chosen.
"""

import argparse
import collections
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pen_digits import PENDIGITS_FILE, UNIPEN_FILE, dev_sets

from digitrec import Recognizer, combine, pen_path, pendigits
from digitrec.image import render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH

BUNDLED_PATH_MODEL = Path(__file__).resolve().parents[1] / "src" / "digitrec" / "models" / "digitrec.path.onnx"
CHOOSING_WRITERS = range(16, 21)
GOALS = {"pendigits_dev": {"all": 0.996, "every_writer": 0.985}, "unipen_dev": {"all": 0.998}}


def picture_readings(recognizer, digits):
    """Per digit, the window's reading: (text, float32 (10,) probabilities if it read one digit, else None)."""
    readings = []
    for digit in digits:
        number = recognizer.number(render_strokes(pendigits.fitted(digit.strokes), DEFAULT_PEN_WIDTH))
        one = number.digits[0].probabilities if len(number.digits) == 1 else None
        readings.append((number.text, one))
    return readings


def cached_picture_readings(recognizer, digits, cache):
    """`picture_readings`, kept in `cache` (an .npz file; None: not kept) for reruns with other path models."""
    if cache is not None and Path(cache).is_file():
        saved = np.load(cache, allow_pickle=False)
        if len(saved["texts"]) == len(digits):
            return [
                (t, p if t and len(t) == 1 else None) for t, p in zip(saved["texts"].tolist(), saved["probabilities"])
            ]
    readings = picture_readings(recognizer, digits)
    if cache is not None:
        probabilities = np.stack([np.zeros(10, np.float32) if p is None else p for _, p in readings])
        np.savez(cache, texts=np.array([t for t, _ in readings]), probabilities=probabilities)
    return readings


def path_probabilities(model_path, digits):
    """float32 (n, 10): the path model's probabilities for each digit's strokes (ONNX Runtime)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    x = np.stack([pen_path.features(d.strokes) for d in digits])
    return session.run(["probabilities"], {"path": x})[0]


def records(digits, readings, path, weight, margin, threshold):
    """One dict a digit: its label and writer, and the picture's, the path's and the combination's answers."""
    out = []
    for digit, (text, picture), p in zip(digits, readings, path):
        both = text if picture is None else str(int(combine.combined(picture, p, weight).argmax()))
        doubted = picture is not None and bool(combine.not_sure(picture[None], p[None], weight, margin, threshold)[0])
        out.append(
            dict(
                label=str(digit.label),
                writer=digit.writer,
                picture=text,
                path=str(int(p.argmax())),
                combined=both,
                not_sure=doubted,
            )
        )
    return out


def summary(rows):
    """The figures of one set, as plain values."""
    by_writer = collections.defaultdict(list)
    for r in rows:
        by_writer[r["writer"]].append(r)

    def right(rs, key):
        return sum(r[key] == r["label"] for r in rs)

    writers = sorted(
        (
            {
                "writer": w,
                "digits": len(rs),
                **{key: right(rs, key) / len(rs) for key in ("picture", "path", "combined")},
                "lost": right(rs, "picture") - right(rs, "combined"),
            }
            for w, rs in by_writer.items()
        ),
        key=lambda row: (row["combined"], row["picture"]),
    )
    wrong = [r for r in rows if r["combined"] != r["label"]]
    return {
        "digits": len(rows),
        **{key: right(rows, key) / len(rows) for key in ("picture", "path", "combined")},
        "wrong": {key: len(rows) - right(rows, key) for key in ("picture", "path", "combined")},
        "not_sure_catches": sum(r["not_sure"] for r in wrong),
        "not_sure_costs": sum(r["not_sure"] for r in rows if r["combined"] == r["label"]),
        "worst_writer": writers[0]["combined"],
        "worst_writer_picture": min(w["picture"] for w in writers),
        "writers_losing_more_than_one": [w["writer"] for w in writers if w["lost"] > 1],
        "writers": writers,
        "path_confusions": dict(
            collections.Counter(f"{r['label']}->{r['path']}" for r in rows if r["path"] != r["label"]).most_common(8)
        ),
        "combined_confusions": dict(
            collections.Counter(f"{r['label']}->{r['combined']}" for r in wrong).most_common(8)
        ),
    }


def goals(name, result):
    goal = GOALS[name]
    checks = [(f"all >= {goal['all']:.1%}", result["combined"], result["combined"] >= goal["all"])]
    if "every_writer" in goal:
        worst = result["worst_writer"]
        checks.append((f"every writer >= {goal['every_writer']:.1%}", worst, worst >= goal["every_writer"]))
    losing = result["writers_losing_more_than_one"]
    checks.append(("no writer loses more than one digit", len(losing), not losing))
    return checks


def report(name, result):
    print(f"\n== {name}: {result['digits']} digits of {len(result['writers'])} writers ({result['seconds']} s)")
    for key, what in (("picture", "picture alone (window path)"), ("path", "path alone"), ("combined", "combined")):
        print(f"  {what:<30} {result[key]:.2%}  ({result['wrong'][key]} wrong)")
    print(
        f"  'not sure' (sharp disagreement, or under the threshold): catches {result['not_sure_catches']} of the "
        f"{result['wrong']['combined']} wrong answers, costs {result['not_sure_costs']} right ones"
    )
    print("\nwriter  digits  picture    path  combined  lost")
    for row in result["writers"][:10]:
        print(
            f"{row['writer']:>6} {row['digits']:>7} {row['picture']:>8.2%} {row['path']:>7.2%} "
            f"{row['combined']:>8.2%} {row['lost']:>5}"
        )
    print("path's confusions: " + ", ".join(f"{k} x{v}" for k, v in result["path_confusions"].items()))
    print("combined's confusions: " + ", ".join(f"{k} x{v}" for k, v in result["combined_confusions"].items()))
    for goal, value, met in result.get("goals", []):
        shown = f"{value:.2%}" if isinstance(value, float) else str(value)
        print(f"  goal {goal}: {shown} {'met' if met else 'NOT met'}")


def choosing(args):
    digits = [d for d in pendigits.read(args.pendigits) if d.writer in CHOOSING_WRITERS]
    readings = cached_picture_readings(Recognizer(args.picture_model).load(), digits, _cache(args, "writers-16-20"))
    path = path_probabilities(args.path_model, digits)
    # A digit the window did not read as one digit has no picture probabilities: the path cannot
    # help it, and it says nothing about the weight.
    kept = [i for i, (_, p) in enumerate(readings) if p is not None]
    picture = np.stack([readings[i][1] for i in kept])
    labels = np.array([digits[i].label for i in kept])
    chosen = combine.choose(picture, path[kept], labels)
    rows = records(digits, readings, path, chosen["weight"], chosen["margin"], chosen["threshold"])
    return {"chosen": chosen, "writers_16_20": summary(rows)}


def measuring(args):
    recognizer = Recognizer(args.picture_model).load()
    results = {}
    for name, digits in dev_sets(args.pendigits, args.unipen).items():
        started = time.perf_counter()
        readings = cached_picture_readings(recognizer, digits, _cache(args, name))
        path = path_probabilities(args.path_model, digits)
        result = summary(records(digits, readings, path, args.weight, args.margin, args.threshold))
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["goals"] = goals(name, result)
        results[name] = result
    return results


def _cache(args, name):
    return None if args.readings is None else Path(args.readings) / f"{name}.npz"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--picture-model", help="the picture model (default: the bundled one)")
    parser.add_argument("--path-model", default=str(BUNDLED_PATH_MODEL), help="the path model's .onnx")
    parser.add_argument("--pendigits", default=str(PENDIGITS_FILE), help="pendigits' file (default: %(default)s)")
    parser.add_argument("--unipen", default=str(UNIPEN_FILE), help="the UNIPEN dev file (default: %(default)s)")
    parser.add_argument("--weight", type=float, default=combine.WEIGHT, help="the path's weight (default: %(default)s)")
    parser.add_argument("--margin", type=float, default=combine.DISAGREEMENT, help="'not sure' when both are this sure")
    parser.add_argument(
        "--threshold", type=float, default=combine.THRESHOLD, help="'not sure' under this combined probability"
    )
    parser.add_argument("--choose", action="store_true", help="choose the weight and margin on writers 16-20")
    parser.add_argument(
        "--readings", metavar="DIR", help="keep the picture model's readings in DIR, for reruns with other path models"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results = choosing(args) if args.choose else measuring(args)
    if args.json:
        print(json.dumps(results, indent=2))
    elif args.choose:
        c = results["chosen"]
        print(f"chosen on writers 16-20 ({c['digits']} digits read as one digit by the window):")
        print(f"  WEIGHT = {c['weight']}: {c['right']} right; right by weight: {c['by_weight']}")
        print(
            f"  DISAGREEMENT = {c['margin']}: catches {c['wrong_caught_by_disagreement']} wrong, "
            f"costs {c['right_lost_to_disagreement']} right"
        )
        print(
            f"  THRESHOLD = {c['threshold']}: with it, catches {c['wrong_caught']} wrong, costs {c['right_lost']} right"
        )
        results["writers_16_20"]["seconds"] = "-"
        report("pendigits writers 16-20", results["writers_16_20"])
    else:
        for name, result in results.items():
            report(name, result)


if __name__ == "__main__":
    main()
