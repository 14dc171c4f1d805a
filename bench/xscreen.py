"""A private virtual X screen, `digitrec gui` on it, and a mouse to draw with: for the GUI benchmarks.

Needs Xvfb and xdotool (apt-get install xvfb xdotool).
"""

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

EVENTS_ENV = "DIGITREC_GUI_EVENTS"  # as in digitrec.gui: the app prints {"event": ...} lines


@contextlib.contextmanager
def virtual_screen(size="1366x768x24"):
    """Start Xvfb on a free display; yields the environment to run programs on it."""
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install xvfb xdotool)")
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display number and writes it once it accepts clients.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            raise SystemExit("Xvfb did not start")
        yield dict(os.environ, DISPLAY=f":{number}")
    finally:
        server.terminate()
        server.wait()


class Gui:
    """`digitrec gui` on the virtual screen; `lines` receives its JSON lines (events, answers), with arrival times."""

    def __init__(self, env, *args):
        command = Path(sys.executable).with_name("digitrec")  # the console script a user types
        command = [str(command)] if command.exists() else [sys.executable, "-m", "digitrec"]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [*command, "gui", *args],
            env=dict(env, **{EVENTS_ENV: "1"}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.env = env
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put((time.perf_counter() - self.started, json.loads(line)))

    def wait_for(self, event, timeout=300):
        """Seconds from launch to the app's {"event": event} line, and the line."""
        return self._wait(lambda record: record.get("event") == event, f"no {event!r} event", timeout)

    def wait_for_answer(self, timeout=300):
        """Seconds from launch to the first answer line (--print-answers), and the answer."""
        return self._wait(lambda record: "number" in record, "no answer", timeout)

    def _wait(self, wanted, missing, timeout):
        end = time.monotonic() + timeout
        while True:
            try:
                seconds, record = self.lines.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                raise SystemExit(f"`digitrec gui` printed {missing} in {timeout} s") from None
            if record.get("event") == "error":
                raise SystemExit(f"`digitrec gui` failed: {record['message']}")
            if wanted(record):
                return seconds, record

    def xdotool(self, *args):
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True, timeout=120)

    def draw(self, origin, strokes, pause=0.004):
        """Draw strokes ([[(x, y), ...], ...] canvas px) with the X mouse; `origin`: the canvas's screen position."""
        args = []
        for stroke in strokes:
            args += ["mousemove", origin[0] + stroke[0][0], origin[1] + stroke[0][1], "mousedown", 1]
            for x, y in stroke[1:]:
                args += ["mousemove", origin[0] + x, origin[1] + y, "sleep", pause]
            args += ["mouseup", 1]
        self.xdotool(*args)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
