"""Teach mode: digitrec asks for each digit in turn, a few times over, and learns each drawing as that digit.

A window of its own rather than a mode of the main one: what is drawn here is
one digit asked for, on a square canvas, with a prompt and keys of its own
(Enter: the next digit, Esc: draw again), while the main window keeps its
drawing, its answer and its digit keys (corrections). An example learnt here
counts there at once.
"""

import dataclasses
import random
import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING

from digitrec.answering import Answer
from digitrec.gui.look import ERROR, NOT_SURE, QUIET
from digitrec.gui.sketch import Sketch
from digitrec.gui.statusbar import MessageLine
from digitrec.gui.work import Teach
from digitrec.recognize import ProfileConflict

if TYPE_CHECKING:  # it imports this module
    from digitrec.gui.learning import Learning

TEACH_ROUNDS = 3  # each digit is asked for this many times: 30 drawings, a minute or two
CANVAS_SIDE = 280  # px at 96 dpi: room for one digit drawn as large as on the main canvas


class TeachWindow:
    """A window (`window`) that asks for the digits 0-9, TEACH_ROUNDS times each in a shuffled order;
    `label` is the one asked now. Each drawing is learnt (source "teach") off the Tk thread, by `learning`
    (the app's gui.learning.Learning), and the next digit is asked at once."""

    def __init__(self, learning: "Learning") -> None:
        app = learning.app
        self.learning, self.look = learning, app.look
        self.order = random.sample(list(range(10)) * TEACH_ROUNDS, 10 * TEACH_ROUNDS)
        self.position = 0  # in `order`: the digit asked now
        px, fonts = self.look.px, self.look.fonts
        self.window = window = tk.Toplevel(app.root)
        window.title(f"digitrec: teach profile {learning.profile.name}")
        frame = ttk.Frame(window, padding=px(10))
        frame.pack(fill="both", expand=True)
        top = ttk.Frame(frame)
        top.pack(fill="x")
        self.prompt = ttk.Label(top, font=fonts["answer"])
        self.prompt.pack(side="left")
        self.progress = ttk.Label(top, font=fonts["text"], foreground=QUIET)
        self.progress.pack(side="left", anchor="s", padx=px(10), pady=px(10))
        edge = ttk.Frame(frame, style="Edge.TFrame", padding=1)
        edge.pack(pady=px(6))
        # A pen of its own, as wide as the main window's now: a drawing is learnt as it is seen here.
        self.sketch = Sketch(
            edge, tk.IntVar(window, app.pen.get()), (px(CANVAS_SIDE), px(CANVAS_SIDE)), "Draw it here", self.look
        )
        self.sketch.pack()
        buttons = ttk.Frame(frame)
        buttons.pack(fill="x")
        self.buttons = {}
        for text, command in (("Next (Enter)", self.next_digit), ("Skip", self.skip), ("Clear (Esc)", self.clear)):
            self.buttons[text] = ttk.Button(buttons, text=text, command=command, takefocus=False)
            self.buttons[text].pack(side="left", padx=(0, px(6)))
        ttk.Button(buttons, text="Done", command=window.destroy, takefocus=False).pack(side="right")
        self.message = MessageLine(frame, self.look)
        self.message.frame.pack(fill="x", pady=(px(6), 0))
        self.message.show("Draw each digit as you usually write it. Enter learns it; Skip leaves it out.")
        for sequence in ("<Return>", "<KP_Enter>"):
            window.bind(sequence, lambda event: self.next_digit())
        window.bind("<Escape>", lambda event: self.clear())
        self._ask()

    @property
    def label(self) -> int | None:
        """The digit asked for now; None when every one has been asked."""
        return self.order[self.position] if self.position < len(self.order) else None

    def _ask(self) -> None:
        self.sketch.wipe()
        if self.label is None:
            self.prompt.configure(text="Done!")
            self.progress.configure(text=f"all {len(self.order)} asked")
            for button in self.buttons.values():
                button.configure(state="disabled")
            return
        self.prompt.configure(text=f"Draw a {self.label}")
        self.progress.configure(text=f"({self.position + 1} of {len(self.order)})")

    def next_digit(self) -> None:
        """Learn the drawing as the digit asked for, and ask the next; with no ink, say so instead."""
        if self.label is None:
            return
        if not self.sketch.strokes:
            self.message.show(f"Draw the {self.label} first (or Skip it)", NOT_SURE)
            return
        sketch = self.sketch
        strokes = [list(s) for s in sketch.strokes]
        self.learning.change(Teach(strokes, sketch.pen.get(), sketch.extent(), self.label), self._learnt)
        self.position += 1
        self._ask()

    def skip(self) -> None:
        """Ask the next digit, learning nothing."""
        if self.label is not None:
            self.position += 1
            self._ask()

    def clear(self) -> None:
        """Wipe the drawing, to draw the digit again."""
        self.sketch.wipe()

    def _learnt(self, answer: Answer) -> None:
        if not self.window.winfo_exists():
            return  # closed meanwhile: the main window's profile line shows what was learnt
        if answer.error is None:
            self.message.show(f"Learnt a {answer.request.label}. {self.learning.summary('Profile')}.")
        elif isinstance(answer.error, ProfileConflict):
            again = dataclasses.replace(answer.request, replace=True)
            self.message.show(
                str(answer.error), NOT_SURE, action=("Learn anyway", lambda: self.learning.change(again, self._learnt))
            )
        else:
            self.message.show(str(answer.error), ERROR)
