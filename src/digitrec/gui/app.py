"""The window: a canvas to draw on, the answer beside it, tools above, status and profile below.

Ink becomes an answer through `render_strokes` + `Recognizer.number`, the path
the tests and `digitrec predict` take too, so the window shows what the tests measure.

The Tk thread is the only one that touches Tk. Of the mouse motion events
that reach it together Tk keeps only the last, so a stroke drawn while that
thread is busy, or faster than it reads the mouse, would be stored as straight
chords between the points kept. Two things keep every point:

- The Tk thread never works out an answer, nor reads or writes the profile.
  That work runs elsewhere and only hands its outcome back through a queue,
  which the Tk thread polls with `after`: loading the model (and the profile),
  on a thread of its own, started beside the window's set-up (the window does
  not wait for it), and everything else on the one thread of an
  `answering.Answerer`, as the requests of `digitrec.gui.work` (`dispatch`):
  the final answer at a stroke's end (and on undo, clear, open, model-ready,
  and after the profile changes), the live ones while a stroke is drawn, and
  each correction, teach-mode drawing, undo, delete or reset of the profile.
  Each request carries a copy of what it needs (the ink, the digit's model
  input), so what is drawn meanwhile doesn't change it; answers come back in
  the order asked, so the lines of --print-answers are in order, and an answer
  asked after a correction reads with it; a live answer overtaken by a newer
  request is skipped, nothing else is.
- On X11 the merging is switched off (`keep_every_motion_event`): even a free
  Tk thread reads a quick burst of events in one go.

A correction: the digit to correct is selected (a one-digit answer's is; of
several, a click on its digit in the answer, or a right click on its box),
then a digit key or a button of the correction row says what it is. Once the
profile has learnt it, the answer is worked out again, now with the example.
An answer kept (the canvas cleared once it showed, no digit of it corrected)
is learnt too, unless the profile line's switch is off (`Learning.keep`).
"""

import functools
import json
import os
import queue
import signal
import sys
import threading
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from digitrec import bundle, heatmap, settings
from digitrec.errors import DigitrecError
from digitrec.explain import Explainer
from digitrec.files import atomic_path
from digitrec.gui.deciding import DecidingExample
from digitrec.gui.dispatch import Dispatcher
from digitrec.gui.inside import InsideView
from digitrec.gui.learning import LEARN_KEPT, Learning
from digitrec.gui.look import ERROR, QUIET, Look
from digitrec.gui.panel import AnswerPanel
from digitrec.gui.sketch import Sketch
from digitrec.gui.statusbar import StatusBar
from digitrec.gui.work import Correct, Ink, answer_record
from digitrec.gui.xevents import keep_every_motion_event
from digitrec.image import open_image, render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH, Recognizer

TITLE = "digitrec: draw a number"
CANVAS_SIZE = (640, 320)  # px at 96 dpi, at least: room for a number of several digits; as wide as the Why? view
# px at 96 dpi: the window as laid out (1185x674: tests/test_gui_layout.py checks it), with room around it for
# a title bar and a task bar. On a screen smaller than this at its dpi, px and fonts grow less (gui.look).
WINDOW_SIZE = (1185 + 20, 674 + 70)
WHY_HINT = "Why? in the toolbar shows here what made the answer: the evidence in the ink, and what each layer saw"
PEN_RANGE = (3, 40)  # px
LIVE_MS = 150  # while a stroke is drawn, recognise at most this often
POLL_MS = 5  # how often the Tk thread looks whether the model has loaded: the first answer waits this long at most
WAKE_MS = 200  # how soon Ctrl+C in the terminal is noticed
# "1": print {"event": ...} lines for tests and benchmarks: mapped, ready, error, and stroke (its points, at its end)
EVENTS_ENV = "DIGITREC_GUI_EVENTS"
IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"), ("All files", "*")]


def run(model=None, pen_width=DEFAULT_PEN_WIDTH, print_answers=False, profile=None, learn_kept=True):
    """Open the window and run until it is closed; returns 0. A model that cannot load raises
    DigitrecError (one line): a missing file before the window opens, a damaged one once the loader
    finds it (the window closes then), so `digitrec gui` says why and exits 1 as `digitrec predict` does.

    profile: the `digitrec.profile.Profile` to read with and to learn corrections into (it
    need not exist yet: the first correction makes it); None: the model alone.
    learn_kept: the switch "Learn from answers I keep" starts on.
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
    interrupted = []
    signal.signal(signal.SIGINT, lambda *_: (interrupted.append(True), root.quit()))

    def wake():
        root.after(WAKE_MS, wake)

    wake()
    root.mainloop()
    if interrupted:
        raise KeyboardInterrupt
    if app.model_error:
        raise DigitrecError(app.model_error)
    return 0


class App:
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
        root,
        recognizer,
        pen_width=DEFAULT_PEN_WIDTH,
        print_answers=False,
        events=False,
        out=sys.stdout,
        learn_kept=True,
    ):
        self.root, self.recognizer = root, recognizer
        self.print_answers, self.events, self.out = print_answers, events, out
        self.answer = None
        self.reading = None  # the work.Reading of `answer`: with the Why? view on, its explanations
        self.ready = False
        self.model_error = None
        self.focus_x = None  # the mouse's x on the canvas: the probabilities follow the digit under it
        self.selected = None  # the index of the answer's digit chosen for a correction, or None
        self._live_job = None  # a pending `after` that asks for a live answer
        self._edits = 0  # counts changes to the drawing, to tell a live answer's age
        self._answered = 0  # the value of _edits when the last final answer was asked for
        self._shown = None  # the value of _edits when the final answer on display was asked for
        self._corrected = None  # the value of _edits when a digit of the ink was last corrected
        self.dispatcher = Dispatcher(root, recognizer)  # every answer and profile change, off the Tk thread
        self._loader = None
        self._loaded = queue.Queue()
        self._mapped = False

        self.look = Look(root, fit=WINDOW_SIZE)
        self.pen = tk.IntVar(root, pen_width)
        # The Why? view: off unless it was on when the app last closed. Its network loads on first use.
        self.why = tk.BooleanVar(root, bool(settings.load().get("why", False)))
        self.explainer = Explainer(recognizer.model_path)
        self.learn_kept = tk.BooleanVar(root, learn_kept)  # with a profile: learn the answers kept (gui.learning)
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

    def _build(self):
        root, px = self.root, self.look.px
        root.title(TITLE)
        root.columnconfigure(0, weight=1)
        root.rowconfigure(1, weight=1)
        self._build_toolbar().grid(row=0, column=0, columnspan=2, sticky="ew")
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

    def _build_toolbar(self):
        px = self.look.px
        bar = ttk.Frame(self.root, padding=(px(8), px(6), px(8), 0))
        for text, command in (
            ("Clear (Esc)", self.clear),
            ("Undo (Ctrl+Z)", self.undo),
            ("Open… (Ctrl+O)", self.open_dialog),
            ("Save… (Ctrl+S)", self.save_dialog),
        ):
            ttk.Button(bar, text=text, command=command, takefocus=False).pack(side="left", padx=(0, px(6)))
        self.why_button = ttk.Checkbutton(
            bar, text="Why?", variable=self.why, command=self._why_switched, takefocus=False
        )
        self.why_button.pack(side="left", padx=(px(6), 0))
        ttk.Label(bar, textvariable=self.pen, width=3, font=self.look.fonts["text"]).pack(side="right")
        ttk.Scale(
            bar,
            from_=PEN_RANGE[0],
            to=PEN_RANGE[1],
            orient="horizontal",
            variable=self.pen,
            command=self._pen_changed,
            length=px(160),
            takefocus=False,
        ).pack(side="right", padx=(0, px(6)))
        ttk.Label(bar, text="Pen width (px)", font=self.look.fonts["text"]).pack(side="right", padx=px(6))
        return bar

    def _model_line(self):
        path = Path(self.recognizer.model_path or bundle.bundled_model_path())
        card = bundle.load_card(path)
        if card and "test_accuracy" in card:
            return f"model {path.name}: {card['test_accuracy']:.2%} on the MNIST test set"
        return f"model {path.name} (no model card)"

    def _bind(self):
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
                self.root.bind(sequence, lambda event, command=command: command())

    # ------------------------------------------------------------ the model

    def _on_map(self, event):
        if event.widget is not self.root or self._mapped:
            return
        self._mapped = True
        self._fix_size()
        c = self.canvas
        self._event("mapped", canvas=[c.winfo_rootx(), c.winfo_rooty(), c.winfo_width(), c.winfo_height()])

    def _fix_size(self):
        """Set the window's size once, from its layout: what it shows later (answers, messages, the Why?
        view) never resizes it. On a screen too small for it (high dpi), the canvas gives up the difference."""
        root = self.root
        root.update_idletasks()  # lay the children out, so their sizes below are real
        width, height = root.winfo_reqwidth(), root.winfo_reqheight()
        root.geometry(f"{min(width, root.winfo_screenwidth())}x{min(height, root.winfo_screenheight())}")
        # Shrinkable down to half the canvas, never so small that the panel (or the Why? view) is clipped.
        root.minsize(width - self.look.px(CANVAS_SIZE[0] // 2), height - self.canvas.winfo_reqheight() // 2)

    def _on_destroy(self, event):
        if event.widget is self.root:  # a binding on the root also fires for each of its children
            self.dispatcher.close()  # and the callbacks it holds, which refer to the App, let go: no reference cycle

    def start_loading(self):
        """Load the model (and the profile) in a background thread, once; the answer shows as soon as it is ready."""
        if self._loader is None:
            self._loader = threading.Thread(target=self._load, name="digitrec model loader", daemon=True)
            self._loader.start()
            self.root.after(POLL_MS, self._poll_loader)

    def _load(self):  # runs in the loader thread: no Tk calls here
        try:
            self.recognizer.load()
            self._loaded.put(None)
        except DigitrecError as error:
            self._loaded.put(str(error))
        except Exception as error:  # e.g. a broken ONNX Runtime install: still one line, not a traceback
            self._loaded.put(f"cannot load the model: {type(error).__name__}: {error}".splitlines()[0])

    def _poll_loader(self):
        try:
            error = self._loaded.get_nowait()
        except queue.Empty:
            self.root.after(POLL_MS, self._poll_loader)
            return
        if error is None:
            self.ready = True
            self._event("ready")
            if self._has_ink():
                self.refresh()
        else:  # nothing can be recognised: the window closes, and `run` says why
            self.model_error = error
            self._event("error", message=error)
            self.root.destroy()
            return
        self._set_status()
        self._show_answer()  # "waiting for the model" goes
        self._show_profile()

    # ------------------------------------------------------------ drawing

    def _stroke_started(self):
        if self.canvas.picture is not None:
            self._wipe()  # drawing starts a new picture
        self.selected = None  # the digits are about to change
        self._set_status()

    def _stroke_edited(self, x):
        self.focus_x = x
        self._edited()

    def _stroke_ended(self):
        self._event("stroke", points=self.canvas.strokes[-1])
        self.refresh()

    def _hover(self, x):
        before = self.focus_index()
        self.focus_x = x
        if self.focus_index() != before:
            self._show_digit()

    def _pen_changed(self, _value):
        self.pen.set(round(float(self.pen.get())))  # a ttk.Scale slides through fractions: whole px only
        self.canvas.set_pen_width(self.pen.get())
        self._edited()

    def set_pen_width(self, width):
        """Set the pen width in px (like moving the slider)."""
        self.pen.set(width)
        self._pen_changed(width)

    # ------------------------------------------------------------ commands

    def clear(self):
        """Wipe the canvas; the answer becomes empty. An answer on display that was kept is learnt (gui.learning)."""
        if self.learning and self._kept():
            self.learning.keep(self.answer.digits)
        self._wipe()
        self._set_status()
        self.refresh()

    def undo(self):
        """Remove the last stroke (or the opened image)."""
        if self.canvas.picture is not None:
            self._wipe()
        else:
            self.canvas.pop()
            self.selected = None
        self._set_status()
        self.refresh()

    def open_dialog(self):
        path = filedialog.askopenfilename(
            parent=self.root, title="Open an image of a digit or a number", filetypes=IMAGE_TYPES
        )
        if path:
            self.open_file(path)

    def open_file(self, path):
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

    def save_dialog(self):
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

    def save_drawing(self, path):
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

    def set_why(self, on):
        """Switch the Why? view on or off (like its button)."""
        self.why.set(on)
        self._why_switched()

    def _why_switched(self):
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

    # ------------------------------------------------------------ corrections (the rest of the profile: learning.py)

    def select(self, index):
        """Choose the answer's digit `index` (0: the leftmost) for a correction; None (or no such digit): none."""
        digits = self.answer.digits if self.answer else []
        self.selected = index if index is not None and 0 <= index < len(digits) else None
        self._show_answer()

    def _to_correct(self):
        """The index of the digit a correction is for: the one selected, or the only one; None if neither."""
        digits = self.answer.digits if self.answer else []
        if self.selected is not None:
            return self.selected
        return 0 if len(digits) == 1 else None

    def correct(self, label):
        """The digit to correct shows `label` (a digit key or button): the profile learns it, then the answer is
        worked out again with it. Says in the status line what is missing if nothing can be corrected."""
        digits, index = self.answer.digits if self.answer else [], self._to_correct()
        if not digits:
            self._set_status("nothing to correct: draw a digit first", error=True)
        elif index is None:
            self._set_status(
                f"which digit is a {label}? Click it in the answer, or right-click it on the canvas; then press {label}"
            )
        else:
            self._corrected = self._edits
            self.learning.learn(Correct(digits[index].model_input, label))

    def ask(self, request, done):
        """Run a profile request (`digitrec.gui.work`) on the answerer's thread, after every answer asked
        before it; done(answer) follows on the Tk thread, its error (if any) a DigitrecError: any other
        is a bug, reported instead."""
        self.dispatcher.ask(request, functools.partial(self._profile_answered, done))

    def _profile_answered(self, done, answer):
        if answer.error is None or isinstance(answer.error, DigitrecError):
            done(answer)
        else:
            self._report(answer.error, "cannot use the profile")

    def answer_again(self):
        """Ask for the answer to the ink again (the profile changed)."""
        if self.ready and self._has_ink():
            self.refresh()

    def _show_profile(self):
        if self.learning:
            self.learning.show_line()
        else:
            self.status.show_profile("no profile")

    # ------------------------------------------------------------ answers

    @property
    def answering(self):
        """True while a request asked is being worked out or its answer is not yet dealt with."""
        return self.dispatcher.busy

    def refresh(self):
        """Ask for the answer to what is on the canvas now; it is shown, and printed (print_answers), when done."""
        self._cancel_live()
        self._answered = self._edits
        if self._has_ink() and not self.ready:
            self.answer = None  # answered as soon as the model is ready
            self._show_answer()
            return
        self._ask(final=True)

    # While a stroke is drawn, a live answer is asked for at most every LIVE_MS.

    def _edited(self):
        self._edits += 1
        if self.ready and self._live_job is None:
            self._live_job = self.root.after(LIVE_MS, self._ask_live)

    def _ask_live(self):
        self._live_job = None
        if self.canvas.strokes and self.canvas.picture is None:
            self._ask(final=False)

    def _cancel_live(self):
        if self._live_job is not None:
            self.root.after_cancel(self._live_job)
            self._live_job = None

    def _ask(self, final):
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

    def _show_live(self, answer):
        # A live answer that failed is only a preview: the final answer reports the error.
        if answer.result is not None and answer.request.edits > self._answered:  # newer than the last final
            self.reading, self.answer = answer.result, answer.result.number
            self._show_answer()

    def _show_final(self, answer):
        if answer.error is not None:
            self._report(answer.error, "cannot recognise the drawing")
            return
        self.reading, self.answer = answer.result, answer.result.number
        self._shown = answer.request.edits
        self._show_answer()
        if self.print_answers:
            self._emit(answer_record(self.answer))

    def _report(self, error, failed):
        """An error in the status line; one that is no DigitrecError is a bug: its traceback goes to Tk."""
        if isinstance(error, DigitrecError):
            self._set_status(str(error), error=True)
            return
        self._set_status(f"{failed}: {type(error).__name__}: {error}".splitlines()[0], error=True)
        self.root.report_callback_exception(type(error), error, error.__traceback__)

    def _kept(self):
        """True if the answer on display is one the person kept: the final answer to the drawing as it is,
        shown (not one replaced before it showed), none newer on its way, and no digit of it corrected."""
        return (
            bool(self.answer and self.answer.digits)
            and self.canvas.picture is None
            and not self.answering
            and self._shown == self._edits
            and self._corrected != self._edits
        )

    def _show_answer(self):
        digits = self.answer.digits if self.answer else []
        if self.selected is not None and self.selected >= len(digits):
            self.selected = None  # the profile changed how the ink splits into digits
        self.panel.show_answer(self.answer, self._has_ink(), waiting=not self.ready, selected=self.selected)
        self.canvas.show_boxes([d.box for d in digits], solid=self.selected)
        explanations = self._explanations()
        self.canvas.show_overlays(
            [
                (heatmap.overlay(why.contrast, why.model_input, _size(d.box)), d.box)
                for d, why in zip(digits, explanations or [])
            ]
        )
        self._show_digit()

    def _explanations(self):
        """The explain.Explanation of each digit on show, or None (the view is off, or they are not worked out)."""
        reading = self.reading
        if not self.why.get() or reading is None or reading.number is not self.answer:
            return None
        return reading.explanations

    def focus_index(self):
        """Index of the digit whose probabilities are shown: the one under the mouse, else the one selected,
        else the last one."""
        digits = self.answer.digits if self.answer else []
        if not digits:
            return None
        under = None if self.focus_x is None else self.canvas.box_at(self.focus_x)
        return next((i for i in (under, self.selected) if i is not None), len(digits) - 1)

    def _show_digit(self):
        index = self.focus_index()
        digits = self.answer.digits if self.answer else []
        self.panel.show_digit(None if index is None else digits[index], index, len(digits))
        if self.deciding:
            self.deciding.show(None if index is None else digits[index])
        self.canvas.highlight(index)
        if self.why.get():
            explanations, reading = self._explanations(), self.reading
            shown = explanations is not None and index is not None
            self.inside.show(
                explanations[index] if shown else None,
                index,
                len(digits),
                example=reading.examples[index] if shown and reading.examples else None,
                error=reading.why_error if reading is not None else None,
            )

    # ------------------------------------------------------------ helpers

    def _wipe(self):
        self._cancel_live()
        self.canvas.wipe()
        self.selected = None

    def _has_ink(self):
        return self.canvas.has_ink()

    def inside_shown(self):
        """Whether the Why? view is on screen."""
        return bool(self.inside.frame.winfo_manager())

    def _set_status(self, message=None, error=False):
        """Show `message`, or else what the app is doing: loading the model, or ready."""
        if message is None:
            message = "ready: draw with the mouse" if self.ready else "loading model..."
        self.status.show(message, ERROR if error else "")

    def _event(self, name, **fields):
        if self.events:
            self._emit({"event": name, **fields})

    def _emit(self, record):
        print(json.dumps(record), file=self.out, flush=True)


def _size(box):
    left, top, right, bottom = box
    return right - left, bottom - top
