"""The Why? view's engine and `digitrec explain`: the opened-up network is Keras' own, its evidence is
faithful (the deletion test), and the command writes the picture and the numbers."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO_ROOT
from PIL import Image

from digitrec import Recognizer, bundle
from digitrec.cli import main
from digitrec.errors import DigitrecError
from digitrec.image import render_strokes
from digitrec.inside import pictures
from digitrec.inside.evidence import REAL_SAY, Explainer, runner_up, spread_over_ink

sys.path.insert(0, str(REPO_ROOT / "bench"))
import inside as deletion

FAITHFUL = 3.0  # the bound: the map's 10% lowers the answer's probability >= 3x as much as random
FLAGGED_ONE = [[(250, 80), (330, 40), (330, 260)]]  # a '1' with a long flag: the bundled model reads '7'


@pytest.fixture(scope="module")
def explainer():
    return Explainer().load()


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer().load()


@pytest.fixture(scope="module")
def test_digits(mnist):
    _, (images, labels) = mnist
    return images.astype(np.float32) / 255, labels


@pytest.fixture(scope="module")
def clean_seven(recognizer, test_digits):
    """MNIST's first test digit, a '7' read at 99.96% (its runner-up under 0.1%), as the recogniser read it."""
    x, labels = test_digits
    assert labels[0] == 7
    return recognizer.digit(x[0])


@pytest.fixture
def flagged_one(tmp_path):
    path = tmp_path / "flagged-one.png"
    render_strokes(FLAGGED_ONE, 12).save(path)
    return path


# ---------------------------------------------------------------- the opened-up network


@pytest.mark.slow
def test_the_bundled_inside_file_is_the_bundled_network_opened_up(test_digits, bundled_keras):
    """Its logits, gradients (against autodiff) and layer outputs are Keras' own, on 100 test digits."""
    from digitrec.inside import layers_export

    x, _ = test_digits
    layers_export.check_inside(bundle.inside_path(), bundled_keras, x[:100, ..., None])  # raises if not


def test_an_inside_file_of_another_network_fails_the_check_in_one_line(test_digits):
    from digitrec import model
    from digitrec.inside import layers_export

    x, _ = test_digits
    other = model.build("default")
    other(x[:1, ..., None])
    with pytest.raises(DigitrecError, match="disagrees with Keras") as failed:
        layers_export.check_inside(bundle.inside_path(), other, x[:100, ..., None])
    assert "\n" not in str(failed.value)


@pytest.mark.slow
def test_the_seed_architecture_opens_too(tmp_path, test_digits):
    """MaxPooling's gradient and a hidden dense layer: the tutorial's CNN, untrained, exported and checked."""
    from digitrec import model
    from digitrec.inside import layers_export

    x, _ = test_digits
    net = model.build("seed")
    net(x[:1, ..., None])
    path = layers_export.export_inside(net, tmp_path / "seed.inside.onnx", x[:50, ..., None])
    names = [layer["name"] for layer in Explainer(path).layer_labels]
    assert names == ["conv 1", "conv 2", "pool", "dense 1"]


# ---------------------------------------------------------------- the maps and the layers


def test_the_maps_are_28x28_and_the_same_each_time(explainer, recognizer, flagged_one):
    result = recognizer.digit(Image.open(flagged_one))
    first, again = explainer.explain([result], alone=True)[0], explainer.explain([result], alone=True)[0]
    for name, values in first.maps().items():
        assert values.shape == (28, 28) and values.dtype == np.float32, name
        np.testing.assert_array_equal(values, again.maps()[name])
    assert set(first.maps()) == {"contrast", "evidence", "runner_up_evidence"}
    assert set(explainer.explain([result])[0].maps()) == {"contrast"}  # the window's: the contrast alone


def test_the_maps_are_zero_where_there_is_no_ink(explainer, recognizer, flagged_one):
    why = explainer.explain([recognizer.digit(Image.open(flagged_one))], alone=True)[0]
    for values in why.maps().values():
        assert not values[why.model_input == 0].any()


def test_the_contrast_is_the_answers_evidence_less_the_runner_ups(explainer, recognizer, flagged_one):
    why = explainer.explain([recognizer.digit(Image.open(flagged_one))], alone=True)[0]
    np.testing.assert_allclose(why.contrast, why.evidence - why.runner_up_evidence, atol=1e-6)
    alone = explainer.explain([recognizer.digit(Image.open(flagged_one))])[0]
    np.testing.assert_allclose(alone.contrast, why.contrast, atol=1e-4)


def test_a_runner_up_with_no_real_say_is_not_contrasted(explainer, clean_seven):
    """A clean '7' whose runner-up has < 1%: the map is what made it a 7, not "7 and not 4" (no half of
    the 7 painted toward the runner-up): its ink is nearly all red."""
    why = explainer.explain([clean_seven], alone=True)[0]
    assert why.probabilities[why.runner_up] < REAL_SAY
    assert why.against is None and why.title == "what made it a 7?" and why.ends == ("against 7", "toward 7")
    np.testing.assert_array_equal(why.contrast, why.evidence)
    toward, away = why.contrast[why.contrast > 0].sum(), -why.contrast[why.contrast < 0].sum()
    assert away < 0.1 * toward


def test_a_runner_up_with_a_real_say_is_contrasted(explainer, recognizer, flagged_one):
    """The flagged '1' reads '7' at 57% against '1' at 43%: the map is why 7 and not 1."""
    why = explainer.explain([recognizer.digit(Image.open(flagged_one))])[0]
    assert why.against == why.runner_up == 1
    assert why.title == "why 7 and not 1?" and why.ends == ("toward 1", "toward 7")


def test_the_maps_are_smooth_along_the_strokes(explainer, recognizer, test_digits):
    """Neighbouring ink pixels carry like evidence: their correlation is high, where the raw integrated
    gradients' is not (speckled pixel by pixel). On 50 MNIST test digits (bench/inside.py's measure)."""
    x, _ = test_digits
    results = [recognizer.digit(image) for image in x[:50]]
    inputs = np.stack([r.model_input for r in results])
    smooth = np.stack([why.contrast for why in explainer.explain(results)])
    raw = np.stack([why.contrast for why in Explainer(sigma=0).explain(results)])
    assert deletion.smoothness(smooth, inputs) > 0.8 > deletion.smoothness(raw, inputs) + 0.3


def test_spreading_over_the_ink_keeps_the_total_and_nothing_off_the_ink():
    rng = np.random.default_rng(0)
    ink = np.where(rng.random((3, 28, 28)) < 0.2, rng.random((3, 28, 28)), 0).astype(np.float32)
    maps = (rng.normal(size=ink.shape) * (ink > 0)).astype(np.float32)
    spread = spread_over_ink(maps, ink, 1.5)
    np.testing.assert_allclose(spread.sum(axis=(1, 2)), maps.sum(axis=(1, 2)), rtol=1e-4, atol=1e-4)
    assert not spread[ink == 0].any()
    assert np.abs(spread - maps).max() > 0.1  # it did move evidence


def test_the_flag_of_a_misread_one_is_what_pushed_toward_seven(explainer, recognizer, flagged_one):
    """The '1' with a flag reads '7' (runner-up '1'): the flag is the evidence for 7, more of it to a
    pixel than the stem's."""
    why = explainer.explain([recognizer.digit(Image.open(flagged_one))])[0]
    assert (why.answer, why.runner_up) == (7, 1)
    ink = why.model_input > 0.3
    rows = np.nonzero(ink.any(axis=1))[0]
    stem_left = np.nonzero(ink[rows[len(rows) // 2] :].any(axis=0))[0].min()  # the stem: the lower half's columns
    flag, stem = ink.copy(), ink.copy()
    flag[:, stem_left - 1 :] = False
    stem[:, : stem_left - 1] = False
    assert why.contrast[flag].mean() > 0 and why.contrast[flag].mean() > why.contrast[stem].mean()


def test_the_answer_given_is_explained_not_the_networks_own(explainer, recognizer, flagged_one):
    """The app's answer (a profile's, several networks') may not be this network's choice."""
    result = recognizer.digit(Image.open(flagged_one))
    as_one = type("Answer", (), {"digit": 1, "probabilities": result.probabilities, "model_input": result.model_input})
    why = explainer.explain([as_one])[0]
    assert (why.answer, why.runner_up) == (1, 7)


def test_the_layers_are_labelled_and_ordered_strongest_first(explainer, recognizer, flagged_one):
    why = explainer.explain([recognizer.digit(Image.open(flagged_one))])[0]
    assert [layer.name for layer in why.layers] == [f"conv {i}" for i in range(1, 8)]
    first = why.layers[1]
    assert first.label == "conv 2 · 24×24 · 32 filters: edges and bits of stroke"
    strongest = first.activations.max(axis=(0, 1))[first.order]
    assert (np.diff(strongest) <= 0).all()


def test_a_number_is_explained_digit_by_digit_in_one_batch(explainer, recognizer):
    number = recognizer.number(render_strokes([[(20, 20), (20, 180)], [(80, 20), (180, 20), (120, 180)]], 12))
    explanations = explainer.explain(number.digits)
    assert [w.answer for w in explanations] == [d.digit for d in number.digits] == [1, 7]
    assert [w.runner_up for w in explanations] == [runner_up(d.probabilities, d.digit) for d in number.digits]


# ---------------------------------------------------------------- faithful: the deletion test


@pytest.mark.slow
def test_deleting_the_ink_the_map_ranks_highest_lowers_the_answer_3x_more_than_random(recognizer, test_digits):
    """On 100 MNIST test digits: at 10% of the ink, the window's map against random (bench/inside.py)."""
    x, _ = test_digits
    x = x[:100]
    probabilities = recognizer.probabilities(x)
    answers = probabilities.argmax(axis=1)
    maps = deletion.maps_of(deletion.CHOSEN, Explainer(threads=0), recognizer, x, probabilities)
    curve = deletion.deletion_curve(recognizer.probabilities, x, answers, maps, [0, 0.1])
    random = deletion.random_curve(recognizer.probabilities, x, answers, draws=3, fractions=[0, 0.1])
    assert deletion.ratio(curve, random, np.array([0, 0.1])) >= FAITHFUL, (curve, random)


# ---------------------------------------------------------------- digitrec explain


def test_explain_writes_the_picture(flagged_one, tmp_path):
    out = tmp_path / "why.png"
    assert main(["explain", str(flagged_one), "-o", str(out)]) == 0
    with Image.open(out) as picture:
        assert picture.format == "PNG" and picture.width >= 600 and picture.height >= 600


def test_explain_json_gives_the_answer_probabilities_and_each_map(flagged_one, capsys):
    assert main(["explain", str(flagged_one), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["number"] == "7"
    [digit] = record["digits"]
    assert (digit["digit"], digit["runner_up"]) == (7, 1)
    assert len(digit["probabilities"]) == 10
    assert set(digit["maps"]) == {"evidence", "runner_up_evidence", "contrast"}
    for values in [*digit["maps"].values(), digit["model_input"]]:
        assert np.array(values, dtype=float).shape == (28, 28)


def test_explain_number_explains_each_digit(tmp_path, capsys):
    path = tmp_path / "17.png"
    render_strokes([[(20, 20), (20, 180)], [(80, 20), (180, 20), (120, 180)]], 12).save(path)
    out = tmp_path / "why.png"
    assert main(["explain", "--number", str(path), "--json", "-o", str(out)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["number"] == "17" and len(record["digits"]) == 2
    assert out.is_file()


def test_explain_json_says_whether_the_runner_up_had_a_say(flagged_one, tmp_path, capsys):
    plain = tmp_path / "7.png"
    render_strokes([[(40, 40), (200, 40), (110, 240)]], 12).save(plain)
    for path in (flagged_one, plain):
        assert main(["explain", str(path), "--json"]) == 0
        [digit] = json.loads(capsys.readouterr().out)["digits"]
        said = digit["probabilities"][digit["runner_up"]] >= REAL_SAY
        assert digit["against"] == (digit["runner_up"] if said else None)


def test_explain_says_what_it_wrote_on_stderr(flagged_one, tmp_path, capsys):
    out = tmp_path / "why.png"
    assert main(["explain", str(flagged_one), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"digitrec explain: wrote {out}: why {flagged_one} reads 7\n"


@pytest.mark.parametrize("name, format", [("why.jpg", "JPEG"), ("why.JPEG", "JPEG"), ("why.webp", "WEBP")])
def test_explain_writes_the_format_the_extension_names(flagged_one, tmp_path, name, format):
    assert main(["explain", str(flagged_one), "-o", str(tmp_path / name)]) == 0
    with Image.open(tmp_path / name) as picture:
        assert picture.format == format and picture.width >= 600


@pytest.mark.parametrize("name", ["why.txt", "why"])
def test_an_extension_naming_no_picture_format_is_refused_before_any_work(flagged_one, tmp_path, name, capsys):
    assert main(["explain", str(flagged_one), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"digitrec explain: error: {tmp_path / name}: ") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == [flagged_one]


def test_explain_json_says_how_many_digit_groups_a_file_read_as_one_holds(tmp_path, capsys):
    path = tmp_path / "17.png"
    render_strokes([[(20, 20), (20, 180)], [(80, 20), (180, 20), (120, 180)]], 12).save(path)
    assert main(["explain", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digit_groups"] == 2
    assert main(["explain", str(path), "--json", "--number"]) == 0
    assert json.loads(capsys.readouterr().out)["digit_groups"] is None


def test_explain_reads_with_a_profile_only_when_named_and_says_whether_it_decided(flagged_one, capsys):
    Recognizer(profile="default").learn(render_strokes(FLAGGED_ONE, 12), 1)
    for args, decided, digit in (([], False, 7), (["--profile", "default"], True, 1)):
        assert main(["explain", str(flagged_one), "--json", *args]) == 0
        out, err = capsys.readouterr()
        [answer] = json.loads(out)["digits"]
        assert (answer["digit"], answer["from_profile"], answer["model_digit"]) == (digit, decided, 7)
        assert 0.5 < answer["model_confidence"] <= 1
        assert err == ("digitrec explain: using profile default: 1 example\n" if args else "")


@pytest.mark.parametrize(
    "make, args, message",
    [
        (lambda path: None, ["-o", "why.png"], "no such file"),
        (lambda path: path.write_text("not an image"), ["--json"], "not an image file"),
        (lambda path: Image.new("L", (50, 50), 255).save(path, format="PNG"), ["--json"], "no ink"),
        (lambda path: render_strokes(FLAGGED_ONE, 12).save(path, format="PNG"), [], "-o why.png"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, make, args, message):
    path = tmp_path / "input.png"
    make(path)
    assert main(["explain", str(path), *[str(tmp_path / a) if a.endswith(".png") else a for a in args]]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and captured.err.count("\n") == 1


def test_explain_needs_no_tensorflow(flagged_one, tmp_path):
    """The default install (ONNX Runtime, NumPy, Pillow) explains and draws the picture."""
    code = (
        "import sys; from digitrec.cli import main; "
        f"status = main(['explain', {str(flagged_one)!r}, '-o', {str(tmp_path / 'w.png')!r}]); "
        "print(status, [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "[]"]


def test_explain_reads_a_stroke_file_and_gives_what_the_picture_and_the_path_each_read(tmp_path, capsys):
    drawn = tmp_path / "seven.json"
    drawn.write_text(json.dumps([[[40, 40], [200, 40], [100, 260]], [[60, 150], [150, 150]]]))
    assert main(["explain", str(drawn), "--json", "-o", str(tmp_path / "why.png")]) == 0
    digit = json.loads(capsys.readouterr().out)["digits"][0]
    assert digit["digit"] == 7 and digit["picture"]["digit"] == 7 and digit["path"]["digit"] == 7
    assert len(digit["path"]["probabilities"]) == 10 and (tmp_path / "why.png").is_file()


def test_explain_of_an_image_gives_the_picture_reading_and_no_path(tmp_path, capsys):
    image = tmp_path / "seven.png"
    render_strokes([[(40, 40), (200, 40), (100, 260)]], 12).save(image)
    assert main(["explain", str(image), "--json"]) == 0
    digit = json.loads(capsys.readouterr().out)["digits"][0]
    assert digit["path"] is None and digit["picture"]["digit"] == digit["model_digit"]


def test_the_drawing_order_picture_goes_from_light_to_dark_with_each_stroke_start_marked():
    # Two upward strokes, fitted at x = 31 and 69 px, from y = 88 px up to 12 px.
    order = np.asarray(pictures.drawing_order([[(0, 100), (0, 0)], [(50, 100), (50, 0)]], 100, 3)).astype(int)
    first, second = order[50, 27:36].min(axis=0), order[50, 65:74].min(axis=0)  # each stroke halfway up
    assert first.sum() > second.sum()  # the first stroke drawn lighter than the second
    red = (order[..., 0] > 180) & (order[..., 1] < 80) & (order[..., 2] < 80)
    assert red[82:95, 25:37].any() and red[82:95, 63:75].any()  # a dot where each began (the bottom)
    assert not red[5:20].any()  # and none where they ended
