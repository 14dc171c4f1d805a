"""The answer beside the canvas: the number, each digit selectable for a correction, how sure it is,
the correction row, and for one digit what the model saw and its ten probabilities."""

import tkinter as tk
from collections.abc import Callable
from tkinter import font, ttk

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageTk

from digitrec.gui.correction import CorrectionRow
from digitrec.gui.look import ANSWER_PT, BAR, BAR_TRACK, NOT_SURE, QUIET, TEXT_PT, TOP_BAR, Look
from digitrec.recognize import DigitResult, NumberResult

PREVIEW_ZOOM = 4  # the 28x28 model input is shown at 112x112
ANSWER_DIGITS = 7  # the number's room, in digits: a longer number is shown smaller, in the same room
WIDTH = 280  # px at 96 dpi: the panel's width, whatever it shows


class AnswerPanel:
    """The panel's widgets (`frame`). on_correct(d): a correction button was clicked (None: no correction
    row). A click on one of the answer's digits makes the virtual event <<DigitClicked>> on `frame`,
    the digit's index in `clicked`."""

    def __init__(self, parent: tk.Misc, look: Look, on_correct: Callable[[int], object] | None = None) -> None:
        self.look = look
        self.clicked: int | None = None  # the index of the answer's digit clicked last
        self._digit: DigitResult | None = None  # the DigitResult whose probabilities are shown
        self._preview: ImageTk.PhotoImage | None = None  # its PhotoImage: Tk forgets one Python no longer references
        self._number_fonts = {ANSWER_PT: look.fonts["answer"]}  # by size in points: a long number's smaller
        fonts, px = look.fonts, look.px
        self.frame = frame = ttk.Frame(parent)
        # Fixed width: the parts below whose text changes ask for none (width=1) and fill it.
        ttk.Frame(frame, width=px(WIDTH), height=0).pack()
        ttk.Label(frame, text="Answer", font=fonts["small"], foreground=QUIET).pack(anchor="w")
        holder = ttk.Frame(frame)
        holder.pack(fill="x")
        self.number_room = fonts["answer"].measure("0" * ANSWER_DIGITS)
        holder.columnconfigure(0, weight=1, minsize=self.number_room)
        holder.rowconfigure(0, minsize=fonts["answer"].metrics("linespace"))
        self.number = ttk.Frame(holder)  # one label per digit
        self.number.grid(row=0, column=0)
        self.confidence_label = ttk.Label(frame, font=fonts["text"], anchor="center", width=1)
        self.confidence_label.pack(fill="x")
        self.sure_label = ttk.Label(frame, font=fonts["bold"], anchor="center", foreground=NOT_SURE, width=1)
        self.sure_label.pack(fill="x")
        self.correction = CorrectionRow(frame, look, on_correct) if on_correct else None
        if self.correction:
            self.correction.frame.pack(fill="x", pady=(px(4), 0))
        ttk.Separator(frame).pack(fill="x", pady=px(6))
        self.digit_label = ttk.Label(frame, font=fonts["small"], foreground=QUIET)
        self.digit_label.pack(anchor="w")
        body = ttk.Frame(frame)
        body.pack(fill="x")
        self.preview = ttk.Label(body, borderwidth=0, padding=0)
        self.preview.pack(side="left", anchor="n")
        ttk.Label(
            body, text="what the\nmodel saw\n(28×28)", font=fonts["small"], foreground=QUIET, justify="left"
        ).pack(side="left", anchor="n", padx=px(8))
        self.row_height = fonts["small"].metrics("linespace") + px(2)
        self.bars = tk.Canvas(
            frame,
            width=px(WIDTH),
            height=10 * self.row_height,
            highlightthickness=0,
            background=look.background,
        )
        self.bars.pack(fill="x", pady=(px(8), 0))
        # The panel can end up wider than asked (large fonts, high DPI): redraw to its real width.
        self.bars.bind("<Configure>", lambda event: self._draw_bars())

    def show_answer(self, answer: NumberResult | None, has_ink: bool, waiting: bool, selected: int | None) -> None:
        """Show a NumberResult (None: no answer yet; `waiting`: for the model); `selected`: the index
        of the digit chosen for a correction, or None."""
        digits = answer.digits if answer else []
        for label in self.number.winfo_children():
            label.destroy()
        shown = self._number_font("".join(str(d.digit) for d in digits))
        for i, digit in enumerate(digits):
            self._number_label(str(digit.digit), i, selected, shown)
        if not digits:
            self._number_label("?" if answer is not None and has_ink else "–")
        if digits:
            least = min(d.confidence for d in digits)
            text = f"confidence {least:.1%}" + (" (least sure digit)" if len(digits) > 1 else "")
        elif answer is None:
            text = "waiting for the model…" if waiting else ""
        else:
            text = "no digits found" if has_ink else ""
        self.confidence_label.configure(text=text)
        self.sure_label.configure(text="not sure" if answer and digits and not answer.confident else "")
        if self.correction:
            self.correction.enable(bool(digits))

    def _number_font(self, text: str) -> font.Font:
        """The answer's font for `text`: the usual, or for a number longer than ANSWER_DIGITS the largest
        that fits it in their room (the panel keeps its width)."""
        size, edges = ANSWER_PT, len(text) * self.look.px(4)  # a label a digit: each has a few px of edge
        while size > TEXT_PT and self._font(size).measure(text) + edges > self.number_room:
            size -= 2
        return self._font(size)

    def _font(self, size: int) -> font.Font:
        if size not in self._number_fonts:
            self._number_fonts[size] = font.Font(
                self.frame, family=self.look.fonts["answer"].cget("family"), size=size, weight="bold"
            )
        return self._number_fonts[size]

    def _number_label(
        self, text: str, index: int | None = None, selected: int | None = None, shown: font.Font | None = None
    ) -> None:
        """One digit of the answer (index: its place; None: a placeholder, not selectable), in font `shown`
        (None: the usual)."""
        label = ttk.Label(
            self.number,
            text=text,
            font=shown or self.look.fonts["answer"],
            padding=0,
            style="Selected.TLabel" if index is not None and index == selected else "TLabel",
        )
        label.pack(side="left")
        if index is not None:
            label.configure(cursor="hand2")
            label.bind("<Button-1>", lambda event: self._click(index))

    def _click(self, index: int) -> None:
        self.clicked = index
        self.frame.event_generate("<<DigitClicked>>")

    def shown_number(self) -> str:
        """The answer as shown: its digits, or a placeholder."""
        return "".join(label.cget("text") for label in self.number.winfo_children())

    def show_digit(self, digit: DigitResult | None, index: int | None, count: int) -> None:
        """Show one digit's model input and probabilities (digit: a DigitResult, index of count; None: none)."""
        self._digit = digit
        model_input = np.zeros((28, 28), np.float32) if digit is None else digit.model_input
        self._preview = ImageTk.PhotoImage(enlarged(model_input, self.look.px(28 * PREVIEW_ZOOM)), master=self.frame)
        self.preview.configure(image=self._preview)
        text = f"Digit {index + 1} of {count}" if index is not None and count > 1 else "Digit"
        self.digit_label.configure(text=text + (", from your examples" if digit and digit.from_profile else ""))
        self._draw_bars()

    def _draw_bars(self) -> None:
        digit, bars, h = self._digit, self.bars, self.row_height
        small = self.look.fonts["small"]
        bars.delete("all")
        label_w, value_w = self.look.px(18), self.look.px(52)
        track = max(10, bars.winfo_width() if bars.winfo_ismapped() else int(bars["width"])) - label_w - value_w
        for d in range(10):
            p = 0.0 if digit is None else float(digit.probabilities[d])
            y = d * h
            top = digit is not None and d == digit.digit
            bars.create_text(0, y + h / 2, text=str(d), anchor="w", font=self.look.fonts["bold"] if top else small)
            bars.create_rectangle(label_w, y + 3, label_w + track, y + h - 3, fill=BAR_TRACK, width=0)
            if p > 0:
                bars.create_rectangle(
                    label_w, y + 3, label_w + max(1, p * track), y + h - 3, fill=TOP_BAR if top else BAR, width=0
                )
            if digit is not None:
                bars.create_text(label_w + track + value_w, y + h / 2, text=f"{p:.1%}", anchor="e", font=small)


def enlarged(model_input: NDArray[np.floating], side: int) -> Image.Image:
    """A Pillow image of a model input (float (28, 28), ink 1 on 0), side x side px with square pixels:
    white ink on black, as the model sees it (the panel's preview, the gallery's examples)."""
    shown = Image.fromarray((np.clip(model_input, 0, 1) * 255).round().astype(np.uint8))
    return shown.resize((side, side), Image.Resampling.NEAREST)
