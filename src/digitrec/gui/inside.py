"""The Why? view under the canvas: for the digit in focus, which ink pushed toward its answer and which
toward the runner-up, the profile example that decided it (if one did; else how it was drawn, its strokes
in order, and what the picture and the path each read before they were weighed together), and what each
layer of the network output for it, its strongest channels first; pointing at a channel (or clicking it)
shows it large.

It only shows what the answerer's thread worked out (`work.Reading`): no maths on the Tk thread
beyond turning arrays into pictures (`digitrec.inside.pictures`).
"""

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageTk

from digitrec.gui.look import ERROR, QUIET, Look, fitted
from digitrec.inside import pictures

if TYPE_CHECKING:
    from digitrec.inside.evidence import Explanation
    from digitrec.recognize import DigitResult

MAP_ZOOM = 5  # the 28x28 evidence is shown at 140x140 px (at 96 dpi)
EXAMPLE_ZOOM = 3
CHANNELS = 10  # of each layer, the strongest shown
TILE = 20  # px at 96 dpi a side of a channel's tile
NAME_GAP = 6  # px at 96 dpi between a layer's name and size and its tiles
LAYERS = 7  # rows of tiles the view has room for: the bundled network's convolutions
LARGE_LINES, EXAMPLE_LINES = 3, 3  # the room, in lines, of what the large view and the example say
LARGE_WIDER = 60  # px at 96 dpi: what the large view says may be this much wider than its picture
EXAMPLE_WIDTH = 150  # px at 96 dpi: the example's column


class InsideView:
    """The view's widgets (`frame`). `show(...)` fills it for one digit; `layer_rows` (the labels shown
    beside the tiles) and `large_label` (what the large view shows) are there for a look from outside.

    Its size is set once, by its layout with every part at its fullest (`size`): whatever it shows, and
    shown or not, the window around it keeps its size and the canvas above it its room."""

    def __init__(self, parent: tk.Misc, look: Look) -> None:
        self.look = look
        px, fonts = look.px, look.fonts
        small, side = fonts["small"], px(28 * MAP_ZOOM)
        self._why: Explanation | None = None  # the evidence.Explanation shown
        # The PhotoImages on show: Tk forgets one Python no longer references.
        self._images: dict[str, tk.PhotoImage | ImageTk.PhotoImage] = {}
        # (layer, channel) clicked last: the large view's, when not pointing at one
        self._pinned: tuple[int, int | None] = (0, None)
        self.layer_rows: list[tuple[str, int]] = []  # (the layer's name and size, its y on the layers' canvas)
        self.frame = frame = ttk.Frame(parent, padding=(px(8), 0, 0, px(4)))
        self.title = ttk.Label(frame, font=fonts["bold"])
        self.title.grid(row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(frame, text="What each layer saw", font=fonts["bold"]).grid(row=0, column=2, sticky="w")

        evidence = ttk.Frame(frame)
        evidence.grid(row=1, column=0, sticky="n")
        self.map = ttk.Label(evidence)
        self.map.pack(anchor="w", pady=(px(2), 0))
        self.legend = ttk.Label(evidence)
        self.legend.pack(anchor="w", pady=(px(4), 0))
        # As wide as the map, whatever its words ("against 7", "toward 1"): the view never widens with them.
        ends = ttk.Frame(evidence, width=side + px(20))
        ends.pack_propagate(False)
        ends.pack(fill="x")
        self.toward_second = ttk.Label(ends, font=small, foreground=QUIET, text="←")
        self.toward_second.pack(side="left")
        self.toward_answer = ttk.Label(ends, font=small, foreground=QUIET)
        self.toward_answer.pack(side="right")
        ends.configure(height=self.toward_second.winfo_reqheight())

        large = ttk.Frame(frame)
        large.grid(row=1, column=1, sticky="nwe", padx=px(10))
        frame.columnconfigure(1, minsize=side + px(LARGE_WIDER) + 2 * px(10))
        self.large = ttk.Label(large)
        self.large.pack(anchor="w", pady=(px(2), 0))
        self.large_label = ttk.Label(
            large, font=small, foreground=QUIET, justify="left", wraplength=side + px(LARGE_WIDER), width=1
        )
        self.large_label.pack(fill="x")

        layers = ttk.Frame(frame)
        layers.grid(row=1, column=2, sticky="nw")
        self.row_height = px(TILE) + px(5)
        self.name_width = small.measure("conv 0 · 26×26 · 128") + px(NAME_GAP)  # tiles start here
        self.layers = tk.Canvas(
            layers,
            width=self.name_width + CHANNELS * (px(TILE) + 2),
            height=LAYERS * self.row_height,
            highlightthickness=0,
            background=look.background,
        )
        self.layers.pack(anchor="w", pady=(px(2), 0))
        ttk.Label(
            layers, text="strongest channels first; point at one to see it large", font=small, foreground=QUIET
        ).pack(anchor="w")

        # The profile's example that decided the answer (if one did), with what it says.
        example_width = px(EXAMPLE_WIDTH)
        self.example = ttk.Label(
            frame, font=small, foreground=QUIET, compound="top", justify="left", wraplength=example_width, width=1
        )
        self.example.grid(row=1, column=3, sticky="nwe", padx=(px(10), 0), pady=(px(2), 0))
        frame.columnconfigure(3, minsize=example_width + px(10))
        # Under it all, one line: what the map's colours mean, or why there is nothing to show.
        under = ttk.Frame(frame)
        under.grid(row=2, column=0, columnspan=4, sticky="w")
        self.words = ttk.Label(under, font=small, foreground=QUIET)
        self.words.pack(side="left")
        self.message = ttk.Label(under, font=small, foreground=ERROR)
        self.message.pack(side="left")
        self.layers.bind("<Motion>", lambda event: self._point(event.x, event.y))
        self.layers.bind("<Leave>", lambda event: self._show_large(*self._pinned))
        self.layers.bind("<Button-1>", lambda event: self._pin(event.x, event.y))
        self.size = self._fix_size()
        self._clear()

    def _fix_size(self) -> tuple[int, int]:
        """Lay the view out with every part at its fullest (pictures, lines of text), and keep that size."""
        px, side = self.look.px, self.look.px(28 * MAP_ZOOM)
        for label, name, size in (
            (self.map, "map", (side, side)),
            (self.legend, "legend", (side, px(10))),
            (self.large, "large", (side, side)),
            (self.example, "example", (px(28 * EXAMPLE_ZOOM),) * 2),
        ):
            self._images[name] = tk.PhotoImage(master=self.frame, width=size[0], height=size[1])
            label.configure(image=self._images[name])
        full = {self.large_label: LARGE_LINES, self.example: EXAMPLE_LINES}
        for label, lines in full.items():
            label.configure(text="\n".join("X" * lines))
        for label in (self.title, self.toward_second, self.toward_answer, self.words):
            label.configure(text="X")
        self.frame.update_idletasks()
        size = self.frame.winfo_reqwidth(), self.frame.winfo_reqheight()
        self.frame.configure(width=size[0], height=size[1])
        self.frame.grid_propagate(False)
        return size

    def show(
        self,
        why: "Explanation | None",
        index: int | None = None,
        count: int = 1,
        example: NDArray[np.floating] | None = None,
        error: str | None = None,
        drawn: "DigitResult | None" = None,
    ) -> None:
        """Show an evidence.Explanation (None: nothing to show) for digit `index` of `count`; example:
        the profile example that decided it, float (28, 28), or None; error: why there is nothing (one line);
        drawn: the answer, where it was read from strokes (its path's part is shown where no example decided)."""
        self._why = why
        room = self.size[0] - self.look.px(8)
        self.message.configure(text=fitted(error or "", self.look.fonts["small"], room))
        if why is None:
            self._clear()
            return
        px, a, b = self.look.px, why.answer, why.runner_up
        which = f"Digit {index + 1} of {count}: " if index is not None and count > 1 else ""
        self.title.configure(text=f"{which}{why.title}")
        self._set(self.map, "map", pictures.map_image(why.contrast, why.model_input, px(28 * MAP_ZOOM)))
        self._set(self.legend, "legend", pictures.legend(px(28 * MAP_ZOOM), px(10)))
        self.toward_second.configure(text=f"← {why.ends[0]}")
        self.toward_answer.configure(text=f"{why.ends[1]} →")
        p = why.probabilities
        blue = (
            f"Blue: ink that made it less of a {a}; the runner-up, {b} ({p[b]:.1%}), had no real say."
            if why.against is None
            else f"Blue: ink that looked like a {b} ({p[b]:.1%})."
        )
        words = f"Red: ink that made it a {a} ({p[a]:.1%}). {blue} White: no say either way."
        self.words.configure(text=fitted(words, self.look.fonts["small"], self.size[0] - px(8)))
        if example is not None:
            shown = Image.fromarray(np.round(np.clip(example, 0, 1) * 255).astype(np.uint8))
            self._set(self.example, "example", shown.resize((px(28 * EXAMPLE_ZOOM),) * 2, Image.Resampling.NEAREST))
            said = f"Answered {a} by your example (the nearest one you taught)"
            self.example.configure(text=fitted(said, self.look.fonts["small"], px(EXAMPLE_WIDTH), EXAMPLE_LINES))
        elif drawn is not None and drawn.strokes and drawn.path_probabilities is not None:
            side = px(28 * EXAMPLE_ZOOM)
            self._set(self.example, "example", pictures.drawing_order(drawn.strokes, side, px(4)))
            said = readings(drawn)
            self.example.configure(text=fitted(said, self.look.fonts["small"], px(EXAMPLE_WIDTH), EXAMPLE_LINES))
        else:
            self.example.configure(image="", text="")
            self._images.pop("example", None)
        self._draw_layers(why)
        layer, channel = self._pinned
        self._show_large(min(layer, len(why.layers) - 1), channel)

    def _clear(self) -> None:
        for label in (self.map, self.legend, self.large, self.example):
            label.configure(image="", text="")
        for label in (self.title, self.toward_second, self.toward_answer, self.words, self.large_label):
            label.configure(text="")
        self.title.configure(text="Why? Draw a digit")
        self.layers.delete("all")
        self.layer_rows = []
        self._images.clear()

    def _set(self, label: ttk.Label, name: str, image: Image.Image) -> None:
        self._images[name] = ImageTk.PhotoImage(image, master=self.frame)
        label.configure(image=self._images[name])

    def _draw_layers(self, why: "Explanation") -> None:
        """Each layer of `why` a row: its name and size, then its strongest channels' tiles."""
        canvas, px, small = self.layers, self.look.px, self.look.fonts["small"]
        canvas.delete("all")
        self.layer_rows = []
        for i, layer in enumerate(why.layers):
            y = i * self.row_height
            h, w, c = layer.activations.shape
            name = f"{layer.name} · {c} values" if (h, w) == (1, 1) else f"{layer.name} · {h}×{w} · {c}"
            canvas.create_text(0, y + self.row_height / 2, text=name, anchor="w", font=small)
            tiles = pictures.channel_tiles(layer, CHANNELS, px(TILE))
            self._images[f"layer{i}"] = ImageTk.PhotoImage(tiles, master=self.frame)
            canvas.create_image(
                self.name_width,
                y + (self.row_height - tiles.height) / 2,
                image=self._images[f"layer{i}"],
                anchor="nw",
                tags=("tiles", f"tiles{i}"),
            )
            self.layer_rows.append((name, y))

    def _at(self, x: int, y: int) -> tuple[int, int | None] | None:
        """(layer index, channel) of the tile at canvas (x, y); channel None for a 1x1 layer; None off the tiles."""
        if self._why is None:
            return None
        i, left = int(y // self.row_height), x - self.name_width
        if not 0 <= i < len(self._why.layers) or left < 0:
            return None
        layer = self._why.layers[i]
        if layer.activations.shape[:2] == (1, 1):
            return i, None
        k = int(left // (self.look.px(TILE) + pictures.TILE_GAP))
        return (i, int(layer.order[k])) if k < min(CHANNELS, len(layer.order)) else None

    def _point(self, x: int, y: int) -> None:
        at = self._at(x, y)
        self._show_large(*(at or self._pinned))

    def _pin(self, x: int, y: int) -> None:
        at = self._at(x, y)
        if at is not None:
            self._pinned = at
            self._show_large(*at)

    def _show_large(self, index: int, channel: int | None) -> None:
        """A layer's channel large (None: its strongest; a 1x1 layer: all its values, strongest first)."""
        if self._why is None:
            return
        layer, side = self._why.layers[index], self.look.px(28 * MAP_ZOOM)
        h, w, c = layer.activations.shape
        if (h, w) == (1, 1):
            columns = 16
            values = np.zeros(-(-c // columns) * columns, np.float32)
            values[:c] = layer.activations[0, 0, layer.order] / (float(layer.activations.max()) or 1.0)
            grid = np.round(np.clip(values.reshape(-1, columns), 0, 1) * 255).astype(np.uint8)
            image = Image.fromarray(grid).resize((side, side * grid.shape[0] // columns), Image.Resampling.NEAREST)
            which = f"all {c}, strongest first, in rows of {columns}"
        else:
            channel = int(layer.order[0]) if channel is None else channel
            rank = int(np.nonzero(layer.order == channel)[0][0]) + 1
            image = pictures.channel_image(layer, channel, side)
            which = f"channel {channel + 1} of {c}, the {_ordinal(rank)}strongest"
        self._set(self.large, "large", image)
        # The layer's description in the lines its room has left: which channel is shown is said whole.
        small, room = self.look.fonts["small"], side + self.look.px(LARGE_WIDER)
        lines = LARGE_LINES - (small.measure(which) > room) - 1
        self.large_label.configure(text=f"{fitted(layer.label, small, room, lines)}\n{which}")


def readings(drawn: "DigitResult") -> str:
    """What the picture and the path each read of a digit drawn, before they were weighed together: a line."""
    picture, path = drawn.picture_probabilities, drawn.path_probabilities
    assert picture is not None and path is not None
    a, b = int(picture.argmax()), int(path.argmax())
    return f"Drawn light to dark. The picture read {a} ({picture[a]:.0%}), the path {b} ({path[b]:.0%})"


def _ordinal(n: int) -> str:
    """ "", "2nd ", "3rd ", "4th ", ...: as in "the 2nd strongest" ("the strongest" for 1)."""
    return "" if n == 1 else f"{n}{'tsnrhtdd'[(n // 10 % 10 != 1) * (n % 10 < 4) * n % 10 :: 4]} "
