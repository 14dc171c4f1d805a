"""The profile store: examples as PNGs plus a JSON index, written safely, moved as one zip."""

import io
import json
import multiprocessing
import os
import select
import shlex
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from PIL import Image

from digitrec import profile as profiles
from digitrec.cli import main
from digitrec.profile import Profile, ProfileError


@pytest.fixture
def profiles_root(own_profiles):
    return own_profiles


def a_digit(seed=0):
    """A model input: float32 (28, 28) in [0, 1], a random blob of ink in the middle."""
    image = np.zeros((28, 28), np.float32)
    image[6:22, 10:18] = np.random.default_rng(seed).uniform(0.5, 1, (16, 8))
    return image


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".lock"}


def test_an_example_is_a_png_and_an_entry_in_the_index(profiles_root):
    alice = Profile("alice")
    example = alice.add(a_digit(), 7, source="correction")
    index = json.loads((profiles_root / "alice" / "index.json").read_text())
    assert index["examples"] == [{"file": example.file, "label": 7, "time": example.time, "source": "correction"}]
    with Image.open(profiles_root / "alice" / example.file) as png:
        assert (png.size, png.mode) == ((28, 28), "L")
        assert np.asarray(png)[0, 0] == 255  # paper is white: readable by hand
    np.testing.assert_allclose(alice.images()[0], a_digit(), atol=1 / 255)


def test_examples_keep_their_order_and_undo_removes_the_newest():
    alice = Profile("alice")
    first, second = alice.add(a_digit(1), 1), alice.add(a_digit(2), 2)
    assert alice.examples() == [first, second]
    assert alice.undo() == second
    assert alice.examples() == [first]
    assert not (alice.folder / second.file).exists()


def test_reset_forgets_every_example():
    alice = Profile("alice")
    for digit in range(3):
        alice.add(a_digit(digit), digit)
    assert alice.reset() == 3
    assert alice.examples() == [] and not list(alice.folder.glob("*.png"))


def test_reading_an_absent_profile_gives_no_examples_and_creates_nothing(profiles_root):
    assert Profile("nobody").examples() == []
    assert not list(profiles_root.iterdir())


def test_a_profile_can_be_a_folder_path(tmp_path):
    folder = tmp_path / "somewhere" / "mine"
    Profile(str(folder)).add(a_digit(), 3)
    assert (folder / "index.json").is_file()


@pytest.mark.parametrize("name", ["", ".hidden", "a b", "x" * 65, "ü"])
def test_a_bad_name_is_refused(name):
    with pytest.raises(ProfileError, match="not a profile name"):
        Profile(name)


@pytest.mark.parametrize("label", [-1, 10, 1.0, "7", True])
def test_a_label_must_be_a_digit(label):
    with pytest.raises(ProfileError, match="label"):
        Profile("alice").add(a_digit(), label)


def test_an_interrupted_write_loses_nothing(monkeypatch):
    alice = Profile("alice")
    alice.add(a_digit(1), 1)
    before = snapshot(alice.folder)

    def power_cut(self, examples):
        raise OSError("disk full")

    monkeypatch.setattr(Profile, "_write_index", power_cut)
    with pytest.raises(OSError):
        alice.add(a_digit(2), 2)
    assert snapshot(alice.folder) == before  # no new file, no temporary file, the same index


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"format": 99, "examples": []}',
        b'{"format": 1, "examples": [{"file": "../x.png", "label": 1, "time": "t", "source": "api"}]}',
    ],
)
def test_a_damaged_index_is_one_clear_error_and_is_not_written_over(damage):
    alice = Profile("alice")
    alice.add(a_digit(), 4)
    (alice.folder / "index.json").write_bytes(damage)
    with pytest.raises(ProfileError, match=r"index\.json is damaged") as error:
        alice.examples()
    assert "\n" not in str(error.value)
    with pytest.raises(ProfileError):
        alice.add(a_digit(1), 5)
    assert (alice.folder / "index.json").read_bytes() == damage
    assert len(list(alice.folder.glob("*.png"))) == 1


def test_a_damaged_image_is_named_in_the_error():
    alice = Profile("alice")
    example = alice.add(a_digit(), 4)
    (alice.folder / example.file).write_bytes(b"\x89PNG not really")
    with pytest.raises(ProfileError, match=example.file):
        alice.images()


def _add_many(root, worker, count):  # runs in another process
    import os

    os.environ[profiles.PROFILES_ENV] = root
    shared = Profile("shared")
    for i in range(count):
        shared.add(a_digit(worker * 100 + i), i % 10)


def test_two_processes_adding_to_one_profile_keep_every_example(profiles_root):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_many, args=(str(profiles_root), w, 25)) for w in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    shared = Profile("shared")
    examples = shared.examples()
    assert len(examples) == 50
    assert {p.name for p in shared.folder.glob("*.png")} == {e.file for e in examples}
    assert len(shared.images()) == 50


def test_a_profile_travels_as_one_zip_and_is_merged_on_import(tmp_path):
    alice = Profile("alice")
    taught = [alice.add(a_digit(i), i) for i in range(3)]
    archive = tmp_path / "alice.zip"
    assert alice.export_archive(archive) == 3
    bob, added = profiles.import_archive(archive, "bob")
    assert added == 3 and [e.label for e in bob.examples()] == [0, 1, 2]
    np.testing.assert_array_equal(bob.images(), alice.images())
    again, added = profiles.import_archive(archive)  # the name inside it: alice, who has them all
    assert (again.name, added, len(again.examples())) == ("alice", 0, 3)
    assert [e.file for e in again.examples()] == [e.file for e in taught]


def test_the_profiles_are_listed_by_name():
    Profile("bob").add(a_digit(), 1)
    Profile("alice").add(a_digit(), 2)
    assert [p.name for p in profiles.list_profiles()] == ["alice", "bob"]


# ---------------------------------------------------------------- reset and delete, undone


def test_a_reset_keeps_a_copy_that_import_brings_back():
    alice = Profile("alice")
    taught = [alice.add(a_digit(i), i) for i in range(3)]
    before = alice.images()
    forgotten, backup = alice.reset_keeping_copy()
    assert forgotten == 3 and alice.examples() == [] and not list(alice.folder.glob("*.png"))
    assert backup.parent == profiles.backups_root() and backup.name.startswith("alice-")
    restored, added = profiles.import_archive(backup)
    assert (restored.name, added) == ("alice", 3) and restored.examples() == taught
    np.testing.assert_array_equal(restored.images(), before)


def test_a_reset_of_an_empty_profile_writes_no_copy():
    alice = Profile("alice")
    alice.add(a_digit(), 1)
    alice.reset()
    assert alice.reset_keeping_copy() == (0, None) and not profiles.backups_root().exists()


def test_a_reset_that_cannot_keep_a_copy_forgets_nothing():
    alice = Profile("alice")
    example = alice.add(a_digit(), 1)
    (alice.folder / example.file).write_bytes(b"damaged")
    with pytest.raises(ProfileError, match=example.file):
        alice.reset_keeping_copy()
    assert alice.examples() == [example]


def test_delete_removes_the_profile_and_keeps_a_copy_that_import_brings_back(profiles_root):
    alice = Profile("alice")
    taught = [alice.add(a_digit(i), i) for i in range(2)]
    count, backup = alice.delete()
    assert count == 2 and not alice.folder.exists() and [p.name for p in profiles.list_profiles()] == []
    restored, added = profiles.import_archive(backup)
    assert added == 2 and restored.examples() == taught


def test_delete_leaves_files_it_does_not_own(tmp_path):
    folder = tmp_path / "mine"
    Profile(folder).add(a_digit(), 1)
    Profile(folder).add(a_digit(), 7, strokes=[[(40.0, 50.0), (120.0, 50.0)]])
    (folder / "notes.txt").write_text("mine")
    Profile(folder).delete()
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


class Terminal(io.StringIO):
    """What a person types at a terminal: stdin that is a tty."""

    def isatty(self):
        return True


def taught(name, count=2):
    profile = Profile(name)
    for i in range(count):
        profile.add(a_digit(i), i)
    return profile


@pytest.mark.parametrize("action", ["reset", "delete"])
def test_reset_and_delete_without_a_terminal_or_yes_are_refused_and_change_nothing(action, capsys):
    alice = taught("alice")
    before = snapshot(alice.folder)
    assert main(["profile", action, "alice"]) == 2
    assert capsys.readouterr().err == "digitrec profile: error: not asking without a terminal: add --yes to go ahead\n"
    assert snapshot(alice.folder) == before


@pytest.mark.parametrize("action", ["reset", "delete"])
def test_reset_and_delete_ask_on_a_terminal_and_no_keeps_everything(action, monkeypatch, capsys):
    alice = taught("alice")
    before = snapshot(alice.folder)
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert main(["profile", action, "alice"]) == 1
    out, err = capsys.readouterr()
    assert "alice" in out and out.rstrip().endswith("[y/N]") and err.startswith("profile alice: not ")
    assert snapshot(alice.folder) == before


def test_reset_answered_yes_forgets_and_says_how_to_undo(monkeypatch, capsys):
    alice = taught("alice")
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    assert main(["profile", "reset", "alice"]) == 0
    said = capsys.readouterr().out.split("[y/N] ")[1]  # the answer typed ends the prompt's line on a terminal
    assert said.startswith("profile alice: forgot 2 examples; to undo: digitrec profile import ")
    assert alice.examples() == []
    assert main(shlex.split(said.split("to undo: digitrec ")[1])) == 0
    assert len(alice.examples()) == 2


def test_delete_on_a_real_terminal_asks_and_y_deletes():
    alice = taught("alice")
    controller, terminal = os.openpty()
    command = [sys.executable, "-m", "digitrec", "profile", "delete", "alice"]
    run = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    shown, deadline = b"", time.monotonic() + 60
    while b"[y/N]" not in shown and time.monotonic() < deadline:
        if select.select([controller], [], [], 1)[0]:
            shown += os.read(controller, 1024)
    os.write(controller, b"y\n")
    assert run.wait(timeout=60) == 0
    os.close(controller)
    assert b"Delete profile alice and its 2 examples?" in shown and not alice.folder.exists()


def test_delete_with_yes_asks_nothing_and_its_undo_brings_the_profile_back(tmp_path, capsys):
    folder = tmp_path / "alice's profile"
    taught(str(folder))
    assert main(["profile", "delete", str(folder), "--yes"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("deleted profile alice's profile (2 examples); to undo: digitrec profile import ")
    assert not folder.exists()
    assert main(shlex.split(said.strip().split("to undo: digitrec ")[1])) == 0
    assert len(Profile(folder).examples()) == 2


def write_archive(path, entries, index=None):
    """A zip with these {name: bytes} entries and an index listing the .png ones (unless given)."""
    if index is None:
        index = {
            "format": 1,
            "name": "mallory",
            "examples": [
                {"file": name, "label": 1, "time": "t", "source": "import"} for name in entries if name.endswith(".png")
            ],
        }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("index.json", json.dumps(index))
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def png_bytes(size=(28, 28)):
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="PNG")
    return buffer.getvalue()


GOOD = "0" * 32 + ".png"


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"../" + GOOD: png_bytes()}, "unexpected entry"),
        ({"/tmp/" + GOOD: png_bytes()}, "unexpected entry"),
        ({"sub/" + GOOD: png_bytes()}, "unexpected entry"),
        ({"payload.pkl": b"\x80\x04K\x01."}, "unexpected entry"),
        ({GOOD: png_bytes((28, 27))}, "must be 28x28"),
        ({GOOD: png_bytes((6000, 6000))}, "image too large"),  # refused before it is decoded
        ({GOOD: b"not a png"}, "not an image file"),
    ],
)
def test_an_unacceptable_archive_is_refused_and_nothing_is_written(tmp_path, profiles_root, entries, message):
    archive = write_archive(tmp_path / "bad.zip", entries)
    with pytest.raises(ProfileError, match=message):
        profiles.import_archive(archive)
    assert not list(profiles_root.iterdir())


def test_an_index_naming_a_missing_image_is_refused(tmp_path):
    index = {"format": 1, "name": "m", "examples": [{"file": GOOD, "label": 1, "time": "t", "source": "api"}]}
    with pytest.raises(ProfileError, match="not in the archive"):
        profiles.import_archive(write_archive(tmp_path / "bad.zip", {}, index))


def test_an_archive_name_that_is_a_path_is_refused(tmp_path, profiles_root):
    archive = write_archive(
        tmp_path / "bad.zip", {GOOD: png_bytes()}, {"format": 1, "name": "../../escape", "examples": []}
    )
    with pytest.raises(ProfileError, match="names no usable profile"):
        profiles.import_archive(archive)
    assert not (tmp_path / "escape").exists()


def test_oversized_archives_and_entries_are_refused(tmp_path, monkeypatch):
    archive = write_archive(tmp_path / "big.zip", {GOOD: png_bytes()})
    monkeypatch.setattr(profiles.store, "MAX_ENTRY_BYTES", 10)
    with pytest.raises(ProfileError, match="too large"):
        profiles.import_archive(archive)
    monkeypatch.setattr(profiles.store, "MAX_ARCHIVE_BYTES", 100)
    with pytest.raises(ProfileError, match="too large for a profile archive"):
        profiles.import_archive(archive)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "x.zip").write_text("hello")
    with pytest.raises(ProfileError, match="not a profile archive"):
        profiles.import_archive(tmp_path / "x.zip")


# ---------------------------------------------------------------- strokes beside the PNG

SEVEN_STROKES = [[(40.0, 50.0), (120.0, 50.0), (70.0, 200.5)], [(55.0, 125.0), (110.25, 125.0)]]


def test_an_example_keeps_the_strokes_it_was_drawn_with_beside_its_png(profiles_root):
    alice = Profile("alice")
    example = alice.add(a_digit(), 7, source="correction", strokes=SEVEN_STROKES)
    assert example.strokes == example.id + ".strokes.json"
    entry = json.loads((profiles_root / "alice" / "index.json").read_text())["examples"][0]
    assert entry["strokes"] == example.strokes
    on_disk = json.loads((profiles_root / "alice" / example.strokes).read_text())
    assert on_disk == [[list(point) for point in stroke] for stroke in SEVEN_STROKES]  # readable by hand
    assert alice.strokes(alice.examples()[0]) == SEVEN_STROKES


def test_an_example_without_strokes_has_none_and_no_strokes_file(profiles_root):
    alice = Profile("alice")
    example = alice.add(a_digit(), 7, strokes=[[], []])  # no points: nothing drawn to keep
    assert example.strokes is None and alice.strokes(example) is None
    assert sorted(p.name for p in (profiles_root / "alice").iterdir()) == [".lock", example.file, "index.json"]


def test_a_profile_written_before_strokes_reads_and_takes_examples_with_strokes(profiles_root):
    folder = profiles_root / "old"
    folder.mkdir()
    profiles.to_png(a_digit()).save(folder / GOOD)
    entry = {"file": GOOD, "label": 1, "time": "2026-12-01T19:40:00+00:00", "source": "correction"}
    (folder / "index.json").write_text(json.dumps({"format": 1, "name": "old", "examples": [entry]}))
    old = Profile("old")
    assert [(e.file, e.strokes) for e in old.examples()] == [(GOOD, None)] and old.strokes(old.examples()[0]) is None
    new = old.add(a_digit(1), 7, strokes=SEVEN_STROKES)
    assert [e.file for e in old.examples()] == [GOOD, new.file] and old.strokes(new) == SEVEN_STROKES
    assert json.loads((folder / "index.json").read_text())["examples"][0] == entry  # the old entry as it was


def test_undo_remove_and_reset_delete_the_strokes_with_their_example():
    alice = Profile("alice")
    first, second, third = (alice.add(a_digit(i), i, strokes=SEVEN_STROKES) for i in range(3))
    assert alice.undo() == third and not (alice.folder / third.strokes).exists()
    alice.remove([first.id])
    assert not (alice.folder / first.strokes).exists() and (alice.folder / second.strokes).exists()
    alice.reset()
    assert not list(alice.folder.glob("*.strokes.json"))


def test_an_interrupted_write_with_strokes_loses_nothing(monkeypatch):
    alice = Profile("alice")
    alice.add(a_digit(1), 1, strokes=SEVEN_STROKES)
    before = snapshot(alice.folder)
    monkeypatch.setattr(Profile, "_write_index", lambda self, examples: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        alice.add(a_digit(2), 2, strokes=SEVEN_STROKES)
    assert snapshot(alice.folder) == before  # no strokes file, no image, no temporary file, the same index


@pytest.mark.parametrize(
    "strokes, message",
    [
        ([[(1.0, float("nan"))]], "not a number"),
        ([[(1.0, 2.0)] * (profiles.store.MAX_STROKE_POINTS + 1)], "too many points"),
        ([[(1.0, 2.0, 3.0)]], "not strokes"),
    ],
)
def test_strokes_no_drawn_digit_has_are_refused_and_nothing_is_stored(profiles_root, strokes, message):
    with pytest.raises(ProfileError, match=message):
        Profile("alice").add(a_digit(), 7, strokes=strokes)
    assert not (profiles_root / "alice" / "index.json").exists() and not list(profiles_root.glob("*/*.json"))


def test_a_damaged_strokes_file_is_named_in_the_error():
    alice = Profile("alice")
    example = alice.add(a_digit(), 4, strokes=SEVEN_STROKES)
    (alice.folder / example.strokes).write_bytes(b"[[[1, 2], ")
    with pytest.raises(ProfileError, match=example.strokes):
        alice.strokes(example)
    (alice.folder / example.strokes).unlink()
    with pytest.raises(ProfileError, match=example.strokes):
        alice.strokes(example)


def test_a_profile_with_strokes_round_trips_through_export_and_import(tmp_path):
    alice = Profile("alice")
    drawn, scanned = alice.add(a_digit(1), 7, strokes=SEVEN_STROKES), alice.add(a_digit(2), 2)
    archive = tmp_path / "alice.zip"
    assert alice.export_archive(archive) == 2
    bob, added = profiles.import_archive(archive, "bob")
    assert added == 2 and bob.examples() == [drawn, scanned]
    assert bob.strokes(bob.examples()[0]) == SEVEN_STROKES and bob.strokes(bob.examples()[1]) is None
    np.testing.assert_array_equal(bob.images(), alice.images())


def test_a_reset_keeps_the_strokes_in_its_copy_and_import_brings_them_back():
    alice = Profile("alice")
    example = alice.add(a_digit(), 7, strokes=SEVEN_STROKES)
    _, backup = alice.reset_keeping_copy()
    assert not list(alice.folder.glob("*.strokes.json"))
    profiles.import_archive(backup)
    assert alice.strokes(example) == SEVEN_STROKES


GOOD_STROKES = "0" * 32 + ".strokes.json"


def with_strokes(strokes_bytes, strokes_name=GOOD_STROKES, entry_name=GOOD_STROKES):
    """An archive's entries and index: one example, GOOD, whose index entry names `strokes_name`, and an
    entry `entry_name` holding `strokes_bytes`."""
    index = {
        "format": 1,
        "name": "mallory",
        "examples": [{"file": GOOD, "label": 1, "time": "t", "source": "import", "strokes": strokes_name}],
    }
    return {GOOD: png_bytes(), entry_name: strokes_bytes}, index


def points(count):
    return json.dumps([[[i % 200, i % 150] for i in range(count)]]).encode()


@pytest.mark.parametrize(
    "entries_and_index, message",
    [
        (with_strokes(points(profiles.store.MAX_STROKE_POINTS + 1)), "too many points"),
        (with_strokes(b"[[[NaN, 1], [2, 3]]]"), "not a number"),
        (with_strokes(b"[[[1e999, 1]]]"), "not a number"),
        (with_strokes(b"[[1, 2], [3, 4]]"), r"not \[x, y\] numbers"),
        (with_strokes(b'{"x": [1, 2]}'), "not JSON strokes"),
        (with_strokes(b"[]"), "no strokes"),
        (with_strokes(json.dumps([[[1, 2]]] * (profiles.store.MAX_STROKES + 1)).encode()), "too many strokes"),
        (with_strokes(b"[[[1, 2]]]" + b" " * profiles.store.MAX_STROKES_BYTES), "too large"),
        (with_strokes(b"[[[1, 2]]]", strokes_name="1" * 32 + ".strokes.json"), r"index\.json is damaged"),
        (with_strokes(b"[[[1, 2]]]", strokes_name="../" + GOOD_STROKES), r"index\.json is damaged"),
        (with_strokes(b"[[[1, 2]]]", entry_name="../" + GOOD_STROKES), "unexpected entry"),
        (with_strokes(b"[[[1, 2]]]", entry_name="1" * 32 + ".strokes.json"), "not in the archive"),
    ],
    ids=[
        "too-many-points",
        "nan",
        "infinite",
        "wrong-shape",
        "not-a-list",
        "empty",
        "too-many-strokes",
        "too-big",
        "another-examples-name",
        "a-path-in-the-index",
        "a-path-in-the-zip",
        "missing",
    ],
)
def test_hostile_strokes_in_an_archive_are_refused_in_one_line_and_nothing_is_imported(
    tmp_path, profiles_root, entries_and_index, message
):
    entries, index = entries_and_index
    with pytest.raises(ProfileError, match=message) as error:
        profiles.import_archive(write_archive(tmp_path / "bad.zip", entries, index))
    assert "\n" not in str(error.value)
    assert not list(profiles_root.iterdir())
