"""Drawings read from stroke files (InkML, JSON strokes): as well as in memory, and hostile files cost nothing.

    python bench/stroke_files.py [--numbers N] [--skip-dev] [--pendigits FILE] [--unipen FILE]

Three measurements:

1. The dev writers (pendigits 21-30 and UNIPEN dev, measuring only) written to InkML files
   and read by `batch.read_files`, as `digitrec predict DIR` reads them, against the same
   digits read in memory as bench/pen_digits.py reads them (`pendigits.fitted`, the 12 px
   pen, `digit_from_strokes`): how many answers agree, and both accuracies.
2. Numbers of 2-6 digits (the tests' synthetic drawings, tests/strokes.py, not the dev
   writers) read with --number from JSON strokes, fitted by their height (what `predict`
   does) or by their longer side (as a digit is), beside the window's strokes as drawn.
3. Hostile files: the time and the peak memory (tracemalloc, in a second read) of refusing
   each, beside reading a normal drawing.
"""

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic numbers are the tests' stroke data
sys.path.insert(0, str(Path(__file__).resolve().parent))
import strokes  # noqa: E402
from pen_digits import PENDIGITS_FILE, UNIPEN_FILE, dev_sets  # noqa: E402

from digitrec import Recognizer, batch, pendigits, stroke_files  # noqa: E402


def save_inkml(path, drawing):
    traces = "".join(f"<trace>{', '.join(f'{x} {y}' for x, y in stroke)}</trace>" for stroke in drawing)
    path.write_text(f'<ink xmlns="http://www.w3.org/2003/InkML">{traces}</ink>\n')


def dev_writers(recognizer, folder, pendigits_file, unipen_file):
    """{set: (digits, agreeing, file accuracy, memory accuracy)}: files against bench/pen_digits.py's way."""
    results = {}
    for name, digits in dev_sets(pendigits_file, unipen_file).items():
        paths = []
        for i, digit in enumerate(digits):
            paths.append(folder / f"{name}-{i:05d}.inkml")
            save_inkml(paths[-1], digit.strokes)
        from_files = [row.result.digit for row in batch.read_files(paths)]
        in_memory = [recognizer.digit_from_strokes(pendigits.fitted(d.strokes)).digit for d in digits]
        labels = [d.label for d in digits]
        results[name] = (
            len(digits),
            sum(a == b for a, b in zip(from_files, in_memory)),
            sum(a == b for a, b in zip(from_files, labels)) / len(digits),
            sum(a == b for a, b in zip(in_memory, labels)) / len(digits),
        )
    return results


def numbers(recognizer, count, folder):
    """{way: accuracy} on `count` synthetic numbers read whole from JSON strokes files."""
    drawings = strokes.numbers(count, seed=12)  # not 11: the first 200 of seed 11 chose the fit
    right = {"window (as drawn, own pen)": 0, "by height": 0, "by longer side": 0}
    for i, drawing in enumerate(drawings):
        path = folder / f"number-{i:04d}.json"
        path.write_text(json.dumps(drawing.strokes))
        read = stroke_files.read_strokes(path)
        right["window (as drawn, own pen)"] += (
            recognizer.number_from_strokes(drawing.strokes, drawing.pen_width).text == drawing.text
        )
        right["by height"] += batch.read_one(recognizer, path, number=True).result.text == drawing.text
        as_digit = stroke_files.on_canvas(read, number=False)
        right["by longer side"] += recognizer.number_from_strokes(as_digit).text == drawing.text
    return {way: n / count for way, n in right.items()}


def hostile_files(folder):
    """{file: (peak bytes, seconds, what it says)} for reading each."""
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    million = [(i % 500, i % 300) for i in range(1_000_000)]
    files = {
        "a drawing (write('7'), 52 points)": ("seven.inkml", None),
        "the largest drawing allowed (99,999 points)": (
            "largest.inkml",
            f"<ink><trace>{', '.join(f'{x} {y}' for x, y in million[:99_999])}</trace></ink>",
        ),
        "billion laughs": (
            "laughs.inkml",
            f'<!DOCTYPE ink [<!ENTITY l0 "0 0,">{laughs}]><ink><trace>&l9;</trace></ink>',
        ),
        "external entity": ("xxe.inkml", '<!DOCTYPE i [<!ENTITY x SYSTEM "file:///etc/passwd">]><ink>&x;</ink>'),
        "a million points, InkML": (
            "million.inkml",
            f"<ink><trace>{', '.join(f'{x} {y}' for x, y in million)}</trace></ink>",
        ),
        "a million points, InkML without commas": ("run-on.inkml", f"<ink><trace>{'10 20 ' * 1_000_000}</trace></ink>"),
        "a million points, JSON": ("million.json", json.dumps([million], separators=(",", ":"))),
        "10 GB (sparse)": ("huge.inkml", ""),
    }
    save_inkml(folder / "seven.inkml", strokes.write("7").strokes)
    outcome(folder / "seven.inkml")  # imports defusedxml, once
    results = {}
    for what, (name, text) in files.items():
        path = folder / name
        if name == "huge.inkml":
            with open(path, "wb") as file:
                file.truncate(10 * 1024**3)
        elif text is not None:
            path.write_text(text)
        started = time.perf_counter()
        said = outcome(path)
        seconds = time.perf_counter() - started
        tracemalloc.start()  # a second time, for the memory: tracemalloc slows allocations down
        outcome(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[what] = (path.stat().st_size, peak, seconds, said)
    return results


def outcome(path):
    """What reading a stroke file gives, in words."""
    try:
        return f"{len(stroke_files.read_strokes(path))} stroke(s)"
    except stroke_files.StrokeFileError as error:
        return str(error)[len(f"{path}: ") :]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--numbers", type=int, default=500, help="synthetic numbers to read, 0: none (default: %(default)s)"
    )
    parser.add_argument("--skip-dev", action="store_true", help="leave out the dev writers (1.)")
    parser.add_argument("--pendigits", default=str(PENDIGITS_FILE), help="pendigits' file (default: %(default)s)")
    parser.add_argument("--unipen", default=str(UNIPEN_FILE), help="the UNIPEN dev file (default: %(default)s)")
    args = parser.parse_args()
    recognizer = batch.recognizer()
    assert isinstance(recognizer, Recognizer)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if not args.skip_dev:
            print("1. dev writers written to InkML, read by batch.read_files against in memory (bench/pen_digits.py)")
            for name, (n, agree, files, memory) in dev_writers(recognizer, folder, args.pendigits, args.unipen).items():
                print(f"   {name}: {n} digits, {agree} answers agree; from files {files:.2%}, in memory {memory:.2%}")
        if args.numbers:
            print(f"2. {args.numbers} synthetic numbers of 2-6 digits from JSON strokes, read with --number")
            for way, accuracy in numbers(recognizer, args.numbers, folder).items():
                print(f"   {way}: {accuracy:.2%}")
        print("3. reading stroke files: file size, peak memory (tracemalloc), time (without tracemalloc)")
        for what, (size, peak, seconds, said) in hostile_files(folder).items():
            print(f"   {what}: {size:,} bytes, peak {peak / 1e6:.2f} MB, {seconds * 1000:.1f} ms: {said}")


if __name__ == "__main__":
    main()
