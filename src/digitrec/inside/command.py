"""`digitrec explain`: why an image file's digits were read as they were, as a picture and as numbers.

    digitrec explain photo.png -o why.png           # the picture: the file, what the model saw, the
                                                    # evidence for the answer and the runner-up, the layers
    digitrec explain --number cheque.png --json     # the numbers: answer, probabilities, each map 28x28

The same maps and layers as the window's Why? view (`digitrec.inside.evidence`, coloured by
`digitrec.inside.pictures`), drawn with Pillow alone: the default install writes them.
"""

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image, ImageDraw, ImageFont

from digitrec import batch
from digitrec.errors import DigitrecError, UsageError
from digitrec.files import atomic_path
from digitrec.image import open_image
from digitrec.inside import pictures
from digitrec.inside.evidence import Explainer, Explanation
from digitrec.profile import Profile, count_examples
from digitrec.recognize import DigitResult, NoInkError, NumberResult, Recognizer

ZOOM = 6  # a 28x28 map is drawn 168 px a side
CHANNELS = 12  # of each layer, the strongest channels shown
TILE = 44  # px a side of a channel's tile
MARGIN, GAP = 16, 12  # px
FILE_HEIGHT = 200  # the file's picture is fitted into this height (and the sheet's width)
BACKGROUND, TEXT, QUIET = (255, 255, 255), (30, 30, 30), (110, 110, 110)
FONT_SIZES = {"title": 20, "text": 14, "small": 12}  # px


def explain_file(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    number: bool = False,
    as_json: bool = False,
    model: str | os.PathLike[str] | None = None,
    profile: str | Profile | None = None,
) -> int:
    """Explain the digit (number=True: each digit of the number) of an image file: write the picture to
    `out` (in the format its extension names: .png, .jpg, .webp...), print JSON (as_json). What was
    written, and the profile read with, are said on stderr (stdout is the JSON's). Returns the exit
    status; raises DigitrecError (one line), UsageError for an `out` with no format Pillow writes."""
    if out is None and not as_json:
        raise DigitrecError("say what to write: -o why.png (the picture) or --json (the numbers), or both")
    picture_format = format_for(out) if out is not None else None  # before any work
    recognizer = Recognizer(model, profile=profile).load()
    if recognizer.profile_error:
        print(f"digitrec explain: warning: {recognizer.profile_error}", file=sys.stderr)
    elif recognizer.profile is not None:  # never hidden: which profile may decide the answer
        print(
            f"digitrec explain: using profile {recognizer.profile.name}: {count_examples(len(recognizer.examples))}",
            file=sys.stderr,
        )
    image = open_image(path)
    result = recognizer.number(image) if number else NumberResult([recognizer.digit(image)])
    if not result.digits:
        raise NoInkError(f"{path}: no ink found: the image is blank")
    groups = None if number else batch.digit_groups(image)  # several: the picture and the JSON suggest --number
    explanations = Explainer(model).explain(result.digits, alone=True)
    examples = [_example_image(recognizer, d) for d in result.digits]
    if out is not None and picture_format is not None:  # one is None only if the other is (for mypy)
        profile_name = recognizer.profile.name if recognizer.profile is not None else None
        sheet = picture(Path(path).name, image, result, explanations, examples, profile_name, groups)
        try:
            with atomic_path(out) as tmp:
                sheet.save(tmp, format=picture_format, **SAVE_OPTIONS.get(picture_format, {}))
        except (OSError, ValueError) as error:  # a full disk; a format that refuses so large a picture
            raise DigitrecError(f"cannot write {out}: {getattr(error, 'strerror', None) or error}") from None
        print(f"digitrec explain: wrote {out}: why {path} reads {result.text}", file=sys.stderr)
    if as_json:
        print(json.dumps(to_dict(str(path), result, explanations, groups)))
    return 0


# Formats whose defaults would blur the picture's thin lines and small text.
SAVE_OPTIONS = {"JPEG": {"quality": 95}, "WEBP": {"quality": 95}}


def format_for(out: str | os.PathLike[str]) -> str:
    """The Pillow format `out`'s extension names ("PNG", "JPEG"...), or UsageError if it names none
    that Pillow writes."""
    Image.init()  # every plugin, so that the table of extensions is whole
    suffix = Path(out).suffix.lower()
    found = Image.registered_extensions().get(suffix)
    if found is None or found not in Image.SAVE:
        raise UsageError(
            f"{out}: {'no extension' if not suffix else f'{suffix} is not an image format Pillow writes'}: "
            "name the picture .png, .jpg, .webp, .tif, .bmp or .gif"
        )
    return found


def _example_image(recognizer: Recognizer, digit: DigitResult) -> NDArray[np.float32] | None:
    """The profile example that decided a digit, float32 (28, 28), or None."""
    if digit.example is None or recognizer.profile is None:
        return None
    return recognizer.profile.images([digit.example])[0]


def to_dict(
    path: str, result: NumberResult, explanations: Sequence[Explanation], digit_groups: int | None = None
) -> dict[str, Any]:
    """The JSON of `--json`: the answer, and for each digit its probabilities and maps (28x28 lists of floats);
    digit_groups (read as one digit): how many digit-sized groups of ink the file holds (`batch.digit_groups`)."""
    digits = []
    for digit, why in zip(result.digits, explanations):
        digits.append(
            {
                "digit": digit.digit,
                "runner_up": why.runner_up,
                "against": why.against,
                "confidence": round(digit.confidence, 4),
                "confident": digit.confident,
                "from_profile": digit.from_profile,
                "model_digit": digit.model_digit,
                "model_confidence": round(digit.model_confidence, 4),
                "box": list(digit.box),
                "probabilities": [round(float(p), 4) for p in digit.probabilities],
                "model_input": _rounded(why.model_input),
                "maps": {name: _rounded(values) for name, values in why.maps().items()},
            }
        )
    return {
        "file": path,
        "number": result.text,
        "confident": result.confident,
        "digit_groups": digit_groups,
        "maps": {
            "evidence": "how each pixel's ink moved the answer's score (logit units; > 0: toward it)",
            "runner_up_evidence": "the same for the runner-up's score",
            "contrast": "the map shown: evidence - runner_up_evidence where `against` is the runner-up (it had a "
            "real say), else evidence alone",
        },
        "digits": digits,
    }


def _rounded(values: ArrayLike) -> list[list[float]]:
    return [[round(float(v), 5) for v in row] for row in np.asarray(values)]


# ---------------------------------------------------------------- the picture


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one small bitmap font
        return ImageFont.load_default()


def _plain(text: str) -> str:
    """Text in the characters Pillow's own font has (it has no × or arrows)."""
    return text.replace("×", "x").replace("←", "<-").replace("→", "->")


class _Sheet:
    """A white sheet drawn top to bottom: each `row` of images with captions under them, text lines."""

    def __init__(self, width: int) -> None:
        self.width, self.y = width, MARGIN
        self.images: list[tuple[Image.Image, tuple[int, int]]] = []  # each with its top left corner
        self.texts: list[tuple[tuple[int, int], str, str, tuple[int, int, int]]] = []  # (x, y), text, font, colour
        self.fonts = {name: _font(size) for name, size in FONT_SIZES.items()}

    def text(self, text: str, font: str = "text", colour: tuple[int, int, int] = TEXT, x: int = MARGIN) -> None:
        self.texts.append(((x, self.y), _plain(text), font, colour))
        self.y += FONT_SIZES[font] + 6

    def row(self, images: Sequence[Image.Image], captions: Sequence[str] = (), x: int = MARGIN) -> None:
        """Images side by side, each with its caption lines under it."""
        height = max(image.height for image in images)
        for image, caption in zip(images, [*captions, *[""] * len(images)]):
            self.images.append((image, (x, self.y)))
            for k, line in enumerate(caption.splitlines()):
                self.texts.append(((x, self.y + height + 4 + k * 15), _plain(line), "small", QUIET))
            x += image.width + GAP
        self.y += height + 4 + 15 * max([len(c.splitlines()) for c in captions] + [0]) + GAP

    def render(self) -> Image.Image:
        sheet = Image.new("RGB", (self.width, self.y + MARGIN), BACKGROUND)
        draw = ImageDraw.Draw(sheet)
        for image, corner in self.images:  # the texts never overlap the images: the order does not matter
            sheet.paste(image, corner, image if image.mode == "RGBA" else None)
        for corner, text, font, colour in self.texts:
            draw.text(corner, text, font=self.fonts[font], fill=colour)
        return sheet


def picture(
    name: str,
    image: Image.Image,
    result: NumberResult,
    explanations: Sequence[Explanation],
    examples: Sequence[NDArray[np.float32] | None],
    profile_name: str | None = None,
    digit_groups: int | None = None,
) -> Image.Image:
    """The sheet `digitrec explain -o` writes, a Pillow RGB image: the file with each digit's box and
    evidence; then for each digit what the model saw, the evidence for it against the runner-up, for it
    alone and for the runner-up alone, the deciding profile example (if any, and then what the model
    alone read), a legend, and its layers. profile_name: the profile read with, named where it decided;
    digit_groups: the digit-sized groups of ink in a file read as one digit, said in the title if several."""
    side = 28 * ZOOM
    sheet = _Sheet(MARGIN * 2 + 5 * (side + GAP))
    sure = "" if result.confident else "  (not sure)"
    several = f"  (looks like {digit_groups} digits: try --number)" if (digit_groups or 0) > 1 else ""
    sheet.text(f"{name}: read {result.text}{sure}{several}", "title")
    sheet.row(
        [_file_with_evidence(image, result, explanations, sheet.width - 2 * MARGIN)],
        ["the file, each digit's box over the map shown below it (red: for the answer; blue: against it)"],
    )
    for i, (digit, why, example) in enumerate(zip(result.digits, explanations, examples)):
        a, b = why.answer, why.runner_up
        p = why.probabilities
        heading = f"digit {i + 1} of {len(result.digits)}: " if len(result.digits) > 1 else ""
        sheet.text(f"{heading}{a} ({p[a]:.1%}); runner-up {b} ({p[b]:.1%})", "title")
        if digit.from_profile:
            sheet.text(
                f"decided by an example in your profile {profile_name!r} (shown right); the model alone read "
                f"{digit.model_digit} ({digit.model_confidence:.1%})"
            )
        ink, maps = why.model_input, why.maps()  # all three: explained alone=True
        images = [
            Image.fromarray(np.round(ink * 255).astype(np.uint8)).resize((side, side), Image.Resampling.NEAREST),
            pictures.map_image(maps["contrast"], ink, side),
            pictures.map_image(maps["evidence"], ink, side),
            pictures.map_image(maps["runner_up_evidence"], ink, side),
        ]
        captions = [
            "what the model saw\n(28×28)",
            f"{why.title}\nred: {why.ends[1]}, blue: {why.ends[0]}",
            f"for {a} alone:\nred for, blue against",
            f"for {b} alone:\nred for, blue against",
        ]
        if example is not None:
            images.append(Image.fromarray(np.round(example * 255).astype(np.uint8)).resize((side, side)))
            captions.append(f"your example that\ndecided it: a {digit.example.label if digit.example else digit.digit}")
        sheet.row(images, captions)
        sheet.row([pictures.legend(side * 2)], [f"{why.ends[0]}  ←  nothing  →  {why.ends[1]}"])
        sheet.text("what each layer saw (its strongest channels first; white = strong):", "text")
        for layer in why.layers:
            sheet.row([pictures.channel_tiles(layer, CHANNELS, TILE)], [layer.label])
    return sheet.render()


def _file_with_evidence(
    image: Image.Image, result: NumberResult, explanations: Sequence[Explanation], max_width: int
) -> Image.Image:
    """The file's picture, greyed, each digit's contrast map laid over its box and the box outlined."""
    grey = image.convert("L").convert("RGBA")
    for digit, why in zip(result.digits, explanations):
        left, top, right, bottom = digit.box
        grey.alpha_composite(pictures.overlay(why.contrast, why.model_input, (right - left, bottom - top)), (left, top))
    zoom = min(FILE_HEIGHT / grey.height, max_width / grey.width)
    shown = grey.resize(
        (max(1, round(grey.width * zoom)), max(1, round(grey.height * zoom))), Image.Resampling.LANCZOS
    ).convert("RGB")
    draw = ImageDraw.Draw(shown)
    for digit in result.digits:
        x0, y0, x1, y1 = (v * zoom for v in digit.box)
        draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), outline=(31, 111, 209), width=1)
    return shown
