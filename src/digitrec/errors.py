"""The one exception type the command line turns into a one-line message."""


class DigitrecError(Exception):
    """A failure the user can act on; its message is one line, without a traceback."""
