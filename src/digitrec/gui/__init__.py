"""The drawing app: draw a digit or a whole number with the mouse, see the answer as you draw, correct it.

    digitrec gui [--model PATH] [--pen-width N] [--print-answers] [--profile NAME | --no-profile]

A wrong answer is corrected with a digit key (or the row of buttons under the
answer): the handwriting profile (`digitrec.profile`) learns the digit, and the
next drawing like it reads right. The profile's examples can be looked at and
deleted, taught digit by digit, undone and reset from the status bar.

The only package that imports Tk; one part of the window a module, each named after what it holds:

    app.py         the window: its parts wired together, the drawing's strokes, the events for tests
    toolbar.py     the bar above the canvas: Clear, Undo, Open, Save, the Why? switch, the pen width
    commands.py    what the toolbar's buttons and the keys do; choosing a digit to correct, correcting it
    answers.py     the answers: asked off the Tk thread as the ink changes, shown as they come
    loading.py     the model loaded off the Tk thread; a model that cannot load closes the window
    sketch.py      a canvas drawn on with the mouse (the window's, teach mode's), and the digits' outlines
    panel.py       the answer beside the canvas: its digits, how sure, what the model saw
    inside.py      the Why? view under the canvas: the evidence for the answer against the runner-up, the layers
    deciding.py    under the answer: the profile example that decided it, to see and forget
    correction.py  the "Correct it" row of buttons 0-9
    statusbar.py   what the app is doing, the profile line and its buttons, the model in use
    learning.py    the profile's side: learn, undo, delete, reset; the profile line; opening the two below
    gallery.py     the profile's examples, to look at and delete
    teaching.py    teach mode: each digit asked for in turn
    conflict.py    a correction that contradicts what the person taught: their examples shown, and a question
    dispatch.py    the Tk thread's side of the answerer: requests out, answers back to their callbacks
    work.py        what the answerer's thread does: answer the ink, learn, change the profile (no Tk)
    xevents.py     every mouse motion event kept (X11)
    look.py        colours, fonts and sizes; text cut to the room it has

Nothing Tk may sit in a reference cycle: Python's garbage collector frees
cycles on whatever thread it happens to run, the answerer's too, and a Tk
object freed off the Tk thread aborts the process ("Tcl_AsyncDelete: async
handler deleted by the wrong thread"). So a part holding widgets is a plain
object with its `frame` (or `window`), not a subclass of a Tk widget (its
children would refer back to it, as their master), and a part that refers
to the App, or is referred to by the window it opens, holds that weakly.
"""

from digitrec.gui.app import CANVAS_SIZE, EVENTS_ENV, TITLE, App, run
from digitrec.gui.look import ERROR
from digitrec.gui.panel import PREVIEW_ZOOM
from digitrec.gui.teaching import TEACH_ROUNDS
from digitrec.gui.toolbar import PEN_RANGE
from digitrec.gui.work import Ink, answer_ink, answer_record
from digitrec.gui.xevents import keep_every_motion_event

__all__ = [
    "CANVAS_SIZE",
    "ERROR",
    "EVENTS_ENV",
    "PEN_RANGE",
    "PREVIEW_ZOOM",
    "TEACH_ROUNDS",
    "TITLE",
    "App",
    "Ink",
    "answer_ink",
    "answer_record",
    "keep_every_motion_event",
    "run",
]
