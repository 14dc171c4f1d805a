"""The profile's examples, to look at and to delete: each as the model saw it, with its digit and how it
was taught (a correction, teach mode, an import...)."""

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import ImageTk

from digitrec.answering import Answer
from digitrec.gui.look import ERROR, FOCUS_BOX, QUIET
from digitrec.gui.panel import enlarged
from digitrec.gui.statusbar import MessageLine
from digitrec.profile import Example

if TYPE_CHECKING:  # it imports this module
    from digitrec.gui.learning import Learning

ZOOM = 3  # a 28x28 example is shown at 84x84
SHEET_SIZE = (624, 380)  # px at 96 dpi: six columns, and rows enough that the fourth is cut (it scrolls)
GAP = 10  # px at 96 dpi between examples


class Gallery:
    """A window (`window`) of the profile's examples in a scrollable grid, for `learning` (the app's
    gui.learning.Learning). A click selects one, Delete removes it. They are read off the Tk thread:
    `reload` asks, the grid is drawn when they come. Only the rows in view are drawn (again as it scrolls),
    so a profile of thousands opens as quickly as one of ten: each drawn example costs the Tk thread
    about 0.4 ms."""

    def __init__(self, learning: "Learning") -> None:
        self.learning, self.look = learning, learning.app.look
        self.examples: list[Example] = []  # the profile's Examples, oldest first
        self.selected: str | None = None  # the id of the Example selected
        self._inputs: dict[str, NDArray[np.float32]] = {}  # Example id -> float32 (28, 28) image, ink 1 on 0
        # Example id -> its PhotoImage once drawn: Tk forgets one Python no longer references
        self._images: dict[str, ImageTk.PhotoImage] = {}
        self._drawn: tuple[int, int, int] | None = None  # (columns, first row, last row) on the sheet now
        px = self.look.px
        self.window = window = tk.Toplevel(learning.app.root)
        window.title(f"digitrec: the examples of profile {learning.profile.name}")
        window.columnconfigure(0, weight=1)
        window.rowconfigure(0, weight=1)
        self.sheet = tk.Canvas(
            window,
            width=px(SHEET_SIZE[0]),
            height=px(SHEET_SIZE[1]),
            highlightthickness=0,
            background=self.look.background,
        )
        scroll = ttk.Scrollbar(window, orient="vertical", command=self.sheet.yview)

        def scrolled(first: float | str, last: float | str) -> None:  # the bar follows; the rows in view are drawn
            scroll.set(first, last)
            self._draw_rows()

        self.sheet.configure(yscrollcommand=scrolled)
        self.sheet.grid(row=0, column=0, sticky="nsew")
        scroll.grid(row=0, column=1, sticky="ns")
        bar = ttk.Frame(window, padding=px(8))
        bar.grid(row=1, column=0, columnspan=2, sticky="ew")
        ttk.Button(bar, text="Close", command=window.destroy, takefocus=False).pack(side="right")
        ttk.Button(bar, text="Delete (Del)", command=self.delete_selected, takefocus=False).pack(
            side="right", padx=px(6)
        )
        self.message = MessageLine(bar, self.look)
        self.message.frame.pack(side="left", fill="x", expand=True)
        self.sheet.bind("<Button-1>", self._click)
        self.sheet.bind("<Configure>", lambda event: self._lay_out())
        # X11's mouse wheel
        self.sheet.bind("<Button-4>", lambda event: self.sheet.yview_scroll(-1, "units"))
        self.sheet.bind("<Button-5>", lambda event: self.sheet.yview_scroll(1, "units"))
        for sequence in ("<Delete>", "<BackSpace>"):
            window.bind(sequence, lambda event: self.delete_selected())
        window.bind("<Escape>", lambda event: window.destroy())
        self.reload()

    def reload(self) -> None:
        """Read the profile's examples again (off the Tk thread); the grid follows."""
        self.message.show("reading the examples…")
        self.learning.read(self._read)

    def _read(self, answer: Answer) -> None:
        if not self.window.winfo_exists():
            return  # closed meanwhile
        error = answer.error or self.learning.recognizer.profile_error
        self.examples, images = ([], []) if answer.error else answer.result
        self._inputs = {example.id: image for example, image in zip(self.examples, images)}
        self._images = {}
        if self.selected not in {e.id for e in self.examples}:
            self.selected = None
        if error:
            self.message.show(str(error), ERROR)
        elif self.examples:
            self.message.show(f"{self.learning.summary('Profile')}. Click one to select it.")
        else:
            self.message.show("No examples yet: correct an answer (its digit key), or teach digitrec with Teach…")
        self._lay_out()

    def _cell(self) -> tuple[tuple[int, int], int]:
        """(width, height) px of one example's place in the grid, and how many fit across the sheet."""
        side, gap = self.look.px(28 * ZOOM), self.look.px(GAP)
        cell = (side + 2 * gap, side + self.look.fonts["small"].metrics("linespace") + 2 * gap)
        sheet = self.sheet
        width = sheet.winfo_width() if sheet.winfo_ismapped() else int(sheet["width"])
        return cell, max(1, width // cell[0])

    def _lay_out(self) -> None:
        """Size the grid to the sheet's width and draw the rows in view."""
        cell, columns = self._cell()
        rows = -(-len(self.examples) // columns)
        self.sheet.configure(scrollregion=(0, 0, columns * cell[0], rows * cell[1]))
        self._drawn = None
        self._draw_rows()

    def _draw_rows(self) -> None:
        """Draw the rows in view (and one either side): each example, its digit and source under it, the
        selected one framed. Nothing if those rows are drawn already."""
        sheet, px, small = self.sheet, self.look.px, self.look.fonts["small"]
        cell, columns = self._cell()
        height = sheet.winfo_height() if sheet.winfo_ismapped() else int(sheet["height"])
        top = sheet.canvasy(0)
        first, last = max(0, int(top // cell[1]) - 1), int((top + height) // cell[1]) + 1
        if self._drawn == (columns, first, last):
            return
        self._drawn = (columns, first, last)
        sheet.delete("example")
        side, gap = px(28 * ZOOM), px(GAP)
        for i in range(first * columns, min(len(self.examples), (last + 1) * columns)):
            example = self.examples[i]
            x, y = (i % columns) * cell[0] + gap, (i // columns) * cell[1] + gap
            tags = ("example", f"example{i}")
            if example.id == self.selected:
                sheet.create_rectangle(
                    x - gap / 2,
                    y - gap / 2,
                    x + side + gap / 2,
                    y + cell[1] - gap * 1.5,
                    outline=FOCUS_BOX,
                    width=3,
                    tags=tags,
                )
            sheet.create_image(x, y, image=self._image(example.id, side), anchor="nw", tags=tags)
            sheet.create_text(
                x + side / 2,
                y + side + px(2),
                text=f"{example.label}  ({example.source})",
                anchor="n",
                font=small,
                fill=QUIET,
                tags=tags,
            )

    def _image(self, example_id: str, side: int) -> ImageTk.PhotoImage:
        """The example's PhotoImage, side x side px, made the first time it is drawn."""
        if example_id not in self._images:
            self._images[example_id] = ImageTk.PhotoImage(enlarged(self._inputs[example_id], side), master=self.window)
        return self._images[example_id]

    def _click(self, event: tk.Event) -> None:
        x, y = self.sheet.canvasx(event.x), self.sheet.canvasy(event.y)
        tags = [tag for item in self.sheet.find_overlapping(x, y, x, y) for tag in self.sheet.gettags(item)]
        index = next(
            (int(tag[len("example") :]) for tag in tags if tag.startswith("example") and tag != "example"), None
        )
        self.select(None if index is None else self.examples[index].id)

    def select(self, example_id: str | None) -> None:
        """Select the example with this id (None: none)."""
        self.selected = example_id
        self._drawn = None
        self._draw_rows()

    def delete_selected(self) -> None:
        """Remove the selected example from the profile (off the Tk thread); the grid follows."""
        chosen = [e for e in self.examples if e.id == self.selected]
        if not chosen:
            self.message.show("Select an example first: click it", ERROR)
            return
        self.message.show(f"deleting the {chosen[0].label}…")
        self.learning.forget(chosen)
