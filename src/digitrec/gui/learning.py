"""The window's side of the handwriting profile: what is learnt (corrections, teach mode's drawings),
undone, deleted or reset, and what follows; the profile line; the gallery's and teach mode's windows.

Every read and write of the profile is a request (`digitrec.gui.work`) to the
app's answerer, so it runs off the Tk thread, after the answers asked before it
and before those asked after it: the answer asked once the profile has changed
reads with the change.
"""

import dataclasses
import weakref
from collections.abc import Callable, Sequence
from tkinter import messagebox
from typing import TYPE_CHECKING, Any, TypeVar

from digitrec import kept
from digitrec.answering import Answer
from digitrec.gui.conflict import ConflictWindow
from digitrec.gui.dispatch import Done
from digitrec.gui.gallery import Gallery
from digitrec.gui.look import ERROR, NOT_SURE
from digitrec.gui.teaching import TeachWindow
from digitrec.gui.work import BringBack, Correct, Forget, ForgetAll, ForgetNewest, Keep, ReadExamples, Request
from digitrec.profile import Example, Profile, count_examples
from digitrec.recognize import DigitResult, ProfileConflict, Strokes

if TYPE_CHECKING:  # the App imports this module
    from digitrec.gui.app import App

# The profile line's buttons. Undo and Reset need an example to act on; all need the model (it reads the profile).
UNDO, EXAMPLES, TEACH, RESET = "Undo correction", "Examples…", "Teach…", "Reset…"
# What the Undo button says it undoes, by the newest example's source.
UNDONE = {"correction": "correction", "teach": "taught", "kept": "kept", "api": "added", "import": "imported"}
LEARN_KEPT = "Learn from answers I keep"  # the switch: a kept answer (cleared uncorrected) may be learnt
BRING_BACK = "Bring them back"  # after Reset: the examples, from the copy it kept

ProfileWindow = TypeVar("ProfileWindow", Gallery, TeachWindow)  # the windows the profile line opens


class Learning:
    """The profile's commands for `app`, an App whose recogniser has a profile."""

    def __init__(self, app: "App") -> None:
        # Weakly: the App holds this, and no reference cycle may hold Tk objects (see digitrec.gui).
        self.app: App = weakref.proxy(app)
        self.recognizer = app.recognizer
        if app.recognizer.profile is None:
            raise ValueError("a Learning is for a recogniser with a profile")
        self.profile: Profile = app.recognizer.profile  # the one it learns into
        # The open Gallery and TeachWindow by name, weakly too: each refers to this.
        self._windows: weakref.WeakValueDictionary[str, Gallery | TeachWindow] = weakref.WeakValueDictionary()

    def commands(self) -> dict[str, Callable[[], object]]:
        """The profile line's buttons: {text: command}."""
        return {UNDO: self.undo, EXAMPLES: self.open_gallery, TEACH: self.open_teacher, RESET: self.reset_dialog}

    def learn(self, request: Correct) -> None:
        """Learn a correction (a work.Correct); the status line says how it went (a conflict: with a
        "Learn anyway" button, which learns it replacing the examples it contradicts)."""
        self.app.status.show(f"learning: this is a {request.label}…")
        self.change(request, self._learnt)

    def _learnt(self, answer: Answer) -> None:
        if answer.error is None:
            self.app.status.show(f"Learnt: this is a {answer.request.label}. {self.summary('Profile')}.")
        elif isinstance(answer.error, ProfileConflict):
            again = dataclasses.replace(answer.request, replace=True)
            self.app.status.show(str(answer.error), NOT_SURE, action=("Learn anyway", lambda: self.learn(again)))
            label = answer.request.label
            ConflictWindow(self.app.root, self.app.look, answer.error, label, lambda: self.learn(again))
        else:
            self.app.status.show(str(answer.error), ERROR)

    def keep(self, digits: Sequence[DigitResult], shown_s: float, drawing: bool, strokes: Strokes) -> None:
        """The person cleared these DigitResults without correcting them, `shown_s` seconds after they showed
        (`drawing`: the pen was down; `strokes`: the canvas' polylines). With the switch on, learn those
        `digitrec.kept` takes for meant (source "kept"); the status line says what was learnt and what not."""
        if not self.app.learn_kept.get():
            return
        each: list[Strokes] = [strokes] if len(digits) == 1 else [kept.strokes_of(d.box, strokes) for d in digits]
        request = Keep(tuple(digits), shown_s, drawing, tuple(tuple(map(tuple, s)) for s in each))
        self.change(request, self._kept)

    def _kept(self, answer: Answer) -> None:
        if answer.error is not None:
            self.app.status.show(str(answer.error), ERROR)
            return
        learnt, left_out = answer.result
        said = "".join(str(e.label) for e in learnt)
        message = f"Kept {said}: learnt it. {self.summary('Profile')}." if learnt else ""
        # Not learning a drawing cleared at once or mid-stroke is what the person expects: no need to say so.
        quiet = {"cleared as soon as it showed", "you were still drawing"}
        told = [f"the {digit} it read ({reason})" for digit, reason in left_out if reason not in quiet]
        if told:
            message += " Not learnt: " + ", ".join(told) + "."
        if message:
            self.app.status.show(message.strip())

    def undo(self) -> None:
        """Forget the example learnt last (a correction, or a drawing in teach mode)."""
        self.change(ForgetNewest(), self._done(self._undone))

    def _undone(self, example: Example | None) -> str:
        if example is None:
            return f"nothing to undo: {self.summary()}"
        return f"Forgot the {example.label} learnt last ({example.source}). {self.summary('Profile')}."

    def forget(self, examples: Sequence[Example]) -> None:
        """Delete these profile Examples (the gallery's Delete)."""
        self.change(
            Forget(tuple(e.id for e in examples)),
            self._done(lambda gone: f"Deleted {count_examples(len(gone))}. {self.summary('Profile')}."),
        )

    def reset_dialog(self) -> None:
        """Ask whether to forget every example, and do if so."""
        if messagebox.askyesno(
            "Reset the profile",
            f"Forget every example of {self.summary()}? A copy is kept, to bring them back.",
            icon="warning",
            parent=self.app.root,
        ):
            self.reset()

    def reset(self) -> None:
        """Forget every example of the profile, keeping a copy that "Bring them back" (or `digitrec profile
        import`) restores."""
        self.change(ForgetAll(), self._reset_done)

    def _reset_done(self, answer: Answer) -> None:
        if answer.error is not None:
            self.app.status.show(str(answer.error), ERROR)
            return
        count, copy = answer.result
        said = f"Forgot {count_examples(count)}. {self.summary('Profile')}."
        if copy is None:
            self.app.status.show(said)
            return
        back = self._done(lambda n: f"Brought back {count_examples(n)}. {self.summary('Profile')}.")
        self.app.status.show(said, action=(BRING_BACK, lambda: self.change(BringBack(copy), back)))

    def open_gallery(self) -> Gallery:
        """Open the window of the profile's examples (or bring it to the front); returns its Gallery."""
        return self._open("gallery", Gallery)

    def open_teacher(self) -> TeachWindow:
        """Open teach mode (or bring it to the front); returns its TeachWindow."""
        return self._open("teacher", TeachWindow)

    def _open(self, name: str, kind: type[ProfileWindow]) -> ProfileWindow:
        opened = self._opened(name, kind) or kind(self)
        self._windows[name] = opened
        opened.window.lift()
        return opened

    def _opened(self, name: str, kind: type[ProfileWindow]) -> ProfileWindow | None:
        """The window (a Gallery, a TeachWindow) open under that name, or None."""
        opened = self._windows.get(name)
        return opened if isinstance(opened, kind) and opened.window.winfo_exists() else None

    def read(self, done: Done) -> None:
        """Read the profile's examples: done(answer), answer.result (Examples, float32 (n, 28, 28) images)."""
        self.app.ask(ReadExamples(), done)

    def change(self, request: Request, done: Done) -> None:
        """Ask a request that changes the profile; once it has, the profile line, the gallery and the app's
        answer follow, and done(answer) is called."""

        def changed(answer: Answer) -> None:
            if answer.error is None:
                self.show_line()
                gallery = self._opened("gallery", Gallery)
                if gallery:
                    gallery.reload()
                self.app.answer_again()
            done(answer)

        self.app.ask(request, changed)

    def _done(self, message: Callable[[Any], str]) -> Done:
        """A `done` that says in the status line message(result), or why the request failed."""

        def done(answer: Answer) -> None:
            if answer.error is None:
                self.app.status.show(message(answer.result))
            else:
                self.app.status.show(str(answer.error), ERROR)

        return done

    def summary(self, start: str = "profile") -> str:
        """E.g. "profile default: 3 examples" (start: its first word)."""
        return f"{start} {self.profile.name}: {count_examples(len(self.recognizer.examples))}"

    def show_line(self) -> None:
        """The profile line: the profile's name and size, or why it is not read; its buttons on where they can act."""
        status, problem = self.app.status, self.recognizer.profile_error
        if problem:
            status.show_profile(problem, error=True, enabled={EXAMPLES, TEACH})
        elif not self.app.ready:
            status.show_profile(f"profile {self.profile.name}")
        else:
            status.show_profile(
                self.summary(), enabled={EXAMPLES, TEACH} | ({UNDO, RESET} if self.recognizer.examples else set())
            )
        if UNDO in status.buttons:  # it says what it undoes: "Undo kept 4"; fixed in width, the line stays put
            newest = self.recognizer.examples[-1] if self.recognizer.examples and not problem else None
            text = UNDO if newest is None else f"Undo {UNDONE.get(newest.source, 'example')} {newest.label}"
            status.buttons[UNDO].configure(text=text, width=len(UNDO) + 2)
