"""The model (and the profile) loaded off the Tk thread, beside the window's set-up: the window does not
wait for it. A model that cannot load closes the window, and `gui.run` says why (one line, exit 1)."""

import queue
import threading

from digitrec.errors import DigitrecError

POLL_MS = 5  # how often the Tk thread looks whether the model has loaded: the first answer waits this long at most


class ModelLoading:
    """The App's model loading (a part of `gui.app.App`): `ready` once loaded, `model_error` (one line) if
    it could not be."""

    def _init_loading(self):
        self.ready = False
        self.model_error = None
        self._loader = None
        self._loaded = queue.Queue()

    def start_loading(self):
        """Load the model (and the profile) in a background thread, once; the answer shows as soon as it is ready."""
        if self._loader is None:
            self._loader = threading.Thread(target=self._load, name="digitrec model loader", daemon=True)
            self._loader.start()
            self.root.after(POLL_MS, self._poll_loader)

    def _load(self):  # runs in the loader thread: no Tk calls here
        try:
            self.recognizer.load()
            self._loaded.put(None)
        except DigitrecError as error:
            self._loaded.put(str(error))
        except Exception as error:  # e.g. a broken ONNX Runtime install: still one line, not a traceback
            self._loaded.put(f"cannot load the model: {type(error).__name__}: {error}".splitlines()[0])

    def _poll_loader(self):
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
