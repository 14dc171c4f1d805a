"""A canvas drawn on with the mouse's left button: the window's, and teach mode's.

The strokes are kept as the recogniser gets them ([[(x, y), ...], ...] canvas
px) and drawn as `render_strokes` draws them: one pen width for every stroke,
round ends and joins, a one-point stroke a dot. The window's canvas can show an
opened image instead (`picture`), fitted into it, and outlines the digits read.
"""

import tkinter as tk
from collections.abc import Sequence

from PIL import Image, ImageTk

from digitrec.gui.look import BOX, FOCUS_BOX, HINT, INK, PAPER, Look

Point = tuple[int, int]  # (x, y) canvas px
Box = tuple[float, float, float, float]  # (left, top, right, bottom) px


class Sketch(tk.Canvas):
    """A canvas of `size` px holding `strokes`; `pen`: a tk.IntVar, the pen width in px; `hint`
    shows in the middle while there is no ink.

    It tells of each stroke with virtual events, handled before it goes on: <<StrokeStart>> (no
    stroke added yet), <<StrokeEdit>> (a point added, at the event's x), <<StrokeEnd>>. Events, not
    callbacks kept here: a callback to the window's App would tie the two in a reference cycle.
    """

    def __init__(self, parent: tk.Misc, pen: tk.IntVar, size: tuple[int, int], hint: str, look: Look) -> None:
        super().__init__(
            parent,
            width=size[0],
            height=size[1],
            background=PAPER,
            highlightthickness=0,
            borderwidth=0,
            cursor="crosshair",
        )
        self.pen, self.hint, self.look = pen, hint, look
        self.strokes: list[list[Point]] = []
        self.lines: list[int] = []  # the canvas line item of each stroke
        self.picture: Image.Image | None = None  # an opened image (Pillow), recognised instead of the strokes
        self.picture_place: tuple[float, float, float] = (1.0, 0, 0)  # zoom and offset of the picture shown
        self.boxes: list[Box] = []  # the digits' outlines, (left, top, right, bottom) canvas px
        self.drawing = False
        self._shown: ImageTk.PhotoImage | None = None  # on show: Tk forgets a PhotoImage Python no longer references
        self._overlays: list[ImageTk.PhotoImage] = []  # the Why? view's evidence over each digit, likewise
        self.bind("<ButtonPress-1>", self._press)
        self.bind("<B1-Motion>", self._drag)
        self.bind("<ButtonRelease-1>", self._release)
        self.bind("<Configure>", lambda event: self.place_hint())

    def extent(self) -> tuple[int, int]:
        """The canvas's (width, height) in px: as laid out once on screen, as asked before."""
        if self.winfo_ismapped():
            return self.winfo_width(), self.winfo_height()
        return int(self["width"]), int(self["height"])

    def has_ink(self) -> bool:
        return bool(self.strokes) or self.picture is not None

    def _press(self, event: tk.Event) -> None:
        self.event_generate("<<StrokeStart>>")
        self.drawing = True
        self.delete("hint")
        point = (event.x, event.y)
        self.strokes.append([point])
        # A one-point line is a dot: the round cap draws it, as render_strokes does.
        self.lines.append(
            self.create_line(
                *point, *point, width=self.pen.get(), fill=INK, capstyle="round", joinstyle="round", tags="ink"
            )
        )

    def _drag(self, event: tk.Event) -> None:
        if not self.drawing:
            return
        stroke, point = self.strokes[-1], (event.x, event.y)
        if point != stroke[-1]:
            stroke.append(point)
            self.coords(self.lines[-1], [v for p in stroke for v in p])
            self.event_generate("<<StrokeEdit>>", x=event.x)

    def _release(self, event: tk.Event) -> None:
        if self.drawing:
            self._drag(event)
            self.drawing = False
            self.event_generate("<<StrokeEnd>>")

    def set_pen_width(self, width: int) -> None:
        """Draw every stroke at this width (render_strokes draws them all at one width)."""
        self.itemconfigure("ink", width=width)

    def pop(self) -> None:
        """Remove the last stroke."""
        self.drawing = False  # removed mid-stroke: the mouse must not go on with it
        if self.strokes:
            self.strokes.pop()
            self.delete(self.lines.pop())

    def show_picture(self, picture: Image.Image) -> None:
        """Show an opened image fitted into the wiped canvas (display only: the recogniser gets the original)."""
        self.picture = picture
        width, height = self.extent()
        zoom = min(width / picture.width, height / picture.height)
        size = (max(1, round(picture.width * zoom)), max(1, round(picture.height * zoom)))
        shown = picture if picture.mode in ("1", "L", "RGB", "RGBA") else picture.convert("RGBA")
        self._shown = ImageTk.PhotoImage(shown.resize(size, Image.Resampling.LANCZOS), master=self)
        self.picture_place = (zoom, (width - size[0]) / 2, (height - size[1]) / 2)
        self.create_image(width / 2, height / 2, image=self._shown, anchor="center", tags="picture")
        self.delete("hint")

    def wipe(self) -> None:
        """Remove every stroke, the picture and the outlines; the hint shows."""
        self.drawing = False
        self.strokes.clear()
        self.lines.clear()
        self.picture, self._shown, self.boxes = None, None, []
        self.show_overlays([])
        self.delete("ink", "picture", "box")
        self.place_hint()

    def show_boxes(self, boxes: Sequence[Box], solid: int | None = None) -> None:
        """Outline the digits' boxes [(left, top, right, bottom), ...], px of the image recognised (for
        an opened picture, scaled as it is shown); the one at index `solid` is drawn solid."""
        zoom, dx, dy = self.picture_place if self.picture is not None else (1.0, 0, 0)
        self.boxes = [(dx + x0 * zoom, dy + y0 * zoom, dx + x1 * zoom, dy + y1 * zoom) for x0, y0, x1, y1 in boxes]
        self.delete("box")
        for i, box in enumerate(self.boxes):
            self.create_rectangle(
                *box,
                outline=BOX,
                dash=() if i == solid else (4, 3),
                width=2 if i == solid else 1,
                tags=("box", f"box{i}"),
            )
        self.tag_lower("box")  # under the ink
        if self.picture is not None:
            self.tag_lower("picture")

    def show_overlays(self, overlays: Sequence[tuple[Image.Image, Box]]) -> None:
        """Lay images over the digits: [(Pillow RGBA image, box), ...], boxes as for `show_boxes`, each image
        stretched onto its box (as shown); [] removes them."""
        zoom, dx, dy = self.picture_place if self.picture is not None else (1.0, 0, 0)
        self.delete("why")
        self._overlays = []
        for image, (left, top, right, bottom) in overlays:
            size = (max(1, round((right - left) * zoom)), max(1, round((bottom - top) * zoom)))
            self._overlays.append(ImageTk.PhotoImage(image.resize(size), master=self))
            self.create_image(dx + left * zoom, dy + top * zoom, image=self._overlays[-1], anchor="nw", tags="why")
        self.tag_raise("why")  # over the ink: it shows through

    def box_at(self, x: float) -> int | None:
        """The index of the outline that spans x, or None."""
        return next((i for i, (left, _, right, _) in enumerate(self.boxes) if left <= x <= right), None)

    def highlight(self, index: int | None) -> None:
        """Draw the outline at `index` (None: none) in the focus colour, the others in the usual one."""
        self.itemconfigure("box", outline=BOX)
        if index is not None:
            self.itemconfigure(f"box{index}", outline=FOCUS_BOX)

    def place_hint(self) -> None:
        self.delete("hint")
        if not self.has_ink():
            width, height = self.extent()
            self.create_text(
                width / 2, height / 2, text=self.hint, fill=HINT, font=self.look.fonts["text"], tags="hint"
            )
