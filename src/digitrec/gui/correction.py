"""The "Correct it" row under the answer: ten buttons 0-9, as the digit keys do."""

import functools
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from digitrec.gui.look import QUIET, Look


class CorrectionRow:
    """A "Correct it" line and a button per digit (`frame`); on_digit(d) when one is clicked.
    Off (greyed) until `enable(True)`."""

    def __init__(self, parent: tk.Misc, look: Look, on_digit: Callable[[int], object]) -> None:
        self.frame = ttk.Frame(parent)
        ttk.Label(self.frame, text="Wrong? Correct it (key 0-9):", font=look.fonts["small"], foreground=QUIET).pack(
            anchor="w"
        )
        row = ttk.Frame(self.frame)
        row.pack(fill="x")
        self.buttons = []
        for d in range(10):
            # Digit.TButton: the theme's usual padding leaves no room for ten in the panel's width
            button = ttk.Button(
                row, text=str(d), style="Digit.TButton", takefocus=False, command=functools.partial(on_digit, d)
            )
            button.pack(side="left", fill="x", expand=True)
            self.buttons.append(button)
        self.enable(False)

    def enable(self, on: bool) -> None:
        for button in self.buttons:
            button.configure(state="normal" if on else "disabled")
