"""How fast `digitrec gui` opens: from launch to the window on screen, and to the first answer possible.

    python bench/gui_startup.py [--runs 5] [--model PATH] [--json]

Launches the app on a private Xvfb screen (see bench/xscreen.py) several times
and times, from the moment the process starts, the lines it prints with
DIGITREC_GUI_EVENTS=1: {"event": "mapped"} (window mapped) and
{"event": "ready"} (model loaded and warmed up: the first stroke gets its
answer). Prints the median, min and max of each, or JSON with --json.
Run it on a quiet machine: TensorFlow's import dominates "ready".
"""

import argparse
import json
import platform
import statistics

from xscreen import Gui, virtual_screen


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="launches to time")
    parser.add_argument("--model", help="model file (default: the bundled model)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    runs = []
    with virtual_screen() as env:
        for _ in range(args.runs):
            app = Gui(env, *(["--model", args.model] if args.model else []))
            try:
                mapped, _ = app.wait_for("mapped")
                ready, _ = app.wait_for("ready")
            finally:
                app.close()
            runs.append({"mapped_s": round(mapped, 3), "ready_s": round(ready, 3)})
    summary = {key: {"median": statistics.median(r[key] for r in runs), "min": min(r[key] for r in runs),
                     "max": max(r[key] for r in runs)} for key in ("mapped_s", "ready_s")}
    result = {"runs": runs, "summary": summary, "machine": f"{platform.processor() or platform.machine()}, "
              f"Python {platform.python_version()}"}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"digitrec gui start-up, {len(runs)} launches on Xvfb ({result['machine']})")
    print(f"{'':28} {'median':>8} {'min':>8} {'max':>8}")
    for key, label in (("mapped_s", "launch -> window mapped"), ("ready_s", "launch -> model ready")):
        s = summary[key]
        print(f"{label:28} {s['median']:7.2f}s {s['min']:7.2f}s {s['max']:7.2f}s")


if __name__ == "__main__":
    main()
