"""How the window looks: one ttk theme, colours, fonts and sizes, shared by its parts.

Every widget is a themed (ttk) one but the canvases and windows, which Tk has only
classic; the theme is 'clam' on every platform, so the window looks the same on
Linux, macOS and Windows, with its colours and sizes set here. Sizes are in px at
96 dpi, scaled to the screen (`Look.px`), fonts in points: the window grows on a high-DPI screen.
"""

import tkinter as tk
from tkinter import font, ttk

ANSWER_PT, TEXT_PT = 40, 11  # font sizes in points, so they scale with the screen's dpi

INK, PAPER, HINT = "black", "white", "#9e9e9e"
BOX, FOCUS_BOX = "#a9c4e8", "#1f6fd1"
SELECTED = "#d6e6fa"  # behind the answer's digit chosen for a correction
BAR, TOP_BAR, BAR_TRACK = "#7fa7d9", "#1f6fd1", "#eceff3"
ERROR, NOT_SURE, QUIET = "#c62828", "#d35400", "#616161"
EDGE = "#b0b0b0"  # the thin frame around a canvas drawn on
THEME = "clam"  # plain and flat, and the same everywhere (the native ones differ by platform, 'aqua' most)
BACKGROUND = "#eef0f3"  # the window's, behind every part


class Look:
    """The fonts of one Tk root and its px scale: every part of the window is sized through it.

    fit: (width, height) px of the window at 96 dpi: on a screen too small for it at the screen's dpi
    (a small high-dpi laptop), px and fonts grow less, so that it fits (never less than at 96 dpi)."""

    def __init__(self, root: tk.Tk, fit: tuple[int, int] | None = None) -> None:
        scale = float(root.tk.call("tk", "scaling")) * 72 / 96  # 1 at 96 dpi
        if fit:
            room = min(root.winfo_screenwidth() / fit[0], root.winfo_screenheight() / fit[1])
            if scale > room:  # fonts in points follow Tk's scaling: set it too
                scale = max(1.0, room)
                root.tk.call("tk", "scaling", scale * 96 / 72)
        self.scale = max(1.0, scale)
        base = font.nametofont("TkDefaultFont", root=root).actual()["family"]
        self.fonts = {
            "answer": font.Font(root, family=base, size=ANSWER_PT, weight="bold"),
            "text": font.Font(root, family=base, size=TEXT_PT),
            "bold": font.Font(root, family=base, size=TEXT_PT, weight="bold"),
            "small": font.Font(root, family=base, size=TEXT_PT - 2),
        }
        px = self.px
        style = ttk.Style(root)
        style.theme_use(THEME)
        style.configure(".", background=BACKGROUND, font=self.fonts["text"])
        style.configure("TButton", font=self.fonts["text"], padding=(px(8), px(3)))
        style.configure("Small.TButton", font=self.fonts["small"], padding=(px(4), 0))
        style.configure("Small.TCheckbutton", font=self.fonts["small"])
        # The correction row's ten digits share the panel's width: no more padding than the digit needs.
        style.configure("Digit.TButton", font=self.fonts["bold"], padding=(0, px(1)), width=1, anchor="center")
        style.configure("Selected.TLabel", background=SELECTED)  # the answer's digit chosen for a correction
        style.configure("Edge.TFrame", background=EDGE)  # the thin frame around a canvas drawn on
        # The theme draws its indicators, arrows and sliders in screen px: scale them as the fonts are.
        style.configure("TCheckbutton", indicatorsize=px(12), indicatormargin=(0, 0, px(4), 0))
        style.configure("TScrollbar", arrowsize=px(14))
        style.configure("Horizontal.TScale", sliderlength=px(24), sliderthickness=px(16))
        root.configure(background=BACKGROUND)  # the root and Toplevels are classic Tk: give them the theme's
        root.option_add("*Toplevel.background", BACKGROUND)
        self.background = BACKGROUND

    def px(self, n: float) -> int:
        """n px at 96 dpi, in this screen's px: sizes grow on high-dpi screens as fonts in points do."""
        return round(n * self.scale)


def fitted(text: str, font: font.Font, width: int, lines: int = 1) -> str:
    """`text` as it fits in `lines` lines of `width` px in `font`, wrapped at spaces as Tk wraps a label:
    whole if it fits, else its longest start that does, ended with "…". A part whose room is fixed shows
    a long message so, rather than growing the window or losing its last lines out of sight."""
    if _lines(text, font, width) <= lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start that fits (a longer start never takes fewer lines)
        middle = (low + high + 1) // 2
        if _lines(text[:middle].rstrip() + "…", font, width) <= lines:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _lines(text: str, font: font.Font, width: int) -> int:
    """How many lines Tk takes for `text` wrapped at `width` px: at spaces, a word too wide for a line broken."""
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        line = ""
        for word in paragraph.split(" "):
            joined = f"{line} {word}" if line else word
            if font.measure(joined) <= width:
                line = joined
            elif font.measure(word) <= width:
                count, line = count + 1, word
            else:  # Tk breaks it where the line is full
                count, line = count + font.measure(word) // max(1, width) + (1 if line else 0), ""
    return count
