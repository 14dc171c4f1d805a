"""Under the answer: the person's example that decided it, so they can see why and forget a bad one.

When an answer came from the profile (`DigitResult.example`), its thumbnail shows with
"read as your '1'", when and how it was taught, and a button that forgets it; a click on
the thumbnail opens the profile's examples with it selected. Nothing shows otherwise,
though the room stays, so the panel does not jump as answers come and go.
"""

import datetime
import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import ImageTk

from digitrec.answering import Answer
from digitrec.gui.look import ERROR, QUIET, Look, fitted
from digitrec.gui.panel import WIDTH, enlarged
from digitrec.gui.work import ReadExample
from digitrec.profile import Example
from digitrec.recognize import DigitResult

if TYPE_CHECKING:  # it imports this module's neighbours
    from digitrec.gui.gallery import Gallery
    from digitrec.gui.learning import Learning

ZOOM = 2  # the 28x28 example is shown at 56x56
FORGET = "Forget this example"
TEXT_LINES = 2  # beside the example, over its button: what it was read as, how and when it was taught


class DecidingExample:
    """The deciding example's line (`frame`) for `learning`, the app's gui.learning.Learning."""

    def __init__(self, parent: tk.Misc, look: Look, learning: "Learning") -> None:
        self.look, self.learning = look, learning
        self.example: Example | None = None  # the profile.Example shown, or None
        # Example id -> float32 (28, 28): each image is read once (off the Tk thread)
        self._inputs: dict[str, NDArray[np.float32]] = {}
        side = look.px(28 * ZOOM)
        # The PhotoImage shown: Tk forgets one Python no longer references. A blank one keeps the room.
        self._blank = tk.PhotoImage(master=parent, width=side, height=side)
        self._thumbnail: tk.PhotoImage | ImageTk.PhotoImage = self._blank
        self.frame = ttk.Frame(parent)
        self.picture = tk.Label(self.frame, borderwidth=0, image=self._blank, background=look.background)
        self.picture.grid(row=0, column=0, rowspan=2, sticky="nw")
        self.picture.bind("<Button-1>", lambda event: self.example and self.open_gallery())
        self.text = ttk.Label(self.frame, font=look.fonts["small"], foreground=QUIET, justify="left")
        self.button = ttk.Button(self.frame, text=FORGET, style="Small.TButton", takefocus=False, command=self.forget)
        # The same room shown or not, whatever it says: the panel under it never moves.
        self.text_width = look.px(WIDTH - 28 * ZOOM - 6)
        self.text.configure(wraplength=self.text_width)
        lines = TEXT_LINES * look.fonts["small"].metrics("linespace")
        self.frame.configure(height=max(side, lines + self.button.winfo_reqheight()))
        self.frame.grid_propagate(False)

    def show(self, digit: DigitResult | None) -> None:
        """Show the example that decided `digit` (a DigitResult, or None): nothing if none did."""
        example = digit.example if digit is not None else None
        if example == self.example:
            return
        self.example = example
        self._thumbnail = self._blank
        self.picture.configure(image=self._blank, cursor="")
        for widget in (self.text, self.button):
            widget.grid_forget()
        if example is None:
            return
        text = f"read as your '{example.label}':\n{_taught(example)}"
        self.text.configure(text=fitted(text, self.look.fonts["small"], self.text_width, TEXT_LINES), foreground=QUIET)
        self.text.grid(row=0, column=1, sticky="nw", padx=(self.look.px(6), 0))
        self.button.grid(row=1, column=1, sticky="sw", padx=(self.look.px(6), 0))
        if example.id in self._inputs:
            self._draw(example)
        else:  # read off the Tk thread, drawn when it comes
            self.learning.app.ask(ReadExample(example), lambda answer: self._read(example, answer))

    def _read(self, example: Example, answer: Answer) -> None:
        if answer.error is not None:
            error = fitted(str(answer.error), self.look.fonts["small"], self.text_width, TEXT_LINES)
            self.text.configure(text=error, foreground=ERROR)
            return
        self._inputs[example.id] = answer.result
        if example == self.example:
            self._draw(example)

    def _draw(self, example: Example) -> None:
        image = enlarged(self._inputs[example.id], self.look.px(28 * ZOOM))
        self._thumbnail = ImageTk.PhotoImage(image, master=self.frame)
        self.picture.configure(image=self._thumbnail, cursor="hand2")

    def open_gallery(self) -> "Gallery":
        """Open the profile's examples with this one selected; returns the Gallery."""
        gallery = self.learning.open_gallery()
        if self.example is not None:
            gallery.select(self.example.id)
        return gallery

    def forget(self) -> None:
        """Forget the example shown (the answer is worked out again without it)."""
        if self.example is not None:
            self.learning.forget([self.example])


def _taught(example: Example) -> str:
    """E.g. "your correction of 6 Dec, 14:05": how and when (local time) the example was taught."""
    how = {"teach": "taught in Teach mode", "correction": "your correction", "import": "imported"}.get(
        example.source, "learnt"
    )
    try:
        when = datetime.datetime.fromisoformat(example.time).astimezone().strftime("%-d %b, %H:%M")
    except ValueError:
        return how
    return f"{how}, {when}"
