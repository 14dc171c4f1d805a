"""The bar under the canvas: what the app is doing or just did, the profile in use with its
buttons, and the model in use."""

from tkinter import ttk

from digitrec.gui.look import ERROR, QUIET


class MessageLine:
    """A message that wraps within the window (`frame`), with at most one button after it for what can be
    done about it."""

    def __init__(self, parent, look):
        self.look = look
        self.frame = ttk.Frame(parent)
        # width=1: a long message wraps within the window instead of widening it.
        self.label = ttk.Label(self.frame, font=look.fonts["text"], width=1)
        self.label.pack(side="left", fill="x", expand=True)
        self.label.bind("<Configure>", lambda event: self.label.configure(wraplength=event.width))
        self.button = ttk.Button(self.frame, style="Small.TButton", takefocus=False)

    def show(self, message, colour="", action=None):
        """Show `message` (colour: a Tk colour, "" the usual); action: (button text, command), or None."""
        self.label.configure(text=message, foreground=colour)
        if action:
            self.button.configure(text=action[0], command=action[1])
            self.button.pack(side="left", padx=(self.look.px(6), 0))
        else:
            self.button.pack_forget()


class StatusBar:
    """The message line and the model line (`frame`); under them, with a profile (`commands`: {button
    text: command}), the profile line and its buttons, or "no profile"."""

    def __init__(self, parent, look, model_line, commands=None):
        px = look.px
        self.frame = ttk.Frame(parent, padding=(px(8), 0, px(8), px(4)))
        self.frame.columnconfigure(0, weight=1)
        self.message = MessageLine(self.frame, look)
        self.message.frame.grid(row=0, column=0, sticky="ew")
        ttk.Label(self.frame, text=model_line, font=look.fonts["small"], foreground=QUIET).grid(
            row=0, column=1, sticky="e"
        )
        line = ttk.Frame(self.frame)
        line.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(px(2), 0))
        self.profile_label = ttk.Label(line, font=look.fonts["small"], foreground=QUIET)
        self.profile_label.pack(side="left")
        self.buttons = {}
        for text, command in (commands or {}).items():
            self.buttons[text] = ttk.Button(line, text=text, command=command, style="Small.TButton", takefocus=False)
            self.buttons[text].pack(side="left", padx=(px(6), 0))

    def add_switch(self, text, variable):
        """A check box at the end of the profile line, for a boolean tk variable; returns it."""
        switch = ttk.Checkbutton(
            self.profile_label.master, text=text, variable=variable, takefocus=False, style="Small.TCheckbutton"
        )
        switch.pack(side="right")
        return switch

    def show(self, message, colour="", action=None):
        """The message line: see MessageLine.show."""
        self.message.show(message, colour, action)

    def show_profile(self, text, error=False, enabled=()):
        """The profile line: `text` (in red if `error`); the buttons named in `enabled` on, the others off."""
        self.profile_label.configure(text=text, foreground=ERROR if error else QUIET)
        for name, button in self.buttons.items():
            button.configure(state="normal" if name in enabled else "disabled")
