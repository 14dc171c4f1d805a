"""How faithful the Why? view's evidence is: the deletion test, for each candidate method.

    python bench/inside.py [--digits 1000] [--pendigits FILE] [--figure docs/inside-deletion.png] [--json]
    python bench/inside.py --split validation --pendigits ''     # MNIST's validation split: to choose on
    python bench/inside.py --real-say     # how often the runner-up is right, below evidence.REAL_SAY and above
    python bench/inside.py --sums --split validation --digits 300    # 8 steps against 128: evidence.path's

A map of evidence for the answer is faithful if the ink it ranks highest is the
ink the answer rests on. So for each digit its ink pixels (model input > INK)
are ranked by the map, the top 0%, 5%, ..., 50% are deleted (set to 0), and the
answering model reads the digit again: how far does the answer's probability
fall? Against it, the same share of the ink deleted at random (mean of
RANDOM_DRAWS draws). The claim (issue #25): at 10%, the map's deletion lowers
the answer's probability at least 3x as much as random deletion does.

Digits: the first --digits MNIST test digits (--split validation: of the validation
split, the last 5,000 training images, never trained on: settings are chosen there), and the
pen-drawn digits of the dev writers 21-30 (../shared/data/pendigits), drawn the
window's way (fitted to its 280 px canvas, its 12 px pen, read by the recogniser).

Methods: what the window shows (digitrec.inside.evidence: integrated gradients, 8 steps, of the
answer's score against the runner-up's where the runner-up has a real say, else of the
answer's alone, spread over the ink at a stroke's scale); and beside it the pieces it is
made of and the alternatives: integrated gradients (4, 8 and 16 steps from a blank input,
crowded toward it: evidence.path; or 8 even steps, the window's before)
and gradient x input (one step) of the contrast with the runner-up or of the answer's
score alone (its logit less the mean of the ten), raw or spread over the ink with a
Gaussian of 1, 1.5 or 2 px (evidence.spread_over_ink); SmoothGrad's way of smoothing
(each of the 8 steps' inputs with Gaussian noise, at the same cost); the gradient's size;
and occlusion (each ink pixel: how far the answer's log-probability falls with the 3x3
patch around it deleted: a forward pass a pixel, far too slow for the window, the
yardstick). The cost of each, in ms a digit, one digit at a time on one thread as the
window asks, is measured beside a plain answer (one drawing -> digit), in one run.

How readable a map is: its smoothness, the correlation of each ink pixel's evidence
per unit of ink with its right and lower ink neighbours' (1: smooth along the strokes,
0: speckled pixel by pixel), the mean over the digits.
"""

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from digitrec import Recognizer, data, pendigits
from digitrec.image import render_strokes
from digitrec.inside.evidence import REAL_SAY, Explainer, path, spread_over_ink
from digitrec.recognize import answer_one_at_a_time

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PENDIGITS = ROOT.parent / "shared" / "data" / "pendigits" / "pendigits-train.gz"
DEV_WRITERS = range(21, 31)
INK = 0.1  # a model-input pixel above this is ink
FRACTIONS = np.round(np.arange(0, 0.51, 0.05), 2)
AT = 0.10  # the share of the ink the claim is about
RANDOM_DRAWS = 5
NOISE = 0.15  # SmoothGrad's noise, sd in the input's units ([0, 1]): Smilkov et al. found 10-20% of the range best


@dataclasses.dataclass(frozen=True)
class Method:
    """A way to map the evidence: target "shown" (the window's, digitrec.inside.evidence), "contrast" (the answer's
    logit less the runner-up's), "answer" (the answer's logit less the mean of the ten), "logit" (the answer's
    logit); how "integrated gradients" (steps from blank along evidence.path; 1: gradient x input), "even
    steps" (the same at 1/steps, 2/steps, ..., 1: the window's before), "smoothgrad" (evidence.path, each
    step's input noisy), "gradient size" or "occlusion"; spread: sigma in px over the ink
    (evidence.spread_over_ink), 0: raw."""

    target: str
    how: str = "integrated gradients"
    steps: int = 8
    spread: float = 0.0


METHODS = {
    "shown: the window's map": Method("shown"),
    "contrast, integrated gradients 8 steps": Method("contrast"),
    "contrast, integrated gradients 8 steps, spread 1 px": Method("contrast", spread=1.0),
    "contrast, integrated gradients 8 steps, spread 1.5 px": Method("contrast", spread=1.5),
    "contrast, integrated gradients 8 steps, spread 2 px": Method("contrast", spread=2.0),
    "contrast, SmoothGrad integrated gradients 8 steps": Method("contrast", "smoothgrad"),
    "contrast, integrated gradients 8 even steps": Method("contrast", "even steps"),
    "contrast, integrated gradients 4 steps": Method("contrast", steps=4),
    "contrast, integrated gradients 16 steps": Method("contrast", steps=16),
    "contrast, gradient x input": Method("contrast", steps=1),
    "answer, integrated gradients 8 steps": Method("answer"),
    "answer, integrated gradients 8 steps, spread 1.5 px": Method("answer", spread=1.5),
    "answer, integrated gradients 8 even steps": Method("answer", "even steps"),
    "answer, gradient x input": Method("answer", steps=1),
    "the answer's logit, integrated gradients 8 steps": Method("logit"),
    "gradient size": Method("contrast", "gradient size"),
    "occlusion 3x3": Method("answer", "occlusion"),
}
CHOSEN = next(iter(METHODS))  # what the window shows (digitrec.inside.evidence)


# ---------------------------------------------------------------- the maps


def maps_of(name, explainer, recognizer, x, probabilities):
    """float32 (n, 28, 28): each digit's map of evidence for its answer (probabilities' argmax), by the method
    `name` (a key of METHODS); x: float32 (n, 28, 28) model inputs, probabilities: float (n, 10)."""
    return maps_by(METHODS[name], explainer, recognizer, x, probabilities)


def maps_by(method, explainer, recognizer, x, probabilities):
    """As maps_of, by a Method."""
    answers, seconds = np.argsort(-probabilities, axis=1)[:, :2].T
    explainer.steps = method.steps
    if method.target == "shown":
        results = [
            SimpleNamespace(digit=a, probabilities=p, model_input=m) for a, p, m in zip(answers, probabilities, x)
        ]
        return np.stack(
            [why.contrast for i in range(0, len(x), 100) for why in explainer.explain(results[i : i + 100])]
        )
    if method.how == "occlusion":
        return np.stack([occlusion(recognizer, image, answer) for image, answer in zip(x, answers)])
    eye = np.eye(10, dtype=np.float32)
    weights = eye[answers] - {"contrast": eye[seconds], "answer": 1 / 10, "logit": 0}[method.target]
    chunks = [(x[i : i + 100], weights[i : i + 100]) for i in range(0, len(x), 100)]
    if method.how == "gradient size":
        return np.abs(np.concatenate([explainer.run(images, w)[1] for images, w in chunks]))
    rng = np.random.default_rng(0)
    maps = np.concatenate([integrated(explainer, images, w, method, rng) for images, w in chunks])
    return spread_over_ink(maps, x, method.spread)


def integrated(explainer, x, weights, method, rng):
    """Integrated gradients of sum(weights * logits) along evidence.path(method.steps) from blank; one step:
    gradient x input; "smoothgrad": each step's input with Gaussian noise (still ink x gradient: 0 off the ink)."""
    if method.steps == 1:
        return x * explainer.run(x, weights)[1]
    if method.how == "integrated gradients":
        return explainer.evidence(x, weights)[0]
    alphas, widths = path(method.steps)
    if method.how == "even steps":
        alphas, widths = (
            np.arange(1, method.steps + 1, dtype=np.float32) / method.steps,
            np.full(method.steps, 1 / method.steps),
        )
    noise = rng.normal(0, NOISE, (method.steps, *x.shape)) if method.how == "smoothgrad" else 0
    faded = (alphas[:, None, None, None] * x[None] + noise).astype(np.float32)
    _, gradient, _ = explainer.run(faded.reshape(-1, *x.shape[1:]), np.tile(weights, (method.steps, 1)))
    return x * np.tensordot(widths, gradient.reshape(method.steps, *x.shape), axes=1)


def occlusion(recognizer, image, answer):
    """float32 (28, 28): for each ink pixel, how far log p(answer) falls with the 3x3 patch around it deleted."""
    ys, xs = np.nonzero(image > INK)
    batch = np.repeat(image[None], len(ys), axis=0)
    for k, (y, x) in enumerate(zip(ys, xs)):
        batch[k, max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = 0
    base = np.log(max(float(recognizer.probabilities(image[None])[0, answer]), 1e-12))
    fallen = base - np.log(np.maximum(recognizer.probabilities(batch)[:, answer], 1e-12))
    out = np.zeros_like(image)
    out[ys, xs] = fallen
    return out


def sums_error(explainer, recognizer, x, reference_steps=128):
    """How far the answer's map's pixels are from adding up to its score's rise from blank (integrated
    gradients' completeness), with 8 steps along evidence.path and 8 even steps, against `reference_steps`
    even steps: {method: mean |difference| in logits}."""
    probabilities = recognizer.probabilities(x)

    def sums(method):  # 5 digits at a time: 128 steps of 100 would not fit in memory
        parts = [
            maps_by(method, explainer, recognizer, x[i : i + 5], probabilities[i : i + 5]) for i in range(0, len(x), 5)
        ]
        return np.concatenate(parts).sum(axis=(1, 2))

    reference = sums(Method("answer", "even steps", reference_steps))
    methods = {"crowded toward blank": Method("answer"), "even": Method("answer", "even steps")}
    return {name: float(np.abs(sums(method) - reference).mean()) for name, method in methods.items()}


def smoothness(maps, x):
    """The mean over the digits of the correlation of each ink pixel's evidence per unit of ink (map / x) with
    its right and lower ink neighbours' (1: smooth along the strokes; 0: speckled). maps, x: float (n, 28, 28).
    Per unit of ink, so that the ink's own shading (a stroke's faint edge beside its core) does not count."""
    scores = []
    for values, image in zip(maps, x):
        ink = image > INK
        values = np.divide(values, image, out=np.zeros_like(values, dtype=np.float32), where=ink)
        pairs = [
            (values[:, :-1][ink[:, :-1] & ink[:, 1:]], values[:, 1:][ink[:, :-1] & ink[:, 1:]]),
            (values[:-1][ink[:-1] & ink[1:]], values[1:][ink[:-1] & ink[1:]]),
        ]
        a, b = (np.concatenate(side) for side in zip(*pairs))
        if a.size > 2 and a.std() > 0 and b.std() > 0:
            scores.append(np.corrcoef(a, b)[0, 1])
    return float(np.mean(scores))


# ---------------------------------------------------------------- the deletion test


def deletion_curve(probabilities, x, answers, ranking, fractions=FRACTIONS):
    """Mean probability of each digit's answer with the top `fraction` of its ink deleted, for each fraction.

    probabilities: float (n, 28, 28) -> float (n, 10); x: float32 (n, 28, 28); answers: int (n,);
    ranking: float (n, 28, 28), higher = deleted first (ink pixels only are ranked). -> float (len(fractions),)
    """
    deleted = []
    order = [_ink_order(image, rank) for image, rank in zip(x, ranking)]
    for fraction in fractions:
        batch = x.copy()
        for image, (ys, xs) in zip(batch, order):
            k = int(round(fraction * len(ys)))
            image[ys[:k], xs[:k]] = 0
        deleted.append(float(probabilities(batch)[np.arange(len(x)), answers].mean()))
    return np.array(deleted)


def _ink_order(image, rank):
    ys, xs = np.nonzero(image > INK)
    first = np.argsort(-rank[ys, xs], kind="stable")
    return ys[first], xs[first]


def random_curve(probabilities, x, answers, seed=0, draws=RANDOM_DRAWS, fractions=FRACTIONS):
    """As deletion_curve, the ink deleted in a random order: the mean of `draws` orders."""
    rng = np.random.default_rng(seed)
    return np.mean(
        [deletion_curve(probabilities, x, answers, rng.random(x.shape), fractions) for _ in range(draws)], axis=0
    )


def ratio(curve, random, fractions=FRACTIONS, at=AT):
    """How many times as far the answer's probability falls with the map's deletion as with random, at `at`."""
    i = int(np.argmin(np.abs(fractions - at)))
    return float((curve[0] - curve[i]) / max(random[0] - random[i], 1e-9))


# ---------------------------------------------------------------- the digits


def mnist_digits(count, data_dir=None, split="test"):
    """float32 (count, 28, 28): the first `count` MNIST test digits, or of the validation split (the last
    5,000 training images, which only picked the epoch and calibrated the probabilities)."""
    (train, _), (test, _) = data.load_mnist(data_dir)
    images = test if split == "test" else train[-5000:]
    return images[:count].astype(np.float32) / 255


def pen_digits(recognizer, path):
    """float32 (n, 28, 28): the dev writers' digits as the window's recogniser sees them."""
    digits = [d for d in pendigits.read(path) if d.writer in DEV_WRITERS]
    return np.stack([recognizer.digit(render_strokes(pendigits.fitted(d.strokes), 12)).model_input for d in digits])


def real_say(recognizer, data_dir=None):
    """How often the runner-up is the right digit, below evidence.REAL_SAY and at or above it, on MNIST's
    validation split (5,000): {"below": [digits, runner-up right], "at_or_above": [...]}."""
    (images, labels), _ = data.load_mnist(data_dir)
    probabilities = recognizer.probabilities(images[-5000:].astype(np.float32) / 255)
    seconds = np.argsort(-probabilities, axis=1)[:, 1]
    right = seconds == labels[-5000:]
    said = probabilities[np.arange(len(seconds)), seconds] >= REAL_SAY
    return {
        "below": [int((~said).sum()), int(right[~said].sum())],
        "at_or_above": [int(said.sum()), int(right[said].sum())],
    }


def cost_ms(call, inputs, runs=200):
    """Median ms of call(x), cycling through inputs."""
    for x in inputs[:3]:
        call(x)
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def measure(name, x, recognizer, explainer, methods):
    probabilities = recognizer.probabilities(x)
    answers = probabilities.argmax(axis=1)
    random = random_curve(recognizer.probabilities, x, answers)
    result = {"digits": len(x), "random": random.round(4).tolist(), "methods": {}}
    for method in methods:
        started = time.perf_counter()
        maps = maps_of(method, explainer, recognizer, x, probabilities)
        curve = deletion_curve(recognizer.probabilities, x, answers, maps)
        result["methods"][method] = {
            "curve": curve.round(4).tolist(),
            "ratio_at_10": round(ratio(curve, random), 2),
            "smoothness": round(smoothness(maps, x), 3),
        }
        print(
            f"{name}: {method}: {ratio(curve, random):.1f}x random at {AT:.0%}, smoothness "
            f"{result['methods'][method]['smoothness']:.2f} ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
    return result


def costs(recognizer, explainer, x, methods):
    """ms a digit of each method (one digit at a time, as the window asks), and of a plain answer."""
    drawings = [render_strokes([[(40, 40), (200, 40), (110, 240)]], 12), render_strokes([[(140, 30), (140, 250)]], 12)]
    plain = cost_ms(recognizer.digit, drawings)
    out = {"plain_answer_ms": round(plain, 2)}
    probabilities = recognizer.probabilities(x[:10])
    for method in methods:
        if METHODS[method].how == "occlusion":
            ms = cost_ms(lambda i: occlusion(recognizer, x[i], 0), list(range(10)), runs=20)
        else:
            ms = cost_ms(
                lambda i, m=method: maps_of(m, explainer, recognizer, x[i : i + 1], probabilities[i : i + 1]),
                list(range(10)),
            )
        out[method] = {"ms": round(ms, 2), "over_plain_answer": round(ms / plain, 1)}
    return out


def figure(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4), squeeze=False)
    for ax, (name, result) in zip(axes[0], results.items()):
        percent = FRACTIONS * 100
        ax.plot(percent, result["random"], "k--", label="random ink")
        for method, values in result["methods"].items():
            ax.plot(
                percent,
                values["curve"],
                lw=2.5 if method == CHOSEN else 1.2,
                label=f"{method} ({values['ratio_at_10']:.1f}x at 10%)",
            )
        ax.axvline(AT * 100, color="0.8", lw=0.8)
        ax.set(
            title=f"{name} ({result['digits']:,} digits)",
            xlabel="ink deleted, % (highest-ranked first)",
            ylabel="probability of the answer",
            ylim=(0, 1.02),
        )
        ax.legend(fontsize=7.5, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--digits", type=int, default=1000, help="MNIST digits")
    parser.add_argument("--split", choices=["test", "validation"], default="test", help="MNIST's (default: test)")
    parser.add_argument("--pendigits", default=str(DEFAULT_PENDIGITS), help="the UNIPEN file ('' to skip)")
    parser.add_argument("--methods", default=";".join(METHODS), help="separated by ';', of: " + "; ".join(METHODS))
    parser.add_argument("--figure", default="inside-deletion.png", help="the curves' picture ('' for none)")
    parser.add_argument("--data", help="MNIST folder (default: $DIGITREC_DATA, else the cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--real-say", action="store_true", help="only how often the runner-up is right, by REAL_SAY")
    parser.add_argument("--sums", action="store_true", help="only how far the maps' sums are from the score's rise")
    args = parser.parse_args()
    methods = args.methods.split(";")
    recognizer, explainer = Recognizer().load(), Explainer(threads=0).load()  # big batches: every core
    if args.real_say:
        counts = real_say(recognizer, args.data)
        (below, right_below), (above, right_above) = counts["below"], counts["at_or_above"]
        print(f"MNIST validation, the runner-up under {REAL_SAY:.0%}: {below} digits, it is right for {right_below};")
        print(f"at or above {REAL_SAY:.0%}: {above} digits, it is right for {right_above}")
        return
    if args.sums:
        x = mnist_digits(args.digits, args.data, args.split)
        errors = sums_error(explainer, recognizer, x)
        print(f"MNIST {args.split} ({len(x)} digits): the answer's map's sum, off its score's rise by (logits, mean):")
        print("; ".join(f"{name}, 8 steps: {error:.2f}" for name, error in errors.items()))
        return
    sets = {f"MNIST {args.split}": mnist_digits(args.digits, args.data, args.split)}
    if args.pendigits:
        sets["pen, dev writers 21-30"] = pen_digits(recognizer, args.pendigits)
    results = {name: measure(name, x, recognizer, explainer, methods) for name, x in sets.items()}
    answer_one_at_a_time()  # as the window answers, and explains
    cost = costs(Recognizer().load(), Explainer().load(), sets[f"MNIST {args.split}"], methods)
    if args.figure:
        figure(results, args.figure)
    if args.json:
        print(json.dumps({"deletion": results, "cost": cost}, indent=2))
        return
    fractions = ", ".join(f"{f:.0%}" for f in FRACTIONS)
    print(f"the answer's probability, with the ink each map ranks highest deleted ({fractions}):")
    for name, result in results.items():
        print(f"  {name} ({result['digits']} digits); random: {' '.join(f'{v:.3f}' for v in result['random'])}")
        for method, values in result["methods"].items():
            print(
                f"    {method}: {values['ratio_at_10']:.1f}x random at {AT:.0%}, smoothness "
                f"{values['smoothness']:.2f}: " + " ".join(f"{v:.3f}" for v in values["curve"])
            )
    print(f"cost a digit (a plain answer: {cost['plain_answer_ms']:.2f} ms):")
    for method in methods:
        print(f"    {method}: {cost[method]['ms']:.2f} ms, {cost[method]['over_plain_answer']}x a plain answer")


if __name__ == "__main__":
    main()
