"""How fast digitrec answers, side by side with references, in one run.

    python bench/latency.py [--runs 500] [--files 1000] [--starts 5] [--json]

- one drawing (a 280x280 canvas) -> answer: digitrec (preprocessing + the
  exported model on ONNX Runtime) vs the tutorial's way (whole-canvas resize +
  Keras `model.predict`); and digitrec's two parts apart: preprocessing, model;
- one drawing from its strokes, as the window reads it (`number_from_strokes`: the
  strokes drawn as a picture and read, their path read by the path model, the two
  combined), against the tutorial's way: pendigits writers 1-20's digits on the canvas;
- a whole number of 6 digits -> answer, against one drawing's time;
- the Why? view's extra cost for one drawing (`Explainer.explain` on its answer: the
  evidence and every layer's output, as the window asks at each stroke's end), against
  one drawing's answer;
- `digitrec predict one.png` and `digitrec predict one.inkml` (a pen digit's strokes),
  fresh processes, against a bare `python -c "import numpy, PIL.Image"`, alternately,
  median of --starts each;
- `digitrec predict --jobs 1` on N PNG files (one process), start-up included: files per second.

Goals (ratios, so that they hold on any CPU): one drawing >= 30x faster than
the tutorial's way, its preprocessing no slower than its model call; one drawing
from strokes >= 15x; a 6-digit number <= 2.5x one drawing; the Why? view's extra
cost <= 5x one drawing's answer; `digitrec predict one.png` and `one.inkml` <= 4x a
bare start.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digitrec import Recognizer, bundle, data, paper, pendigits, preprocess, synthetic
from digitrec.inside.evidence import Explainer
from digitrec.profile import PROFILES_ENV
from digitrec.recognize import DEFAULT_PEN_WIDTH, answer_one_at_a_time

CANVAS = (280, 280)  # the window's canvas, px


def percentiles(call, inputs, runs):
    """p50 and p99 wall time of `call(x)` in ms, cycling through `inputs`."""
    for x in inputs[:5]:
        call(x)  # warm caches and traces
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(float(np.percentile(times, 50)), 2), "p99_ms": round(float(np.percentile(times, 99)), 2)}


def tutorial_answer(net):
    """The tutorial's recipe: resize the canvas to 28x28, scale, `model.predict`."""

    def answer(picture):
        small = np.asarray(picture.convert("L").resize((28, 28)), np.float32) / 255
        return int(net.predict((1 - small)[None, ..., None], verbose=0).argmax())

    return answer


def predict_files(count, images):
    """Wall time of `digitrec predict --jobs 1` on `count` drawn-digit PNGs, one process, start-up included."""
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i in range(count):
            path = Path(folder) / f"{i}.png"
            synthetic.drawn_digit(images[i % len(images)], rng, canvas=(280, 280)).save(path)
            paths.append(str(path))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "digitrec", "predict", "--jobs", "1", *paths], check=True, capture_output=True
        )
        seconds = time.perf_counter() - started
    return {"files": count, "seconds": round(seconds, 1), "files_per_s": round(count / seconds, 1)}


def inkml(strokes):
    """One drawing's strokes ([(x, y), ...] polylines) as an InkML document, as a pen tablet exports it."""
    traces = "".join("<trace>" + ", ".join(f"{x:.1f} {y:.1f}" for x, y in s) + "</trace>" for s in strokes)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<ink xmlns="http://www.w3.org/2003/InkML">{traces}</ink>\n'


def start_times(starts, image, ink):
    """Median wall times of `digitrec predict image`, `digitrec predict ink` and a bare Python start, run
    alternately; each predict's ratio to the bare start."""
    commands = {
        "predict_one_s": [sys.executable, "-m", "digitrec", "predict", str(image)],
        "predict_inkml_s": [sys.executable, "-m", "digitrec", "predict", str(ink)],
        "bare_python_s": [sys.executable, "-c", "import numpy, PIL.Image"],
    }
    times = {name: [] for name in commands}
    for _ in range(starts):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - started)
    result = {name: round(float(np.median(t)), 3) for name, t in times.items()}
    result["ratio"] = round(result["predict_one_s"] / result["bare_python_s"], 1)
    result["inkml_ratio"] = round(result["predict_inkml_s"] / result["bare_python_s"], 1)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500, help="timed calls per case")
    parser.add_argument("--files", type=int, default=1000, help="files for the `digitrec predict` case (0: skip)")
    parser.add_argument("--starts", type=int, default=5, help="fresh starts of `digitrec predict one.png` (0: skip)")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--pen", help="pendigits folder (default: $DIGITREC_PEN, else the cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    # A new user's start: no profile. (The person running the bench may have a 'default' profile,
    # which `digitrec predict` would read too: 100 examples cost it 0.1 s with five networks.)
    os.environ[PROFILES_ENV] = tempfile.mkdtemp(prefix="digitrec-bench-profiles-")
    answer_one_at_a_time()  # as `digitrec predict` and `digitrec gui` do
    _, (images, _) = data.load_mnist(args.data)
    rng = np.random.default_rng(1)
    drawings = [synthetic.drawn_digit(image, rng, canvas=(280, 280)) for image in images[:100]]
    numbers = [synthetic.drawn_number(images[i : i + 6], rng) for i in range(0, 300, 6)]
    pen = [pendigits.fitted(d.strokes) for d in pendigits.training_digits(args.pen)[::50]]
    recognizer = Recognizer().load()
    inputs = [preprocess.locate_digit(paper.to_ink(d))[1] for d in drawings]
    answers = [recognizer.digit(d) for d in drawings]
    explainer = Explainer().load()
    results = {
        "digitrec_digit": percentiles(recognizer.digit, drawings, args.runs),
        "preprocess_digit": percentiles(lambda d: preprocess.locate_digit(paper.to_ink(d)), drawings, args.runs),
        "model_digit": percentiles(lambda x: recognizer.probabilities(x[None]), inputs, args.runs),
        "tutorial_digit": percentiles(tutorial_answer(bundle.load_model()), drawings, min(args.runs, 200)),
        "strokes_digit": percentiles(
            lambda strokes: recognizer.number_from_strokes(strokes, DEFAULT_PEN_WIDTH, size=CANVAS), pen, args.runs
        ),
        "digitrec_number_6": percentiles(recognizer.number, numbers, args.runs),
        "why_digit": percentiles(lambda answer: explainer.explain([answer]), answers, args.runs),
    }
    results["why_over_digit_p50"] = round(results["why_digit"]["p50_ms"] / results["digitrec_digit"]["p50_ms"], 2)
    results["speedup_p50"] = round(results["tutorial_digit"]["p50_ms"] / results["digitrec_digit"]["p50_ms"], 1)
    results["strokes_speedup_p50"] = round(results["tutorial_digit"]["p50_ms"] / results["strokes_digit"]["p50_ms"], 1)
    results["number_over_digit_p50"] = round(
        results["digitrec_number_6"]["p50_ms"] / results["digitrec_digit"]["p50_ms"], 2
    )
    if args.starts:
        with tempfile.TemporaryDirectory() as folder:
            drawings[0].save(Path(folder) / "one.png")
            (Path(folder) / "one.inkml").write_text(inkml(pen[0]))
            results["start"] = start_times(args.starts, Path(folder) / "one.png", Path(folder) / "one.inkml")
    if args.files:
        results["predict_files"] = predict_files(args.files, images)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'case':42} {'p50 ms':>7} {'p99 ms':>7}")
    for name, label in (
        ("digitrec_digit", "one drawing -> digit (digitrec)"),
        ("preprocess_digit", "  of which preprocessing"),
        ("model_digit", "  of which the model"),
        ("strokes_digit", "one drawing's strokes -> digit (the window)"),
        ("tutorial_digit", "one drawing -> digit (tutorial's way)"),
        ("digitrec_number_6", "6-digit number -> number (digitrec)"),
        ("why_digit", "the Why? view's extra, one drawing"),
    ):
        print(f"{label:42} {results[name]['p50_ms']:>7.2f} {results[name]['p99_ms']:>7.2f}")
    print(
        f"digitrec is {results['speedup_p50']}x faster than the tutorial's way (p50), "
        f"{results['strokes_speedup_p50']}x from strokes; "
        f"a 6-digit number takes {results['number_over_digit_p50']}x one drawing; "
        f"the Why? view adds {results['why_over_digit_p50']}x one drawing's answer"
    )
    if args.starts:
        s = results["start"]
        print(
            f"`digitrec predict one.png` {s['predict_one_s']:.3f} s against a bare Python start "
            f"(import numpy, PIL.Image) {s['bare_python_s']:.3f} s: {s['ratio']}x (medians of {args.starts}); "
            f"`digitrec predict one.inkml` {s['predict_inkml_s']:.3f} s: {s['inkml_ratio']}x"
        )
    if args.files:
        f = results["predict_files"]
        print(
            f"digitrec predict --jobs 1 on {f['files']} files: {f['seconds']} s, {f['files_per_s']} files/s "
            f"(start-up included)"
        )


if __name__ == "__main__":
    main()
