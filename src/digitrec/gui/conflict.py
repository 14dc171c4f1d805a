"""The question a correction asks when it contradicts what the person taught: their examples, shown.

A correction that would make earlier examples of another digit read as this one is
not learnt silently (`recognize.ProfileConflict`). Examples learnt from kept answers
never ask (they go without a word); for the ones the person taught or corrected
themselves, this small window shows them, says in plain words what learning would
do, and lets the person choose: learn it and forget those, or keep those.
"""

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from PIL import ImageTk

from digitrec.gui.look import Look
from digitrec.gui.panel import enlarged
from digitrec.recognize import ProfileConflict

ZOOM = 2  # each 28x28 example is shown at 56x56
MOST_SHOWN = 8  # thumbnails in one row; more are counted, not shown


def question(conflict: ProfileConflict, label: int) -> str:
    """The conflict in plain words: "This 1 looks like 2 of the 7s you taught …"."""
    counts: dict[int, int] = {}
    for example in conflict.examples:
        counts[example.label] = counts.get(example.label, 0) + 1
    theirs = " and ".join(f"{n} of the {digit}s" for digit, n in sorted(counts.items()))
    return (
        f"This {label} looks like {theirs} you taught me (below). If I learn it, those would read {label} too, "
        "so I would forget them."
    )


class ConflictWindow:
    """Asks whether to learn `label` replacing the examples of `conflict` (a ProfileConflict with `images`).
    learn(): called if the person says yes; nothing happens on "Keep those" or on closing the window."""

    def __init__(
        self,
        parent: tk.Tk | tk.Toplevel,
        look: Look,
        conflict: ProfileConflict,
        label: int,
        learn: Callable[[], object],
    ) -> None:
        self.learn = learn
        self.window = tk.Toplevel(parent)
        self.window.title("Learn this correction?")
        self.window.transient(parent)
        self.window.resizable(False, False)
        frame = ttk.Frame(self.window, padding=look.px(12))
        frame.pack(fill="both", expand=True)
        ttk.Label(frame, text=question(conflict, label), wraplength=look.px(360), justify="left").pack(anchor="w")
        row = ttk.Frame(frame)
        row.pack(anchor="w", pady=look.px(8))
        side = look.px(28 * ZOOM)
        self._images = [ImageTk.PhotoImage(enlarged(image, side), master=self.window) for image in conflict.images]
        for image, example in list(zip(self._images, conflict.examples))[:MOST_SHOWN]:
            ttk.Label(row, image=image, text=f"your {example.label}", compound="top").pack(side="left", padx=2)
        if len(conflict.examples) > MOST_SHOWN:
            ttk.Label(row, text=f"and {len(conflict.examples) - MOST_SHOWN} more").pack(side="left")
        buttons = ttk.Frame(frame)
        buttons.pack(anchor="e")
        self.yes = ttk.Button(buttons, text=f"Learn it as a {label}, forget those", command=self._yes)
        self.no = ttk.Button(buttons, text="Keep those", command=self.window.destroy)
        self.yes.pack(side="left")
        self.no.pack(side="left", padx=(look.px(6), 0))
        self.no.focus_set()

    def _yes(self) -> None:
        self.window.destroy()
        self.learn()
