"""Hand-designed digit drawings, made the way a mouse draws them, for the GUI tests.

Each digit 0-9 has templates in the styles people write it in ('1' plain or
with a flag and base, '4' closed, open or in two strokes that don't touch,
'7' with a crossbar as a second stroke, '9' with a straight or curved tail...):
polylines in a unit box, x to the right, y down, height 1. `drawn` turns a
template into canvas strokes: any size, slanted, wobbling like a hand, and
sampled like mouse events (integer points a few px apart). Everything is
reproducible: one seeded NumPy Generator per collection.

    digits()    # 200 single digits, 20 of each, anywhere on a 640x320 canvas
    numbers()   # 30 numbers of 2-6 digits, left to right, with gaps between digits
    write("42") # one neat drawing of a given number

`python tests/strokes.py /tmp/strokes.png` writes a contact sheet of them all.
"""

import dataclasses
import math
import sys

import numpy as np

CANVAS = (640, 320)  # the GUI's canvas at 96 dpi; every drawing fits inside it
HEIGHTS = (40, 280)  # px, a single digit's height: small to nearly the canvas
PEN_WIDTHS = (4, 30)  # px; a small digit gets a thinner pen (at most a fifth of its height)
MOUSE_STEP = (1.5, 7.0)  # px between mouse events: slow to fast strokes
MARGIN = 2  # px between the ink and the canvas edge


@dataclasses.dataclass
class Drawing:
    text: str  # the digit or number drawn
    strokes: list  # [[(x, y), ...], ...] integer canvas px
    pen_width: int
    style: str


# ---------------------------------------------------------------- template pieces


def line(*points):
    return np.array(points, float)


def bezier(p0, p1, p2, p3, n=24):
    t = np.linspace(0, 1, n)[:, None]
    p0, p1, p2, p3 = (np.array(p, float) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def arc(cx, cy, rx, ry, start, end):
    """Ellipse arc, angles in degrees on screen: 0 = right, 90 = down; increasing turns clockwise."""
    angles = np.radians(np.linspace(start, end, max(8, int(abs(end - start) / 6))))
    return np.stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)], axis=1)


def path(*pieces):
    """One stroke through the pieces in order (the pen goes straight from one's end to the next's start)."""
    return np.concatenate(pieces)


# Upper bowls and tails reused by several styles.
_TWO_TOP = bezier((0.05, 0.25), (0.08, -0.05), (0.62, -0.08), (0.6, 0.28))
_THREE_BOTTOM = path(
    bezier((0.24, 0.45), (0.74, 0.42), (0.76, 0.96), (0.36, 0.99)),
    bezier((0.36, 0.99), (0.2, 1.0), (0.08, 0.96), (0.02, 0.87)),
)
_FIVE_BODY = path(
    line((0.1, 0.0), (0.07, 0.44)),
    bezier((0.07, 0.44), (0.5, 0.28), (0.76, 0.62), (0.52, 0.9)),
    bezier((0.52, 0.9), (0.4, 1.02), (0.12, 1.0), (0.0, 0.86)),
)
_NINE_LOOP = arc(0.3, 0.26, 0.27, 0.26, -10, -370)

TEMPLATES = {
    0: {
        "oval": [arc(0.3, 0.5, 0.28, 0.5, -90, -460)],
        "round": [arc(0.36, 0.5, 0.36, 0.5, -80, -450)],
        "clockwise": [arc(0.3, 0.5, 0.27, 0.5, -100, 262)],
    },
    1: {
        "plain": [line((0.5, 0.0), (0.46, 1.0))],
        "flag": [line((0.28, 0.2), (0.5, 0.0), (0.48, 1.0))],
        "flag and base": [line((0.28, 0.2), (0.5, 0.0), (0.48, 1.0)), line((0.18, 1.0), (0.78, 1.0))],
    },
    2: {
        "plain": [
            path(_TWO_TOP, bezier((0.6, 0.28), (0.58, 0.5), (0.25, 0.72), (0.02, 1.0)), line((0.02, 1.0), (0.66, 0.98)))
        ],
        "loop": [
            path(
                _TWO_TOP,
                bezier((0.6, 0.28), (0.58, 0.5), (0.3, 0.75), (0.17, 0.98)),
                arc(0.12, 0.93, 0.07, 0.07, 45, 300),
                line((0.68, 0.9)),
            )
        ],
    },
    3: {
        "round": [
            path(
                bezier((0.04, 0.14), (0.2, -0.06), (0.62, -0.02), (0.56, 0.24)),
                bezier((0.56, 0.24), (0.52, 0.42), (0.34, 0.46), (0.24, 0.45)),
                _THREE_BOTTOM,
            )
        ],
        "flat top": [path(line((0.04, 0.02), (0.6, 0.02), (0.24, 0.45)), _THREE_BOTTOM)],
    },
    4: {
        "closed": [line((0.48, 0.0), (0.0, 0.68), (0.68, 0.68)), line((0.5, 0.0), (0.48, 1.0))],
        "open": [line((0.1, 0.0), (0.04, 0.6), (0.7, 0.6)), line((0.52, 0.04), (0.5, 1.0))],
        "open, strokes apart": [line((0.1, 0.0), (0.04, 0.6), (0.42, 0.6)), line((0.58, 0.0), (0.52, 1.0))],
    },
    5: {
        "flag last": [_FIVE_BODY, line((0.1, 0.0), (0.62, 0.0))],
        "flag apart": [_FIVE_BODY, line((0.22, -0.02), (0.64, -0.03))],
        "one stroke": [path(line((0.62, 0.0), (0.1, 0.0)), _FIVE_BODY)],
    },
    6: {
        "curved": [
            path(bezier((0.5, 0.0), (0.2, 0.1), (0.02, 0.42), (0.04, 0.74)), arc(0.3, 0.74, 0.26, 0.25, 180, -170))
        ],
        "straight": [path(line((0.46, 0.0), (0.06, 0.7)), arc(0.3, 0.75, 0.25, 0.25, 190, -160))],
    },
    7: {
        "plain": [line((0.0, 0.02), (0.64, 0.0), (0.24, 1.0))],
        "crossbar": [line((0.0, 0.02), (0.64, 0.0), (0.24, 1.0)), line((0.2, 0.52), (0.62, 0.5))],
        "curved": [path(line((0.0, 0.04), (0.64, 0.0)), bezier((0.64, 0.0), (0.45, 0.3), (0.3, 0.6), (0.28, 1.0)))],
        "serif": [line((0.0, 0.16), (0.0, 0.02), (0.64, 0.0), (0.26, 1.0))],
    },
    8: {
        "one stroke": [
            path(
                bezier((0.55, 0.12), (0.48, -0.04), (0.06, -0.02), (0.1, 0.2)),
                bezier((0.1, 0.2), (0.14, 0.38), (0.6, 0.48), (0.62, 0.72)),
                bezier((0.62, 0.72), (0.64, 1.0), (0.02, 1.02), (0.04, 0.74)),
                bezier((0.04, 0.74), (0.06, 0.54), (0.52, 0.42), (0.56, 0.2)),
                line((0.53, 0.1)),
            )
        ],
        "two loops": [arc(0.32, 0.24, 0.24, 0.24, -90, -450), arc(0.32, 0.74, 0.3, 0.26, -90, 270)],
    },
    9: {
        "straight tail": [path(_NINE_LOOP, line((0.54, 1.0)))],
        "curved tail": [path(_NINE_LOOP, bezier((0.566, 0.21), (0.6, 0.7), (0.48, 1.0), (0.16, 0.96)))],
        "two strokes": [arc(0.3, 0.26, 0.27, 0.26, 0, -360), line((0.58, 0.12), (0.55, 1.0))],
    },
}


# ---------------------------------------------------------------- from template to mouse strokes


def drawn(template, rng, height, slant):
    """Strokes of `template` drawn `height` px tall, top-left of the points at (0, 0): float arrays."""
    aspect = rng.uniform(0.85, 1.2)  # narrow or wide writers
    turn = rng.normal(0, 0.05)  # radians
    cos, sin = math.cos(turn), math.sin(turn)
    strokes = []
    for stroke in template:
        x = stroke[:, 0] * aspect + slant * (1 - stroke[:, 1])  # slant > 0 leans the top to the right
        y = stroke[:, 1]
        points = np.stack([cos * x - sin * y, sin * x + cos * y], axis=1) * height
        strokes.append(mouse_events(wobbled(points, rng, height), rng))
    low = np.min([s.min(axis=0) for s in strokes], axis=0)
    return [s - low for s in strokes]


def wobbled(points, rng, height):
    """A hand is not a plotter: bend the stroke by a slow sideways wave of about 1% of the height."""
    along = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    wave = np.zeros_like(points)
    for _ in range(2):
        period = rng.uniform(0.5, 1.5) * height
        phase = rng.uniform(0, 2 * np.pi, size=2)
        wave += 0.008 * height * np.sin(2 * np.pi * along[:, None] / period + phase)
    return points + wave


def mouse_events(points, rng):
    """Resample a polyline as a mouse reports it: a point every few px along it, integer coordinates."""
    along = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    if along[-1] == 0:
        return np.round(points[:1])
    steps = [0.0]
    while steps[-1] < along[-1]:
        steps.append(steps[-1] + rng.uniform(*MOUSE_STEP))
    steps[-1] = along[-1]
    sampled = np.stack([np.interp(steps, along, points[:, 0]), np.interp(steps, along, points[:, 1])], axis=1)
    return sampled + rng.uniform(-0.5, 0.5, sampled.shape)


def placed(strokes, x, y):
    """Integer point lists with the points' top-left at (x, y), repeated points dropped."""
    out = []
    for stroke in strokes:
        points = [(int(round(px + x)), int(round(py + y))) for px, py in stroke]
        out.append([p for i, p in enumerate(points) if i == 0 or p != points[i - 1]])
    return out


def extent(strokes):
    points = np.concatenate(strokes)
    return points.max(axis=0)  # (width, height) of the points, top-left being (0, 0)


def pen_for(rng, height):
    return int(rng.integers(PEN_WIDTHS[0], max(PEN_WIDTHS[0], min(PEN_WIDTHS[1], height / 5)) + 1))


# ---------------------------------------------------------------- the collections


def digits(per_digit=20, seed=2024):
    """`per_digit` drawings of each digit, styles in turn, sizes 40-280 px, anywhere on the canvas."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(per_digit):
        for digit, styles in TEMPLATES.items():
            style = list(styles)[i % len(styles)]
            height = math.exp(rng.uniform(math.log(HEIGHTS[0]), math.log(HEIGHTS[1])))
            pen = pen_for(rng, height)
            height = min(height, CANVAS[1] - pen - 2 * MARGIN)
            strokes = drawn(styles[style], rng, height, slant=rng.normal(0.1, 0.12))
            width, tall = extent(strokes)
            # Anywhere, corners included: a third of the drawings hug two edges.
            room_x, room_y = CANVAS[0] - width - pen - 2 * MARGIN, CANVAS[1] - tall - pen - 2 * MARGIN
            if rng.random() < 1 / 3:
                fx, fy = rng.integers(0, 2, size=2)
            else:
                fx, fy = rng.random(2)
            x, y = MARGIN + pen / 2 + fx * max(0, room_x), MARGIN + pen / 2 + fy * max(0, room_y)
            out.append(Drawing(str(digit), placed(strokes, x, y), pen, style))
    return out


def numbers(count=30, seed=7):
    """`count` numbers of 2-6 digits written left to right, one writer's slant each, with gaps."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        text = "".join(str(d) for d in rng.integers(0, 10, size=rng.integers(2, 7)))
        height = rng.uniform(40, 160)
        pen = pen_for(rng, height)
        slant = rng.normal(0.1, 0.1)
        pieces, x = [], 0.0
        for ch in text:
            styles = TEMPLATES[int(ch)]
            style = list(styles)[rng.integers(len(styles))]
            h = height * rng.uniform(0.9, 1.1)
            strokes = drawn(styles[style], rng, h, slant)
            dy = (height - h) + rng.normal(0, 0.03 * height)  # digits sit on a wavy baseline
            pieces.append((strokes, x, dy, style))
            width = x + extent(strokes)[0]
            x = width + pen + rng.uniform(0.15, 0.5) * height  # a clear gap between the inks
        tops = [dy for _, _, dy, _ in pieces]
        bottoms = [dy + extent(s)[1] for s, _, dy, _ in pieces]
        if width + pen + 2 * MARGIN > CANVAS[0] or max(bottoms) - min(tops) + pen + 2 * MARGIN > CANVAS[1]:
            continue  # too long for the canvas: draw another
        x0 = MARGIN + pen / 2 + rng.random() * (CANVAS[0] - width - pen - 2 * MARGIN)
        y0 = MARGIN + pen / 2 - min(tops) + rng.random() * (CANVAS[1] - (max(bottoms) - min(tops)) - pen - 2 * MARGIN)
        strokes = [s for d, dx, dy, _ in pieces for s in placed(d, x0 + dx, y0 + dy)]
        out.append(Drawing(text, strokes, pen, ", ".join(style for *_, style in pieces)))
    return out


def write(text, height=120, pen_width=12, origin=(60, 80), seed=0):
    """A neat drawing of `text` in each digit's first style: for tests that need one known drawing."""
    rng = np.random.default_rng(seed)
    strokes, x = [], origin[0]
    for ch in text:
        template = next(iter(TEMPLATES[int(ch)].values()))
        digit = drawn(template, rng, height, slant=0.1)
        strokes += placed(digit, x, origin[1])
        x += extent(digit)[0] + pen_width + 0.3 * height
    return Drawing(text, strokes, pen_width, "neat")


def contact_sheet(drawings, path, columns=8, cell=(240, 120)):
    """Save a PNG of the drawings, each on its own canvas, labelled with its text and style."""
    from PIL import Image, ImageDraw

    from digitrec.image import render_strokes

    rows = -(-len(drawings) // columns)
    sheet = Image.new("L", (columns * cell[0], rows * (cell[1] + 14)), 200)
    draw = ImageDraw.Draw(sheet)
    for i, d in enumerate(drawings):
        x, y = (i % columns) * cell[0], (i // columns) * (cell[1] + 14)
        canvas = render_strokes(d.strokes, d.pen_width, size=CANVAS).resize((cell[0] - 4, cell[1] - 4))
        sheet.paste(canvas, (x + 2, y + 2))
        draw.text((x + 3, y + cell[1]), f"{d.text} {d.style} pen {d.pen_width}"[:40], fill=0)
    sheet.save(path)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/strokes.png"
    contact_sheet(digits(), out)
    contact_sheet(numbers(), out.replace(".png", "-numbers.png"))
    print(f"wrote {out} and {out.replace('.png', '-numbers.png')}")
