"""The window: a canvas to draw on, the answer beside it, tools above, status and profile below.

This module wires the window's parts together (each part in a module of its own,
see `digitrec.gui`); what the App does is in its parts too: `answers` (asked off
the Tk thread, shown as they come), `loading` (the model), `commands` (the
toolbar's buttons, the keys, corrections).

The Tk thread is the only one that touches Tk. Of the mouse motion events
that reach it together Tk keeps only the last, so a stroke drawn while that
thread is busy, or faster than it reads the mouse, would be stored as straight
chords between the points kept. Two things keep every point:

- The Tk thread never works out an answer, nor reads or writes the profile.
  That work runs elsewhere and only hands its outcome back through a queue,
  which the Tk thread polls with `after`: loading the model (and the profile),
  on a thread of its own (`gui.loading`), and everything else on the one thread
  of an `answering.Answerer`, as the requests of `digitrec.gui.work` (`dispatch`):
  the answers (`gui.answers`), and each correction, teach-mode drawing, undo,
  delete or reset of the profile (`gui.learning`).
- On X11 the merging is switched off (`keep_every_motion_event`): even a free
  Tk thread reads a quick burst of events in one go.
"""

import functools
import json
import os
import signal
import sys
import tkinter as tk
from pathlib import Path
from tkinter import ttk
from typing import Any, TextIO

from digitrec import bundle, settings
from digitrec.answering import Answer
from digitrec.errors import DigitrecError
from digitrec.gui.answers import Answers
from digitrec.gui.commands import Commands
from digitrec.gui.deciding import DecidingExample
from digitrec.gui.dispatch import Dispatcher, Done
from digitrec.gui.inside import InsideView
from digitrec.gui.learning import LEARN_KEPT, Learning
from digitrec.gui.loading import ModelLoading
from digitrec.gui.look import ERROR, QUIET, Look
from digitrec.gui.panel import AnswerPanel
from digitrec.gui.sketch import Sketch
from digitrec.gui.statusbar import StatusBar
from digitrec.gui.toolbar import PEN_RANGE, Toolbar
from digitrec.gui.work import Request
from digitrec.gui.xevents import keep_every_motion_event
from digitrec.inside.evidence import Explainer
from digitrec.profile import Profile
from digitrec.recognize import DEFAULT_PEN_WIDTH, Recognizer

TITLE = "digitrec: draw a number"
CANVAS_SIZE = (640, 320)  # px at 96 dpi, at least: room for a number of several digits; as wide as the Why? view
# px at 96 dpi: the window as laid out (1185x674 with DejaVu Sans; tests/test_gui_layout.py checks it is no
# larger), with room around it for a title bar and a task bar. On a screen smaller than this at its dpi,
# px and fonts grow less (gui.look), so that the window fits.
WINDOW_SIZE = (1185 + 20, 674 + 70)
WHY_HINT = "Why? in the toolbar shows here what made the answer: the evidence in the ink, and what each layer saw"
WAKE_MS = 200  # how soon Ctrl+C in the terminal is noticed
# "1": print {"event": ...} lines for tests and benchmarks: mapped, ready, error, and stroke (its points, at its end)
EVENTS_ENV = "DIGITREC_GUI_EVENTS"


def run(
    model: str | Path | None = None,
    pen_width: int = DEFAULT_PEN_WIDTH,
    print_answers: bool = False,
    profile: Profile | None = None,
    learn_kept: bool | None = None,
) -> int:
    """Open the window and run until it is closed; returns 0. A model that cannot load raises
    DigitrecError (one line): a missing file before the window opens, a damaged one once the loader
    finds it (the window closes then), so `digitrec gui` says why and exits 1 as `digitrec predict` does.

    profile: the `digitrec.profile.Profile` to read with and to learn corrections into (it
    need not exist yet: the first correction makes it); None: the model alone.
    learn_kept: the switch "Learn from answers I keep" starts on (True) or off (False); None: as it was left
    (off the first time: docs/personal.md says why).
    """
    if not PEN_RANGE[0] <= pen_width <= PEN_RANGE[1]:
        raise DigitrecError(f"--pen-width must be between {PEN_RANGE[0]} and {PEN_RANGE[1]} px (got {pen_width})")
    bundle.exported_path(model)  # a few stats: a model path that is wrong fails here, with no window to wait in
    try:
        root = tk.Tk(className="digitrec")
    except tk.TclError as error:
        raise DigitrecError(
            f"the drawing app needs a display ({error}); "
            "to recognise image files without one, use `digitrec predict FILE`"
        ) from None
    app = App(
        root,
        Recognizer(model, profile=profile),
        pen_width=pen_width,
        print_answers=print_answers,
        events=os.environ.get(EVENTS_ENV) == "1",
        learn_kept=learn_kept,
    )
    # Ctrl+C in the terminal: Python sees the signal only when it runs, so wake it now and then,
    # and leave the Tk loop (quit is safe in a signal handler; destroy is not).
    interrupted: list[bool] = []

    def interrupt(*_: object) -> None:
        interrupted.append(True)
        root.quit()

    signal.signal(signal.SIGINT, interrupt)

    def wake() -> None:
        root.after(WAKE_MS, wake)

    wake()
    root.mainloop()
    if interrupted:
        raise KeyboardInterrupt
    if app.model_error:
        raise DigitrecError(app.model_error)
    return 0


class App(Answers, ModelLoading, Commands):
    """The window: a canvas to draw on, the answer beside it, tools above, status and profile below.

    `answer` is the NumberResult on display (None until the model is ready).
    With `print_answers`, each answer after a stroke ends, an undo, a clear, an
    open or a change to the profile (and on model-ready, if there was ink) is
    written to `out` as a JSON line. Answers are worked out off the Tk thread and
    shown when done: `answering` is True until every request asked has been dealt with.
    With a profile (`recognizer.profile`), answers can be corrected and the profile
    looked at, taught and reset; its changes are made off the Tk thread too.
    """

    def __init__(
        self,
        root: tk.Tk,
        recognizer: Recognizer,
        pen_width: int = DEFAULT_PEN_WIDTH,
        print_answers: bool = False,
        events: bool = False,
        out: TextIO = sys.stdout,
        learn_kept: bool | None = None,
    ) -> None:
        self.root, self.recognizer = root, recognizer
        self.print_answers, self.events, self.out = print_answers, events, out
        self.answer = None
        self.reading = None  # the work.Reading of `answer`: with the Why? view on, its explanations
        self.focus_x = None  # the mouse's x on the canvas: the probabilities follow the digit under it
        self.selected = None  # the index of the answer's digit chosen for a correction, or None
        self._live_job = None  # a pending `after` that asks for a live answer
        self._edits = 0  # counts changes to the drawing, to tell a live answer's age
        self._answered = 0  # the value of _edits when the last final answer was asked for
        self._shown = None  # the value of _edits when the final answer on display was asked for
        self._corrected = None  # the value of _edits when a digit of the ink was last corrected
        self._shown_at = 0.0  # time.monotonic() when the final answer on display showed
        self.dispatcher = Dispatcher(root, recognizer)  # every answer and profile change, off the Tk thread
        self._init_loading()
        self._mapped = False

        self.look = Look(root, fit=WINDOW_SIZE)
        self.pen = tk.IntVar(root, pen_width)
        # The Why? view: off unless it was on when the app last closed. Its network loads on first use.
        self.why = tk.BooleanVar(root, bool(settings.load().get("why", False)))
        self.explainer = Explainer(recognizer.model_path)
        # With a profile: learn the answers kept (gui.learning). Off until the person turns it on, then remembered.
        if learn_kept is None:
            learn_kept = bool(settings.load().get("learn_kept", False))
        self.learn_kept = switch = tk.BooleanVar(root, learn_kept)
        switch.trace_add("write", lambda *_: settings.save({"learn_kept": switch.get()}))  # not self: no cycle
        self.learning = Learning(self) if recognizer.profile is not None else None  # the profile's commands
        keep_every_motion_event(root)
        root.withdraw()  # off screen until built: a part laying itself out would show the window half made
        self._build()
        self._bind()
        root.deiconify()
        self._show_answer()
        self._set_status()
        self._show_profile()
        # At once, beside the window's set-up: the model (ONNX Runtime, OpenCV for the ink) is ready
        # about as soon as the window is on screen.
        self.start_loading()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        root, px = self.root, self.look.px
        root.title(TITLE)
        root.columnconfigure(0, weight=1)
        root.rowconfigure(1, weight=1)
        self.toolbar = Toolbar(
            root, self.look, self.toolbar_commands(), self.why, self._why_switched, self.pen, self._pen_changed
        )
        self.toolbar.frame.grid(row=0, column=0, columnspan=2, sticky="ew")
        self.why_button = self.toolbar.why_button
        # Under the canvas, beside the panel, the Why? view: its room is kept whether it is on or off,
        # so the canvas keeps its size (a drawing is never cut) and the window its own.
        self.inside = InsideView(root, self.look)
        self.inside.frame.grid(row=2, column=0, sticky="nw")
        root.rowconfigure(2, minsize=self.inside.size[1])
        self.why_hint = ttk.Label(root, text=WHY_HINT, font=self.look.fonts["small"], foreground=QUIET)
        self.why_hint.grid(row=2, column=0, sticky="nw", padx=px(8))
        (self.why_hint if self.why.get() else self.inside.frame).grid_remove()  # each remembers its place
        edge = ttk.Frame(root, style="Edge.TFrame", padding=1)
        width = max(px(CANVAS_SIZE[0]), self.inside.size[0] - px(8) - 2)  # as wide as the view under it
        self.canvas = Sketch(edge, self.pen, (width, px(CANVAS_SIZE[1])), "Draw a digit or a number here", self.look)
        self.canvas.pack(fill="both", expand=True)
        edge.grid(row=1, column=0, sticky="nsew", padx=(px(8), 0), pady=px(4))
        self.panel = AnswerPanel(root, self.look, self.correct if self.learning else None)
        self.panel.frame.grid(row=1, column=1, rowspan=2, sticky="ns", padx=px(8), pady=px(4))
        # With a profile, under the answer: the example of theirs that decided it (gui.deciding).
        self.deciding = DecidingExample(self.panel.frame, self.look, self.learning) if self.learning else None
        if self.deciding:
            self.deciding.frame.pack(after=self.panel.sure_label, fill="x", pady=(px(2), 0))
        commands = self.learning.commands() if self.learning else None  # the profile line's buttons
        self.status = StatusBar(root, self.look, self._model_line(), commands)
        self.status.frame.grid(row=3, column=0, columnspan=2, sticky="ew")
        if self.learning:
            self.status.add_switch(LEARN_KEPT, self.learn_kept)

    def _model_line(self) -> str:
        path = Path(self.recognizer.model_path or bundle.bundled_model_path())
        card = bundle.load_card(path)
        if card and "test_accuracy" in card:
            return f"model {path.name}: {card['test_accuracy']:.2%} on the MNIST test set"
        return f"model {path.name} (no model card)"

    def _bind(self) -> None:
        c = self.canvas
        c.bind("<<StrokeStart>>", lambda event: self._stroke_started())
        c.bind("<<StrokeEdit>>", lambda event: self._stroke_edited(event.x))
        c.bind("<<StrokeEnd>>", lambda event: self._stroke_ended())
        c.bind("<ButtonPress-3>", lambda event: self.select(c.box_at(event.x)))  # the left button draws
        c.bind("<Motion>", lambda event: self._hover(event.x))
        c.bind("<Leave>", lambda event: self._hover(None))
        self.panel.frame.bind("<<DigitClicked>>", lambda event: self.select(self.panel.clicked))
        self.root.bind("<Map>", self._on_map)
        self.root.bind("<Destroy>", self._on_destroy)
        self.bind_keys()

    # ------------------------------------------------------------ on screen, and off

    def _on_map(self, event: tk.Event) -> None:
        if event.widget is not self.root or self._mapped:
            return
        self._mapped = True
        self._fix_size()
        c = self.canvas
        self._event("mapped", canvas=[c.winfo_rootx(), c.winfo_rooty(), c.winfo_width(), c.winfo_height()])

    def _fix_size(self) -> None:
        """Set the window's size once, from its layout: what it shows later (answers, messages, the Why?
        view) never resizes it. On a screen too small for it (high dpi), the canvas gives up the difference."""
        root = self.root
        root.update_idletasks()  # lay the children out, so their sizes below are real
        width, height = root.winfo_reqwidth(), root.winfo_reqheight()
        root.geometry(f"{min(width, root.winfo_screenwidth())}x{min(height, root.winfo_screenheight())}")
        # Shrinkable down to half the canvas, never so small that the panel (or the Why? view) is clipped.
        root.minsize(width - self.look.px(CANVAS_SIZE[0] // 2), height - self.canvas.winfo_reqheight() // 2)

    def _on_destroy(self, event: tk.Event) -> None:
        if event.widget is self.root:  # a binding on the root also fires for each of its children
            self.dispatcher.close()  # and the callbacks it holds, which refer to the App, let go: no reference cycle

    # ------------------------------------------------------------ drawing

    def _stroke_started(self) -> None:
        if self.canvas.picture is not None:
            self._wipe()  # drawing starts a new picture
        self.selected = None  # the digits are about to change
        self._set_status()

    def _stroke_edited(self, x: int) -> None:
        self.focus_x = x
        self._edited()

    def _stroke_ended(self) -> None:
        self._event("stroke", points=self.canvas.strokes[-1])
        self.refresh()

    def _hover(self, x: int | None) -> None:
        before = self.focus_index()
        self.focus_x = x
        if self.focus_index() != before:
            self._show_digit()

    # ------------------------------------------------------------ the profile (its commands: learning.py)

    def ask(self, request: Request, done: Done) -> None:
        """Run a profile request (`digitrec.gui.work`) on the answerer's thread, after every answer asked
        before it; done(answer) follows on the Tk thread, its error (if any) a DigitrecError: any other
        is a bug, reported instead."""
        self.dispatcher.ask(request, functools.partial(self._profile_answered, done))

    def _profile_answered(self, done: Done, answer: Answer) -> None:
        if answer.error is None or isinstance(answer.error, DigitrecError):
            done(answer)
        else:
            self._report(answer.error, "cannot use the profile")

    def answer_again(self) -> None:
        """Ask for the answer to the ink again (the profile changed)."""
        if self.ready and self._has_ink():
            self.refresh()

    def _show_profile(self) -> None:
        if self.learning:
            self.learning.show_line()
        else:
            self.status.show_profile("no profile")

    # ------------------------------------------------------------ helpers

    def _wipe(self) -> None:
        self._cancel_live()
        self.canvas.wipe()
        self.selected = None

    def _has_ink(self) -> bool:
        return self.canvas.has_ink()

    def inside_shown(self) -> bool:
        """Whether the Why? view is on screen."""
        return bool(self.inside.frame.winfo_manager())

    def _set_status(self, message: str | None = None, error: bool = False) -> None:
        """Show `message`, or else what the app is doing: loading the model, or ready."""
        if message is None:
            message = "ready: draw with the mouse" if self.ready else "loading model..."
        self.status.show(message, ERROR if error else "")

    def _event(self, name: str, **fields: Any) -> None:
        if self.events:
            self._emit({"event": name, **fields})

    def _emit(self, record: dict[str, Any]) -> None:
        print(json.dumps(record), file=self.out, flush=True)
