"""Which light runtime answers for the model: ONNX Runtime against LiteRT, side by side, in one run.

    pip install ai-edge-litert            # LiteRT is not a dependency of digitrec; this bench needs it
    python bench/runtimes.py [--starts 5] [--runs 500] [--json]

For each runtime, the bundled model exported for it (ONNX: digitrec's own
export; LiteRT: Keras' `export(format="litert")` of the same answering model):

- start: a fresh Python process that imports the runtime, loads the model and
  answers one digit, median of --starts, beside a bare `import numpy` start;
- one digit: p50 of --runs calls on a 28x28 input, one thread per operation;
- six digits in one batch, the same way;
- the size of the runtime's installed package.

Digits run in the same process order for both, alternately, so a busy
machine slows both alike.
"""

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digitrec import bundle
from digitrec.export import answering_model

ONNX_START = """
import numpy as np, onnxruntime as rt
o = rt.SessionOptions(); o.intra_op_num_threads = 1
s = rt.InferenceSession({path!r}, o, providers=["CPUExecutionProvider"])
s.run(["probabilities"], {{"image": np.zeros((1, 28, 28, 1), np.float32)}})
"""
LITERT_START = """
import numpy as np
from ai_edge_litert.interpreter import Interpreter
it = Interpreter({path!r}, num_threads=1); it.allocate_tensors()
it.set_tensor(it.get_input_details()[0]["index"], np.zeros((1, 28, 28, 1), np.float32)); it.invoke()
"""
BARE_START = "import numpy"


def package_size_mb(module):
    spec = importlib.util.find_spec(module)
    folder = Path(spec.origin).parent
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6, 1)


def start_seconds(code, starts):
    times = []
    for _ in range(starts):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return round(float(np.median(times)), 3)


def onnx_call(path):
    import onnxruntime as rt

    options = rt.SessionOptions()
    options.intra_op_num_threads = 1
    session = rt.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda x: session.run(["probabilities"], {"image": x})[0]


def litert_call(path):
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(str(path), num_threads=1)
    source = interpreter.get_input_details()[0]["index"]

    def call(x):
        interpreter.resize_tensor_input(source, x.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(source, x)
        interpreter.invoke()
        output = min(interpreter.get_output_details(), key=lambda d: d["shape"][-1])  # (n, 10), not the features
        return interpreter.get_tensor(output["index"])

    return call


def p50_ms(call, x, runs):
    for _ in range(5):
        call(x)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call(x)
        times.append((time.perf_counter() - started) * 1000)
    return round(float(np.percentile(times, 50)), 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5, help="fresh starts to time for each runtime")
    parser.add_argument("--runs", type=int, default=500, help="timed calls per case")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if importlib.util.find_spec("ai_edge_litert") is None:
        raise SystemExit("this bench compares with LiteRT: pip install ai-edge-litert")
    with tempfile.TemporaryDirectory() as folder:
        onnx_file = bundle.exported_path()
        litert_file = Path(folder) / "digitrec.tflite"
        answering_model(bundle.load_model()).export(str(litert_file), format="litert", verbose=False)
        rng = np.random.default_rng(0)
        one, six = (rng.random((n, 28, 28, 1)).astype(np.float32) for n in (1, 6))
        calls = {"onnxruntime": onnx_call(onnx_file), "litert": litert_call(litert_file)}
        agree = float(np.abs(calls["onnxruntime"](six) - calls["litert"](six)).max())
        results = {"bare_python_start_s": start_seconds(BARE_START, args.starts), "max_difference": agree}
        for name, code, path, module in (
            ("onnxruntime", ONNX_START, onnx_file, "onnxruntime"),
            ("litert", LITERT_START, litert_file, "ai_edge_litert"),
        ):
            results[name] = {
                "start_s": start_seconds(code.format(path=str(path)), args.starts),
                "one_digit_ms": p50_ms(calls[name], one, args.runs),
                "six_digits_ms": p50_ms(calls[name], six, args.runs),
                "package_mb": package_size_mb(module),
            }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"bare `python -c 'import numpy'`: {results['bare_python_start_s']:.3f} s; "
        f"the two runtimes' probabilities differ by at most {agree:.1e}"
    )
    print(f"{'runtime':12} {'start s':>8} {'1 digit ms':>11} {'6 digits ms':>12} {'package MB':>11}")
    for name in ("onnxruntime", "litert"):
        r = results[name]
        print(
            f"{name:12} {r['start_s']:8.3f} {r['one_digit_ms']:11.3f} "
            f"{r['six_digits_ms']:12.3f} {r['package_mb']:11.1f}"
        )


if __name__ == "__main__":
    main()
