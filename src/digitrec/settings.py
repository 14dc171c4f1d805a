"""What the window remembers between launches (the Why? view on or off): a small JSON file.

    settings.load()                  # {} the first time, or when the file cannot be read
    settings.save({"why": True})     # merged into what is there, written atomically

The file is `settings.json` in the user config folder (`~/.config/digitrec` on
Linux), or in $DIGITREC_CONFIG. A setting is a convenience: a file that cannot
be read or written is ignored (load gives {}; save returns the reason, one line).
"""

import json
import os
from pathlib import Path
from typing import Any

from digitrec.errors import DigitrecError
from digitrec.files import write_text

CONFIG_ENV = "DIGITREC_CONFIG"  # the folder of settings.json, if not the user config folder
FILE = "settings.json"


def path() -> Path:
    """The settings file: $DIGITREC_CONFIG/settings.json, else <user config folder>/settings.json."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]) / FILE
    import platformdirs

    return platformdirs.user_config_path("digitrec", appauthor=False) / FILE


def load() -> dict[str, Any]:
    """The settings saved, a dict ({} if none, or if the file is damaged)."""
    try:
        saved = json.loads(path().read_text())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def save(changes: dict[str, Any]) -> str | None:
    """Merge `changes` (a dict of JSON values) into the saved settings; returns None, or why it failed (one line)."""
    try:
        write_text(path(), json.dumps({**load(), **changes}, indent=1, sort_keys=True))
    except DigitrecError as error:
        return str(error)
    except OSError as error:
        return f"cannot save the settings: {error.strerror or error}"
    return None
