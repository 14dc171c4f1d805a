"""How fast `digitrec gui` answers after launch, against a bare Tk window, in one run.

    python bench/gui_startup.py [--runs 5] [--model PATH] [--json]

Launches, alternately, a bare Tk window (a Python process that opens an empty
Tk window and says when it is mapped) and `digitrec gui --print-answers` on a
private Xvfb screen (see bench/xscreen.py), several times, and times from the
moment each process starts:

- the bare window on screen (the reference);
- digitrec's window on screen ({"event": "mapped"} with DIGITREC_GUI_EVENTS=1);
- the model ready ({"event": "ready"});
- the answer to a '1' drawn with the X mouse the moment the window is mapped.

Goal: the first answer within 6x the bare window's time. Prints medians, min
and max, or JSON with --json.
"""

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from xscreen import Gui, virtual_screen

from digitrec.profile import PROFILES_ENV

BARE_TK = (
    "import tkinter, sys; root = tkinter.Tk(); "
    "root.bind('<Map>', lambda e: (print('mapped', flush=True), root.after(1, root.destroy))); root.mainloop()"
)
STROKE = [[(100, 60), (101, 120), (102, 180), (103, 240)]]  # a '1', canvas px


def bare_tk_seconds(env):
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BARE_TK], env=env, stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()
    seconds = time.perf_counter() - started
    proc.wait(timeout=30)
    return seconds


def digitrec_seconds(env, model):
    app = Gui(env, "--print-answers", *(["--model", model] if model else []))
    try:
        mapped, record = app.wait_for("mapped")
        left, top = record["canvas"][:2]
        app.draw((left, top), STROKE, pause=0.002)
        ready, _ = app.wait_for("ready")
        answered, answer = app.wait_for_answer()
    finally:
        app.close()
    return {
        "mapped_s": round(mapped, 3),
        "ready_s": round(ready, 3),
        "first_answer_s": round(answered, 3),
        "answer": answer["number"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="launches of each to time")
    parser.add_argument("--model", help="model file (default: the bundled model)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    runs = []
    # A first launch: an empty profile folder, not the user's own profiles.
    with virtual_screen() as env, tempfile.TemporaryDirectory() as profiles:
        env = {**env, PROFILES_ENV: profiles}
        for _ in range(args.runs):
            runs.append({"bare_tk_s": round(bare_tk_seconds(env), 3), **digitrec_seconds(env, args.model)})
    keys = ("bare_tk_s", "mapped_s", "ready_s", "first_answer_s")
    summary = {
        key: {
            "median": statistics.median(r[key] for r in runs),
            "min": min(r[key] for r in runs),
            "max": max(r[key] for r in runs),
        }
        for key in keys
    }
    ratio = round(summary["first_answer_s"]["median"] / summary["bare_tk_s"]["median"], 1)
    result = {
        "runs": runs,
        "summary": summary,
        "first_answer_over_bare_tk": ratio,
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"digitrec gui start-up, {len(runs)} launches each on Xvfb ({result['machine']})")
    print(f"{'':44} {'median':>8} {'min':>8} {'max':>8}")
    for key, label in (
        ("bare_tk_s", "launch -> a bare Tk window mapped"),
        ("mapped_s", "launch -> digitrec's window mapped"),
        ("ready_s", "launch -> model ready"),
        ("first_answer_s", "launch -> answer to a stroke drawn at once"),
    ):
        s = summary[key]
        print(f"{label:44} {s['median']:7.2f}s {s['min']:7.2f}s {s['max']:7.2f}s")
    print(
        f"the first answer comes {ratio}x the bare Tk window's time after launch "
        f"(answers read: {', '.join(sorted({r['answer'] for r in runs}))})"
    )


if __name__ == "__main__":
    main()
