"""The drawing app with a handwriting profile: correcting answers, undoing, the gallery, reset and teach mode.

As in tests/test_gui.py, the real Tk window on a virtual X screen, drawn on with
Tk mouse events in-process, and one end-to-end test with the X mouse and
keyboard on `digitrec gui --profile`. Every test has a profile folder of its
own: the profiles live under $DIGITREC_PROFILES, set to a temporary folder.
"""

import gc
import io
import os
import threading
import time

import numpy as np
import pytest
import strokes
from test_gui import GuiProcess, draw, draw_ink, printed, pump, settle, stroke_events

from digitrec import kept
from digitrec.profile import INDEX, PROFILES_ENV, Profile
from digitrec.recognize import Recognizer

tk = pytest.importorskip("tkinter", reason="the drawing app needs tkinter (apt-get install python3-tk)")
from tkinter import ttk  # noqa: E402

from digitrec import gui  # noqa: E402  (imports tkinter)
from digitrec.gui.learning import UNDO  # noqa: E402

# A '1' with a long flag, as many people write it: the bundled model reads '7' (0.998).
FLAGGED_ONE = strokes.Drawing("1", [[(70, 80), (150, 40), (150, 260)]], 12, "flag")
# The same form elsewhere, smaller, with another pen: a '7' to the model, a '1' once one such '1' is learnt.
FLAGGED_ONE_AGAIN = strokes.Drawing("1", [[(300 - 48, 100 + 24), (300, 100), (300, 232)]], 8, "flag")
PLAIN_SEVEN = strokes.Drawing("7", [[(60, 40), (150, 40), (90, 260)]], 12, "plain")
# The flagged '1' and a plain '7' side by side: "77" to the model.
ONE_SEVEN = strokes.Drawing("17", [*FLAGGED_ONE.strokes, [(400, 60), (480, 60), (420, 260)]], 12, "flag, plain")


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def profiles(tmp_path, monkeypatch):
    """The folder the profiles live in, for this test only."""
    folder = tmp_path / "profiles"
    monkeypatch.setenv(PROFILES_ENV, str(folder))
    return folder


def open_app(model_path, profile):
    """An App on a real window with `profile` (a Profile or None), model ready, answers printed to `app.out`.
    An error in a Tk callback is kept in `app.tk_errors`."""
    root = tk.Tk()
    errors = []
    root.report_callback_exception = lambda *exc: errors.append(exc)
    app = gui.App(root, Recognizer(model_path, profile=profile), print_answers=True, out=io.StringIO())
    app.tk_errors = errors
    pump(root, lambda: app.ready)
    return app


def close_app(app):
    app.root.destroy()
    assert not app.tk_errors, f"exception in a Tk callback: {app.tk_errors[0][1]!r}"


@pytest.fixture
def app(display, model_path, profiles):
    """The App with the profile "default" (empty: it does not exist yet)."""
    app = open_app(model_path, Profile("default"))
    yield app
    close_app(app)


def stored(name="default"):
    """The profile's Examples as they are on disk."""
    return Profile(name).examples()


def status(app):
    return app.status.message.label.cget("text")


def press(app, key):
    """Press a key in the main window (a Tk key event), and wait until what it asked for is done."""
    app.canvas.event_generate(f"<Key-{key}>")
    settle(app)


def corrected(app, drawing, key):
    """Draw on a cleared canvas, correct the answer with `key`; returns the answer then."""
    app.clear()
    draw(app, drawing)
    press(app, key)
    return app.answer.text


def wait_mapped(app, widget):
    """Tk drops mouse events for a window not yet on screen: wait until it is."""
    pump(app.root, widget.winfo_ismapped, timeout=10)


# ---------------------------------------------------------------- correcting an answer


def test_a_misread_digit_corrected_by_its_key_reads_right_at_once(app):
    assert draw(app, FLAGGED_ONE) == "7"
    press(app, "1")
    assert app.answer.text == "1" and app.panel.shown_number() == "1"
    assert status(app) == "Learnt: this is a 1. Profile default: 1 example."
    assert app.status.profile_label.cget("text") == "profile default: 1 example"
    [example] = stored()
    assert (example.label, example.source) == (1, "correction")
    assert [line["number"] for line in printed(app)] == ["7", "1"]  # answered again, with the profile
    drawn = Profile("default").strokes(example)  # kept beside it: how it was drawn, in canvas px
    assert (app.recognizer.profile.folder / example.strokes).is_file()
    assert (drawn[0][0], drawn[-1][-1]) == (FLAGGED_ONE.strokes[0][0], FLAGGED_ONE.strokes[-1][-1])


def test_after_a_correction_the_same_form_drawn_again_reads_right(app):
    corrected(app, FLAGGED_ONE, "1")
    app.clear()
    assert draw(app, FLAGGED_ONE_AGAIN) == "1"
    assert "from your examples" in app.panel.digit_label.cget("text")
    app.clear()
    assert draw(app, PLAIN_SEVEN) == "7"  # a '7' as MNIST writes it is still a '7'
    assert "from your examples" not in app.panel.digit_label.cget("text")


def test_the_correction_buttons_correct_as_the_keys_do(app):
    draw(app, FLAGGED_ONE)
    app.panel.correction.buttons[1].invoke()
    settle(app)
    assert app.answer.text == "1"
    assert [e.label for e in stored()] == [1]


def test_with_several_digits_the_one_to_correct_is_clicked_in_the_answer(app):
    assert draw(app, ONE_SEVEN) == "77"
    press(app, "1")  # which '7'? Nothing is learnt until one is chosen
    assert status(app).startswith("which digit is a 1?") and stored() == []
    first = app.panel.number.winfo_children()[0]
    first.event_generate("<Button-1>")
    assert app.selected == 0
    model_input = app.answer.digits[0].model_input
    press(app, "1")
    assert app.answer.text == "17"
    [example] = stored()
    assert example.label == 1
    # The example is the digit clicked, as the model saw it (stored as an 8-bit PNG).
    assert np.abs(Profile("default").images([example])[0] - model_input).max() <= 1 / 255


def test_a_right_click_on_a_digit_selects_it_and_a_left_click_still_draws(app):
    draw(app, ONE_SEVEN)
    left, top, right, bottom = app.answer.digits[1].box
    app.canvas.event_generate("<ButtonPress-3>", x=(left + right) // 2, y=(top + bottom) // 2)
    app.canvas.event_generate("<ButtonRelease-3>", x=(left + right) // 2, y=(top + bottom) // 2)
    assert app.selected == 1 and len(app.canvas.strokes) == 2
    assert app.canvas.itemcget("box1", "width") == "2.0"  # the chosen digit's box is drawn solid
    draw(app, strokes.Drawing("", [[(560, 280), (600, 300)]], 12, "a dash"))
    assert len(app.canvas.strokes) == 3 and app.selected is None  # the ink changed: choose again


def test_undo_correction_forgets_it_and_the_answer_goes_back(app):
    assert corrected(app, FLAGGED_ONE, "1") == "1"
    app.learning.undo()
    settle(app)
    assert app.answer.text == "7"
    assert stored() == []
    assert status(app) == "Forgot the 1 learnt last (correction). Profile default: 0 examples."


def test_a_correction_that_contradicts_an_earlier_one_is_learnt_only_if_asked(app):
    corrected(app, FLAGGED_ONE, "1")
    assert corrected(app, FLAGGED_ONE, "7") == "1"  # this very form was taught as a '1'
    assert "learn it anyway" in status(app)
    assert [e.label for e in stored()] == [1]
    button = app.status.message.button
    assert button.winfo_ismapped() and button.cget("text") == "Learn anyway"
    button.invoke()
    settle(app)
    assert [e.label for e in stored()] == [7]  # the '1' it contradicted is gone
    assert app.answer.text == "7" and not button.winfo_ismapped()


def test_a_contradicted_correction_shows_the_examples_it_would_forget_and_asks(app):
    corrected(app, FLAGGED_ONE, "1")
    corrected(app, FLAGGED_ONE, "7")
    [window] = [w for w in app.root.winfo_children() if isinstance(w, tk.Toplevel)]
    assert window.title() == "Learn this correction?"
    labels = [w for frame in window.winfo_children() for w in frame.winfo_children() if isinstance(w, ttk.Label)]
    assert any("looks like 1 of the 1s you taught me" in label.cget("text") for label in labels)
    thumbnails = [w for row in window.winfo_children()[0].winfo_children() for w in row.winfo_children()]
    assert [w.cget("text") for w in thumbnails if isinstance(w, ttk.Label) and w.cget("image")] == ["your 1"]
    [learn] = [
        w for w in window.winfo_children()[0].winfo_children()[-1].winfo_children() if "Learn it" in w.cget("text")
    ]
    learn.invoke()
    settle(app)
    assert [e.label for e in stored()] == [7] and not window.winfo_exists()


def test_learning_runs_off_the_tk_thread(app, monkeypatch):
    threads = []
    learn_input = app.recognizer.learn_input

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread())
        return learn_input(*args, **kwargs)

    monkeypatch.setattr(app.recognizer, "learn_input", recorded)
    # Teach mode asks in a random order; a '7' asked first would rightly be refused as
    # contradicting the flagged '1', so ask in order: a '0' first.
    monkeypatch.setattr(gui.teaching.random, "sample", lambda population, k: list(population)[:k])
    corrected(app, FLAGGED_ONE, "1")
    teacher = app.learning.open_teacher()
    assert teacher.label == 0
    wait_mapped(app, teacher.sketch)
    stroke_events(teacher.sketch, strokes.write(str(teacher.label), height=200, origin=(90, 40)).strokes)
    teacher.next_digit()
    settle(app)
    assert len(threads) == 2 and len(stored()) == 2
    assert all(Profile("default").strokes(e) for e in stored())  # the correction's strokes and the taught drawing's
    assert threading.current_thread() not in threads  # the test's thread is the Tk thread


# ---------------------------------------------------------------- the example that decided the answer


def test_the_example_that_decided_an_answer_shows_under_it_and_can_be_forgotten(app):
    app.learn_kept.set(False)  # only the correction is learnt
    corrected(app, FLAGGED_ONE, "1")
    [example] = stored()
    app.clear()
    assert draw(app, FLAGGED_ONE_AGAIN) == "1"
    settle(app)
    deciding = app.deciding
    assert deciding.example == example and deciding.picture.cget("image") == str(deciding._thumbnail)
    assert deciding.text.winfo_ismapped() and deciding.text.cget("text").startswith("read as your '1':")
    app.clear()
    assert draw(app, PLAIN_SEVEN) == "7"  # the model's own answer: no example shown
    settle(app)
    assert deciding.example is None and not deciding.button.winfo_ismapped()
    app.clear()
    draw(app, FLAGGED_ONE_AGAIN)
    settle(app)
    gallery = deciding.open_gallery()  # a click on the thumbnail: the examples, this one selected
    settle(app)
    assert gallery.selected == example.id
    deciding.button.invoke()  # "Forget this example"
    settle(app)
    assert stored() == [] and app.answer.text == "7" and deciding.example is None


# ---------------------------------------------------------------- learning from the answers kept


def looked_at(app):
    """The person looks at the answer as long as a kept answer needs, then goes on."""
    time.sleep(kept.MIN_SHOWN_S + 0.1)


def test_learning_kept_answers_is_off_until_switched_on_and_then_remembered(display, model_path, profiles):
    first = open_app(model_path, Profile("default"))
    assert first.learn_kept.get() is False
    first.learn_kept.set(True)
    close_app(first)
    again = open_app(model_path, Profile("default"))
    assert again.learn_kept.get() is True
    close_app(again)


def test_an_answer_kept_is_learnt_when_cleared_and_undo_says_and_takes_it_back(app):
    app.learn_kept.set(True)
    assert draw(app, strokes.write("4", height=200)) == "4"
    looked_at(app)
    app.clear()
    settle(app)
    assert [(e.label, e.source) for e in stored()] == [(4, "kept")]
    [example] = stored()
    assert len(Profile("default").strokes(example)) == len(strokes.write("4", height=200).strokes)  # how it was drawn
    assert status(app) == "Kept 4: learnt it. Profile default: 1 example."
    assert app.status.buttons[UNDO].cget("text") == "Undo kept 4"
    app.learning.undo()
    settle(app)
    assert stored() == [] and not list(app.recognizer.profile.folder.glob("*.strokes.json"))
    assert status(app) == "Forgot the 4 learnt last (kept). Profile default: 0 examples."


def test_an_answer_cleared_as_soon_as_it_showed_is_not_learnt(app):
    app.learn_kept.set(True)
    assert draw(app, strokes.write("4", height=200)) == "4"
    app.clear()
    settle(app)
    assert stored() == []


def test_a_dash_or_a_scribble_cleared_is_never_learnt(app):
    app.learn_kept.set(True)
    for junk in ([[(60, 150), (220, 156)]], [[(40 + 15 * i, 60 if i % 2 else 220) for i in range(14)]]):
        draw(app, strokes.Drawing("", junk, 12, "junk"))
        looked_at(app)
        app.clear()
        settle(app)
    assert stored() == []
    assert "Not learnt" in status(app)


def test_a_correction_replaces_a_wrong_answer_kept_earlier_without_asking(app):
    app.learn_kept.set(True)
    app.recognizer._path = None  # the picture alone, which reads the flagged '1' as a sure '7'
    assert draw(app, FLAGGED_ONE) == "7"  # wrong, and cleared uncorrected: learnt as a '7'
    looked_at(app)
    app.clear()
    settle(app)
    assert [(e.label, e.source) for e in stored()] == [(7, "kept")]
    assert corrected(app, FLAGGED_ONE, "1") == "1"  # at once: no question
    assert [(e.label, e.source) for e in stored()] == [(1, "correction")]
    assert not app.status.message.button.winfo_ismapped()


def test_an_answer_not_shown_or_corrected_or_with_the_switch_off_is_not_learnt(app):
    app.learn_kept.set(True)
    draw_ink(app, strokes.write("4", height=200))  # cleared before its answer showed
    app.clear()
    settle(app)
    corrected(app, FLAGGED_ONE, "1")  # corrected: the correction is the example
    looked_at(app)
    app.clear()
    app.learn_kept.set(False)
    draw(app, strokes.write("4", height=200))
    looked_at(app)
    app.clear()
    settle(app)
    assert [(e.label, e.source) for e in stored()] == [(1, "correction")]


# ---------------------------------------------------------------- the profile's windows and commands


def test_the_gallery_shows_the_examples_and_delete_removes_one(app):
    corrected(app, FLAGGED_ONE, "1")
    corrected(app, strokes.write("4", height=200), "4")  # a right answer confirmed is an example too
    gallery = app.learning.open_gallery()
    settle(app)
    assert [e.id for e in gallery.examples] == [e.id for e in stored()]
    images = [item for item in gallery.sheet.find_all() if gallery.sheet.type(item) == "image"]
    assert len(images) == 2
    wait_mapped(app, gallery.sheet)
    x, y = gallery.sheet.coords(images[0])
    gallery.sheet.event_generate("<Button-1>", x=int(x) + 10, y=int(y) + 10)
    assert gallery.selected == stored()[0].id
    drawn = len(app.canvas.strokes)
    gallery.window.focus_force()  # as a window manager does for the window clicked: keys go to the focus
    gallery.window.event_generate("<Delete>")
    settle(app)
    assert [e.label for e in stored()] == [4]
    assert [e.label for e in gallery.examples] == [4]
    assert len(app.canvas.strokes) == drawn  # the main window's Delete key (clear) was not pressed


def test_a_big_gallery_draws_the_rows_in_view_and_the_rest_as_it_scrolls(display, model_path, profiles):
    profile = Profile("default")
    for i in range(60):  # ten rows of six: three or four are in view
        image = np.zeros((28, 28), np.float32)
        image[4:24, 8 + i % 12] = 1
        profile.add(image, i % 10)
    app = open_app(model_path, profile)
    try:
        gallery = app.learning.open_gallery()
        settle(app)
        wait_mapped(app, gallery.sheet)
        sheet = gallery.sheet

        def drawn():
            """The indexes of the examples on the sheet."""
            return {
                int(tag[len("example") :])
                for item in sheet.find_withtag("example")
                for tag in sheet.gettags(item)
                if tag.startswith("example") and tag != "example"
            }

        assert len(gallery.examples) == 60
        assert 0 in drawn() and 59 not in drawn()
        sheet.yview_moveto(1.0)
        pump(app.root, lambda: 59 in drawn(), timeout=10)
        assert 0 not in drawn()
        images = [item for item in sheet.find_withtag("example59") if sheet.type(item) == "image"]
        x, y = sheet.coords(images[0])
        sheet.event_generate("<Button-1>", x=int(x - sheet.canvasx(0)) + 10, y=int(y - sheet.canvasy(0)) + 10)
        assert gallery.selected == gallery.examples[59].id
        assert any(sheet.type(item) == "rectangle" for item in sheet.find_withtag("example59"))
    finally:
        close_app(app)


def test_reset_asks_first_empties_the_profile_and_keeps_a_copy_that_brings_it_back(app, monkeypatch):
    corrected(app, FLAGGED_ONE, "1")
    monkeypatch.setattr(gui.learning.messagebox, "askyesno", lambda *args, **kwargs: False)
    app.learning.reset_dialog()
    settle(app)
    assert len(stored()) == 1
    monkeypatch.setattr(gui.learning.messagebox, "askyesno", lambda *args, **kwargs: True)
    app.learning.reset_dialog()
    settle(app)
    assert stored() == [] and app.answer.text == "7"
    assert app.status.profile_label.cget("text") == "profile default: 0 examples"
    assert str(app.status.buttons[gui.learning.RESET].cget("state")) == "disabled"
    assert status(app) == "Forgot 1 example. Profile default: 0 examples."
    button = app.status.message.button
    assert button.winfo_ismapped() and button.cget("text") == gui.learning.BRING_BACK
    button.invoke()
    settle(app)
    assert [(e.label, e.source) for e in stored()] == [(1, "correction")] and app.answer.text == "1"
    assert status(app) == "Brought back 1 example. Profile default: 1 example."


def test_teach_mode_learns_each_drawing_as_the_digit_asked(app):
    teacher = app.learning.open_teacher()
    wait_mapped(app, teacher.sketch)
    assert sorted(teacher.order) == sorted(list(range(10)) * gui.TEACH_ROUNDS)
    teacher.window.focus_force()  # as a window manager does for the window clicked: keys go to the focus
    asked = []
    for _ in range(3):
        asked.append(teacher.label)
        assert teacher.prompt.cget("text") == f"Draw a {teacher.label}"
        stroke_events(teacher.sketch, strokes.write(str(teacher.label), height=200, origin=(90, 40)).strokes)
        teacher.window.event_generate("<Return>")
    settle(app)
    assert [(e.label, e.source) for e in stored()] == [(label, "teach") for label in asked]
    assert teacher.progress.cget("text") == f"(4 of {10 * gui.TEACH_ROUNDS})"
    assert teacher.message.label.cget("text").startswith(f"Learnt a {asked[-1]}.")


def test_teach_mode_skip_and_an_empty_drawing_learn_nothing(app):
    teacher = app.learning.open_teacher()
    wait_mapped(app, teacher.sketch)
    first = teacher.label
    teacher.next_digit()  # nothing drawn: a hint, and the same digit asked again
    assert teacher.label == first and teacher.position == 0
    assert teacher.message.label.cget("text") == f"Draw the {first} first (or Skip it)"
    stroke_events(teacher.sketch, strokes.write(str(first), height=200, origin=(90, 40)).strokes)
    teacher.skip()
    settle(app)
    assert teacher.position == 1 and not teacher.sketch.strokes
    assert stored() == []


# ---------------------------------------------------------------- a profile that cannot be used


def test_a_damaged_profile_is_shown_and_the_window_answers_without_touching_it(display, model_path, profiles):
    folder = profiles / "default"
    folder.mkdir(parents=True)
    (folder / INDEX).write_bytes(b"\x00 not json {")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    app = open_app(model_path, Profile("default"))
    try:
        label = app.status.profile_label
        assert "index.json is damaged" in label.cget("text") and str(label.cget("foreground")) == gui.ERROR
        assert draw(app, FLAGGED_ONE) == "7"  # the model alone
        press(app, "1")
        assert "damaged" in status(app) and "not learning" in status(app)
        assert app.answer.text == "7"
    finally:
        close_app(app)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_without_a_profile_there_is_nothing_to_correct(display, model_path, profiles):
    app = open_app(model_path, None)
    try:
        assert app.panel.correction is None and app.status.buttons == {}
        assert app.status.profile_label.cget("text") == "no profile"
        draw(app, FLAGGED_ONE)
        press(app, "1")
        assert app.answer.text == "7" and len(printed(app)) == 1
    finally:
        close_app(app)
    assert not profiles.exists()


def test_no_tk_object_is_left_to_the_garbage_collector(display, model_path, profiles):
    """Tk objects in a reference cycle would be freed wherever the collector runs, on the answerer's
    thread too, and a Tk object freed off the Tk thread aborts the process."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage, not freed
    try:
        app = open_app(model_path, Profile("default"))
        corrected(app, FLAGGED_ONE, "1")
        app.learning.open_gallery()
        app.learning.open_teacher()
        settle(app)
        close_app(app)
        del app
        gc.collect()
        left = [o for o in gc.garbage if type(o).__module__.startswith(("tkinter", "PIL.ImageTk", "digitrec.gui"))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not left, f"in reference cycles: {sorted({type(o).__qualname__ for o in left})}"


# ---------------------------------------------------------------- end to end: the command, real X mouse and keys


def test_a_correction_with_the_real_keyboard_is_stored_in_the_named_profile(display, model_path, tmp_path):
    env = dict(os.environ, **{PROFILES_ENV: str(tmp_path)})
    app = GuiProcess("--pen-width", "12", "--profile", "mine", "--learn-kept", env=env)
    try:
        app.start()
        assert app.draw(FLAGGED_ONE)["number"] == "7"
        assert app.key("1")["number"] == "1"  # learnt, and answered again
        examples = Profile(tmp_path / "mine").examples()
        assert [(e.label, e.source) for e in examples] == [(1, "correction")]
        app.key("Escape")
        assert app.draw(FLAGGED_ONE_AGAIN)["number"] == "1"
        app.key("Escape")  # the same shape again, cleared: it is in the profile already
        assert app.draw(strokes.write("4", height=200))["number"] == "4"
        time.sleep(kept.MIN_SHOWN_S + 0.1)  # the person looks at the answer, then clears it
        app.key("Escape")  # an answer kept: learnt (before the clear's answer, asked after it, came back)
        assert [e.source for e in Profile(tmp_path / "mine").examples()] == ["correction", "kept"]
        for junk in ([[(60, 150), (220, 156)]], [[(40 + 15 * i, 60 if i % 2 else 220) for i in range(14)]]):
            app.draw(strokes.Drawing("", junk, 12, "a dash, a scribble"))
            time.sleep(kept.MIN_SHOWN_S + 0.1)
            app.key("Escape")  # cleared after a look: still never learnt
        assert [e.source for e in Profile(tmp_path / "mine").examples()] == ["correction", "kept"]
    finally:
        stderr = app.close()
    assert stderr == ""


def test_with_no_learn_kept_an_answer_kept_is_not_learnt(display, model_path, tmp_path):
    env = dict(os.environ, **{PROFILES_ENV: str(tmp_path)})
    app = GuiProcess("--profile", "mine", "--no-learn-kept", env=env)
    try:
        app.start()
        assert app.draw(PLAIN_SEVEN)["number"] == "7"
        app.key("Escape")
        assert not (tmp_path / "mine").exists()  # nothing learnt, so no profile made
    finally:
        stderr = app.close()
    assert stderr == ""
