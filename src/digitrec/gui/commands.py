"""What the toolbar's buttons and the keys do: clear, undo, open, save, the Why? switch, the pen's width;
and choosing the digit to correct, and correcting it.

A correction: the digit to correct is selected (a one-digit answer's is; of
several, a click on its digit in the answer, or a right click on its box),
then a digit key or a button of the correction row says what it is. Once the
profile has learnt it (`gui.learning`), the answer is worked out again, now
with the example. An answer kept (the canvas cleared once it showed, no digit
of it corrected) may be learnt too, with the profile line's switch on (`Learning.keep`, `digitrec.kept`).
"""

import functools
import os
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING

from digitrec import settings
from digitrec.errors import DigitrecError
from digitrec.files import atomic_path
from digitrec.gui.work import Correct
from digitrec.image import open_image, render_strokes

if TYPE_CHECKING:
    from tkinter import ttk

    from digitrec.gui.inside import InsideView
    from digitrec.gui.learning import Learning
    from digitrec.gui.sketch import Sketch
    from digitrec.gui.work import Reading
    from digitrec.recognize import NumberResult

IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"), ("All files", "*")]


class Commands:
    """The App's commands (a part of `gui.app.App`)."""

    if TYPE_CHECKING:  # what they use of the App (gui.app, gui.answers), declared for the type checker
        root: tk.Tk
        canvas: Sketch
        pen: tk.IntVar
        why: tk.BooleanVar
        why_hint: ttk.Label
        inside: InsideView
        learning: Learning | None
        ready: bool
        answer: NumberResult | None
        reading: Reading | None
        selected: int | None
        _edits: int
        _corrected: int | None
        _shown_at: float

        def refresh(self) -> None: ...
        def _edited(self) -> None: ...
        def _kept(self) -> bool: ...
        def _show_answer(self) -> None: ...
        def _wipe(self) -> None: ...
        def _has_ink(self) -> bool: ...
        def _set_status(self, message: str | None = None, error: bool = False) -> None: ...

    def toolbar_commands(self) -> dict[str, Callable[[], object]]:
        """The toolbar's buttons: {text: command}."""
        return {
            "Clear (Esc)": self.clear,
            "Undo (Ctrl+Z)": self.undo,
            "Open… (Ctrl+O)": self.open_dialog,
            "Save… (Ctrl+S)": self.save_dialog,
        }

    def bind_keys(self) -> None:
        """Esc and Delete clear, Ctrl+Z undoes, Ctrl+O opens, Ctrl+S saves; with a profile, the digit keys correct."""
        keys = [
            (("<Escape>", "<Delete>"), self.clear),
            (("<Control-z>", "<Control-Z>"), self.undo),
            (("<Control-o>", "<Control-O>"), self.open_dialog),
            (("<Control-s>", "<Control-S>"), self.save_dialog),
        ]
        if self.learning:  # the digit keys correct
            keys += [((f"<Key-{d}>", f"<KP_{d}>"), functools.partial(self.correct, d)) for d in range(10)]
        for sequences, command in keys:
            for sequence in sequences:
                self.root.bind(sequence, _on_key(command))

    def _pen_changed(self, _value: object) -> None:
        self.pen.set(round(float(self.pen.get())))  # a ttk.Scale slides through fractions: whole px only
        self.canvas.set_pen_width(self.pen.get())
        self._edited()

    def set_pen_width(self, width: int) -> None:
        """Set the pen width in px (like moving the slider)."""
        self.pen.set(width)
        self._pen_changed(width)

    def clear(self) -> None:
        """Wipe the canvas; the answer becomes empty. An answer on display that was kept is learnt (gui.learning)."""
        if self.learning and self.answer and self._kept():
            shown_s = time.monotonic() - self._shown_at
            self.learning.keep(self.answer.digits, shown_s, self.canvas.drawing, self.canvas.strokes)
        self._wipe()
        self._set_status()
        self.refresh()

    def undo(self) -> None:
        """Remove the last stroke (or the opened image)."""
        if self.canvas.picture is not None:
            self._wipe()
        else:
            self.canvas.pop()
            self.selected = None
        self._set_status()
        self.refresh()

    def open_dialog(self) -> None:
        path = filedialog.askopenfilename(
            parent=self.root, title="Open an image of a digit or a number", filetypes=IMAGE_TYPES
        )
        if path:
            self.open_file(path)

    def open_file(self, path: str | os.PathLike[str]) -> bool:
        """Show the image file in the canvas and recognise it.

        Returns False, and says why in the status line, if the file can't be used.
        """
        try:
            picture = open_image(path)
        except DigitrecError as error:
            self._set_status(str(error), error=True)
            return False
        self._wipe()
        self.canvas.show_picture(picture)
        self._set_status(f"opened {Path(path).name}")
        self.refresh()
        return True

    def save_dialog(self) -> None:
        if not self.canvas.strokes:
            self._set_status("nothing to save: draw something first", error=True)
            return
        path = filedialog.asksaveasfilename(
            parent=self.root,
            title="Save the drawing",
            defaultextension=".png",
            initialfile="drawing.png",
            filetypes=[("PNG image", "*.png")],
        )
        if path:
            self.save_drawing(path)

    def save_drawing(self, path: str | os.PathLike[str]) -> bool:
        """Write the drawing as a PNG, black ink on white at the canvas's size (as the recogniser saw it)."""
        image = render_strokes(self.canvas.strokes, self.pen.get(), size=self.canvas.extent())
        try:
            with atomic_path(path) as tmp:  # a failed save never leaves half a file
                image.save(tmp, format="PNG")
        except DigitrecError as error:
            self._set_status(str(error), error=True)
            return False
        except OSError as error:
            self._set_status(f"cannot save {path}: {error.strerror or error}", error=True)
            return False
        self._set_status(f"saved {path}")
        return True

    def set_why(self, on: bool) -> None:
        """Switch the Why? view on or off (like its button)."""
        self.why.set(on)
        self._why_switched()

    def _why_switched(self) -> None:
        on = self.why.get()
        problem = settings.save({"why": on})
        if problem:
            self._set_status(problem, error=True)
        if on:
            self.why_hint.grid_remove()
            self.inside.frame.grid()
            if self.ready and self._has_ink():
                self.refresh()  # the answer again, with why
        else:
            self.inside.frame.grid_remove()
            self.why_hint.grid()
            self.reading = None if self.reading is None else self.reading._replace(explanations=None)
        self._show_answer()

    def select(self, index: int | None) -> None:
        """Choose the answer's digit `index` (0: the leftmost) for a correction; None (or no such digit): none."""
        digits = self.answer.digits if self.answer else []
        self.selected = index if index is not None and 0 <= index < len(digits) else None
        self._show_answer()

    def _to_correct(self) -> int | None:
        """The index of the digit a correction is for: the one selected, or the only one; None if neither."""
        digits = self.answer.digits if self.answer else []
        if self.selected is not None:
            return self.selected
        return 0 if len(digits) == 1 else None

    def correct(self, label: int) -> None:
        """The digit to correct shows `label` (a digit key or button): the profile learns it, then the answer is
        worked out again with it. Says in the status line what is missing if nothing can be corrected."""
        if self.learning is None:  # no profile to learn into: the window has no digit keys nor correction row
            return
        digits, index = self.answer.digits if self.answer else [], self._to_correct()
        if not digits:
            self._set_status("nothing to correct: draw a digit first", error=True)
        elif index is None:
            self._set_status(
                f"which digit is a {label}? Click it in the answer, or right-click it on the canvas; then press {label}"
            )
        else:
            self._corrected = self._edits
            digit = digits[index]  # learnt with the strokes it was read from (None for an opened image)
            self.learning.learn(Correct(digit.model_input, label, strokes=digit.strokes))


def _on_key(command: Callable[[], object]) -> Callable[[tk.Event], object]:
    """A key's binding: `command` run, the event unused."""
    return lambda event: command()
