"""Images in: open a file safely, or draw strokes the way the GUI draws them.

Pure Pillow; both return a Pillow image for `digitrec.preprocess`.
"""

import os
import warnings
from collections.abc import Sequence
from typing import IO

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from digitrec.errors import DigitrecError

# Far beyond any scan or photo of a digit, small enough to refuse decompression bombs.
MAX_PIXELS = 50_000_000
MARGIN = 4  # px of paper around rendered strokes


Point = tuple[float, float]  # (x, y), y down, as on a screen
Strokes = Sequence[Sequence[Point]]  # a drawing's strokes in the order drawn, each its points in order


class ImageError(DigitrecError):
    """A file that cannot be used as an image."""


def open_image(path: str | os.PathLike[str] | IO[bytes], max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open and fully decode an image file; raise ImageError with a one-line reason if it can't be used.

    The photo's EXIF orientation is applied, so a phone picture is the right way up.
    An image of more than `max_pixels` is refused before it is decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > max_pixels:
                    raise ImageError(f"{path}: image too large ({image.width}x{image.height} pixels)")
                image.load()  # decode now, so a truncated file fails here and not later
                return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: image too large (refused as a possible decompression bomb)") from None
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a folder, not an image") from None
    except UnidentifiedImageError:
        if _is_empty(path):  # "not an image" would send one looking for the wrong cause
            raise ImageError(f"{path}: empty file (0 bytes)") from None
        raise ImageError(f"{path}: not an image file (or a format Pillow cannot read)") from None
    except OSError as error:
        raise ImageError(f"{path}: cannot read image ({error})") from None
    except (ValueError, SyntaxError, EOFError) as error:  # Pillow's parsers raise these on damaged files
        raise ImageError(f"{path}: damaged image ({error})") from None


def _is_empty(path: str | os.PathLike[str] | IO[bytes]) -> bool:
    if not isinstance(path, (str, os.PathLike)):  # a file object, not a path: Pillow said what it could
        return False
    try:
        return os.path.getsize(path) == 0
    except (OSError, ValueError):
        return False


def render_strokes(strokes: Strokes, pen_width: float, size: tuple[float, float] | None = None) -> Image.Image:
    """Draw polylines as the GUI's canvas does: black ink, round ends and joins, on white.

    `strokes`: list of [(x, y), ...] in canvas pixels; a one-point stroke is a dot.
    `size`: (width, height) of the canvas; default: just big enough for the ink.
    Returns a Pillow "L" image (0 = ink, 255 = paper).
    """
    points = [p for stroke in strokes for p in stroke]
    if size is None:
        if not points:
            return Image.new("L", (1, 1), 255)
        size = (
            int(max(x for x, _ in points) + pen_width + MARGIN),
            int(max(y for _, y in points) + pen_width + MARGIN),
        )
    image = Image.new("L", (max(1, int(size[0])), max(1, int(size[1]))), 255)
    draw = ImageDraw.Draw(image)
    radius = pen_width / 2
    for stroke in strokes:
        stroke = [(float(x), float(y)) for x, y in stroke]
        if len(stroke) > 1:
            draw.line(stroke, fill=0, width=max(1, round(pen_width)), joint="curve")
        for x, y in (stroke[0], stroke[-1]) if stroke else ():
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)  # round ends
    return image
