"""The bar under the canvas: what the app is doing or just did, the profile in use with its
buttons, and the model in use."""

import tkinter as tk
from collections.abc import Callable, Collection
from tkinter import ttk

from digitrec.gui.look import ERROR, QUIET, Look, fitted

Action = tuple[str, Callable[[], object]]  # a button after a message: its text and its command

MESSAGE_LINES = 2  # the main window's message line: room for this many lines, whatever it says
PROFILE_WIDTH = 330  # px at 96 dpi: the profile line's text, before its buttons (a longer one is cut)


class MessageLine:
    """A message that wraps within the window (`frame`), with at most one button after it for what can be
    done about it. lines: the room it keeps, in lines of text, whatever the message (a longer one is cut,
    with "…"); None: as many as the message takes."""

    def __init__(self, parent: tk.Misc, look: Look, lines: int | None = None) -> None:
        self.look, self.lines = look, lines
        self.whole = ""  # the message shown, uncut
        self.frame = ttk.Frame(parent)
        # width=1: a long message wraps within the window instead of widening it.
        self.label = ttk.Label(self.frame, font=look.fonts["text"], width=1, anchor="nw")
        self.label.pack(side="left", fill="both", expand=True)
        self.label.bind("<Configure>", lambda event: self._fit(event.width))
        self.button = ttk.Button(self.frame, style="Small.TButton", takefocus=False)
        if lines:  # the same height whatever is said: the window never grows or shrinks with a message
            self.frame.configure(height=lines * look.fonts["text"].metrics("linespace") + look.px(4))
            self.frame.pack_propagate(False)

    def _fit(self, width: int) -> None:
        self.label.configure(wraplength=width)
        if self.lines and width > 1:
            self.label.configure(text=fitted(self.whole, self.look.fonts["text"], width, self.lines))

    def show(self, message: str, colour: str = "", action: Action | None = None) -> None:
        """Show `message` (colour: a Tk colour, "" the usual); action: (button text, command), or None."""
        self.whole = message
        self.label.configure(text=message, foreground=colour)
        self._fit(self.label.winfo_width())
        if action:
            self.button.configure(text=action[0], command=action[1])
            self.button.pack(side="left", padx=(self.look.px(6), 0))
        else:
            self.button.pack_forget()


class StatusBar:
    """The message line and the model line (`frame`); under them, with a profile (`commands`: {button
    text: command}), the profile line and its buttons, or "no profile"."""

    def __init__(
        self, parent: tk.Misc, look: Look, model_line: str, commands: dict[str, Callable[[], object]] | None = None
    ) -> None:
        px = look.px
        self.frame = ttk.Frame(parent, padding=(px(8), 0, px(8), px(4)))
        self.frame.columnconfigure(0, weight=1)
        self.message = MessageLine(self.frame, look, lines=MESSAGE_LINES)
        self.message.frame.grid(row=0, column=0, sticky="ew")
        ttk.Label(self.frame, text=model_line, font=look.fonts["small"], foreground=QUIET).grid(
            row=0, column=1, sticky="ne"
        )
        self.line = line = ttk.Frame(self.frame)
        line.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(px(2), 0))
        # A room of its own size: the buttons after it stay put whatever it says.
        small = look.fonts["small"]
        room = ttk.Frame(line, width=px(PROFILE_WIDTH), height=small.metrics("linespace") + px(4))
        room.pack_propagate(False)
        room.pack(side="left")
        self.profile_label = ttk.Label(room, font=small, foreground=QUIET)
        self.profile_label.pack(side="left")
        self._small, self._profile_width = small, px(PROFILE_WIDTH)
        self.buttons: dict[str, ttk.Button] = {}
        for text, command in (commands or {}).items():
            self.buttons[text] = ttk.Button(line, text=text, command=command, style="Small.TButton", takefocus=False)
            self.buttons[text].pack(side="left", padx=(px(6), 0))

    def add_switch(self, text: str, variable: tk.BooleanVar) -> ttk.Checkbutton:
        """A check box at the end of the profile line, for a boolean tk variable; returns it."""
        switch = ttk.Checkbutton(self.line, text=text, variable=variable, takefocus=False, style="Small.TCheckbutton")
        switch.pack(side="right")
        return switch

    def show(self, message: str, colour: str = "", action: Action | None = None) -> None:
        """The message line: see MessageLine.show."""
        self.message.show(message, colour, action)

    def show_profile(self, text: str, error: bool = False, enabled: Collection[str] = ()) -> None:
        """The profile line: `text` (in red if `error`); the buttons named in `enabled` on, the others off."""
        self.profile_label.configure(
            text=fitted(text, self._small, self._profile_width), foreground=ERROR if error else QUIET
        )
        for name, button in self.buttons.items():
            button.configure(state="normal" if name in enabled else "disabled")
