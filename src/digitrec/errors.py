"""The one exception type the command line turns into a one-line message."""


class DigitrecError(Exception):
    """A failure the user can act on; its message is one line, without a traceback."""


class UsageError(DigitrecError):
    """A command given wrongly (options that cannot go together, an input naming nothing):
    exit status 2, as for argparse's own errors, so a script can tell it from a file that failed."""
