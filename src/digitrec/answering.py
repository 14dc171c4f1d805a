"""Answers worked out on one background thread, in the order they were asked for.

    answerer = Answerer(work)            # work(request) -> result; runs on the answerer's thread
    answerer.ask(request, final=True)    # returns at once
    for answer in answerer.take():       # the answers finished so far, in the order asked; never blocks
        answer.result, answer.error      # what work returned, or the exception it raised

The drawing app asks for a final answer at each stroke's end (and on undo,
clear, open) and for a live one now and then while a stroke is drawn. Each
takes 10-30 ms of model time; on the Tk thread that would hold up the mouse
events, which Tk merges when it falls behind (a curve becomes a chord). Here
they run on a thread of their own, and the Tk thread polls `take` with `after`.

One thread, so answers come back in the order asked and the model never works
on two at once. A live request that a newer request has superseded by the time
its turn comes is skipped: its answer would be out of date before it is shown.
A final one never is, so every final answer is printed, in order.
Nothing here knows about Tk.
"""

import dataclasses
import queue
import threading
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass(frozen=True)
class Answer:
    """What `work` made of one request: its result, or the exception it raised (result None)."""

    # Any: one answerer serves requests of several kinds (the GUI's `gui.work`), each with its own result.
    request: Any
    final: bool
    result: Any = None
    error: Exception | None = None


class Answerer:
    """Runs `work(request)` on one daemon thread for each request asked, in order."""

    def __init__(self, work: Callable[[Any], Any], name: str = "digitrec answers") -> None:
        self._work = work
        self._requests: queue.Queue[tuple[int, Any, bool] | None] = queue.Queue()  # None: stop
        self._answers: queue.Queue[Answer | None] = queue.Queue()  # None for a skipped request
        self._asked = 0  # requests asked so far, numbered 1, 2, ...: a live one numbered lower is superseded
        self._untaken = 0  # asked but not yet through `take` (skipped ones too); touched by the asking thread only
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    @property
    def busy(self) -> bool:
        """True until every request asked so far has come out of `take` (answered or skipped)."""
        return self._untaken > 0

    def ask(self, request: Any, final: bool) -> None:
        """Queue `request`; final=False marks a live preview, skipped if a newer request comes before its turn."""
        self._asked += 1
        self._untaken += 1
        self._requests.put((self._asked, request, final))

    def take(self) -> list[Answer]:
        """The Answers finished since the last call, in the order asked, skipped requests left out."""
        answers: list[Answer] = []

        while True:
            try:
                answer = self._answers.get_nowait()
            except queue.Empty:
                return answers
            self._untaken -= 1
            if answer is not None:
                answers.append(answer)

    def close(self) -> None:
        """Let the thread end once it has finished the requests already asked (returns at once)."""
        self._requests.put(None)

    def _serve(self) -> None:  # the answerer's thread

        while (item := self._requests.get()) is not None:
            number, request, final = item
            # _asked is only ever raised, by the asking thread: read late, it at worst lets a stale preview run.
            if not final and number < self._asked:
                self._answers.put(None)
                continue
            try:
                answer = Answer(request, final, result=self._work(request))
            except Exception as error:  # handed to the asker: the thread must live on for the next request
                answer = Answer(request, final, error=error)
            self._answers.put(answer)
