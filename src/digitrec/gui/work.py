"""What the answerer's thread does for the window: answer the ink, learn an example, change or read the profile.

    answerer = Answerer(functools.partial(do, recognizer))
    answerer.ask(Ink(...), final=True)        # -> a Reading: the NumberResult (and, with the Why? view, why)
    answerer.ask(Correct(digit.model_input, 1, strokes=digit.strokes), final=True)   # -> the stored profile.Example

Each request is a small immutable object whose `run(recognizer)` does the work;
no Tk here. Profile writes go through the same one thread as the answers, so
they never hold up the mouse, and an answer asked after a correction is worked
out after it: it reads with the corrected profile.
"""

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from digitrec import kept
from digitrec.errors import DigitrecError
from digitrec.image import render_strokes
from digitrec.profile import Example, Profile, ProfileError, import_archive
from digitrec.recognize import DigitResult, NumberResult, ProfileConflict, Recognizer, Strokes

if TYPE_CHECKING:  # for the annotations only
    from digitrec.inside.evidence import Explainer, Explanation

Point = tuple[int, int]  # (x, y) canvas px


class Request(Protocol):
    """What the answerer's thread is asked to do: any class below."""

    def run(self, recognizer: Recognizer) -> object: ...


def do(recognizer: Recognizer, request: Request) -> object:
    """The answerer's work: run one request (any class below) with the recogniser; returns what it returns."""
    return request.run(recognizer)


class Ink(NamedTuple):
    """What is on the canvas when an answer is asked for, as the answerer's thread gets it. -> a Reading"""

    edits: int  # App._edits then: tells a live answer's age
    picture: Image.Image | None  # the opened Pillow image, or None
    strokes: list[list[Point]]  # [[(x, y), ...], ...] canvas px, copied
    pen_width: int
    size: tuple[int, int]  # the canvas's (width, height) px
    explainer: "Explainer | None" = None  # while the Why? view is on: why, in the same request

    def run(self, recognizer: Recognizer) -> "Reading":
        number = answer_ink(recognizer, self)
        if self.explainer is None:
            return Reading(number)
        try:
            return Reading(number, self.explainer.explain(number.digits), examples=_examples(recognizer, number))
        except DigitrecError as error:  # no opened-up network: the answer stands, the view says why
            return Reading(number, why_error=str(error))


class Reading(NamedTuple):
    """An Ink's answer: the NumberResult, and while the Why? view is on, an evidence.Explanation a digit
    (or why there is none) and the profile example that decided each (float32 (28, 28), or None)."""

    number: NumberResult
    explanations: "list[Explanation] | None" = None
    why_error: str | None = None
    examples: list[NDArray[np.float32] | None] | None = None


def _examples(recognizer: Recognizer, number: NumberResult) -> list[NDArray[np.float32] | None]:
    """The image of the profile example that decided each digit, float32 (28, 28) ink 1 on 0, or None."""
    decided = [d.example for d in number.digits]
    if not any(decided):
        return [None] * len(decided)
    try:
        images = iter(_profile(recognizer).images([e for e in decided if e is not None]))
    except DigitrecError:  # deleted meanwhile: the view does without it
        return [None] * len(decided)
    return [next(images) if e is not None else None for e in decided]


def _profile(recognizer: Recognizer) -> Profile:
    """The recogniser's profile, for the requests that read it (the app asks them only when it has one)."""
    if recognizer.profile is None:
        raise ProfileError("no profile in use")  # as Recognizer.change_profile says
    return recognizer.profile


def answer_ink(recognizer: Recognizer, ink: Ink) -> NumberResult:
    """The NumberResult for an Ink."""
    if ink.picture is not None:
        return recognizer.number(ink.picture)
    if not ink.strokes:
        return NumberResult([])
    # At the canvas's size, so the digits' boxes are canvas coordinates; read by their picture and,
    # where the model has a path model, by how each digit was drawn.
    return recognizer.number_from_strokes(ink.strokes, ink.pen_width, size=ink.size)


def answer_record(result: NumberResult) -> dict[str, Any]:
    """The JSON object `--print-answers` writes for one NumberResult."""
    return {
        "number": result.text,
        "digits": [
            {"digit": d.digit, "confidence": round(d.confidence, 4), "confident": d.confident} for d in result.digits
        ],
        "confident": result.confident,
    }


# The profile's requests.


@dataclasses.dataclass(frozen=True)
class Correct:
    """An answered digit is `label`: learn its model input. -> the stored profile.Example"""

    model_input: NDArray[np.float32]  # float32 (28, 28) in [0, 1], ink 1: DigitResult.model_input
    label: int
    replace: bool = False  # drop the earlier examples it contradicts (asked after a ProfileConflict)
    strokes: Strokes | None = None  # the strokes it was read from, kept beside it: DigitResult.strokes (None: an image)

    def run(self, recognizer: Recognizer) -> Example:
        return recognizer.learn_input(
            self.model_input, self.label, source="correction", replace=self.replace, strokes=self.strokes
        )


@dataclasses.dataclass(frozen=True)
class Teach:
    """A drawing asked for in teach mode shows `label`: learn it. -> the stored profile.Example"""

    strokes: list[list[Point]]  # [[(x, y), ...], ...] canvas px, copied
    pen_width: int
    size: tuple[int, int]  # the canvas's (width, height) px
    label: int
    replace: bool = False

    def run(self, recognizer: Recognizer) -> Example:
        image = render_strokes(self.strokes, self.pen_width, size=self.size)
        return recognizer.learn(image, self.label, source="teach", replace=self.replace, strokes=self.strokes)


@dataclasses.dataclass(frozen=True)
class ForgetNewest:
    """Undo the last thing learnt. -> the forgotten profile.Example, or None if there was none"""

    def run(self, recognizer: Recognizer) -> Example | None:
        return recognizer.undo()


@dataclasses.dataclass(frozen=True)
class Forget:
    """Delete these examples. -> those that were there"""

    ids: tuple[str, ...]

    def run(self, recognizer: Recognizer) -> list[Example]:
        return recognizer.forget(self.ids)


@dataclasses.dataclass(frozen=True)
class ForgetAll:
    """Empty the profile, keeping a copy. -> (how many examples it held, the copy's path or None)"""

    def run(self, recognizer: Recognizer) -> tuple[int, Path | None]:
        return recognizer.change_profile(lambda profile: profile.reset_keeping_copy())


@dataclasses.dataclass(frozen=True)
class BringBack:
    """Add back the examples kept in a copy (a profile archive, as `ForgetAll` writes). -> how many came back"""

    copy: Path  # the archive's

    def run(self, recognizer: Recognizer) -> int:
        return recognizer.change_profile(lambda profile: import_archive(self.copy, profile.folder)[1])


@dataclasses.dataclass(frozen=True)
class ReadExamples:
    """-> (the profile's Examples in use, float32 (n, 28, 28) their images, ink 1 on 0)"""

    def run(self, recognizer: Recognizer) -> tuple[list[Example], NDArray[np.float32]]:
        examples = recognizer.examples
        return examples, _profile(recognizer).images(examples)


@dataclasses.dataclass(frozen=True)
class ReadExample:
    """-> float32 (28, 28), one profile.Example's image, ink 1 on 0 (the deciding example's thumbnail)"""

    example: Example

    def run(self, recognizer: Recognizer) -> NDArray[np.float32]:
        return _profile(recognizer).images([self.example])[0]


@dataclasses.dataclass(frozen=True)
class Keep:
    """The answer's digits were kept (the person cleared them without correcting them): learn each that
    `digitrec.kept`'s rule takes for meant, with the strokes it was read from (`DigitResult.strokes`).
    -> (the stored profile.Examples, [(digit, why it was not learnt)])"""

    digits: tuple[DigitResult, ...]  # on display
    shown_s: float  # how long the answer had been on screen when the canvas was cleared
    drawing: bool  # the pen was down
    strokes: tuple[Strokes, ...]  # each digit's strokes ([(x, y), ...] polylines, tuples), as `digits`

    def run(self, recognizer: Recognizer) -> tuple[list[Example], list[tuple[int, str]]]:
        learnt: list[Example] = []
        left_out: list[tuple[int, str]] = []
        for digit, strokes in zip(self.digits, self.strokes):
            reason = kept.why_not_learn(recognizer, digit, self.shown_s, self.drawing, strokes)
            if reason is None:
                try:
                    learnt.append(
                        recognizer.learn_input(digit.model_input, digit.digit, source="kept", strokes=digit.strokes)
                    )
                    continue
                except ProfileConflict:  # a kept answer is no reason to replace what the person taught
                    reason = "it looks like an example of another digit"
            left_out.append((digit.digit, reason))
        return learnt, left_out
