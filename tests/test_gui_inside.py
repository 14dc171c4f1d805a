"""The window's Why? view: switched on with the real mouse, it shows for the digit in focus the evidence
for its answer against the runner-up, over the drawing too, and each layer's output; a right click on a
digit's box shows that digit's; the switch is remembered. As in tests/test_gui.py, the real Tk window on
a virtual X screen, drawn on with the X server's mouse (xdotool)."""

import io
import json
import shutil
import subprocess
import threading
import time

import pytest
import strokes
from test_gui import pump, settle

from digitrec.recognize import Recognizer

tk = pytest.importorskip("tkinter", reason="the drawing app needs tkinter (apt-get install python3-tk)")
from digitrec import gui  # noqa: E402  (imports tkinter)

FLAGGED_ONE = strokes.Drawing("1", [[(250, 80), (330, 40), (330, 260)]], 12, "flag")  # read '7', runner-up '1'


@pytest.fixture(scope="module")
def recognizer(model_path):
    return Recognizer(model_path).load()


def open_app(recognizer):
    root = tk.Tk()
    errors = []
    root.report_callback_exception = lambda *exc: errors.append(exc)
    app = gui.App(root, recognizer, print_answers=True, out=io.StringIO())
    app.errors = errors
    pump(root, lambda: app.ready)
    root.update()
    return app


@pytest.fixture
def app(display, recognizer):
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool): needed to move the X mouse")
    app = open_app(recognizer)
    yield app
    app.root.destroy()
    assert not app.errors, f"exception in a Tk callback: {app.errors[0][1]!r}"


def xdotool(*args):
    subprocess.run(["xdotool", *map(str, args)], check=True, timeout=60)


def click(widget, button=1, x=None, y=None):
    """Click a widget with the X mouse (at x, y in it; default: its middle)."""
    widget.update()
    x = widget.winfo_width() // 2 if x is None else x
    y = widget.winfo_height() // 2 if y is None else y
    xdotool("mousemove", widget.winfo_rootx() + x, widget.winfo_rooty() + y, "click", button)
    for _ in range(10):  # the X server's events reach Tk as it runs
        widget.update()
        time.sleep(0.02)


def draw(app, drawing):
    """Draw with the X mouse on the canvas, and wait for the answer."""
    app.set_pen_width(drawing.pen_width)
    left, top = app.canvas.winfo_rootx(), app.canvas.winfo_rooty()
    command = []
    for stroke in drawing.strokes:
        command += ["mousemove", left + stroke[0][0], top + stroke[0][1], "mousedown", 1]
        for x, y in stroke[1:]:
            command += ["mousemove", left + x, top + y, "sleep", 0.004]
        command += ["mouseup", 1]
    xdotool(*command)
    pump(app.root, lambda: len(app.canvas.strokes) == len(drawing.strokes) and not app.canvas.drawing, timeout=30)
    settle(app)
    app.root.update()


def switch_on(app):
    click(app.why_button)
    pump(app.root, lambda: app.why.get())
    settle(app)
    app.root.update()


def test_the_view_is_off_by_default_and_answers_carry_no_explanation(app):
    assert not app.why.get() and not app.inside_shown()
    draw(app, FLAGGED_ONE)
    assert app.answer.text == "7" and app.reading.explanations is None
    assert not app.canvas.find_withtag("why")


def test_switched_on_it_shows_the_evidence_and_the_layers_of_the_drawing(app):
    switch_on(app)
    assert app.inside_shown()
    draw(app, FLAGGED_ONE)
    view = app.inside
    assert view.title.cget("text") == "why 7 and not 1?"
    assert view.map.cget("image") and view.legend.cget("image")
    assert "Red: ink that made it a 7" in view.words.cget("text")
    assert [name.split(" · ")[0] for name, _ in view.layer_rows] == [f"conv {i}" for i in range(1, 8)]
    assert len(view.layers.find_withtag("tiles")) == 7
    assert "channel" in view.large_label.cget("text")
    assert len(app.canvas.find_withtag("why")) == 1  # the evidence over the drawing


def test_it_shows_how_the_digit_was_drawn_and_what_picture_and_path_each_read(app):
    switch_on(app)
    draw(app, FLAGGED_ONE)
    view, answer = app.inside, app.answer.digits[0]
    picture, path = answer.picture_probabilities, answer.path_probabilities
    said = view.example.cget("text")
    assert view.example.cget("image"), "the strokes in their order are not shown"
    assert said.startswith("Drawn light to dark.")
    assert f"picture read {int(picture.argmax())}" in said and f"the path {int(path.argmax())}" in said


def test_the_view_follows_each_stroke(app):
    switch_on(app)
    draw(app, strokes.Drawing("1", [FLAGGED_ONE.strokes[0]], 12, ""))
    first = app.reading.explanations
    app.canvas.event_generate("<Escape>")
    draw(app, strokes.write("4", height=150, origin=(200, 60)))
    assert app.reading.explanations is not first and app.reading.explanations[0].answer == 4


def test_pointing_at_a_channel_shows_it_large(app):
    switch_on(app)
    draw(app, FLAGGED_ONE)
    view = app.inside
    _, y = view.layer_rows[2]  # conv 3
    click(view.layers, x=view.name_width + 3 * (app.look.px(gui.inside.TILE) + 2) + 2, y=y + view.row_height // 2)
    text = view.large_label.cget("text")
    assert text.startswith("conv 3 · 12×12 · 32 filters") and "the 4th strongest" in text


def test_a_right_click_on_a_digits_box_shows_that_digits_view(app):
    switch_on(app)
    draw(app, strokes.write("47", height=150, origin=(80, 80)))
    assert app.answer.text == "47"
    boxes = [d.box for d in app.answer.digits]
    for index, (left, top, right, bottom) in enumerate(boxes):
        click(app.canvas, button=3, x=(left + right) // 2, y=(top + bottom) // 2)
        assert app.selected == index
        assert app.inside.title.cget("text") == f"Digit {index + 1} of 2: {app.reading.explanations[index].title}"
    assert len(app.canvas.find_withtag("why")) == 2


def test_explanations_are_worked_out_off_the_tk_thread(app, monkeypatch):
    threads = []
    explain = app.explainer.explain
    monkeypatch.setattr(
        app.explainer, "explain", lambda digits: threads.append(threading.current_thread()) or explain(digits)
    )
    switch_on(app)
    draw(app, FLAGGED_ONE)
    assert threads and threading.main_thread() not in threads


def test_the_switch_is_remembered_across_launches(display, recognizer, own_settings):
    app = open_app(recognizer)
    app.set_why(True)
    app.root.destroy()
    assert json.loads(own_settings.read_text()) == {"why": True}
    again = open_app(recognizer)
    try:
        assert again.why.get() and again.inside_shown()
        again.set_why(False)
    finally:
        again.root.destroy()
    third = open_app(recognizer)
    try:
        assert not third.why.get() and not third.inside_shown()
    finally:
        third.root.destroy()


def test_an_answer_from_the_profile_shows_the_example_that_decided_it(display):
    alice = Recognizer(profile="alice").load()
    from digitrec.image import render_strokes

    alice.learn(render_strokes(FLAGGED_ONE.strokes, 12), 1)
    app = open_app(alice)
    try:
        app.set_why(True)
        for stroke in FLAGGED_ONE.strokes:
            app.canvas.event_generate("<ButtonPress-1>", x=stroke[0][0], y=stroke[0][1])
            for x, y in stroke[1:]:
                app.canvas.event_generate("<B1-Motion>", x=x, y=y)
            app.canvas.event_generate("<ButtonRelease-1>", x=x, y=y)
        settle(app)
        app.root.update()
        assert app.answer.text == "1" and app.answer.digits[0].from_profile
        assert app.inside.example.cget("image") and "by your example" in app.inside.example.cget("text")
    finally:
        app.root.destroy()


def test_a_damaged_settings_file_is_ignored(display, recognizer, own_settings):
    own_settings.parent.mkdir(parents=True, exist_ok=True)
    own_settings.write_text("{not json")
    app = open_app(recognizer)
    try:
        assert not app.why.get()
        app.set_why(True)  # and written anew
    finally:
        app.root.destroy()
    assert json.loads(own_settings.read_text()) == {"why": True}
