"""The Tk thread's side of the answerer: requests handed to its thread, each answer handed back, on the Tk
thread, to the callback it was asked with.

    dispatcher = Dispatcher(root, recognizer)
    dispatcher.ask(Ink(...), show, final=False)   # show(answer) runs on the Tk thread, with an answering.Answer

The Tk thread must never wait, so it looks for answers with `after`, every
POLL_MS while any is due.
"""

import collections
import functools
import tkinter as tk
from collections.abc import Callable

from digitrec.answering import Answer, Answerer
from digitrec.gui.work import Request, do
from digitrec.recognize import Recognizer

POLL_MS = 5  # how often the Tk thread looks for answers while some are due: an answer shows this late at most

Done = Callable[[Answer], object]  # what is called with a request's answer, on the Tk thread


class Dispatcher:
    """Runs requests (`digitrec.gui.work`) with `recognizer` on an Answerer's thread, for the Tk `root`."""

    def __init__(self, root: tk.Misc, recognizer: Recognizer) -> None:
        self.root = root
        # The answerer's thread gets the recogniser and the requests only: Tk objects must not be freed there.
        self._answerer = Answerer(functools.partial(do, recognizer))
        # (request, done) in the order asked, the order the answers come in
        self._asked: collections.deque[tuple[Request, Done]] = collections.deque()
        self._polling = False  # an `after` will look for answers

    @property
    def busy(self) -> bool:
        """True until every request asked has been answered (or skipped) and handed on."""
        return self._answerer.busy

    def ask(self, request: Request, done: Done, final: bool = True) -> None:
        """Queue `request`; done(answer) follows on the Tk thread. final=False: a live preview, skipped
        (done never called) if a newer request comes before its turn."""
        self._asked.append((request, done))
        self._answerer.ask(request, final)
        if not self._polling:
            self._polling = True
            self.root.after(POLL_MS, self._poll)

    def close(self) -> None:
        """Answer nothing more (the window is closing): the thread ends, the callbacks are let go."""
        self._answerer.close()
        self._asked.clear()

    def _poll(self) -> None:
        answers = self._answerer.take()
        self._polling = self._answerer.busy
        if self._polling:
            self.root.after(POLL_MS, self._poll)
        for answer in answers:
            request, done = self._asked.popleft()
            while request is not answer.request:  # skipped: a live request a newer one overtook
                request, done = self._asked.popleft()
            done(answer)
