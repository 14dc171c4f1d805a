"""How the window looks: colours, fonts and sizes, shared by its parts."""

from tkinter import font, ttk

ANSWER_PT, TEXT_PT = 40, 11  # font sizes in points, so they scale with the screen's dpi

INK, PAPER, HINT = "black", "white", "#9e9e9e"
BOX, FOCUS_BOX = "#a9c4e8", "#1f6fd1"
SELECTED = "#d6e6fa"  # behind the answer's digit chosen for a correction
BAR, TOP_BAR, BAR_TRACK = "#7fa7d9", "#1f6fd1", "#eceff3"
ERROR, NOT_SURE, QUIET = "#c62828", "#d35400", "#616161"
EDGE = "#b0b0b0"  # the thin frame around a canvas drawn on


class Look:
    """The fonts of one Tk root and its px scale: every part of the window is sized through it."""

    def __init__(self, root):
        self.scale = max(1.0, float(root.tk.call("tk", "scaling")) * 72 / 96)  # 1 at 96 dpi
        base = font.nametofont("TkDefaultFont", root=root).actual()["family"]
        self.fonts = {"answer": font.Font(root, family=base, size=ANSWER_PT, weight="bold"),
                      "text": font.Font(root, family=base, size=TEXT_PT),
                      "bold": font.Font(root, family=base, size=TEXT_PT, weight="bold"),
                      "small": font.Font(root, family=base, size=TEXT_PT - 2)}
        style = ttk.Style(root)
        style.configure("TButton", font=self.fonts["text"])
        style.configure("Small.TButton", font=self.fonts["small"], padding=(self.px(4), 0))
        style.configure("Small.TCheckbutton", font=self.fonts["small"])
        self.background = root.cget("background")

    def px(self, n):
        """n px at 96 dpi, in this screen's px: sizes grow on high-dpi screens as fonts in points do."""
        return round(n * self.scale)
