"""Teaching digitrec a person's handwriting: one correction fixes that form, and nothing else changes."""

import json
import sys

import numpy as np
import pytest
from conftest import REPO_ROOT

from digitrec import Recognizer
from digitrec.cli import main
from digitrec.image import render_strokes
from digitrec.profile import Profile, ProfileError
from digitrec.profile.adapt import Adapter
from digitrec.recognize import NoInkError, ProfileConflict


def flagged_one(x=150, y=40, scale=1.0, pen=12):
    """A '1' with a long flag, as much of Europe writes it: the bundled model reads it '7'."""
    return render_strokes([[(x - 80 * scale, y + 40 * scale), (x, y), (x, y + 220 * scale)]], pen)


def seven(x=150, y=40, scale=1.0, pen=12):
    return render_strokes([[(x - 90 * scale, y), (x, y), (x - 60 * scale, y + 220 * scale)]], pen)


def crossed_seven(x=150, y=40, scale=1.0, pen=12):
    return render_strokes(
        [
            [(x - 90 * scale, y), (x, y), (x - 60 * scale, y + 220 * scale)],
            [(x - 80 * scale, y + 110 * scale), (x - 10 * scale, y + 110 * scale)],
        ],
        pen,
    )


ELSEWHERE = [dict(x=300, y=100, scale=0.6, pen=8), dict(x=200, y=30, scale=1.3, pen=20), dict(x=90, y=60, pen=16)]


@pytest.fixture
def alice():
    return Recognizer(profile="alice").load()


def test_the_flagged_one_is_misread_without_a_profile(alice):
    assert alice.digit(flagged_one()).digit == 7


def test_one_correction_fixes_the_same_form_drawn_again_anywhere(alice):
    example = alice.learn(flagged_one(), 1, source="correction")
    for place in ELSEWHERE:
        result = alice.digit(flagged_one(**place))
        assert (result.digit, result.from_profile, result.example) == (1, True, example), place
        assert result.confident


def test_the_profile_applies_from_the_first_answer():
    Recognizer(profile="bob").learn(flagged_one(), 1)
    assert Recognizer(profile="bob").digit(flagged_one(x=200)).digit == 1  # no load() first
    assert (
        Recognizer(profile="bob").probabilities(Recognizer().digit(flagged_one(x=200)).model_input[None]).argmax() == 1
    )


def test_nearest_examples_give_each_taught_digits_nearest_and_how_near(alice):
    drawing = Recognizer().digit(flagged_one(x=200)).model_input
    assert alice.nearest_examples(drawing) == {}
    one, _ = alice.learn(flagged_one(), 1), alice.learn(crossed_seven(), 7)
    nearest = alice.nearest_examples(drawing)
    assert sorted(nearest) == [1, 7]
    assert nearest[1][0] == one
    assert 0.9 < nearest[1][1] <= 1.0001 and nearest[7][1] < nearest[1][1]


FLAGGED_ONE_STROKES = [[(70.0, 80.0), (150.0, 40.0), (150.0, 260.0)]]


def test_a_result_learnt_with_its_strokes_keeps_them_beside_its_example(alice, own_profiles):
    result = alice.digit_from_strokes(FLAGGED_ONE_STROKES)
    example = alice.learn_input(result.model_input, 1, source="correction", strokes=result.strokes)
    assert (own_profiles / "alice" / example.strokes).is_file()
    assert alice.profile.strokes(alice.examples[0]) == FLAGGED_ONE_STROKES
    taught = alice.learn(crossed_seven(), 7, strokes=[[(60.0, 40.0), (150.0, 40.0)], [(70.0, 150.0), (140.0, 150.0)]])
    assert alice.profile.strokes(taught) == [[(60.0, 40.0), (150.0, 40.0)], [(70.0, 150.0), (140.0, 150.0)]]


def test_a_profile_written_before_strokes_still_reads_and_learns(own_profiles):
    folder = own_profiles / "old"
    folder.mkdir()
    Recognizer(profile="scratch").learn(flagged_one(), 1)  # an example's PNG, as any version wrote it
    png = next((own_profiles / "scratch").glob("*.png"))
    (folder / png.name).write_bytes(png.read_bytes())
    entry = {"file": png.name, "label": 1, "time": "2026-12-01T19:40:00+00:00", "source": "correction"}
    (folder / "index.json").write_text(json.dumps({"format": 1, "name": "old", "examples": [entry]}))
    old = Recognizer(profile="old")
    assert old.digit(flagged_one(x=200)).digit == 1 and old.profile_error is None
    new = old.learn(crossed_seven(), 7, strokes=[[(60.0, 40.0), (150.0, 40.0)]])
    assert [e.strokes for e in old.examples] == [None, new.strokes] and new.strokes is not None


def test_sevens_still_read_seven_after_the_correction(alice):
    alice.learn(flagged_one(), 1)
    for place in [{}, *ELSEWHERE]:
        for drawing in (seven(**place), crossed_seven(**place)):
            result = alice.digit(drawing)
            assert (result.digit, result.from_profile, result.example) == (7, False, None), place


def test_a_correction_counts_in_numbers_too(alice):
    drawing = render_strokes([[(70, 80), (150, 40), (150, 260)], [(270, 80), (350, 40), (350, 260)]], 12)
    assert alice.number(drawing).text == "77"
    alice.learn(flagged_one(), 1)
    assert alice.number(drawing).text == "11"


def test_once_their_sevens_are_taught_their_flagged_one_reads_one_even_where_mnist_means_seven(alice, mnist):
    # The person is the reference for the digits they taught: their '7' is crossed, so a flagged stroke
    # is their '1', even drawn as MNIST's uncrossed '7' (and MNIST's own '7's read '1' for them: right for them).
    _, (images, labels) = mnist
    alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    assert alice.digit(seven()).digit == 1
    assert alice.digit(crossed_seven(x=200, scale=0.8)).digit == 7
    sevens = images[labels == 7][:300].astype(np.float32) / 255
    assert (alice.probabilities(sevens).argmax(axis=1) == 1).mean() > 0.25  # 59% with the bundled model


@pytest.mark.slow
def test_digits_never_taught_read_as_without_the_profile(alice, mnist):
    _, (images, labels) = mnist
    alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    others = images[~np.isin(labels, [1, 7])][:3000].astype(np.float32) / 255
    plain = Recognizer().probabilities(others).argmax(axis=1)
    assert (alice.probabilities(others).argmax(axis=1) == plain).mean() >= 0.999


@pytest.mark.slow
def test_without_a_profile_nothing_changes(alice, mnist):
    _, (images, _) = mnist
    x = images[:2000].astype(np.float32) / 255
    plain = Recognizer().probabilities(x)
    np.testing.assert_array_equal(Recognizer(profile="nobody").probabilities(x), plain)
    np.testing.assert_array_equal(alice.probabilities(x), plain)  # an empty profile


def test_undo_and_reset_take_the_correction_back(alice):
    alice.learn(flagged_one(), 1)
    assert alice.undo().label == 1
    assert alice.digit(flagged_one()).digit == 7 and alice.examples == []
    alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    assert alice.reset_profile() == 2
    assert alice.digit(flagged_one()).digit == 7


def test_forgetting_one_example_keeps_the_others(alice):
    one = alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    assert alice.forget([one.id]) == [one]
    assert [e.label for e in alice.examples] == [7]


def test_an_example_that_contradicts_earlier_ones_is_reported_not_learnt(alice):
    alice.learn(flagged_one(), 1)
    alice.learn(flagged_one(x=200, scale=0.9), 1)
    with pytest.raises(ProfileConflict, match="looks like 1 of your '1'") as conflict:
        alice.learn(flagged_one(x=120, scale=0.95), 4)
    assert len(conflict.value.examples) == 1
    assert [e.label for e in Profile("alice").examples()] == [1, 1]
    alice.learn(flagged_one(x=120, scale=0.95), 4, replace=True)  # "learn it anyway"
    assert sorted(e.label for e in Profile("alice").examples()) == [1, 4]


def test_a_new_form_of_another_digit_is_no_conflict(alice):
    alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    assert [e.label for e in alice.examples] == [1, 7]


def test_examples_another_process_added_are_used_after_a_reload(alice):
    other = Recognizer(profile="alice")
    other.learn(flagged_one(), 1)
    assert alice.digit(flagged_one(x=200)).digit == 7  # not yet: this recogniser read the profile before
    alice.reload_profile()
    assert alice.digit(flagged_one(x=200)).digit == 1


def test_the_network_reads_each_example_once_not_at_every_correction(alice, monkeypatch):
    # A correction read every example again, three times: 0.7 s with 500 examples, 1 s by 740.
    for column in range(6, 18):
        bar = np.zeros((28, 28), np.float32)
        bar[4:24, column : column + 3] = 1
        alice.learn_input(bar, 1)
    read = []
    original = Profile.images
    monkeypatch.setattr(
        Profile, "images", lambda self, examples=None: read.append(len(examples)) or original(self, examples)
    )
    alice.learn(crossed_seven(), 7)
    assert read == [1]  # the new example, once stored
    assert alice.digit(crossed_seven(x=200)).digit == 7 and len(alice.examples) == 13


def test_an_example_image_changed_on_disk_is_read_again(alice, own_profiles):
    example = alice.learn(flagged_one(), 1)
    (own_profiles / "alice" / example.file).write_bytes(b"not a png any more")
    alice.reload_profile()
    assert example.file in alice.profile_error and alice.digit(flagged_one(x=200)).digit == 7


def test_learning_needs_ink_a_digit_and_a_profile(alice):
    with pytest.raises(NoInkError):
        alice.learn(np.zeros((50, 50)), 1)
    with pytest.raises(ProfileError, match="label"):
        alice.learn(flagged_one(), 12)
    with pytest.raises(ProfileError, match="no profile"):
        Recognizer().learn(flagged_one(), 1)


def test_a_damaged_profile_is_reported_and_the_model_answers_alone(own_profiles):
    Recognizer(profile="alice").learn(flagged_one(), 1)
    index = own_profiles / "alice" / "index.json"
    index.write_text("{ damaged")
    recognizer = Recognizer(profile="alice").load()
    assert "index.json is damaged" in recognizer.profile_error
    assert recognizer.digit(flagged_one()).digit == 7
    with pytest.raises(ProfileError, match="not learning"):
        recognizer.learn(flagged_one(), 1)
    assert index.read_text() == "{ damaged"
    assert len(list((own_profiles / "alice").glob("*.png"))) == 1


# ---------------------------------------------------------------- the rule (digitrec.profile.adapt), on plain vectors


def form(*weights):
    """A 4-value form (what the network's forms output would be, shortened)."""
    return np.array(weights + (0,) * (4 - len(weights)), np.float32)


# MNIST's prototypes: a '7' along the first axis, a '3' along the third.
PROTOTYPES, PROTOTYPE_LABELS = np.stack([form(1), form(0, 0, 1)]), [7, 3]
SURE_SEVEN = np.array([[0.0] * 7 + [1.0, 0, 0]], np.float32)
FLAGGED = form(1, 0.6)  # a person's flagged '1': nearer MNIST's '7' (0.86) than their own '1' (0.80)


def adapter(*examples):
    """An Adapter holding (form, label) examples, min_similarity 0.6."""
    base = Adapter(PROTOTYPES, PROTOTYPE_LABELS, 0.6)
    if not examples:
        return base
    return base.with_examples(np.stack([f for f, _ in examples]), [label for _, label in examples])


def test_rule_a_taught_flagged_one_beats_mnists_seven_once_the_persons_sevens_are_taught():
    their_one, their_seven = (form(0.5, 1), 1), (form(0.2, 0, 0, 1), 7)  # their '7' is crossed: unlike MNIST's
    probabilities, deciding = adapter(their_one, their_seven).adjust(SURE_SEVEN, FLAGGED[None])
    assert deciding.tolist() == [0] and probabilities.argmax() == 1
    # With no '7' of theirs, MNIST's '7' is the reference for '7', and it is nearer.
    assert adapter(their_one).deciding_examples(FLAGGED[None]).tolist() == [-1]


def test_rule_a_digit_never_taught_keeps_mnists_prototypes_as_its_guard():
    three = form(0.1, 0.3, 1)  # an MNIST-like '3': their '8' is near (0.74), MNIST's '3' nearer (0.95)
    probabilities = np.array([[0, 0, 0, 1.0, 0, 0, 0, 0, 0, 0]], np.float32)
    adjusted, deciding = adapter((form(0.3, 1, 1), 8), (form(1), 7)).adjust(probabilities, three[None])
    assert deciding.tolist() == [-1]
    np.testing.assert_array_equal(adjusted, probabilities)


def test_rule_an_example_counts_only_from_min_similarity():
    far = form(0, 0, 0, 1)  # 0.45 from their '5' (below 0.6), unlike anything else
    assert adapter((form(0, 0, 0.9, 0.5), 5)).deciding_examples(far[None]).tolist() == [-1]


NO_PATH = np.full(2, np.nan, np.float32)


def with_paths(*examples):
    """An Adapter holding (form, path form, label) examples (a NaN path: drawn without strokes)."""
    return Adapter(PROTOTYPES, PROTOTYPE_LABELS, 0.6).with_examples(
        np.stack([f for f, _, _ in examples]),
        [label for _, _, label in examples],
        np.stack([p for _, p, _ in examples]),
    )


def test_rule_a_drawing_like_one_example_but_drawn_like_another_is_read_as_it_was_drawn():
    # Their '7' and their '1' look alike (a flagged '1'); they were drawn differently: along a bar, up a flag.
    profile = with_paths(
        (form(1, 0.3), np.array([1, 0], np.float32), 7), (form(1, 0.7), np.array([0, 1], np.float32), 1)
    )
    drawing = form(1, 0.4)  # looks more like their '7' (0.99 against 0.95)
    assert profile.deciding_examples(drawing[None]).tolist() == [0]  # no path: the picture's nearest
    assert profile.deciding_examples(drawing[None], paths=np.array([[0.1, 1]], np.float32)).tolist() == [1]


def test_rule_an_example_or_drawing_without_strokes_is_compared_by_its_forms_alone():
    drawing, drawn_like_the_one = form(1, 0.4)[None], np.array([[0.1, 1]], np.float32)
    profile = with_paths((form(1, 0.3), NO_PATH, 7), (form(1, 0.7), np.array([0, 1], np.float32), 1))
    alike = profile.similarities(drawing, drawn_like_the_one)[0]
    forms_alone = profile.similarities(drawing)[0]
    assert alike[0] == forms_alone[0] and alike[1] != forms_alone[1]
    assert profile.similarities(drawing, NO_PATH[None]).tolist() == forms_alone[None].tolist()


# ---------------------------------------------------------------- the command line


@pytest.fixture
def one_png(tmp_path):
    path = tmp_path / "one.png"
    flagged_one().save(path)
    return path


def test_predict_reads_with_the_named_profile(one_png, capsys):
    Recognizer(profile="alice").learn(flagged_one(x=200, scale=0.8), 1)
    assert main(["predict", "--json", str(one_png)]) == 0
    assert json.loads(capsys.readouterr().out)["digit"] == 7
    assert main(["predict", "--json", "--profile", "alice", str(one_png)]) == 0
    assert json.loads(capsys.readouterr().out)["digit"] == 1


def test_predict_reads_with_the_windows_default_profile_only_when_asked(one_png, capsys):
    Recognizer(profile="default").learn(flagged_one(), 1)
    assert main(["predict", str(one_png)]) == 0
    assert capsys.readouterr().out.startswith(f"{one_png}: 7")
    assert main(["predict", "--profile", "default", str(one_png)]) == 0
    assert capsys.readouterr().out.startswith(f"{one_png}: 1")


def test_predict_with_an_unknown_profile_is_one_line_and_exit_1(one_png, capsys):
    assert main(["predict", "--profile", "zed", str(one_png)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no profile 'zed'" in err
    assert main(["predict", "--profile", "zed", "--no-profile", str(one_png)]) == 1
    assert "not both" in capsys.readouterr().err


def test_predict_with_a_damaged_profile_warns_and_answers(one_png, own_profiles, capsys):
    Recognizer(profile="alice").learn(flagged_one(), 1)
    (own_profiles / "alice" / "index.json").write_text("[]")
    assert main(["predict", "--profile", "alice", str(one_png)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{one_png}: 7")
    assert err.count("\n") == 1 and "warning: profile alice" in err and "without the profile" in err


def test_profile_commands_list_show_export_import_reset(tmp_path, capsys):
    alice = Recognizer(profile="alice")
    alice.learn(flagged_one(), 1)
    alice.learn(crossed_seven(), 7)
    assert main(["profile", "list"]) == 0
    assert capsys.readouterr().out == "alice: 2 examples\n"
    assert main(["profile", "show", "alice"]) == 0
    assert "profile alice: 2 examples" in capsys.readouterr().out
    archive = tmp_path / "alice.zip"
    assert main(["profile", "export", "alice", str(archive)]) == 0
    assert main(["profile", "import", str(archive), "--name", "bob"]) == 0
    assert "added 2 examples" in capsys.readouterr().out
    assert main(["profile", "reset", "alice", "--yes"]) == 0
    assert main(["profile", "list"]) == 0
    assert capsys.readouterr().out.endswith("alice: 0 examples\nbob: 2 examples\n")
    assert Recognizer(profile="bob").digit(flagged_one(x=220)).digit == 1


def test_profile_commands_on_a_missing_profile_or_bad_file_are_one_line(tmp_path, capsys):
    (tmp_path / "x.zip").write_text("not a zip")
    for args in (
        ["show", "nobody"],
        ["reset", "nobody"],
        ["export", "nobody", str(tmp_path / "n.zip")],
        ["import", str(tmp_path / "x.zip")],
        ["import", str(tmp_path / "absent.zip")],
    ):
        assert main(["profile", *args]) == 1, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("digitrec profile: error:"), err


# ---------------------------------------------------------------- real writers (bench/personal.py)

# The protocol on the 13 dev writers (bench/personal.py): Teach mode (three of each digit), then every
# wrong answer on the first half of the rest corrected and every right one kept (learnt, as the window does).
# Figures on the second halves (1,628 digits) with the bundled model: 9 -> 2 errors, mean writer 99.37% ->
# 99.86%, worst 99.09%, 0.09 corrections per 50 digits drawn, no writer worse. The floors sit just under them,
# to catch a change that loses ground. Every writer >= 99.5% is not met: one of the two errors left is writer
# 24's '6' drawn as their own '5' (docs/personal.md).
ERRORS_WITH = 3
MEAN_WRITER = 0.998
WORST_WRITER = 0.99


@pytest.mark.slow
def test_dev_writers_who_teach_and_correct_are_read_as_they_mean(mnist_dir, monkeypatch):
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    import personal

    for path in (personal.DEFAULT_FILE, personal.UNIPEN_FILE):
        if not path.is_file():
            pytest.skip(f"the dev writers' digits are not at {path}")
    monkeypatch.setenv("DIGITREC_DATA", str(mnist_dir))
    results = personal.run("dev", mnist_writers=0)
    assert results["writers"] == 13
    assert results["errors_with"] <= ERRORS_WITH, results["per_writer"]
    assert results["mean_accuracy_with"] >= MEAN_WRITER, results["mean_accuracy_with"]
    assert results["worst_writer_with"] >= WORST_WRITER, results["per_writer"]
    assert results["writers_worse"] == 0, results["per_writer"]
    assert results["corrections_per_50"] <= personal.GOALS["corrections_per_50"], results["corrections_per_50"]
