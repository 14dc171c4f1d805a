"""The drawing app, driven as a user drives it: the real Tk window on a virtual X screen (Xvfb).

Most tests draw the stroke data of tests/strokes.py on the app's canvas with
Tk mouse events, in-process (fast: the accuracy checks draw 230 drawings).
The end-to-end tests run `digitrec gui --print-answers` as a user would and
draw with real X mouse events through xdotool, reading the JSON lines it prints.
"""

import io
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import strokes

from digitrec.errors import DigitrecError
from digitrec.image import open_image, render_strokes
from digitrec.recognize import Recognizer

tk = pytest.importorskip("tkinter", reason="the drawing app needs tkinter (apt-get install python3-tk)")
from digitrec import gui  # noqa: E402  (imports tkinter)

DIGIT_ACCURACY = 0.97  # of the 200 drawn digits
NUMBER_ACCURACY = 0.90  # of the 30 drawn numbers, whole numbers right
START_TIMEOUT_S = 20  # window mapped: loose, for a loaded CI machine
READY_TIMEOUT_S = 180  # model loaded: TensorFlow's import is slow on a busy 2-core box
HAND_PAUSE_S = 0.004  # between the X mouse events of a stroke drawn at a hand's pace
HELD_S = 10  # how long a held-up answer waits at most


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def recognizer(model_path):
    return Recognizer(model_path).load()


@pytest.fixture
def app(display, recognizer):
    """The App on a real window, model ready, answers printed to `app.out`; an error in a Tk callback fails the test."""
    root = tk.Tk()
    errors = []
    root.report_callback_exception = lambda *exc: errors.append(exc)
    app = gui.App(root, recognizer, print_answers=True, out=io.StringIO())
    pump(root, lambda: app.ready)
    yield app
    root.destroy()
    assert not errors, f"exception in a Tk callback: {errors[0][1]!r}"


def pump(root, done, timeout=READY_TIMEOUT_S):
    """Run the Tk event loop until done() is true."""
    end = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < end, "timed out waiting for the app"
        root.update()
        time.sleep(0.01)


def settle(app):
    """Run the Tk event loop until every answer asked for is shown (they are worked out off the Tk thread)."""
    pump(app.root, lambda: not app.answering, timeout=30)


def draw_ink(app, drawing):
    """Draw on the canvas with Tk mouse events, as a user does (the answers are still being worked out)."""
    app.set_pen_width(drawing.pen_width)
    stroke_events(app.canvas, drawing.strokes)


def stroke_events(canvas, strokes):
    """The Tk mouse events of drawing strokes ([[(x, y), ...], ...]) on a canvas."""
    for stroke in strokes:
        (x, y), rest = stroke[0], stroke[1:]
        canvas.event_generate("<ButtonPress-1>", x=x, y=y)
        for x, y in rest:
            canvas.event_generate("<B1-Motion>", x=x, y=y)
        canvas.event_generate("<ButtonRelease-1>", x=x, y=y)


def draw(app, drawing):
    """Draw, and wait for the answer; returns its text (None: no answer, e.g. no model yet)."""
    draw_ink(app, drawing)
    settle(app)
    return app.answer.text if app.answer else None


def printed(app):
    return [json.loads(line) for line in app.out.getvalue().splitlines()]


def accuracy_report(name, results):
    """(accuracy, text): overall and per style, and the misses."""
    right = sum(d.text == answer for d, answer in results)
    by_style = Counter(d.style for d, answer in results if d.text != answer)
    misses = [
        f"{d.text} ({d.style}, pen {d.pen_width}) -> {answer or '(nothing)'}"
        for d, answer in results
        if d.text != answer
    ]
    accuracy = right / len(results)
    text = f"{name}: {right}/{len(results)} = {accuracy:.1%} right"
    if misses:
        text += f"; misses by style {dict(by_style)}: " + "; ".join(misses)
    print(text)
    return accuracy, text


# ---------------------------------------------------------------- accuracy, drawn on the widget


def draw_each(app, drawings):
    """[(drawing, answer shown), ...], each drawing on a cleared canvas."""
    results = []
    for drawing in drawings:
        app.clear()
        results.append((drawing, draw(app, drawing)))
    return results


@pytest.mark.slow
def test_drawn_digits_are_recognised(app):
    accuracy, report = accuracy_report("drawn digits", draw_each(app, strokes.digits()))
    assert accuracy >= DIGIT_ACCURACY, report


@pytest.mark.slow
def test_drawn_numbers_are_recognised(app):
    accuracy, report = accuracy_report("drawn numbers", draw_each(app, strokes.numbers()))
    assert accuracy >= NUMBER_ACCURACY, report


def test_the_widget_answers_as_the_recogniser_does(app, recognizer):
    """One path from ink to answer: the canvas's answer is Recognizer.number_from_strokes at the canvas's size."""
    drawing = strokes.numbers()[0]
    answer = draw(app, drawing)
    expected = recognizer.number_from_strokes(drawing.strokes, drawing.pen_width, size=app.canvas.extent())
    assert answer == expected.text
    assert [d.box for d in app.answer.digits] == [d.box for d in expected.digits]


def test_the_answer_updates_while_a_stroke_is_drawn(app):
    stroke = strokes.write("7").strokes[0]
    app.canvas.event_generate("<ButtonPress-1>", x=stroke[0][0], y=stroke[0][1])
    for x, y in stroke[1:]:
        app.canvas.event_generate("<B1-Motion>", x=x, y=y)
    pump(app.root, lambda: app.answer is not None and app.answer.text == "7", timeout=10)  # button still down
    assert printed(app) == []  # live answers are not printed: one line per stroke end
    app.canvas.event_generate("<ButtonRelease-1>", x=x, y=y)
    settle(app)
    assert [line["number"] for line in printed(app)] == ["7"]


# ---------------------------------------------------------------- what the window shows


def test_the_answer_and_its_confidence_are_shown(app):
    draw(app, strokes.write("305"))
    assert app.panel.shown_number() == "305"
    assert "confidence" in app.panel.confidence_label.cget("text")


def test_each_digit_is_outlined_on_the_canvas(app):
    draw(app, strokes.write("305"))
    outlines = [tuple(app.canvas.coords(item)) for item in app.canvas.find_withtag("box")]
    assert outlines == [tuple(float(v) for v in d.box) for d in app.answer.digits]


def test_an_unsure_answer_says_not_sure(app, monkeypatch):
    monkeypatch.setattr(app.recognizer, "threshold", 1.01)  # no answer can be this sure
    draw(app, strokes.write("7"))
    assert app.panel.sure_label.cget("text") == "not sure"
    assert printed(app)[-1]["confident"] is False


def test_probabilities_follow_the_digit_under_the_mouse(app):
    draw(app, strokes.write("47"))
    left, top, right, bottom = app.answer.digits[0].box
    app.canvas.event_generate("<Motion>", x=(left + right) // 2, y=(top + bottom) // 2)
    assert app.focus_index() == 0
    assert app.panel.digit_label.cget("text") == "Digit 1 of 2"
    app.canvas.event_generate("<Leave>")
    assert app.focus_index() == 1  # the last digit when the mouse is elsewhere


def test_the_model_input_is_shown_enlarged(app):
    draw(app, strokes.write("8"))
    image, side = app.panel.preview.cget("image"), app.look.px(28 * gui.PREVIEW_ZOOM)
    call = app.root.tk.call
    assert (call("image", "width", image), call("image", "height", image)) == (side, side)

    # The 28x28 input, white ink on black as in MNIST: the middle of an 8 is ink, its corners are not.
    def pixel(x, y):
        return [int(v) for v in app.root.tk.splitlist(call(image, "get", x, y))]

    assert min(pixel(side // 2, side // 2)) > 128 and pixel(0, 0) == [0, 0, 0]


def test_the_probability_bars_stretch_when_the_panel_widens(app):
    draw(app, strokes.write("8"))
    bars = app.panel.bars

    def bars_right_edge():
        return max(bars.coords(item)[2] for item in bars.find_all() if bars.type(item) == "rectangle")

    before = bars_right_edge()
    wider = bars.winfo_width() + 200  # as on a high-DPI screen, where the panel outgrows its asked width
    bars.configure(width=wider)
    pump(app.root, lambda: bars.winfo_width() >= wider)
    app.root.update()
    assert bars_right_edge() >= before + 150


def test_the_pen_width_applies_to_every_stroke(app):
    draw(app, strokes.write("11"))
    app.set_pen_width(30)
    assert {float(app.canvas.itemcget(item, "width")) for item in app.canvas.lines} == {30.0}


# ---------------------------------------------------------------- commands and keys


def test_escape_clears_the_answer(app):
    draw(app, strokes.write("42"))
    app.canvas.event_generate("<Escape>")
    settle(app)
    assert app.answer.text == "" and app.canvas.strokes == []
    assert not app.canvas.find_withtag("ink")
    assert printed(app)[-1] == {"number": "", "digits": [], "confident": False}


def test_ctrl_z_undoes_the_last_stroke(app):
    assert draw(app, strokes.write("12")) == "12"
    app.canvas.event_generate("<Control-z>")
    settle(app)
    assert app.answer.text == "1"
    assert len(app.canvas.find_withtag("ink")) == 1


def test_print_answers_writes_one_line_per_stroke_end_undo_and_clear(app):
    draw(app, strokes.write("12"))  # two strokes
    app.undo()
    app.clear()
    settle(app)
    lines = printed(app)
    assert [line["number"] for line in lines] == ["1", "12", "1", ""]
    assert lines[1]["confident"] in (True, False)
    assert [set(d) for d in lines[1]["digits"]] == [{"digit", "confidence", "confident"}] * 2


def test_an_opened_image_is_recognised(app, tmp_path):
    drawing = strokes.write("305")
    path = tmp_path / "number.png"
    render_strokes(drawing.strokes, drawing.pen_width).save(path)
    assert app.open_file(path)
    settle(app)
    assert app.answer.text == "305"
    assert printed(app)[-1]["number"] == "305"
    assert app.canvas.find_withtag("picture") and len(app.canvas.find_withtag("box")) == 3


def test_a_file_that_is_not_an_image_is_refused_in_the_status_line(app, tmp_path):
    draw(app, strokes.write("7"))
    path = tmp_path / "notes.txt"
    path.write_text("not a picture\n")
    assert not app.open_file(path)
    assert "not an image" in app.status.message.label.cget("text")
    assert str(app.status.message.label.cget("foreground")) == gui.ERROR
    assert app.answer.text == "7"  # the drawing is untouched


def test_save_writes_the_drawing_as_a_png(app, tmp_path, recognizer):
    draw(app, strokes.write("42"))
    path = tmp_path / "drawing.png"
    assert app.save_drawing(path)
    image = open_image(path)
    assert image.size == app.canvas.extent()
    assert recognizer.number(image).text == "42"
    assert [p.name for p in tmp_path.iterdir()] == ["drawing.png"]  # no temporary file left


# ---------------------------------------------------------------- the model loads in the background


class SlowModel:
    """A recogniser whose model loads when the test says so (or fails to)."""

    profile = None

    def __init__(self, recognizer, error=None):
        self.recognizer, self.error = recognizer, error
        self.model_path = recognizer.model_path
        self.go = threading.Event()

    def load(self):
        self.go.wait(30)
        if self.error:
            raise DigitrecError(self.error)
        return self

    def number(self, image):
        return self.recognizer.number(image)

    def number_from_strokes(self, *args, **kwargs):
        return self.recognizer.number_from_strokes(*args, **kwargs)


def test_ink_drawn_while_the_model_loads_is_answered_when_it_is_ready(display, recognizer):
    root = tk.Tk()
    model = SlowModel(recognizer)
    app = gui.App(root, model, print_answers=True, out=io.StringIO())
    try:
        pump(root, lambda: app._mapped and app._loader is not None)
        assert app.status.message.label.cget("text") == "loading model..."
        draw(app, strokes.write("9"))
        assert app.answer is None and printed(app) == []
        model.go.set()
        pump(root, lambda: app.ready)
        settle(app)
        assert app.answer.text == "9"
        assert [line["number"] for line in printed(app)] == ["9"]
    finally:
        root.destroy()


def test_once_the_model_is_ready_nothing_says_it_is_awaited(display, recognizer):
    root = tk.Tk()
    model = SlowModel(recognizer)
    app = gui.App(root, model)
    try:
        pump(root, lambda: app._mapped)
        assert app.panel.confidence_label.cget("text") == "waiting for the model…"
        model.go.set()
        pump(root, lambda: app.ready)
        assert app.status.message.label.cget("text") == "ready: draw with the mouse"
        assert app.panel.confidence_label.cget("text") == ""
    finally:
        root.destroy()


def test_a_model_that_fails_to_load_closes_the_window(display, recognizer):
    root = tk.Tk()
    model = SlowModel(recognizer, error="model file /nowhere.onnx is damaged")
    app = gui.App(root, model)
    closed = []
    root.bind("<Destroy>", lambda event: event.widget is root and closed.append(True), add="+")
    pump(root, lambda: app._mapped)
    model.go.set()
    pump(root, lambda: app.model_error is not None)
    assert app.model_error == "model file /nowhere.onnx is damaged"
    assert closed == [True]


# ---------------------------------------------------------------- answers are worked out off the Tk thread


class HeldModel:
    """A recogniser whose answers wait until the test lets them go."""

    profile = None

    def __init__(self, recognizer):
        self.recognizer, self.model_path = recognizer, recognizer.model_path
        self.go = threading.Event()

    def load(self):
        return self

    def number(self, image):
        self.go.wait(HELD_S)
        return self.recognizer.number(image)

    def number_from_strokes(self, *args, **kwargs):
        self.go.wait(HELD_S)
        return self.recognizer.number_from_strokes(*args, **kwargs)


def test_the_window_takes_the_next_stroke_while_an_answer_is_worked_out(display, recognizer):
    root = tk.Tk()
    model = HeldModel(recognizer)
    app = gui.App(root, model, print_answers=True, out=io.StringIO())
    try:
        pump(root, lambda: app.ready)
        started = time.monotonic()
        draw_ink(app, strokes.write("12"))  # the "1" ends, its answer is held up, the "2" is drawn meanwhile
        assert time.monotonic() - started < HELD_S / 2, "the Tk thread waited for the answer"
        assert len(app.canvas.strokes) == 2 and app.answering and printed(app) == []
        model.go.set()
        settle(app)
        assert [line["number"] for line in printed(app)] == ["1", "12"]  # every stroke end, in order
    finally:
        root.destroy()


def test_an_error_while_answering_is_shown_in_the_status_line(app, monkeypatch):
    def fail(*args, **kwargs):
        raise DigitrecError("the model cannot read this")

    monkeypatch.setattr(app.recognizer, "number_from_strokes", fail)  # what the window reads a drawing with
    draw(app, strokes.write("7"))
    assert app.status.message.label.cget("text") == "the model cannot read this"
    assert str(app.status.message.label.cget("foreground")) == gui.ERROR
    assert printed(app) == []


def test_tk_is_told_to_keep_every_mouse_motion_event(display):
    root = tk.Tk()
    try:
        assert gui.keep_every_motion_event(root), "Tk's switch was not found: fast strokes will lose points"
    finally:
        root.destroy()


# ---------------------------------------------------------------- end to end: the command, real X mouse events


class GuiProcess:
    """`digitrec gui --print-answers` in a subprocess; a thread collects its stdout lines, answers and events apart."""

    def __init__(self, *args, env=None):
        env = dict(os.environ if env is None else env, **{gui.EVENTS_ENV: "1"})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digitrec", "gui", "--print-answers", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.answers, self.events = queue.Queue(), queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.canvas = None
        self.drawn = None  # the strokes of the last `draw`, as the app recorded them

    def _read(self):
        for line in self.proc.stdout:
            record = json.loads(line)
            (self.events if "event" in record else self.answers).put(record)

    def next(self, timeout=30):
        """The next answer printed."""
        try:
            return self.answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer from `digitrec gui` in {timeout} s") from None

    def wait_for(self, event, timeout):
        """The next {"event": event} line; other events before it are passed over."""
        end = time.monotonic() + timeout
        while True:
            try:
                record = self.events.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {event!r} event from `digitrec gui` in {timeout} s") from None
            if record["event"] == event:
                return record

    def start(self):
        """Wait until the window is mapped and the model ready."""
        self.canvas = self.wait_for("mapped", START_TIMEOUT_S)["canvas"]
        self.wait_for("ready", READY_TIMEOUT_S)
        return self

    def draw(self, drawing, pause=HAND_PAUSE_S):
        """Draw with the X server's mouse (xdotool), `pause` s between motion events (0: the drawing in one burst).

        Returns the last answer printed; `drawn` then holds the strokes as the app recorded them.
        """
        left, top = self.canvas[:2]
        command = ["xdotool"]
        for stroke in drawing.strokes:
            command += ["mousemove", str(left + stroke[0][0]), str(top + stroke[0][1]), "mousedown", "1"]
            for x, y in stroke[1:]:
                command += ["mousemove", str(left + x), str(top + y)] + (["sleep", str(pause)] if pause else [])
            command += ["mouseup", "1"]
        subprocess.run(command, check=True, timeout=120)
        answers = [self.next() for _ in drawing.strokes]  # one answer per stroke end
        self.drawn = [[tuple(p) for p in self.wait_for("stroke", 10)["points"]] for _ in drawing.strokes]
        return answers[-1]

    def key(self, name):
        """Press a key with the mouse over the canvas (no window manager here: the keyboard follows the mouse)."""
        x, y = self.canvas[0] + self.canvas[2] // 2, self.canvas[1] + self.canvas[3] // 2
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "key", name], check=True, timeout=10)
        return self.next()

    def close(self):
        """Stop the app; returns its stderr."""
        self.proc.terminate()
        self.proc.wait(timeout=30)
        return self.proc.stderr.read()


@pytest.fixture(scope="module")
def launched(display, model_path):
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool): needed to move the X mouse")
    app = GuiProcess("--pen-width", "12")
    yield app.start()
    app.close()


def test_the_window_maps_and_can_be_found_by_its_title(launched):
    windows = subprocess.run(["xdotool", "search", "--name", "digitrec"], capture_output=True, text=True)
    assert windows.stdout.split(), "no window titled digitrec"
    assert launched.canvas[2:] >= list(strokes.CANVAS)  # room for every drawing


@pytest.mark.slow
def test_drawings_with_the_real_mouse_are_recognised(launched):
    # A sample of both collections made for a pen near the app's 12 px; they vary in everything else.
    near = [d for d in strokes.digits() + strokes.numbers() if 9 <= d.pen_width <= 15]
    drawings = [d for d in near if len(d.text) == 1][:10] + [d for d in near if len(d.text) > 1][:5]
    results = []
    for drawing in drawings:
        assert launched.key("Escape") == {"number": "", "digits": [], "confident": False}
        answer = launched.draw(drawing)
        results.append((drawing, answer["number"]))
    accuracy, report = accuracy_report("drawn with the X mouse", results)
    assert accuracy >= NUMBER_ACCURACY, report


def test_ctrl_z_with_the_real_keyboard_undoes_the_last_stroke(launched):
    launched.key("Escape")
    assert launched.draw(strokes.write("12"))["number"] == "12"
    assert launched.key("ctrl+z")["number"] == "1"


def test_a_burst_of_mouse_events_gives_the_drawing_and_answer_a_hand_gives(launched):
    """However fast the X events come, and however soon a stroke follows the last, every point is kept."""
    multi_stroke = [d for d in strokes.digits() if len(d.strokes) > 1 and 9 <= d.pen_width <= 15]
    for drawing in [strokes.write("52"), *multi_stroke[:4]]:
        launched.key("Escape")
        by_hand = launched.draw(drawing)
        drawn_by_hand = launched.drawn
        launched.key("Escape")
        burst = launched.draw(drawing, pause=0)  # every event of the drawing in one xdotool command
        points = (
            f"points per stroke: sent {[len(s) for s in drawing.strokes]}, kept by hand "
            f"{[len(s) for s in drawn_by_hand]}, in a burst {[len(s) for s in launched.drawn]}"
        )
        assert drawn_by_hand == drawing.strokes and launched.drawn == drawing.strokes, points
        assert burst == by_hand, f"{drawing.text}: by hand {by_hand['number']}, in a burst {burst['number']}"


def gui_command(*args, timeout=START_TIMEOUT_S + READY_TIMEOUT_S):
    """`digitrec gui ARGS` run to its end on the X screen: the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "digitrec", "gui", *args], capture_output=True, text=True, timeout=timeout
    )


def test_a_missing_model_is_one_line_on_stderr_and_exit_1(display):
    result = gui_command("--model", "/nonexistent/typo.keras")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["digitrec gui: error: model file /nonexistent/typo.keras does not exist"]


def test_a_model_without_its_export_is_one_line_on_stderr_and_exit_1(display, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 this is not a model")
    result = gui_command("--model", str(broken))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "has no exported model beside it" in result.stderr


def test_a_damaged_model_closes_the_window_with_one_line_on_stderr_and_exit_1(display, tmp_path):
    damaged = tmp_path / "damaged.onnx"
    damaged.write_bytes(b"\x08\x07 not an ONNX graph")
    app = GuiProcess("--model", str(damaged))
    try:
        # Found only by loading it, on the loader thread, while the window opens.
        assert "is not a usable ONNX model" in app.wait_for("error", READY_TIMEOUT_S)["message"]
        assert app.proc.wait(timeout=30) == 1
    finally:
        stderr = app.close()
    assert len(stderr.splitlines()) == 1 and stderr.startswith("digitrec gui: error: "), stderr
    assert "is not a usable ONNX model" in stderr


def test_without_a_display_it_says_so_and_exits_1():
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run(
        [sys.executable, "-m", "digitrec", "gui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "needs a display" in result.stderr and "digitrec predict" in result.stderr
    assert result.stdout == ""
