"""How much a handwriting profile helps: the dev writers, each teaching digitrec as the window asks.

    python bench/personal.py [--model PATH] [--teach ROUNDS] [--no-keep] [--writers dev|design] [--json]
                             [--mnist-writers N] [--sizes 0,500,2000] [--pendigits FILE] [--unipen FILE]
                             [--picture FILE] [--pictures]

The writers are users with an empty profile (in a temporary folder), and no model has
trained on them: pendigits writers 21-30 (../shared/data/pendigits) and the UNIPEN dev
writers 107, 108 and 109 (../shared/data/unipen-dev), 13 in all. Each one:

1. runs Teach mode: it asks for each digit ROUNDS times (--teach, default 3, as the
   window does), and they draw their first ROUNDS of that digit, in recorded order
   (a writer with fewer of a digit teaches what there is, as Skip does);
2. draws the first half of the rest of their digits, in the order they recorded them,
   as the window reads them: their strokes, through `Recognizer.digit_from_strokes` (the
   picture, with the window's pen: 12 px on a 280 px canvas, and the path; --pictures: the
   picture alone, `Recognizer.digit`), and corrects every wrong answer at once with
   `Recognizer.learn` and the true digit, its strokes kept with it (an example reported
   as contradicting earlier ones is learnt anyway, as the window's button does); each right
   answer they keep is learnt too, as the window does (source "kept"; one that would contradict
   earlier examples is left out, as the window leaves it); --no-keep: corrections only;
3. the second half is read with their profile and without.

Prints per writer (worst with the profile first) what they taught, drew and corrected, the
errors on the second half without and with the profile, and what was misread with it (true->answer,
"by their d": an example of their d decided it; the similarity of their nearest example of each of the
two digits; whether correcting it would contradict examples they taught; --picture saves them side by
side); the totals, the corrections per 50
digits drawn after Teach mode, the issue's goals met or not; how long a correction takes to
count; MNIST's test accuracy with the N heaviest profiles (information: a profile of someone
whose '1' is MNIST's '7' reads MNIST's '7's as '1's, and that is right for that person); and
how long a correction takes to count in a profile that already holds many examples (--sizes;
MNIST test digits as the examples).

Nothing here tunes anything: `digitrec.profile.adapt` has one setting, the model's min_similarity,
fixed on MNIST. `--writers design` runs pendigits writers 1-20 instead (training writers of
the models that train on pen digits), the only writers a design choice may look at.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digitrec import Recognizer, bundle, data, kept, pendigits
from digitrec.image import render_strokes
from digitrec.recognize import DEFAULT_PEN_WIDTH, NoInkError, ProfileConflict

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pen_digits import PENDIGITS_FILE, UNIPEN_FILE

DEFAULT_FILE = PENDIGITS_FILE
UNIPEN_WRITERS = (107, 108, 109)  # the UNIPEN dev writers with enough digits to teach and measure
TEACH_ROUNDS = 3  # as the window's Teach mode (digitrec.gui.teaching)
CHOOSING_WRITERS = range(16, 21)  # where profile.adapt.PATH_WEIGHT is chosen (--choose-path-weight)
PATH_WEIGHTS = (0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75)
# The issue's goals on the dev writers.
GOALS = {"every_writer": 0.995, "mean_writer": 0.998, "corrections_per_50": 1.0}


def by_writer(digits):
    """{writer: [PenDigit, ...] in recorded order}."""
    writers = {}
    for digit in digits:
        writers.setdefault(digit.writer, []).append(digit)
    return writers


def writers_of(which, pendigits_file=DEFAULT_FILE, unipen_file=UNIPEN_FILE):
    """{writer: [PenDigit, ...]}: "dev" (pendigits 21-30, UNIPEN 107-109), "design" (pendigits 1-20) or
    "choose" (pendigits 16-20, for models trained without them: `--choose-path-weight`)."""
    pen = by_writer(pendigits.read(pendigits_file))
    if which == "design":
        return {w: digits for w, digits in pen.items() if w in pendigits.TRAIN_WRITERS}
    if which == "choose":
        return {w: digits for w, digits in pen.items() if w in CHOOSING_WRITERS}
    dev = {w: digits for w, digits in pen.items() if w not in pendigits.TRAIN_WRITERS}
    unipen = by_writer(pendigits.read(unipen_file)) if Path(unipen_file).is_file() else {}
    return {**dev, **{w: unipen[w] for w in UNIPEN_WRITERS if w in unipen}}


def taught_first(digits, rounds):
    """The indexes Teach mode takes: each digit's first `rounds` in `digits`, in recorded order."""
    taught = []
    for label in range(10):
        taught += [i for i, d in enumerate(digits) if d.label == label][:rounds]
    return sorted(taught)


def read(recognizer, strokes, pictures=False):
    """The window's answer (a DigitResult) for one drawn digit: from its strokes, picture and path;
    pictures=True: from its picture alone (the way before the path model)."""
    if pictures:
        return recognizer.digit(render_strokes(strokes, DEFAULT_PEN_WIDTH))
    return recognizer.digit_from_strokes(strokes)


def learn(recognizer, strokes, label, source, replace=False, pictures=False):
    """Teach `recognizer`'s profile one drawn digit, with its strokes as the window keeps them (pictures=True:
    the picture alone, as profiles were before they kept strokes)."""
    image = render_strokes(strokes, DEFAULT_PEN_WIDTH)
    return recognizer.learn(image, label, source=source, replace=replace, strokes=None if pictures else strokes)


def simulate(digits, plain, model, folder, teach=TEACH_ROUNDS, keep=True, pictures=False):
    """One writer's session: returns their row of figures, their Recognizer (with the profile) and
    how long each example took to count (s)."""
    mine = Recognizer(model, profile=folder).load()
    drawings = [pendigits.fitted(d.strokes) for d in digits]
    taught = taught_first(digits, teach)
    rest = [i for i in range(len(digits)) if i not in set(taught)]
    drawn, second = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    learn_s, conflicts, corrections, kept_count = [], 0, 0, 0

    def teach(i, source):
        nonlocal conflicts
        started = time.perf_counter()
        try:
            learn(mine, drawings[i], digits[i].label, source, pictures=pictures)
        except ProfileConflict:  # the user is told, and says "learn it anyway"
            conflicts += 1
            learn(mine, drawings[i], digits[i].label, source, replace=True, pictures=pictures)
        learn_s.append(time.perf_counter() - started)

    for i in taught:
        teach(i, "teach")
    for i in drawn:
        answer = read(mine, drawings[i], pictures)
        if answer.digit != digits[i].label:
            corrections += 1
            teach(i, "correction")
        elif keep and kept.why_not_learn(mine, answer, SHOWN_S, False, drawings[i]) is None:
            try:
                mine.learn_input(answer.model_input, answer.digit, source="kept", strokes=answer.strokes)
                kept_count += 1
            except ProfileConflict:
                pass
    plain_answers = [read(plain, drawings[i], pictures).digit for i in second]
    without = sum(answer != digits[i].label for answer, i in zip(plain_answers, second))
    # Errors on a digit the profile holds no example of: nothing the writer taught showed the app their form of it.
    shown = {example.label for example in mine.examples}
    unshown = sum(
        answer != digits[i].label and digits[i].label not in shown for answer, i in zip(plain_answers, second)
    )
    answers = [read(mine, drawings[i], pictures) for i in second]
    # Each answer an example decided: how sure it said it was, and whether it was right (is it honest?).
    decided = [(a.confidence, a.digit == digits[i].label) for a, i in zip(answers, second) if a.from_profile]
    misread = [
        explained(mine, digits[i].label, a, read(plain, drawings[i], pictures))
        for a, i in zip(answers, second)
        if a.digit != digits[i].label
    ]
    for m in misread:  # measured before, so that one correction tried does not change another's figures
        m["figures"]["correcting_it"] = correcting(mine, m["figures"]["label"], m["pictures"]["drawing"])
        m["text"] += f"; correcting it {m['figures']['correcting_it']}"
    with_profile = len(misread)
    row = {
        "writer": digits[0].writer,
        "digits": len(digits),
        "taught": len(taught),
        "drawn": len(drawn),
        "corrections": corrections,
        "conflicts": conflicts,
        "kept": kept_count,
        "second_half": len(second),
        "errors_without": without,
        "errors_with": with_profile,
        "errors_unshown": unshown,
        "misread_with": [m["text"] for m in misread],
        "misread": [m["figures"] for m in misread],
        "examples": len(mine.examples),
        "accuracy_with": 1 - with_profile / len(second),
        "accuracy_without": 1 - without / len(second),
        "decided": decided,
    }
    pictures = [dict(m["pictures"], writer=row["writer"], text=m["text"]) for m in misread]
    return row, mine, learn_s, pictures


# The realistic user (--user realistic): what people do in the window besides drawing digits well.
CORRECTS = 0.5  # the share of wrong answers they correct; the rest they clear uncorrected (kept, to the window)
HALF_DONE = 0.05  # after a digit, the chance they start one more, leave it half done and clear it
JUNK = 0.03  # after a digit, the chance they draw a dash or a scribble and clear it
# Every clear comes after the answer has shown for this long: the window's timing rule (kept.MIN_SHOWN_S)
# never helps here, so the figures are what the rest of the rule does alone.
SHOWN_S = 2.0


def junk_strokes(rng):
    """A dash or a scribble, as a person might try the pen: strokes in the 280 px canvas."""
    if rng.random() < 0.5:
        x, y, length, angle = rng.uniform(40, 120), rng.uniform(60, 220), rng.uniform(60, 200), rng.normal(0, 0.15)
        return [[(x, y), (x + length * np.cos(angle), y + length * np.sin(angle))]]
    if rng.random() < 0.5:
        xs = np.linspace(40, 240, rng.integers(5, 15))
        ys = np.where(np.arange(len(xs)) % 2, 60, 220) + rng.normal(0, 10, len(xs))
        return [list(zip(xs, ys))]
    return [[tuple(p) for p in rng.uniform(40, 240, (rng.integers(6, 30), 2))]]


def half_done(strokes):
    """A drawing left half done: its first stroke if it has several, else the first half of its one stroke."""
    return [strokes[0]] if len(strokes) > 1 else [strokes[0][: max(2, len(strokes[0]) // 2)]]


def realistic_session(digits, model, folder, kept_rule, teach=TEACH_ROUNDS, pictures=False):
    """One writer as people really use the window (Teach mode, then the first half of the rest drawn with
    corrections of only some wrong answers, half-done drawings, dashes and scribbles, all cleared).
    kept_rule: learn kept answers by `digitrec.kept`'s rule; False: corrections and Teach mode only.
    Returns (errors on the second half with the profile, examples learnt from kept answers: (right, wrong))."""
    rng = np.random.default_rng(digits[0].writer)  # the same events for both settings of kept_rule
    mine = Recognizer(model, profile=folder).load()
    strokes = [pendigits.fitted(d.strokes) for d in digits]
    taught = taught_first(digits, teach)
    rest = [i for i in range(len(digits)) if i not in set(taught)]
    drawn, second = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    for i in taught:
        learn(mine, strokes[i], digits[i].label, "teach", replace=True, pictures=pictures)
    learnt = {"right": 0, "wrong": 0, "half_done": 0, "junk": 0}  # what the rule learnt from kept answers

    def clear(lines, truth):
        """The person clears a drawing uncorrected: the window learns it if the rule lets it. truth: the digit
        drawn, or "half_done" or "junk"."""
        try:
            result = read(mine, lines, pictures)
        except NoInkError:
            return
        if kept_rule and kept.why_not_learn(mine, result, SHOWN_S, False, lines) is None:
            try:
                mine.learn_input(result.model_input, result.digit, source="kept", strokes=result.strokes)
            except ProfileConflict:
                return
            learnt[truth if isinstance(truth, str) else "right" if result.digit == truth else "wrong"] += 1

    for i in drawn:
        answer, coins = read(mine, strokes[i], pictures), rng.random(3)
        if answer.digit != digits[i].label and coins[0] < CORRECTS:
            learn(mine, strokes[i], digits[i].label, "correction", replace=True, pictures=pictures)
        else:
            clear(strokes[i], digits[i].label)
        if coins[1] < HALF_DONE:
            clear(half_done(strokes[rng.integers(len(digits))]), "half_done")
        if coins[2] < JUNK:
            clear(junk_strokes(rng), "junk")
    errors = sum(read(mine, strokes[i], pictures).digit != digits[i].label for i in second)
    return errors, learnt


def realistic(
    writers="dev", model=None, teach=TEACH_ROUNDS, pendigits_file=DEFAULT_FILE, unipen_file=UNIPEN_FILE, pictures=False
):
    """Per writer: errors on the second half without a profile, with one grown without learning kept answers,
    and with one that learns them by the rule; and what the rule learnt."""
    plain = Recognizer(model).load()
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for writer, digits in writers_of(writers, pendigits_file, unipen_file).items():
            taught = set(taught_first(digits, teach))
            rest = [i for i in range(len(digits)) if i not in taught]
            second = rest[len(rest) // 2 :]
            drawings = [pendigits.fitted(digits[i].strokes) for i in second]
            without = sum(read(plain, d, pictures).digit != digits[i].label for d, i in zip(drawings, second))
            off, _ = realistic_session(digits, model, Path(root) / f"{writer}-off", False, teach, pictures)
            rule, learnt = realistic_session(digits, model, Path(root) / f"{writer}-rule", True, teach, pictures)
            rows.append(
                {
                    "writer": writer,
                    "second_half": len(second),
                    "errors_without": without,
                    "errors_kept_off": off,
                    "errors_kept_rule": rule,
                    **{f"kept_{kind}": n for kind, n in learnt.items()},
                }
            )
    return {
        "user": {"corrects": CORRECTS, "half_done": HALF_DONE, "junk": JUNK, "shown_s": SHOWN_S},
        "per_writer": rows,
        "errors_without": sum(r["errors_without"] for r in rows),
        "errors_kept_off": sum(r["errors_kept_off"] for r in rows),
        "errors_kept_rule": sum(r["errors_kept_rule"] for r in rows),
        "rule_helps_every_writer": all(r["errors_kept_rule"] <= r["errors_kept_off"] for r in rows)
        and any(r["errors_kept_rule"] < r["errors_kept_off"] for r in rows),
        "writers_rule_worse": [r["writer"] for r in rows if r["errors_kept_rule"] > r["errors_kept_off"]],
        "writers_worse_than_no_profile": [
            r["writer"] for r in rows if min(r["errors_kept_off"], r["errors_kept_rule"]) > r["errors_without"]
        ],
    }


def report_realistic(results):
    user = results["user"]
    print(
        f"a realistic user: Teach mode, then corrects {user['corrects']:.0%} of the wrong answers and clears the "
        f"rest; after a digit, {user['half_done']:.0%} of the time a half-done drawing cleared, {user['junk']:.0%} "
        f"a dash or scribble cleared (each after {user['shown_s']} s on screen)\n"
    )
    print(
        "writer  second half  errors: no profile  kept off  kept by the rule  "
        "(the rule learnt: right / misread / half done / junk)"
    )
    for r in results["per_writer"]:
        print(
            f"{r['writer']:>6} {r['second_half']:>12} {r['errors_without']:>19} {r['errors_kept_off']:>9} "
            f"{r['errors_kept_rule']:>17}  ({r['kept_right']} / {r['kept_wrong']} / {r['kept_half_done']} / "
            f"{r['kept_junk']})"
        )
    print(
        f"\nin all: {results['errors_without']} without a profile, {results['errors_kept_off']} with kept answers "
        f"not learnt, {results['errors_kept_rule']} learnt by the rule"
    )
    print(f"the rule helps every writer (none worse, some better): {results['rule_helps_every_writer']}")
    print(f"writers the rule makes worse: {results['writers_rule_worse'] or 'none'}")
    print(f"writers worse with a profile than without: {results['writers_worse_than_no_profile'] or 'none'}")


def fitted_margin(margins):
    """(bias, slope) of the logistic 1 / (1 + exp(-(bias + slope * m))) that best predicts which decided answers
    were right (maximum likelihood over a grid); margins: [(margin >= 0, right), ...]."""
    m = np.array([margin for margin, _ in margins])
    right = np.array([r for _, r in margins], bool)
    best = (-np.inf, 0.0, 0.0)
    for bias in np.linspace(-2, 10, 121):
        p = 1 / (1 + np.exp(-(bias + np.geomspace(1, 500, 200)[:, None] * m[None, :])))
        likelihood = np.where(right[None, :], np.log(p + 1e-300), np.log1p(-p + 1e-15)).sum(axis=1)
        if likelihood.max() > best[0]:
            best = (likelihood.max(), float(bias), float(np.geomspace(1, 500, 200)[likelihood.argmax()]))
    return best[1:]


def margin_fit_on_mnist(model=None, people=200, per_digit=3, reads=300, seed=0):
    """Fit adapt's MARGIN_BIAS and MARGIN_SLOPE on training data only: MNIST's training digits as `people`
    profiles of `per_digit` examples a digit, each reading `reads` test digits. Returns the figures."""
    recognizer = Recognizer(model).load()
    base = recognizer._base_adapter()
    (train_x, train_y), (test_x, test_y) = data.load_mnist()
    rng = np.random.default_rng(seed)
    test_forms = recognizer._run("forms", test_x.astype(np.float32) / 255)
    margins = []
    for _ in range(people):
        chosen = np.concatenate(
            [rng.choice(np.nonzero(train_y[:55000] == d)[0], per_digit, replace=False) for d in range(10)]
        )
        adapter = base.with_examples(
            recognizer._run("forms", train_x[chosen].astype(np.float32) / 255), train_y[chosen]
        )
        read = rng.choice(len(test_x), reads, replace=False)
        deciding, margin = adapter.decide(test_forms[read])
        margins += [(float(m), adapter.labels[d] == test_y[i]) for d, m, i in zip(deciding, margin, read) if d >= 0]
    bias, slope = fitted_margin(margins)
    return {"decided": len(margins), "wrong": sum(not r for _, r in margins), "bias": bias, "slope": slope}


def explained(mine, label, answer, alone):
    """A misread digit (its true `label`, the DigitResult `answer`; `alone`: the model's, without a profile)
    explained by the writer's profile: {"text": "6->5 by their 5 (their nearest 5 0.97, their nearest 6 0.24,
    the model alone 5 0.999)", "figures": plain values, "pictures": images}."""
    nearest = mine.nearest_examples(answer.model_input)
    shown = [d for d in (answer.digit, label) if d in nearest]
    text = (
        f"{label}->{answer.digit}"
        + ("" if answer.example is None else f" by their {answer.example.label}")
        + " ("
        + "".join(f"their nearest {d} {nearest[d][1]:.2f}, " for d in shown)
        + f"the model alone {alone.digit} {alone.confidence:.3f})"
    )
    figures = {
        "label": label,
        "answer": answer.digit,
        "alone": [alone.digit, alone.confidence],
        "by": None if answer.example is None else answer.example.label,
        "nearest": {d: similarity for d, (_, similarity) in nearest.items()},
    }
    pictures = {
        "drawing": answer.model_input,
        "nearest": [(d, nearest[d][1], mine.profile.images([nearest[d][0]])[0]) for d in shown],
    }
    return {"text": text, "figures": figures, "pictures": pictures}


def correcting(mine, label, model_input):
    """What correcting a misread digit to `label` would do, said in a few words: "learns it", or
    "contradicts 3 of their 5" (the window's "Learn anyway" question). The profile is left as it was."""
    try:
        mine.learn_input(model_input, label, source="correction")
    except ProfileConflict as conflict:
        labels = sorted({e.label for e in conflict.examples})
        return f"contradicts {len(conflict.examples)} of their " + "/".join(map(str, labels))
    mine.undo()
    return "learns it"


def save_misread(pictures, path):
    """Each digit misread with a profile, beside its writer's nearest example of the answer and of the
    true digit (as the model sees them: 28x28, ink dark), with their similarity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(pictures), 3, figsize=(4.2, 1.6 * len(pictures)), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for row, picture in zip(axes, pictures):
        row[0].imshow(picture["drawing"], cmap="gray_r")
        row[0].set_title(f"writer {picture['writer']}: {picture['text'].split()[0]}", fontsize=8)
        for ax, (digit, similarity, image) in zip(row[1:], picture["nearest"]):
            ax.imshow(image, cmap="gray_r")
            ax.set_title(f"their nearest {digit}: {similarity:.2f}", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def mnist_accuracy(recognizer, images, labels):
    """Share of MNIST test digits (uint8 (n, 28, 28)) the recogniser reads right, profile applied."""
    probabilities = np.concatenate(
        [recognizer.probabilities(images[i : i + 1000].astype(np.float32) / 255) for i in range(0, len(images), 1000)]
    )
    return float((probabilities.argmax(axis=1) == labels).mean())


def learn_ms_by_size(model, sizes, images, labels, repeats=5):
    """{examples already in the profile: median ms for `learn_input` to count one more}."""
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        recognizer = Recognizer(model, profile=folder).load()
        stored = 0
        for size in sorted(sizes):
            for i in range(stored, size):  # straight into the store: MNIST's digits need no checks
                recognizer.profile.add(images[i] / 255, int(labels[i]))
            stored = max(stored, size)
            recognizer.reload_profile()
            times = []
            for i in range(repeats):
                started = time.perf_counter()
                try:  # stored, or reported as contradicting earlier examples: either way the user is told
                    recognizer.learn_input(images[-1 - i] / 255, int(labels[-1 - i]))
                    stored_one = True
                except ProfileConflict:
                    stored_one = False
                times.append(time.perf_counter() - started)
                if stored_one:
                    recognizer.undo()  # back to `size` examples for the next try
            result[size] = 1000 * statistics.median(times)
    return result


def min_similarity(model):
    """The similarity from which a person's example counts: a constant of the exported model."""
    session = bundle.load_session(model)
    return float(session.run(["min_similarity"], {"image": np.zeros((1, 28, 28, 1), np.float32)})[0][0])


def run(
    writers="dev",
    model=None,
    mnist_writers=5,
    teach=TEACH_ROUNDS,
    sizes=(),
    pendigits_file=DEFAULT_FILE,
    unipen_file=UNIPEN_FILE,
    keep=True,
    picture=None,
    pictures=False,
):
    """The figures, as a dict of plain values (what --json prints). writers: "dev" or "design";
    picture: a file to save the digits misread with a profile in (`save_misread`), or None."""
    plain = Recognizer(model).load()
    rows, recognizers, learn_s, misread = [], {}, [], []
    with tempfile.TemporaryDirectory() as root:
        for writer, digits in writers_of(writers, pendigits_file, unipen_file).items():
            row, recognizer, times, pictures = simulate(
                digits, plain, model, Path(root) / f"writer-{writer}", teach, keep, pictures
            )
            rows.append(row)
            recognizers[writer] = recognizer
            learn_s += times
            misread += pictures
        if picture and misread:
            save_misread(misread, picture)
        picture = picture if misread else None
        heaviest = sorted(rows, key=lambda r: -r["examples"])[:mnist_writers]
        mnist, mnist_plain, learn_by_size = {}, None, {}
        if heaviest or sizes:  # only these need MNIST
            _, (images, labels) = data.load_mnist()
            mnist = {row["writer"]: mnist_accuracy(recognizers[row["writer"]], images, labels) for row in heaviest}
            mnist_plain = mnist_accuracy(plain, images, labels)
            learn_by_size = learn_ms_by_size(model, sizes, images, labels)
    without = sum(r["errors_without"] for r in rows)
    with_profile = sum(r["errors_with"] for r in rows)
    drawn, corrections = sum(r["drawn"] for r in rows), sum(r["corrections"] for r in rows)
    rows.sort(key=lambda r: (r["accuracy_with"], r["accuracy_without"]))
    results = {
        "writers": len(rows),
        "teach_rounds": teach,
        "learn_kept": keep,
        "kept": sum(r["kept"] for r in rows),
        "second_half_digits": sum(r["second_half"] for r in rows),
        "errors_without": without,
        "errors_with": with_profile,
        "errors_unshown": sum(r["errors_unshown"] for r in rows),
        "errors_cut": 1 - with_profile / without if without else 0.0,
        "mean_accuracy_without": statistics.mean(r["accuracy_without"] for r in rows),
        "mean_accuracy_with": statistics.mean(r["accuracy_with"] for r in rows),
        "worst_writer_with": rows[0]["accuracy_with"],
        "writers_below_goal": sum(r["accuracy_with"] < GOALS["every_writer"] for r in rows),
        "writers_worse": sum(r["errors_with"] > r["errors_without"] for r in rows),
        "taught": sum(r["taught"] for r in rows),
        "drawn": drawn,
        "corrections": corrections,
        "corrections_per_50": 50 * corrections / drawn if drawn else 0.0,
        "conflicts": sum(r["conflicts"] for r in rows),
        "learn_ms_median": 1000 * statistics.median(learn_s) if learn_s else None,
        "learn_ms_max": 1000 * max(learn_s) if learn_s else None,
        "learn_ms_by_profile_size": learn_by_size,
        "mnist_without": mnist_plain,
        "mnist_with": mnist,
        "mnist_with_examples": {row["writer"]: row["examples"] for row in heaviest},
        "min_similarity": min_similarity(model),
        "per_writer": rows,
        "picture": picture,
        "decided_answers": sum(len(r["decided"]) for r in rows),
        "decided_right": sum(right for r in rows for _, right in r["decided"]),
        "decided_mean_confidence": statistics.mean(c for r in rows for c, _ in r["decided"])
        if any(r["decided"] for r in rows)
        else None,
    }
    results["goals"] = {
        f"every writer >= {GOALS['every_writer']:.1%}": results["worst_writer_with"] >= GOALS["every_writer"],
        f"mean writer >= {GOALS['mean_writer']:.1%}": results["mean_accuracy_with"] >= GOALS["mean_writer"],
        f"at most {GOALS['corrections_per_50']:.0f} correction per 50 digits drawn": results["corrections_per_50"]
        <= GOALS["corrections_per_50"],
        "no writer read worse with their profile": results["writers_worse"] == 0,
    }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pendigits", default=str(DEFAULT_FILE), help="the pendigits file (default: %(default)s)")
    parser.add_argument("--unipen", default=str(UNIPEN_FILE), help="the UNIPEN dev file (default: %(default)s)")
    parser.add_argument(
        "--writers",
        choices=("dev", "design"),
        default="dev",
        help="dev: pendigits 21-30 and UNIPEN 107-109; design: pendigits 1-20 (default: %(default)s)",
    )
    parser.add_argument("--model", help="model file (default: the bundled one)")
    parser.add_argument(
        "--mnist-writers",
        type=int,
        default=5,
        metavar="N",
        help="MNIST test accuracy with the N heaviest profiles (default: %(default)s)",
    )
    parser.add_argument(
        "--teach",
        type=int,
        default=TEACH_ROUNDS,
        metavar="ROUNDS",
        help="each writer first teaches each digit this many times, 0: none (default: %(default)s)",
    )
    parser.add_argument(
        "--sizes",
        default="0,500,2000",
        help="time a correction in profiles already holding these many examples (default: %(default)s)",
    )
    parser.add_argument(
        "--no-keep",
        action="store_true",
        help="learn only from corrections, not from the right answers kept (the window's setting off)",
    )
    parser.add_argument(
        "--picture",
        metavar="FILE",
        help="save the digits misread with a profile, beside their writer's nearest examples",
    )
    parser.add_argument(
        "--user",
        choices=("diligent", "realistic"),
        default="diligent",
        help="diligent: corrects every wrong answer; realistic: corrects half, clears the rest, half-done "
        "drawings and scribbles, and compares learning kept answers by the rule with not (default: %(default)s)",
    )
    parser.add_argument(
        "--fit-margin",
        action="store_true",
        help="fit how sure an answer an example decided is (adapt.MARGIN_BIAS, MARGIN_SLOPE) on MNIST alone",
    )
    parser.add_argument(
        "--pictures",
        action="store_true",
        help="read and teach each drawing as a picture alone (no path, profiles without strokes), as before",
    )
    parser.add_argument(
        "--choose-path-weight",
        action="store_true",
        help="the protocol on pendigits writers 16-20 at each of PATH_WEIGHTS (profile.adapt.PATH_WEIGHT), with "
        "--model a picture network trained without them and its path model beside it, trained without them too",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.choose_path_weight:
        choose_path_weight(args.model, args.pendigits, args.teach, not args.no_keep)
        return
    if args.fit_margin:
        print(json.dumps(margin_fit_on_mnist(args.model), indent=2))
        return
    if args.user == "realistic":
        results = realistic(args.writers, args.model, args.teach, args.pendigits, args.unipen, args.pictures)
        if args.json:
            print(json.dumps(results, indent=2))
        else:
            report_realistic(results)
        return
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    results = run(
        args.writers,
        args.model,
        args.mnist_writers,
        args.teach,
        sizes,
        args.pendigits,
        args.unipen,
        keep=not args.no_keep,
        picture=args.picture,
        pictures=args.pictures,
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    report(results)


def choose_path_weight(model, pendigits_file=DEFAULT_FILE, teach=TEACH_ROUNDS, keep=True):
    """The protocol on writers 16-20 at each weight of the path in a profile's similarity: prints the errors on
    their second halves with their profiles (and without), per weight. Where profile.adapt.PATH_WEIGHT is chosen:
    the middle of the weights that leave the fewest errors."""
    from digitrec.profile import adapt

    chosen = adapt.PATH_WEIGHT
    print("path weight  errors with the profile (without)  misread")
    try:
        for weight in PATH_WEIGHTS:
            adapt.PATH_WEIGHT = weight
            results = run("choose", model, 0, teach, (), pendigits_file, keep=keep)
            misread = [m for r in results["per_writer"] for m in r["misread_with"]]
            print(
                f"{weight:>11} {results['errors_with']:>33} ({results['errors_without']})  {'; '.join(misread)}",
                flush=True,
            )
    finally:
        adapt.PATH_WEIGHT = chosen


def report(results):
    print(
        f"{results['writers']} writers; each teaches each digit {results['teach_rounds']} times "
        f"({results['taught']} in all), corrects every wrong answer on the first half of the rest of their\n"
        f"digits, then reads the second half ({results['second_half_digits']} digits in all) "
        "with and without the profile\n"
        + (
            f"each right answer in the first halves kept and learnt ({results['kept']} in all)\n"
            if results["learn_kept"]
            else "learning from kept answers off: corrections only\n"
        )
    )
    print("writer  taught  drawn  corrections  second half  errors without  with  accuracy with  misread with")
    for r in results["per_writer"]:
        print(
            f"{r['writer']:>6} {r['taught']:>7} {r['drawn']:>6} {r['corrections']:>12} {r['second_half']:>12} "
            f"{r['errors_without']:>15} {r['errors_with']:>5} {r['accuracy_with']:>14.2%}  "
            + ", ".join(r["misread_with"])
        )
    print(
        f"\nerrors on the second halves: {results['errors_without']} without the profile, "
        f"{results['errors_with']} with it ({results['errors_cut']:.0%} fewer); "
        f"writers read worse with it: {results['writers_worse']}"
    )
    print(
        f"of the {results['errors_without']} errors without the profile, {results['errors_unshown']} are a digit "
        "of which their writer's profile holds no example"
    )
    print(
        f"mean writer accuracy: {results['mean_accuracy_without']:.2%} without, "
        f"{results['mean_accuracy_with']:.2%} with; worst writer with: {results['worst_writer_with']:.2%}"
    )
    print(
        f"corrections: {results['corrections']} in {results['drawn']} digits drawn after Teach mode "
        f"({results['corrections_per_50']:.2f} per 50; {results['conflicts']} examples reported as contradicting "
        f"earlier ones, learnt anyway); an example counts after {results['learn_ms_median']:.0f} ms "
        f"(median; longest {results['learn_ms_max']:.0f} ms)"
    )
    print("goals: " + "; ".join(f"{goal}: {'met' if met else 'NOT met'}" for goal, met in results["goals"].items()))
    if results["picture"]:
        print(f"the digits misread with a profile, beside their writer's nearest examples: {results['picture']}")
    if results["learn_ms_by_profile_size"]:
        print(
            "in a profile that holds already "
            + ", ".join(f"{size} examples: {ms:.0f} ms" for size, ms in results["learn_ms_by_profile_size"].items())
        )
    print(
        f"an example counts from a similarity of {results['min_similarity']:.3f}: the model's "
        "min_similarity, which two MNIST training digits of different classes reach once in 10,000 pairs"
    )
    if results["mnist_without"] is None:
        return
    with_profiles = (
        "; with the profiles of "
        + ", ".join(
            f"writer {w} ({results['mnist_with_examples'][w]} examples): {a:.2%}"
            for w, a in results["mnist_with"].items()
        )
        if results["mnist_with"]
        else ""
    )
    print(f"MNIST test accuracy (information): {results['mnist_without']:.2%} without a profile{with_profiles}")


if __name__ == "__main__":
    main()
