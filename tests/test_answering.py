"""The answerer: requests worked out on one background thread, in order, without Tk."""

import threading
import time

from digitrec.answering import Answerer

TIMEOUT_S = 10


def take_all(answerer):
    """Poll `take` as the Tk thread does, until every request asked has come back; returns the answers."""
    answers, end = [], time.monotonic() + TIMEOUT_S
    while answerer.busy:
        assert time.monotonic() < end, "the answerer did not finish"
        answers += answerer.take()
        time.sleep(0.001)
    return answers


class Gate:
    """A `work` that answers each request with itself, holding the first until `open()`."""

    def __init__(self):
        self.started, self._open = threading.Event(), threading.Event()
        self.threads = set()

    def __call__(self, request):
        self.threads.add(threading.current_thread())
        self.started.set()
        assert self._open.wait(TIMEOUT_S)
        return request

    def open(self):
        self._open.set()


def held(gate):
    """An Answerer whose thread is busy with a first, final request "held" until the gate opens."""
    answerer = Answerer(gate)
    answerer.ask("held", final=True)
    assert gate.started.wait(TIMEOUT_S)
    return answerer


def test_answers_come_back_in_the_order_asked():
    answerer = Answerer(lambda n: n * n)
    for n in range(20):
        answerer.ask(n, final=True)
    answers = take_all(answerer)
    assert [a.request for a in answers] == list(range(20))
    assert [a.result for a in answers] == [n * n for n in range(20)]
    assert all(a.final and a.error is None for a in answers)


def test_asking_returns_before_the_work_is_done():
    gate = Gate()
    answerer = held(gate)
    started = time.monotonic()
    answerer.ask("next", final=True)
    assert time.monotonic() - started < 0.5
    assert answerer.take() == [] and answerer.busy
    gate.open()
    assert [a.result for a in take_all(answerer)] == ["held", "next"]


def test_a_live_request_superseded_before_its_turn_is_skipped():
    gate = Gate()
    answerer = held(gate)
    for request in ("live 1", "live 2", "live 3"):
        answerer.ask(request, final=False)
    gate.open()
    assert [a.request for a in take_all(answerer)] == ["held", "live 3"]  # the newest preview only


def test_a_final_request_supersedes_the_live_ones_before_it():
    gate = Gate()
    answerer = held(gate)
    answerer.ask("live", final=False)
    answerer.ask("final", final=True)
    gate.open()
    assert [a.request for a in take_all(answerer)] == ["held", "final"]


def test_final_requests_are_never_skipped():
    gate = Gate()
    answerer = held(gate)
    for request in ("final 1", "live", "final 2", "final 3"):
        answerer.ask(request, final=request.startswith("final"))
    gate.open()
    assert [a.request for a in take_all(answerer)] == ["held", "final 1", "final 2", "final 3"]


def test_an_exception_is_handed_back_and_the_thread_goes_on():
    def work(request):
        if request == "bad":
            raise ValueError("no digits here")
        return request.upper()

    answerer = Answerer(work)
    for request in ("good", "bad", "after"):
        answerer.ask(request, final=True)
    good, bad, after = take_all(answerer)
    assert (good.result, good.error) == ("GOOD", None)
    assert bad.result is None and isinstance(bad.error, ValueError) and str(bad.error) == "no digits here"
    assert after.result == "AFTER"


def test_all_work_runs_on_one_thread_that_is_not_the_askers():
    gate = Gate()
    gate.open()
    answerer = Answerer(gate)
    for n in range(5):
        answerer.ask(n, final=True)
    take_all(answerer)
    assert len(gate.threads) == 1 and threading.current_thread() not in gate.threads


def test_close_ends_the_thread():
    gate = Gate()
    gate.open()
    answerer = Answerer(gate)
    answerer.ask("last", final=True)
    assert [a.result for a in take_all(answerer)] == ["last"]
    (thread,) = gate.threads
    answerer.close()
    thread.join(TIMEOUT_S)
    assert not thread.is_alive()
