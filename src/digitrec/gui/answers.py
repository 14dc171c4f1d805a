"""The answers in the window: asked for off the Tk thread as the ink changes, shown as they come.

Ink becomes an answer through `render_strokes` + `Recognizer.number`, the path
the tests and `digitrec predict` take too, so the window shows what the tests measure.

The Tk thread never works out an answer: each is a request (`digitrec.gui.work.Ink`,
a copy of the ink, so what is drawn meanwhile doesn't change it) to the one thread
of the app's `answering.Answerer` (`gui.dispatch`): the final answer at a stroke's
end (and on undo, clear, open, model-ready, and after the profile changes), and
live ones while a stroke is drawn, at most every LIVE_MS. Answers come back in the
order asked, so the lines of --print-answers are in order, and an answer asked
after a correction reads with it; a live answer overtaken by a newer request is
skipped, nothing else is.
"""

import time
from typing import TYPE_CHECKING, Any

from digitrec.answering import Answer
from digitrec.errors import DigitrecError
from digitrec.gui.work import Ink, Reading, answer_record
from digitrec.inside import pictures

if TYPE_CHECKING:
    import tkinter as tk

    from digitrec.gui.deciding import DecidingExample
    from digitrec.gui.dispatch import Dispatcher
    from digitrec.gui.inside import InsideView
    from digitrec.gui.panel import AnswerPanel
    from digitrec.gui.sketch import Sketch
    from digitrec.inside.evidence import Explainer, Explanation
    from digitrec.recognize import NumberResult

LIVE_MS = 150  # while a stroke is drawn, recognise at most this often


class Answers:
    """The App's answers (a part of `gui.app.App`, which holds the state they use: `answer`, `reading`,
    `selected`, `focus_x`, the edit counts, the canvas, panel and views they are shown in)."""

    if TYPE_CHECKING:  # what they use of the App (gui.app, gui.loading), declared for the type checker
        root: tk.Tk
        canvas: Sketch
        panel: AnswerPanel
        inside: InsideView
        deciding: DecidingExample | None
        dispatcher: Dispatcher
        explainer: Explainer
        pen: tk.IntVar
        why: tk.BooleanVar
        print_answers: bool
        ready: bool
        answer: NumberResult | None
        reading: Reading | None
        selected: int | None
        focus_x: int | None
        _live_job: str | None
        _edits: int
        _answered: int
        _shown: int | None
        _corrected: int | None
        _shown_at: float

        def _has_ink(self) -> bool: ...
        def _set_status(self, message: str | None = None, error: bool = False) -> None: ...
        def _emit(self, record: dict[str, Any]) -> None: ...

    @property
    def answering(self) -> bool:
        """True while a request asked is being worked out or its answer is not yet dealt with."""
        return self.dispatcher.busy

    def refresh(self) -> None:
        """Ask for the answer to what is on the canvas now; it is shown, and printed (print_answers), when done."""
        self._cancel_live()
        self._answered = self._edits
        if self._has_ink() and not self.ready:
            self.answer = None  # answered as soon as the model is ready
            self._show_answer()
            return
        self._ask(final=True)

    # While a stroke is drawn, a live answer is asked for at most every LIVE_MS.

    def _edited(self) -> None:
        self._edits += 1
        if self.ready and self._live_job is None:
            self._live_job = self.root.after(LIVE_MS, self._ask_live)

    def _ask_live(self) -> None:
        self._live_job = None
        if self.canvas.strokes and self.canvas.picture is None:
            self._ask(final=False)

    def _cancel_live(self) -> None:
        if self._live_job is not None:
            self.root.after_cancel(self._live_job)
            self._live_job = None

    def _ask(self, final: bool) -> None:
        # A snapshot: the worker must not see strokes that grow while it renders them.
        c = self.canvas
        ink = Ink(
            self._edits,
            c.picture,
            [list(s) for s in c.strokes],
            self.pen.get(),
            c.extent(),
            self.explainer if self.why.get() else None,
        )
        self.dispatcher.ask(ink, self._show_final if final else self._show_live, final)

    def _show_live(self, answer: Answer) -> None:
        # A live answer that failed is only a preview: the final answer reports the error.
        if answer.result is not None and answer.request.edits > self._answered:  # newer than the last final
            self.reading, self.answer = answer.result, answer.result.number
            self._show_answer()

    def _show_final(self, answer: Answer) -> None:
        if answer.error is not None:
            self._report(answer.error, "cannot recognise the drawing")
            return
        self.reading, self.answer = answer.result, answer.result.number
        self._shown = answer.request.edits
        self._shown_at = time.monotonic()  # a kept answer must have been on screen a while (digitrec.kept)
        self._show_answer()
        if self.print_answers:
            self._emit(answer_record(self.answer))

    def _report(self, error: Exception, failed: str) -> None:
        """An error in the status line; one that is no DigitrecError is a bug: its traceback goes to Tk."""
        if isinstance(error, DigitrecError):
            self._set_status(str(error), error=True)
            return
        self._set_status(f"{failed}: {type(error).__name__}: {error}".splitlines()[0], error=True)
        self.root.report_callback_exception(type(error), error, error.__traceback__)

    def _kept(self) -> bool:
        """True if the answer on display is one the person kept: the final answer to the drawing as it is,
        shown (not one replaced before it showed), none newer on its way, and no digit of it corrected."""
        return (
            bool(self.answer and self.answer.digits)
            and self.canvas.picture is None
            and not self.answering
            and self._shown == self._edits
            and self._corrected != self._edits
        )

    def _show_answer(self) -> None:
        digits = self.answer.digits if self.answer else []
        if self.selected is not None and self.selected >= len(digits):
            self.selected = None  # the profile changed how the ink splits into digits
        self.panel.show_answer(self.answer, self._has_ink(), waiting=not self.ready, selected=self.selected)
        self.canvas.show_boxes([d.box for d in digits], solid=self.selected)
        explanations = self._explanations()
        self.canvas.show_overlays(
            [
                (pictures.overlay(why.contrast, why.model_input, _size(d.box)), d.box)
                for d, why in zip(digits, explanations or [])
            ]
        )
        self._show_digit()

    def _explanations(self) -> "list[Explanation] | None":
        """The evidence.Explanation of each digit on show, or None (the view is off, or they are not worked out)."""
        reading = self.reading
        if not self.why.get() or reading is None or reading.number is not self.answer:
            return None
        return reading.explanations

    def focus_index(self) -> int | None:
        """Index of the digit whose probabilities are shown: the one under the mouse, else the one selected,
        else the last one."""
        digits = self.answer.digits if self.answer else []
        if not digits:
            return None
        under = None if self.focus_x is None else self.canvas.box_at(self.focus_x)
        return next((i for i in (under, self.selected) if i is not None), len(digits) - 1)

    def _show_digit(self) -> None:
        index = self.focus_index()
        digits = self.answer.digits if self.answer else []
        self.panel.show_digit(None if index is None else digits[index], index, len(digits))
        if self.deciding:
            self.deciding.show(None if index is None else digits[index])
        self.canvas.highlight(index)
        if self.why.get():
            explanations, reading = self._explanations(), self.reading
            why = example = None
            if explanations is not None and reading is not None and index is not None:  # this digit's, of the reading
                why = explanations[index]
                example = reading.examples[index] if reading.examples else None
            error = reading.why_error if reading is not None else None
            self.inside.show(why, index, len(digits), example=example, error=error)


def _size(box: tuple[int, int, int, int]) -> tuple[int, int]:
    left, top, right, bottom = box
    return right - left, bottom - top
