"""A person's handwriting profile: the digits they taught digitrec, and how they change its answers.

    store.py     the profile's files: its folder (index, PNGs, strokes), locks, zip export and import
    reading.py   the profile a recogniser reads with: its examples, their forms, learning with its conflict check
    adapt.py     the rule: how the examples decide the drawings that look like them

Data flows one way: `store -> reading (+ adapt) -> digitrec.recognize`. The network stays with
the recogniser, which hands `ProfileReading` what it needs of it as callables, so nothing here
imports the recogniser. What is read and written (the folder's layout) is in `store`'s docstring.

`from digitrec.profile import Profile, ProfileError, ...` gives the store's names.
"""

from digitrec.profile.store import (
    DEFAULT_NAME,
    EXAMPLE_FILE,
    FORMAT,
    INDEX,
    LOCK_TIMEOUT_S,
    MAX_ARCHIVE_BYTES,
    MAX_ENTRY_BYTES,
    MAX_EXAMPLES,
    NAME,
    PROFILES_ENV,
    SIZE,
    SOURCES,
    Example,
    Profile,
    ProfileError,
    backups_root,
    check_label,
    count_examples,
    folder_for,
    import_archive,
    list_profiles,
    parse_index,
    profiles_root,
    read_archive,
    read_example,
    to_png,
)

__all__ = [
    "DEFAULT_NAME",
    "EXAMPLE_FILE",
    "FORMAT",
    "INDEX",
    "LOCK_TIMEOUT_S",
    "MAX_ARCHIVE_BYTES",
    "MAX_ENTRY_BYTES",
    "MAX_EXAMPLES",
    "NAME",
    "PROFILES_ENV",
    "SIZE",
    "SOURCES",
    "Example",
    "Profile",
    "ProfileError",
    "backups_root",
    "check_label",
    "count_examples",
    "folder_for",
    "import_archive",
    "list_profiles",
    "parse_index",
    "profiles_root",
    "read_archive",
    "read_example",
    "to_png",
]
