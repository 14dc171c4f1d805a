"""`digitrec predict`: recognise image files and print one line (or JSON object) each.

Every readable file gets its answer even when others fail; each failure is one
line on stderr, and the exit status says whether any failed.
"""

import json
import sys

from digitrec.errors import DigitrecError
from digitrec.image import open_image
from digitrec.recognize import NoInkError, Recognizer


def predict_files(paths, model=None, number=False, top=1, as_json=False, profile=None):
    """Recognise each file; print results to stdout, failures to stderr. Returns the exit status.

    profile: a profile (name, folder or Profile) to read with; one that cannot be read is
    reported in one line on stderr and the files are read with the model alone.
    """
    recognizer = Recognizer(model, profile=profile).load()  # a bad model fails once, before any file
    if recognizer.profile_error:
        print(f"digitrec predict: warning: {recognizer.profile_error}", file=sys.stderr)
    failed = 0
    for path in paths:
        try:
            image = open_image(path)
            result = recognizer.number(image) if number else recognizer.digit(image)
            if number and not result.digits:
                raise NoInkError("no ink found: the image is blank")
        except DigitrecError as error:
            failed += 1
            message = str(error) if str(error).startswith(str(path)) else f"{path}: {error}"
            print(f"digitrec predict: error: {message}", file=sys.stderr)
            continue
        print(json.dumps(to_dict(path, result, number, top)) if as_json else to_line(path, result, number, top),
              flush=True)
    return 1 if failed else 0


def to_line(path, result, number, top):
    if number:
        per_digit = " ".join(f"{d.confidence * 100:.1f}" for d in result.digits)
        line = f"{path}: {result.text}  (per digit: {per_digit}%)"
    else:
        line = f"{path}: {result.digit}  ({result.confidence:.1%})"
        if top > 1:
            line += "  top: " + ", ".join(f"{d} {p:.1%}" for d, p in result.top(top))
    return line if result.confident else line + "  not sure"


def to_dict(path, result, number, top):
    if number:
        return {"file": str(path), "number": result.text, "confident": result.confident,
                "digits": [digit_dict(d, top) for d in result.digits]}
    return {"file": str(path), **digit_dict(result, top)}


def digit_dict(result, top):
    return {
        "digit": result.digit,
        "confidence": round(result.confidence, 4),
        "confident": result.confident,
        "top": [{"digit": d, "probability": round(p, 4)} for d, p in result.top(top)],
        "probabilities": [round(float(p), 4) for p in result.probabilities],
        "box": list(result.box),
    }
