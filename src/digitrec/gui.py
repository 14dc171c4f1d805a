"""The drawing app: draw a digit or a whole number with the mouse, see the answer as you draw.

    digitrec gui [--model PATH] [--pen-width N] [--print-answers]

This module holds drawing, events and display only. Ink becomes an answer
through `render_strokes` + `Recognizer.number`, the path the tests and
`digitrec predict` take too, so the window shows what the tests measure.

The Tk thread is the only one that touches Tk. Of the mouse motion events
that reach it together Tk keeps only the last, so a stroke drawn while that
thread is busy, or faster than it reads the mouse, would be stored as straight
chords between the points kept. Two things keep every point:

- The Tk thread never works out an answer. Two kinds of work run elsewhere and
  only hand their outcome back through a queue, which the Tk thread polls with
  `after`: loading the model, on a thread of its own, started beside the
  window's set-up (the window does not wait for it), and every answer, on the one thread of an
  `answering.Answerer`: the final answer at a stroke's end (and on undo,
  clear, open, model-ready) and the live ones while a stroke is drawn. Each
  request carries a copy of the ink (`Ink`), so what is drawn meanwhile
  doesn't change it; answers come back in the order asked, so the lines of
  --print-answers are in order; a live answer overtaken by a newer request is
  skipped, a final one never is.
- On X11 the merging is switched off (`keep_every_motion_event`): even a free
  Tk thread reads a quick burst of events in one go.
"""

import _tkinter
import ctypes
import functools
import json
import os
import queue
import signal
import sys
import threading
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, font, ttk
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageTk

from digitrec import bundle
from digitrec.answering import Answerer
from digitrec.errors import DigitrecError
from digitrec.files import atomic_path
from digitrec.image import open_image, render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH, NumberResult, Recognizer

TITLE = "digitrec: draw a number"
CANVAS_SIZE = (640, 320)  # px at 96 dpi: room for a number of several digits; grows with the window
PEN_RANGE = (3, 40)  # px
LIVE_MS = 150  # while a stroke is drawn, recognise at most this often
POLL_MS = 30  # how often the Tk thread looks whether the model has loaded
ANSWER_POLL_MS = 10  # how often it looks for answers while some are being worked out: an answer shows this late at most
WAKE_MS = 200  # how soon Ctrl+C in the terminal is noticed
PREVIEW_ZOOM = 5  # the 28x28 model input is shown at 140x140
ANSWER_PT, TEXT_PT = 40, 11  # font sizes in points, so they scale with the screen's dpi
# "1": print {"event": ...} lines for tests and benchmarks: mapped, ready, error, and stroke (its points, at its end)
EVENTS_ENV = "DIGITREC_GUI_EVENTS"

INK, PAPER, HINT = "black", "white", "#9e9e9e"
BOX, FOCUS_BOX = "#a9c4e8", "#1f6fd1"
BAR, TOP_BAR, BAR_TRACK = "#7fa7d9", "#1f6fd1", "#eceff3"
ERROR, NOT_SURE, QUIET = "#c62828", "#d35400", "#616161"
IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"), ("All files", "*")]


def run(model=None, pen_width=DEFAULT_PEN_WIDTH, print_answers=False):
    """Open the window and run until it is closed. Returns the exit status (1 if the model failed)."""
    if not PEN_RANGE[0] <= pen_width <= PEN_RANGE[1]:
        raise DigitrecError(f"--pen-width must be between {PEN_RANGE[0]} and {PEN_RANGE[1]} px (got {pen_width})")
    try:
        root = tk.Tk(className="digitrec")
    except tk.TclError as error:
        raise DigitrecError(f"the drawing app needs a display ({error}); "
                            "to recognise image files without one, use `digitrec predict FILE`") from None
    app = App(root, Recognizer(model), pen_width=pen_width, print_answers=print_answers,
              events=os.environ.get(EVENTS_ENV) == "1")
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
    return 1 if app.model_error else 0


def keep_every_motion_event(root):
    """Stop Tk merging the mouse motion events that reach it together; returns False where that can't be done.

    Of the motion events Tk reads in one go it delivers only the last, so a stroke
    drawn faster than the Tk thread reads the mouse keeps its points apart and loses
    its curve between them. Tk's switch for this, Tk_CollapseMotionEvents, has no Tcl
    command: it is called through ctypes, on X11 only, in the Tk library _tkinter
    uses. Though declared to take the X `Display *`, it reads its argument as Tk's
    record of the display (TkGetDisplay): given the X one, it would write into Xlib's memory.
    """
    # The argument's reading was checked in Tk 8.6's source: elsewhere, leave Tk as it is.
    if root.tk.call("tk", "windowingsystem") != "x11" or tk.TkVersion != 8.6:
        return False
    try:
        tk_library = ctypes.CDLL(_tkinter.__file__)  # its symbols' lookup goes on into the libraries it links
        main_window, display_record, collapse = (
            tk_library.Tk_MainWindow, tk_library.TkGetDisplay, tk_library.Tk_CollapseMotionEvents)
    except (OSError, AttributeError):
        return False
    main_window.restype, main_window.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
    display_record.restype, display_record.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
    collapse.restype, collapse.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_int]
    window = main_window(root.tk.interpaddr())
    display = window and ctypes.c_void_p.from_address(window).value  # Tk_Display(): a Tk_Window's first field
    record = display and display_record(display)
    if not record:
        return False
    collapse(record, 0)
    return True


class Ink(NamedTuple):
    """What is on the canvas when an answer is asked for, as the answerer's thread gets it."""

    edits: int  # App._edits then: tells a live answer's age
    picture: object  # the opened Pillow image, or None
    strokes: list  # [[(x, y), ...], ...] canvas px, copied
    pen_width: int
    size: tuple  # the canvas's (width, height) px


def answer_ink(recognizer, ink):
    """The NumberResult for an Ink: what the answerer's thread works out (no Tk here)."""
    if ink.picture is not None:
        return recognizer.number(ink.picture)
    if not ink.strokes:
        return NumberResult([])
    # At the canvas's size, so the digits' boxes are canvas coordinates.
    return recognizer.number(render_strokes(ink.strokes, ink.pen_width, size=ink.size))


def answer_record(result):
    """The JSON object `--print-answers` writes for one NumberResult."""
    return {
        "number": result.text,
        "digits": [{"digit": d.digit, "confidence": round(d.confidence, 4), "confident": d.confident}
                   for d in result.digits],
        "confident": result.confident,
    }


class App:
    """The window: a canvas to draw on, the answer beside it, tools above, status below.

    `answer` is the NumberResult on display (None until the model is ready).
    With `print_answers`, each answer after a stroke ends, an undo, a clear or
    an open (and on model-ready, if there was ink) is written to `out` as a JSON line.
    Answers are worked out off the Tk thread and shown when done: `answering`
    is True until every answer asked for has been shown.
    """

    def __init__(self, root, recognizer, pen_width=DEFAULT_PEN_WIDTH, print_answers=False, events=False,
                 out=sys.stdout):
        self.root, self.recognizer = root, recognizer
        self.print_answers, self.events, self.out = print_answers, events, out
        self.strokes = []  # [[(x, y), ...], ...] in canvas px: the drawing, as the recogniser gets it
        self.lines = []  # the canvas line item of each stroke
        self.picture = None  # an opened image (Pillow), recognised instead of the strokes
        self.answer = None
        self.ready = False
        self.model_error = None
        self.focus_x = None  # the mouse's x on the canvas: the probabilities follow the digit under it
        self._drawing = False
        self._live_job = None  # a pending `after` that asks for a live answer
        self._edits = 0  # counts changes to the drawing, to tell a live answer's age
        self._answered = 0  # the value of _edits when the last final answer was asked for
        # The answerer's thread gets the recogniser only, never the App: Tk objects must not be freed there.
        self._answerer = Answerer(functools.partial(answer_ink, recognizer))
        self._polling = False  # an `after` will look for answers
        self._loader = None
        self._loaded = queue.Queue()
        self._mapped = False
        self._picture_place = (1.0, 0, 0)  # zoom and offset of the shown picture on the canvas
        self._images = {}  # Tk forgets a PhotoImage Python no longer references: keep them here

        self.scale = max(1.0, float(root.tk.call("tk", "scaling")) * 72 / 96)  # 1 at 96 dpi
        self.pen = tk.IntVar(root, pen_width)
        keep_every_motion_event(root)
        self._build()
        self._bind()
        self._show_answer()
        self._set_status()
        # At once, beside the window's set-up: the model (ONNX Runtime, SciPy for the ink) is ready
        # about as soon as the window is on screen.
        self.start_loading()

    def px(self, n):
        """n px at 96 dpi, in this screen's px: sizes grow on high-dpi screens as fonts in points do."""
        return round(n * self.scale)

    # ------------------------------------------------------------ layout

    def _build(self):
        root = self.root
        root.title(TITLE)
        root.columnconfigure(0, weight=1)
        root.rowconfigure(1, weight=1)
        base = font.nametofont("TkDefaultFont").actual()["family"]
        self.fonts = {"answer": font.Font(root, family=base, size=ANSWER_PT, weight="bold"),
                      "text": font.Font(root, family=base, size=TEXT_PT),
                      "bold": font.Font(root, family=base, size=TEXT_PT, weight="bold"),
                      "small": font.Font(root, family=base, size=TEXT_PT - 2)}
        ttk.Style(root).configure("TButton", font=self.fonts["text"])
        self._build_toolbar().grid(row=0, column=0, columnspan=2, sticky="ew")
        self._build_canvas().grid(row=1, column=0, sticky="nsew", padx=(self.px(8), 0), pady=self.px(4))
        self._build_panel().grid(row=1, column=1, sticky="ns", padx=self.px(8), pady=self.px(4))
        self._build_statusbar().grid(row=2, column=0, columnspan=2, sticky="ew")

    def _build_toolbar(self):
        bar = ttk.Frame(self.root, padding=(self.px(8), self.px(6), self.px(8), 0))
        for text, command in (("Clear (Esc)", self.clear), ("Undo (Ctrl+Z)", self.undo),
                              ("Open… (Ctrl+O)", self.open_dialog), ("Save… (Ctrl+S)", self.save_dialog)):
            ttk.Button(bar, text=text, command=command, takefocus=False).pack(side="left", padx=(0, self.px(6)))
        tk.Scale(bar, from_=PEN_RANGE[0], to=PEN_RANGE[1], orient="horizontal", variable=self.pen,
                 command=self._pen_changed, length=self.px(160), font=self.fonts["small"], takefocus=False,
                 highlightthickness=0).pack(side="right")
        ttk.Label(bar, text="Pen width (px)", font=self.fonts["text"]).pack(side="right", padx=self.px(6))
        return bar

    def _build_canvas(self):
        frame = tk.Frame(self.root, background="#b0b0b0", padx=1, pady=1)  # a thin grey edge
        self.canvas = tk.Canvas(frame, width=self.px(CANVAS_SIZE[0]), height=self.px(CANVAS_SIZE[1]),
                                background=PAPER, highlightthickness=0, borderwidth=0, cursor="crosshair")
        self.canvas.pack(fill="both", expand=True)
        return frame

    def _build_panel(self):
        panel = ttk.Frame(self.root)
        width = self.px(28 * PREVIEW_ZOOM + 100)
        ttk.Label(panel, text="Answer", font=self.fonts["small"], foreground=QUIET).pack(anchor="w")
        self.number_label = ttk.Label(panel, font=self.fonts["answer"], anchor="center", width=7)
        self.number_label.pack(fill="x")
        self.confidence_label = ttk.Label(panel, font=self.fonts["text"], anchor="center")
        self.confidence_label.pack(fill="x")
        self.sure_label = ttk.Label(panel, font=self.fonts["bold"], anchor="center", foreground=NOT_SURE)
        self.sure_label.pack(fill="x")
        ttk.Separator(panel).pack(fill="x", pady=self.px(6))
        self.digit_label = ttk.Label(panel, font=self.fonts["small"], foreground=QUIET)
        self.digit_label.pack(anchor="w")
        body = ttk.Frame(panel)
        body.pack(fill="x")
        self.preview = tk.Label(body, borderwidth=0, background="black")
        self.preview.pack(side="left", anchor="n")
        ttk.Label(body, text="what the\nmodel saw\n(28×28)", font=self.fonts["small"], foreground=QUIET,
                  justify="left").pack(side="left", anchor="n", padx=self.px(8))
        self.row_height = self.fonts["small"].metrics("linespace") + self.px(4)
        self.bars = tk.Canvas(panel, width=width, height=10 * self.row_height, highlightthickness=0,
                              background=self.root.cget("background"))
        self.bars.pack(fill="x", pady=(self.px(8), 0))
        # The panel can end up wider than asked (large fonts, high DPI): redraw to its real width.
        self.bars.bind("<Configure>", lambda event: self._show_digit())
        return panel

    def _build_statusbar(self):
        bar = ttk.Frame(self.root, padding=(self.px(8), 0, self.px(8), self.px(4)))
        ttk.Label(bar, text=self._model_line(), font=self.fonts["small"], foreground=QUIET).pack(side="right")
        # width=1: a long message wraps within the window instead of widening it.
        self.status_label = ttk.Label(bar, font=self.fonts["text"], width=1)
        self.status_label.pack(side="left", fill="x", expand=True)
        self.status_label.bind("<Configure>", lambda event: self.status_label.configure(wraplength=event.width))
        return bar

    def _model_line(self):
        path = Path(self.recognizer.model_path or bundle.bundled_model_path())
        card = bundle.load_card(path)
        if card and "test_accuracy" in card:
            return f"model {path.name}: {card['test_accuracy']:.2%} on the MNIST test set"
        return f"model {path.name} (no model card)"

    def _bind(self):
        c = self.canvas
        c.bind("<ButtonPress-1>", self._press)
        c.bind("<B1-Motion>", self._drag)
        c.bind("<ButtonRelease-1>", self._release)
        c.bind("<Motion>", lambda event: self._hover(event.x))
        c.bind("<Leave>", lambda event: self._hover(None))
        c.bind("<Configure>", lambda event: self._place_hint())
        for keys, command in ((("<Escape>", "<Delete>"), self.clear), (("<Control-z>", "<Control-Z>"), self.undo),
                              (("<Control-o>", "<Control-O>"), self.open_dialog),
                              (("<Control-s>", "<Control-S>"), self.save_dialog)):
            for key in keys:
                self.root.bind(key, lambda event, command=command: command())
        self.root.bind("<Map>", self._on_map)
        self.root.bind("<Destroy>", self._on_destroy)

    # ------------------------------------------------------------ the model

    def _on_map(self, event):
        if event.widget is not self.root or self._mapped:
            return
        self._mapped = True
        self.root.update_idletasks()  # lay the children out, so their sizes below are real
        # Shrinkable down to half the canvas, never so small that the panel is clipped.
        self.root.minsize(self.root.winfo_reqwidth() - self.px(CANVAS_SIZE[0] // 2), self.root.winfo_reqheight())
        c = self.canvas
        self._event("mapped", canvas=[c.winfo_rootx(), c.winfo_rooty(), c.winfo_width(), c.winfo_height()])

    def _on_destroy(self, event):
        if event.widget is self.root:  # a binding on the root also fires for each of its children
            self._answerer.close()

    def start_loading(self):
        """Load the model in a background thread (once); the answer shows as soon as it is ready."""
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
        else:
            self.model_error = error
            print(f"digitrec gui: error: {error}", file=sys.stderr, flush=True)
            self._event("error", message=error)
        self._set_status()

    # ------------------------------------------------------------ drawing

    def _press(self, event):
        if self.picture is not None:
            self._wipe()  # drawing starts a new picture
        self._drawing = True
        self._set_status()
        self.canvas.delete("hint")
        point = (event.x, event.y)
        self.strokes.append([point])
        # A one-point line is a dot: the round cap draws it, as render_strokes does.
        self.lines.append(self.canvas.create_line(*point, *point, width=self.pen.get(), fill=INK,
                                                  capstyle="round", joinstyle="round", tags="ink"))

    def _drag(self, event):
        if not self._drawing:
            return
        self.focus_x = event.x
        stroke, point = self.strokes[-1], (event.x, event.y)
        if point != stroke[-1]:
            stroke.append(point)
            self.canvas.coords(self.lines[-1], [v for p in stroke for v in p])
            self._edited()

    def _release(self, event):
        if self._drawing:
            self._drag(event)
            self._drawing = False
            self._event("stroke", points=self.strokes[-1])
            self.refresh()

    def _hover(self, x):
        before = self.focus_index()
        self.focus_x = x
        if self.focus_index() != before:
            self._show_digit()

    def _pen_changed(self, _value):
        # render_strokes draws every stroke at one width, so the canvas does too.
        self.canvas.itemconfigure("ink", width=self.pen.get())
        self._edited()

    def set_pen_width(self, width):
        """Set the pen width in px (like moving the slider)."""
        self.pen.set(width)
        self._pen_changed(width)

    # ------------------------------------------------------------ commands

    def clear(self):
        """Wipe the canvas; the answer becomes empty."""
        self._wipe()
        self._set_status()
        self.refresh()

    def undo(self):
        """Remove the last stroke (or the opened image)."""
        self._drawing = False  # undone mid-stroke: the mouse must not go on with the stroke before
        if self.picture is not None:
            self._wipe()
        elif self.strokes:
            self.strokes.pop()
            self.canvas.delete(self.lines.pop())
        self._set_status()
        self.refresh()

    def open_dialog(self):
        path = filedialog.askopenfilename(parent=self.root, title="Open an image of a digit or a number",
                                          filetypes=IMAGE_TYPES)
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
        self.picture = picture
        self._show_picture()
        self._set_status(f"opened {Path(path).name}")
        self.refresh()
        return True

    def save_dialog(self):
        if not self.strokes:
            self._set_status("nothing to save: draw something first", error=True)
            return
        path = filedialog.asksaveasfilename(parent=self.root, title="Save the drawing", defaultextension=".png",
                                            initialfile="drawing.png", filetypes=[("PNG image", "*.png")])
        if path:
            self.save_drawing(path)

    def save_drawing(self, path):
        """Write the drawing as a PNG, black ink on white at the canvas's size (as the recogniser saw it)."""
        image = render_strokes(self.strokes, self.pen.get(), size=self.canvas_size())
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

    # ------------------------------------------------------------ answers

    def canvas_size(self):
        c = self.canvas
        return (c.winfo_width(), c.winfo_height()) if c.winfo_ismapped() else (int(c["width"]), int(c["height"]))

    @property
    def answering(self):
        """True while an answer asked for is being worked out or is not yet shown."""
        return self._answerer.busy

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
        if self.strokes and self.picture is None:
            self._ask(final=False)

    def _cancel_live(self):
        if self._live_job is not None:
            self.root.after_cancel(self._live_job)
            self._live_job = None

    def _ask(self, final):
        # A snapshot: the worker must not see strokes that grow while it renders them.
        ink = Ink(self._edits, self.picture, [list(s) for s in self.strokes], self.pen.get(), self.canvas_size())
        self._answerer.ask(ink, final)
        if not self._polling:
            self._polling = True
            self.root.after(ANSWER_POLL_MS, self._poll_answers)

    def _poll_answers(self):
        answers = self._answerer.take()
        self._polling = self._answerer.busy
        if self._polling:
            self.root.after(ANSWER_POLL_MS, self._poll_answers)
        for answer in answers:
            if answer.final:
                self._show_final(answer)
            elif answer.result is not None and answer.request.edits > self._answered:  # newer than the last final
                self.answer = answer.result
                self._show_answer()
            # A live answer that failed is only a preview: the final answer reports the error.

    def _show_final(self, answer):
        if answer.error is not None:
            self._report(answer.error)
            return
        self.answer = answer.result
        self._show_answer()
        if self.print_answers:
            self._emit(answer_record(self.answer))

    def _report(self, error):
        """A recognition error in the status line; one that is no DigitrecError is a bug: its traceback goes to Tk."""
        if isinstance(error, DigitrecError):
            self._set_status(str(error), error=True)
            return
        self._set_status(f"cannot recognise the drawing: {type(error).__name__}: {error}".splitlines()[0], error=True)
        self.root.report_callback_exception(type(error), error, error.__traceback__)

    def _show_answer(self):
        digits = self.answer.digits if self.answer else []
        if self.answer is None:
            text = "–"
        else:
            text = self.answer.text if digits else ("?" if self._has_ink() else "–")
        self.number_label.configure(text=text)
        if digits:
            least = min(d.confidence for d in digits)
            self.confidence_label.configure(
                text=f"confidence {least:.1%}" + (" (least sure digit)" if len(digits) > 1 else ""))
        else:
            if self.answer is None:
                text = "" if self.model_error else "waiting for the model…"
            else:
                text = "no digits found" if self._has_ink() else ""
            self.confidence_label.configure(text=text)
        self.sure_label.configure(text="not sure" if digits and not self.answer.confident else "")
        self._draw_boxes()
        self._show_digit()

    def focus_index(self):
        """Index of the digit whose probabilities are shown: the one under the mouse, else the last one."""
        digits = self.answer.digits if self.answer else []
        if not digits:
            return None
        if self.focus_x is not None:
            for i, (left, _, right, _) in enumerate(self._canvas_boxes()):
                if left <= self.focus_x <= right:
                    return i
        return len(digits) - 1

    def _show_digit(self):
        index = self.focus_index()
        digit = None if index is None else self.answer.digits[index]
        model_input = np.zeros((28, 28), np.float32) if digit is None else digit.model_input
        side = self.px(28 * PREVIEW_ZOOM)
        shown = Image.fromarray((model_input * 255).astype(np.uint8)).resize((side, side), Image.Resampling.NEAREST)
        self._images["preview"] = ImageTk.PhotoImage(shown, master=self.root)
        self.preview.configure(image=self._images["preview"])
        count = len(self.answer.digits) if self.answer else 0
        self.digit_label.configure(text=f"Digit {index + 1} of {count}" if count > 1 else "Digit")
        self._draw_bars(digit)
        self.canvas.itemconfigure("box", outline=BOX)
        if index is not None:
            self.canvas.itemconfigure(f"box{index}", outline=FOCUS_BOX)

    def _draw_bars(self, digit):
        bars, h = self.bars, self.row_height
        bars.delete("all")
        label_w, value_w = self.px(18), self.px(52)
        track = max(10, bars.winfo_width() if bars.winfo_ismapped() else int(bars["width"])) - label_w - value_w
        for d in range(10):
            p = 0.0 if digit is None else float(digit.probabilities[d])
            y = d * h
            top = digit is not None and d == digit.digit
            bars.create_text(0, y + h / 2, text=str(d), anchor="w", font=self.fonts["bold" if top else "small"])
            bars.create_rectangle(label_w, y + 3, label_w + track, y + h - 3, fill=BAR_TRACK, width=0)
            if p > 0:
                bars.create_rectangle(label_w, y + 3, label_w + max(1, p * track), y + h - 3,
                                      fill=TOP_BAR if top else BAR, width=0)
            if digit is not None:
                bars.create_text(label_w + track + value_w, y + h / 2, text=f"{p:.1%}", anchor="e",
                                 font=self.fonts["small"])

    def _draw_boxes(self):
        self.canvas.delete("box")
        for i, box in enumerate(self._canvas_boxes()):
            self.canvas.create_rectangle(*box, outline=BOX, dash=(4, 3), tags=("box", f"box{i}"))
        self.canvas.tag_lower("box")  # under the ink
        if self.picture is not None:
            self.canvas.tag_lower("picture")

    def _canvas_boxes(self):
        """Each digit's box in canvas coordinates: as recognised for strokes, scaled like the shown picture."""
        digits = self.answer.digits if self.answer else []
        zoom, dx, dy = self._picture_place if self.picture is not None else (1.0, 0, 0)
        return [(dx + l * zoom, dy + t * zoom, dx + r * zoom, dy + b * zoom) for l, t, r, b in (d.box for d in digits)]

    # ------------------------------------------------------------ helpers

    def _show_picture(self):
        """Show the opened image fitted into the canvas (display only: the recogniser gets the original)."""
        width, height = self.canvas_size()
        zoom = min(width / self.picture.width, height / self.picture.height)
        size = (max(1, round(self.picture.width * zoom)), max(1, round(self.picture.height * zoom)))
        shown = self.picture if self.picture.mode in ("1", "L", "RGB", "RGBA") else self.picture.convert("RGBA")
        self._images["picture"] = ImageTk.PhotoImage(shown.resize(size, Image.Resampling.LANCZOS), master=self.root)
        self._picture_place = (zoom, (width - size[0]) / 2, (height - size[1]) / 2)
        self.canvas.create_image(width / 2, height / 2, image=self._images["picture"], anchor="center", tags="picture")
        self.canvas.delete("hint")

    def _wipe(self):
        self._cancel_live()
        self._drawing = False
        self.strokes.clear()
        self.lines.clear()
        self.picture = None
        self._images.pop("picture", None)
        self.canvas.delete("ink", "picture", "box")
        self._place_hint()

    def _place_hint(self):
        self.canvas.delete("hint")
        if not self._has_ink():
            width, height = self.canvas_size()
            self.canvas.create_text(width / 2, height / 2, text="Draw a digit or a number here", fill=HINT,
                                    font=self.fonts["text"], tags="hint")

    def _has_ink(self):
        return bool(self.strokes) or self.picture is not None

    def _set_status(self, message=None, error=False):
        """Show `message`, or else what the app is doing: loading, ready, or why the model is missing."""
        if message is None:
            if self.model_error:
                message, error = f"no model: {self.model_error}. You can draw, but nothing is recognised.", True
            else:
                message = "ready: draw with the mouse" if self.ready else "loading model..."
        self.status_label.configure(text=message, foreground=ERROR if error else "")

    def _event(self, name, **fields):
        if self.events:
            self._emit({"event": name, **fields})

    def _emit(self, record):
        print(json.dumps(record), file=self.out, flush=True)
