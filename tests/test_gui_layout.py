"""The window fits a 1366x768 screen with every control in view, in every state, and keeps its size: the
Why? view never crops the drawing, answers and messages never resize the window. As in tests/test_gui.py,
the real Tk window on the virtual 1366x768 X screen (Xvfb); the Why? switch is clicked with the X mouse."""

import io
import json
import shutil

import pytest
import strokes
from test_gui import draw, pump, settle
from test_gui_inside import FLAGGED_ONE, click

from digitrec.profile import Profile
from digitrec.recognize import Recognizer

tk = pytest.importorskip("tkinter", reason="the drawing app needs tkinter (apt-get install python3-tk)")
from digitrec import gui  # noqa: E402  (imports tkinter)

SCREEN = (1366, 768)  # the Xvfb screen of tests/conftest.py: a common laptop's
LONG_MESSAGE = "cannot save /home/someone/a folder with a long name/" + "and deeper still/" * 20 + "drawing.png"


@pytest.fixture
def app(display, model_path):
    """The App with a profile (so the correction row, the deciding example and the profile line show)."""
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool): needed to move the X mouse")
    root = tk.Tk()
    errors = []
    root.report_callback_exception = lambda *exc: errors.append(exc)
    app = gui.App(root, Recognizer(model_path, profile=Profile("default")), out=io.StringIO(), learn_kept=False)
    pump(root, lambda: app.ready and app._mapped)
    root.update()
    yield app
    root.destroy()
    assert not errors, f"exception in a Tk callback: {errors[0][1]!r}"


def size(app):
    app.root.update()
    return app.root.winfo_width(), app.root.winfo_height(), app.root.wm_geometry()


def shown(widget):
    """Every widget under `widget` that is laid out (packed, gridded or placed), parents before children."""
    for child in widget.winfo_children():
        if child.winfo_manager():
            yield child
            yield from shown(child)


def box(widget):
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    return x, y, x + widget.winfo_width(), y + widget.winfo_height()


def inside(inner, outer):
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def assert_all_in_view(app):
    """The window is on the screen, and every control in it is viewable, within its parent, and as large as
    it asks to be: none hidden, cut off or squeezed."""
    root = app.root
    root.update()
    assert inside(box(root), (0, 0, *SCREEN)), f"the window {box(root)} is off the {SCREEN} screen"
    assert (root.winfo_screenwidth(), root.winfo_screenheight()) == SCREEN
    for widget in shown(root):
        name = f"{widget.winfo_class()} {widget}"
        assert widget.winfo_viewable(), f"{name} is not viewable"
        parent = widget.nametowidget(widget.winfo_parent())
        assert inside(box(widget), box(parent)), f"{name} {box(widget)} sticks out of {parent} {box(parent)}"
        asked = widget.winfo_reqwidth(), widget.winfo_reqheight()
        assert widget.winfo_width() >= asked[0] and widget.winfo_height() >= asked[1], (
            f"{name} squeezed: {widget.winfo_width()}x{widget.winfo_height()} of {asked}"
        )


def switch_why(app, on):
    if app.why.get() != on:
        click(app.why_button)
        pump(app.root, lambda: app.why.get() == on)
        settle(app)
        app.root.update()
    assert app.inside_shown() == on


def test_the_window_fits_the_screen_with_every_control_in_view(app):
    assert_all_in_view(app)
    assert app.status.buttons and all(b.winfo_viewable() for b in app.status.buttons.values())


def test_the_size_the_window_is_fitted_by_is_no_smaller_than_the_window(app):
    """gui.look fits the window to a small high-dpi screen by its size at 96 dpi: it must not be larger."""
    width, height, _ = size(app)
    assert width / app.look.scale <= gui.app.WINDOW_SIZE[0] and height / app.look.scale <= gui.app.WINDOW_SIZE[1]


def test_the_why_view_keeps_the_canvas_and_the_window_as_they_are(app):
    before, canvas = size(app), (app.canvas.winfo_width(), app.canvas.winfo_height())
    switch_why(app, True)
    assert size(app) == before and (app.canvas.winfo_width(), app.canvas.winfo_height()) == canvas
    assert_all_in_view(app)
    switch_why(app, False)
    assert size(app) == before and (app.canvas.winfo_width(), app.canvas.winfo_height()) == canvas


def test_a_drawing_to_the_canvas_edge_stays_whole_and_in_place_as_why_is_switched(app):
    width, height = app.canvas.winfo_width(), app.canvas.winfo_height()
    seven = strokes.write("7", height=150)
    right, bottom = (max(p[i] for stroke in seven.strokes for p in stroke) for i in (0, 1))
    dx, dy = width - 12 - right, height - 12 - bottom  # into the bottom right corner, the pen's width from it
    draw(app, strokes.Drawing("7", [[(x + dx, y + dy) for x, y in s] for s in seven.strokes], 12, "corner"))

    def ink():
        """The box the pen's ink covers: each stroke's points, widened by half the pen."""
        points = [app.canvas.coords(line) for line in app.canvas.lines]
        xs, ys = [v for p in points for v in p[0::2]], [v for p in points for v in p[1::2]]
        half = app.pen.get() / 2
        return min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half

    drawn = ink()
    assert drawn[2] > width - 10 and drawn[3] > height - 10
    for on in (True, False, True):
        switch_why(app, on)
        assert ink() == drawn, "the drawing moved or changed"
        assert inside(drawn, (0, 0, app.canvas.winfo_width(), app.canvas.winfo_height())), "the drawing is cut off"
        assert app.canvas.winfo_ismapped() and inside(box(app.canvas), box(app.root))
    assert app.answer.text == "7" and app.reading.explanations is not None


def test_answers_of_every_kind_never_resize_the_window(app):
    before = size(app)
    switch_why(app, True)
    draw(app, FLAGGED_ONE)  # '7'
    assert size(app) == before
    app.correct(1)  # the profile learns it: the answer is worked out again, the example that decided it shows
    settle(app)
    app.root.update()
    assert app.answer.text == "1" and app.deciding.example is not None and app.inside.example.cget("image")
    assert size(app) == before
    assert_all_in_view(app)
    app.clear()
    settle(app)
    long_number = strokes.write("31415926535", height=60, pen_width=6, origin=(20, 120))
    draw(app, long_number)
    assert len(app.answer.text) >= 9 and app.panel.shown_number() == app.answer.text
    assert size(app) == before
    assert_all_in_view(app)
    digits = app.panel.number.winfo_children()
    assert inside(
        (box(digits[0])[0], 0, box(digits[-1])[2], 0), (*box(app.panel.frame)[:1], 0, box(app.panel.frame)[2], 0)
    )
    switch_why(app, False)
    assert size(app) == before


def test_a_long_message_with_a_button_neither_grows_the_window_nor_hides_a_control(app):
    before = size(app)
    app.status.show(LONG_MESSAGE, gui.ERROR, action=("Learn anyway", lambda: None))
    app.root.update()
    assert size(app) == before
    assert app.status.message.button.winfo_viewable()
    shown_text = app.status.message.label.cget("text")
    assert shown_text.endswith("…") and shown_text.startswith("cannot save /home/someone/")
    assert_all_in_view(app)
    app.status.show_profile("profile default: " + LONG_MESSAGE, error=True)
    app.root.update()
    assert size(app) == before
    assert_all_in_view(app)


def test_a_high_dpi_screen_of_1366x768_still_holds_the_whole_window(display, model_path):
    root = tk.Tk()
    root.tk.call("tk", "scaling", 144 / 72)  # 144 dpi: px and fonts half as large again as at 96
    app = gui.App(root, Recognizer(model_path, profile=Profile("default")), out=io.StringIO())
    try:
        pump(root, lambda: app.ready and app._mapped)
        assert app.look.scale > 1
        assert_all_in_view(app)
        app.set_why(True)
        assert_all_in_view(app)
    finally:
        root.destroy()


def test_a_text_too_long_for_its_lines_is_cut_to_them_with_an_ellipsis(display):
    from tkinter import font, ttk

    from digitrec.gui.look import fitted

    root = tk.Tk()
    try:
        small = font.Font(root, family="DejaVu Sans", size=10)

        def tk_lines(text):  # as Tk lays it out: a label wrapped at 200 px, against one of k plain lines
            height = ttk.Label(root, text=text, font=small, wraplength=200).winfo_reqheight()
            return next(
                k
                for k in range(1, 50)
                if ttk.Label(root, text="\n".join("X" * k), font=small).winfo_reqheight() >= height
            )

        assert fitted("a short message", small, 200, 2) == "a short message"
        text = LONG_MESSAGE.replace("/", " / ")
        cut = fitted(text, small, 200, 2)
        assert cut.endswith("…") and text.startswith(cut[:-1]) and len(cut) > 40
        assert tk_lines(cut) == 2 and tk_lines(text) > 2
    finally:
        root.destroy()


def test_a_window_opened_with_why_on_is_the_size_of_one_opened_with_it_off(display, model_path, own_settings):
    sizes = []
    for on in (False, True):
        own_settings.write_text(json.dumps({"why": on}))
        root = tk.Tk()
        app = gui.App(root, Recognizer(model_path, profile=Profile("default")), out=io.StringIO())
        try:
            pump(root, lambda app=app: app.ready and app._mapped)
            assert app.inside_shown() == on
            assert_all_in_view(app)
            sizes.append((size(app)[:2], app.canvas.winfo_width(), app.canvas.winfo_height()))
        finally:
            root.destroy()
    assert sizes[0] == sizes[1]
