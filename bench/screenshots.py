"""Regenerate the README's screenshots of the drawing app: docs/gui-digit.png and docs/gui-number.png.

    python bench/screenshots.py [--out docs]

Launches `digitrec gui` on a private Xvfb screen (bench/xscreen.py), draws with
the X mouse (xdotool) the neat drawings of tests/strokes.py, points the mouse
at a digit so its probabilities show, and captures the window (ImageMagick's
`import`). Needs the bundled model.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from xscreen import Gui, virtual_screen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the drawings are the tests' stroke data
import strokes  # noqa: E402

SHOTS = {  # file name: (drawing, which digit the mouse points at)
    "gui-digit.png": (strokes.write("7", height=220, pen_width=14, origin=(250, 50), seed=3), 0),
    "gui-number.png": (strokes.write("2048", height=150, pen_width=12, origin=(50, 85), seed=5), 1),
}


def capture(app, path):
    window = subprocess.run(["xdotool", "search", "--name", "^digitrec"], env=app.env, capture_output=True,
                            text=True, check=True).stdout.split()[0]
    subprocess.run(["import", "-window", window, str(path)], env=app.env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with virtual_screen() as env:
        for name, (drawing, pointed) in SHOTS.items():
            app = Gui(env, "--pen-width", str(drawing.pen_width), "--print-answers")
            try:
                _, mapped = app.wait_for("mapped")
                app.wait_for("ready")
                origin = mapped["canvas"][:2]
                app.draw(origin, drawing.strokes)
                # Point at one digit: its box is highlighted and its probabilities shown.
                xs = [x for stroke in drawing.strokes for x, _ in stroke]
                ys = [y for stroke in drawing.strokes for _, y in stroke]
                per_digit = (max(xs) - min(xs)) / len(drawing.text)
                app.xdotool("mousemove", origin[0] + min(xs) + int((pointed + 0.5) * per_digit),
                            origin[1] + max(ys) + 20)
                time.sleep(1.0)  # let the last answer paint
                capture(app, out / name)
                print(f"wrote {out / name}")
            finally:
                app.close()


if __name__ == "__main__":
    main()
