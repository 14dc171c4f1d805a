"""The bar above the canvas: Clear, Undo, Open…, Save…, the Why? switch and the pen's width."""

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from digitrec.gui.look import Look

PEN_RANGE = (3, 40)  # px


class Toolbar:
    """The bar's widgets (`frame`): a button for each of `commands` ({text: command}), the Why? check box
    (`why_button`) for the tk.BooleanVar `why`, on_why() after each click, and a slider for the pen width
    in px, the tk.IntVar `pen`, on_pen(value) as it slides."""

    def __init__(
        self,
        parent: tk.Misc,
        look: Look,
        commands: dict[str, Callable[[], object]],
        why: tk.BooleanVar,
        on_why: Callable[[], object],
        pen: tk.IntVar,
        on_pen: Callable[[str], object],
    ) -> None:
        px = look.px
        self.frame = bar = ttk.Frame(parent, padding=(px(8), px(6), px(8), 0))
        for text, command in commands.items():
            ttk.Button(bar, text=text, command=command, takefocus=False).pack(side="left", padx=(0, px(6)))
        self.why_button = ttk.Checkbutton(bar, text="Why?", variable=why, command=on_why, takefocus=False)
        self.why_button.pack(side="left", padx=(px(6), 0))
        ttk.Label(bar, textvariable=pen, width=3, font=look.fonts["text"]).pack(side="right")
        ttk.Scale(
            bar,
            from_=PEN_RANGE[0],
            to=PEN_RANGE[1],
            orient="horizontal",
            variable=pen,
            command=on_pen,
            length=px(160),
            takefocus=False,
        ).pack(side="right", padx=(0, px(6)))
        ttk.Label(bar, text="Pen width (px)", font=look.fonts["text"]).pack(side="right", padx=px(6))
