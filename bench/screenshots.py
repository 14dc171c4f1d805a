"""Regenerate the README's screenshots of the drawing app: docs/gui-digit.png, docs/gui-number.png,
docs/gui-correction.png and docs/gui-why.png.

    python bench/screenshots.py [--out docs]

Launches `digitrec gui` on a private Xvfb screen (bench/xscreen.py), draws with
the X mouse (xdotool) the neat drawings of tests/strokes.py, points the mouse
at a digit so its probabilities show, and captures the window (ImageMagick's
`import`). For gui-correction.png it draws a '1' with a long flag, which the
model reads as '7', and presses the key 1: the window shows the corrected
answer and the profile that learnt it. For gui-why.png it draws the same '1'
with the Why? view on. Each launch reads and writes a handwriting profile and
settings of its own, in temporary folders: never yours. Needs the bundled model.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xscreen import Gui, virtual_screen

from digitrec.profile import PROFILES_ENV
from digitrec.settings import CONFIG_ENV, FILE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the drawings are the tests' stroke data
import strokes  # noqa: E402

FLAGGED_ONE = strokes.Drawing("1", [[(250, 80), (330, 40), (330, 260)]], 12, "flag")  # read '7' (0.998)
SHOTS = {  # file name: (drawing, which digit the mouse points at, the digit key pressed then or None, Why? on)
    "gui-digit.png": (strokes.write("7", height=220, pen_width=14, origin=(250, 50), seed=3), 0, None, False),
    "gui-number.png": (strokes.write("2048", height=150, pen_width=12, origin=(50, 85), seed=5), 1, None, False),
    "gui-correction.png": (FLAGGED_ONE, 0, "1", False),
    "gui-why.png": (FLAGGED_ONE, 0, None, True),
}


def capture(app, path):
    window = subprocess.run(
        ["xdotool", "search", "--name", "^digitrec"], env=app.env, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    subprocess.run(["import", "-window", window, str(path)], env=app.env, check=True)


def shoot(env, drawing, pointed, key, why, path):
    """Launch the app (with the Why? view on if `why`), draw, point at digit `pointed`, press `key` (a
    correction; None: none) and capture."""
    with tempfile.TemporaryDirectory() as profiles, tempfile.TemporaryDirectory() as config:
        (Path(config) / FILE).write_text(json.dumps({"why": why}))
        app = Gui(
            dict(env, **{PROFILES_ENV: profiles, CONFIG_ENV: config}),
            "--pen-width",
            str(drawing.pen_width),
            "--print-answers",
        )
        try:
            _, mapped = app.wait_for("mapped")
            app.wait_for("ready")
            origin = mapped["canvas"][:2]
            app.draw(origin, drawing.strokes)
            for _ in drawing.strokes:  # an answer at each stroke's end
                app.wait_for_answer()
            # Point at one digit: its box is highlighted and its probabilities shown.
            xs = [x for stroke in drawing.strokes for x, _ in stroke]
            ys = [y for stroke in drawing.strokes for _, y in stroke]
            per_digit = (max(xs) - min(xs)) / len(drawing.text)
            app.xdotool("mousemove", origin[0] + min(xs) + int((pointed + 0.5) * per_digit), origin[1] + max(ys) + 20)
            if key:  # the keyboard follows the mouse (no window manager): the key goes to the window
                app.xdotool("key", key)
                _, answer = app.wait_for_answer()  # worked out again once the profile has learnt the digit
                if answer["number"] != key:
                    raise SystemExit(f"{path.name}: corrected to {key}, the app answers {answer['number']!r}")
            time.sleep(1.0)  # let the last answer paint
            capture(app, path)
        finally:
            app.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with virtual_screen() as env:
        for name, (drawing, pointed, key, why) in SHOTS.items():
            shoot(env, drawing, pointed, key, why, out / name)
            print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
