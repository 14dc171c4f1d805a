"""Every mouse motion event kept: Tk's merging of the motion events that reach it together, switched off (X11)."""

import _tkinter
import ctypes
import tkinter as tk


def keep_every_motion_event(root: tk.Misc) -> bool:
    """Stop Tk merging the mouse motion events that reach it together; returns False where that can't be done.

    Of the motion events Tk reads in one go it delivers only the last, so a stroke
    drawn faster than the Tk thread reads the mouse keeps its points apart and loses
    its curve between them. Tk's switch for this, Tk_CollapseMotionEvents, has no Tcl
    command: it is called through ctypes, on X11 only, in the Tk library _tkinter
    uses. Though declared to take the X `Display *`, it reads its argument as Tk's
    record of the display (TkGetDisplay): given the X one, it would write into Xlib's memory.
    """
    # The argument's reading was checked in Tk 8.6's source: elsewhere, leave Tk as it is.
    if root.tk.call("tk", "windowingsystem") != "x11" or tk.TkVersion != 8.6:
        return False
    try:
        tk_library = ctypes.CDLL(_tkinter.__file__)  # its symbols' lookup goes on into the libraries it links
        main_window, display_record, collapse = (
            tk_library.Tk_MainWindow,
            tk_library.TkGetDisplay,
            tk_library.Tk_CollapseMotionEvents,
        )
    except (OSError, AttributeError):
        return False
    main_window.restype, main_window.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
    display_record.restype, display_record.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
    collapse.restype, collapse.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_int]
    window = main_window(root.tk.interpaddr())
    display = window and ctypes.c_void_p.from_address(window).value  # Tk_Display(): a Tk_Window's first field
    record = display and display_record(display)
    if not record:
        return False
    collapse(record, 0)
    return True
