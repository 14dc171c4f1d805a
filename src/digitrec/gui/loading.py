"""The model (and the profile) loaded off the Tk thread, beside the window's set-up: the window does not
wait for it. A model that cannot load closes the window, and `gui.run` says why (one line, exit 1)."""

import queue
import threading
from typing import TYPE_CHECKING, Any

from digitrec.errors import DigitrecError

if TYPE_CHECKING:
    import tkinter as tk

    from digitrec.recognize import Recognizer

POLL_MS = 5  # how often the Tk thread looks whether the model has loaded: the first answer waits this long at most


class ModelLoading:
    """The App's model loading (a part of `gui.app.App`): `ready` once loaded, `model_error` (one line) if
    it could not be."""

    if TYPE_CHECKING:  # what it uses of the App (gui.app, gui.answers), declared for the type checker
        root: tk.Tk
        recognizer: Recognizer

        def refresh(self) -> None: ...
        def _show_answer(self) -> None: ...
        def _show_profile(self) -> None: ...
        def _has_ink(self) -> bool: ...
        def _event(self, name: str, **fields: Any) -> None: ...
        def _set_status(self, message: str | None = None, error: bool = False) -> None: ...

    def _init_loading(self) -> None:
        self.ready = False
        self.model_error: str | None = None
        self._loader: threading.Thread | None = None
        self._loaded: queue.Queue[str | None] = queue.Queue()  # None: loaded; else why not

    def start_loading(self) -> None:
        """Load the model (and the profile) in a background thread, once; the answer shows as soon as it is ready."""
        if self._loader is None:
            self._loader = threading.Thread(target=self._load, name="digitrec model loader", daemon=True)
            self._loader.start()
            self.root.after(POLL_MS, self._poll_loader)

    def _load(self) -> None:  # runs in the loader thread: no Tk calls here
        try:
            self.recognizer.load()
            self._loaded.put(None)
        except DigitrecError as error:
            self._loaded.put(str(error))
        except Exception as error:  # e.g. a broken ONNX Runtime install: still one line, not a traceback
            self._loaded.put(f"cannot load the model: {type(error).__name__}: {error}".splitlines()[0])

    def _poll_loader(self) -> None:
        try:
            error = self._loaded.get_nowait()
        except queue.Empty:
            self.root.after(POLL_MS, self._poll_loader)
            return
        if error is None:
            self.ready = True
            self._event("ready")
            if self._has_ink():
                self.refresh()
        else:  # nothing can be recognised: the window closes, and `run` says why
            self.model_error = error
            self._event("error", message=error)
            self.root.destroy()
            return
        self._set_status()
        self._show_answer()  # "waiting for the model" goes
        self._show_profile()
