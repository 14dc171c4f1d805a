"""The `digitrec` command: train, train-path, evaluate, export, predict, explain, gui, profile.

Every failure the user can act on ends as one line on stderr and a non-zero
exit status; heavy modules are imported only by the command that needs them.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from digitrec.errors import DigitrecError, UsageError

if TYPE_CHECKING:  # for the checker alone: each command imports what it needs when it runs
    from digitrec.profile import Profile

# What add_subparsers() gives, to which each command adds its parser (argparse names no public type for it).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# What train, train-path, evaluate and export need beyond the default install (TensorFlow, Keras): their help says it.
TRAINING_EXTRA = "pip install 'digitrec[train]'"


def training_parser(commands: Commands, name: str, what: str) -> argparse.ArgumentParser:
    """The parser of a command that needs TensorFlow and Keras: `what` it does, and the extra it needs, in its help."""
    return commands.add_parser(
        name,
        help=f"{what} (needs {TRAINING_EXTRA})",
        description=f"{what[0].upper()}{what[1:]}. Needs TensorFlow and Keras: {TRAINING_EXTRA}.",
    )


def add_train(commands: Commands) -> None:
    from digitrec.config import RECIPES, TrainConfig

    defaults = TrainConfig()
    p = training_parser(commands, "train", "train a CNN on MNIST and write it with its model card")
    p.add_argument(
        "--arch",
        choices=sorted(RECIPES),
        default=defaults.arch,
        help="architecture: 'default' (what digitrec ships, the default) or 'seed' (the Keras tutorial CNN)",
    )
    p.add_argument(
        "--out",
        default=defaults.out,
        help="where to write the model (.keras); its card, Markdown and curves go beside it (default: %(default)s)",
    )
    recipe_help = "; ".join(f"{arch}: {r}" for arch, r in ((a, RECIPES[a]["epochs"]) for a in sorted(RECIPES)))
    p.add_argument("--epochs", type=int, help=f"epochs to train (default per architecture: {recipe_help})")
    p.add_argument("--batch-size", type=int, help="images per step (default: the architecture's recipe, 128)")
    p.add_argument(
        "--learning-rate",
        type=float,
        help="peak learning rate (default: the recipe's: default 3e-3 Adam, seed 1.0 Adadelta)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=defaults.seed,
        help="random seed for weights, shuffling and augmentation (default: %(default)s)",
    )
    p.add_argument(
        "--validation-size",
        type=int,
        default=defaults.validation_size,
        help="the last N training images are held out for validation (model selection) (default: %(default)s)",
    )
    p.add_argument("--train-size", type=int, help="train on only the first N training images (quick experiments)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run of the same --out")
    p.add_argument(
        "--members",
        type=int,
        help="networks to train, one after another, and average into one model (default: the architecture's recipe)",
    )
    p.add_argument(
        "--pen",
        metavar="PATH",
        help="UCI's pen digits (pendigits-orig.tra, plain, .gz or .Z, or a folder holding it); "
        "default: $DIGITREC_PEN, else the user cache, else a download from UCI",
    )
    p.add_argument(
        "--mnist-only",
        action="store_true",
        help="train on MNIST alone, without real people's pen digits (the recipe before them)",
    )
    add_leave_out_option(p)
    p.add_argument(
        "--no-path",
        action="store_true",
        help="train the picture networks only, not the path model beside them (OUT's stem + .path.keras)",
    )
    add_data_option(p)
    p.set_defaults(run=run_train)


def add_train_path(commands: Commands) -> None:
    from digitrec.config import PATH_RECIPE

    p = training_parser(commands, "train-path", "train the path model (how a digit was drawn) and export it to ONNX")
    p.add_argument(
        "--out",
        default="digitrec.path.keras",
        help="where to write it (.keras); its .onnx goes beside it (default: %(default)s)",
    )
    p.add_argument("--epochs", type=int, help=f"epochs (default: the recipe's, {PATH_RECIPE['epochs']})")
    p.add_argument(
        "--seed", type=int, default=1, help="random seed for the weights and the training copies (default: %(default)s)"
    )
    p.add_argument("--pen", metavar="PATH", help="UCI's pen digits, as for `digitrec train --pen`")
    add_leave_out_option(p)
    p.add_argument("--resume", action="store_true", help="continue an interrupted run of the same --out")
    p.set_defaults(run=run_train_path)


def run_train_path(args: argparse.Namespace) -> None:
    need_training_extra("train-path")
    from digitrec import train_path

    card = train_path.train(
        args.out,
        pen=args.pen,
        leave_out_writers=args.leave_out_writers,
        seed=args.seed,
        epochs=args.epochs,
        limit=getattr(args, "limit", None),
        resume=args.resume,
        verbose=1 if sys.stdout.isatty() else 2,
        command=shlex.join(["digitrec", *args.argv]),
    )
    print(f"wrote {args.out} and {card['export']['file']}: {card['train_time_s'] / 60:.1f} min")


def path_model_out(out: str) -> str:
    """Where `digitrec train --out OUT` puts the path model: OUT's stem + .path.keras, beside it."""
    return str(Path(out).with_name(Path(out).stem + ".path.keras"))


def add_leave_out_option(p: argparse.ArgumentParser) -> None:
    """--leave-out-writers A-B, as `train` and `train-path` both take it (the same writers for both)."""
    p.add_argument(
        "--leave-out-writers",
        type=writer_range,
        default=(),
        metavar="A-B",
        help="pen writers to leave out of training, e.g. 16-20 (to choose a setting on writers it never saw)",
    )


def writer_range(text: str) -> tuple[int, ...]:
    """'16-20' or '16' -> (16, ..., 20): pen writers, each within 1-20 (the training writers)."""
    first, _, last = text.partition("-")
    try:
        writers = tuple(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected writers as A-B, e.g. 16-20 (got {text!r})") from None
    if not writers or writers[0] < 1 or writers[-1] > 20:
        raise argparse.ArgumentTypeError(f"writers must lie within 1-20, the training writers (got {text!r})")
    return writers


def need_training_extra(command: str) -> None:
    """Fail in one line, before any work, if TensorFlow or Keras is missing (the default install has neither)."""
    import importlib.util

    missing = [name for name in ("tensorflow", "keras") if importlib.util.find_spec(name) is None]
    if missing:
        raise DigitrecError(
            f"`digitrec {command}` needs {' and '.join(missing)}, which the default install "
            "leaves out: pip install 'digitrec[train]'"
        )


def run_train(args: argparse.Namespace) -> None:
    need_training_extra("train")
    from digitrec.config import TrainConfig
    from digitrec.train import train

    config = TrainConfig(
        arch=args.arch,
        out=args.out,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        validation_size=args.validation_size,
        train_size=args.train_size,
        data_dir=args.data,
        resume=args.resume,
        pen=args.pen,
        mnist_only=args.mnist_only,
        leave_out_writers=args.leave_out_writers,
        members=args.members,
        verbose=1 if sys.stdout.isatty() else 2,
        command=shlex.join(["digitrec", *args.argv]),
    )
    card = train(config)
    print(
        f"wrote {args.out}: validation {card['validation_accuracy']:.2%}, "
        f"test {card['test_accuracy']:.2%}, {card['train_time_s'] / 60:.1f} min"
    )
    run_export(argparse.Namespace(model=args.out, data=args.data))  # what answers for it, without TensorFlow
    if not (args.no_path or args.mnist_only):  # the path model learns from the pen digits alone
        path_args = argparse.Namespace(
            out=path_model_out(args.out),
            pen=args.pen,
            leave_out_writers=args.leave_out_writers,
            seed=args.seed,
            epochs=None,
            # A quick run (--train-size) takes a share of the pen digits, as the picture networks do.
            limit=max(10, args.train_size // 11) if args.train_size else None,
            resume=args.resume and Path(f"{path_model_out(args.out)}.run").is_dir(),
            argv=[*args.argv, "(its path model)"],
        )
        run_train_path(path_args)


def add_evaluate(commands: Commands) -> None:
    p = training_parser(commands, "evaluate", "evaluate a model on the MNIST test set, with plots and a JSON report")
    p.add_argument("--model", help="model file (.keras); default: the bundled model")
    p.add_argument(
        "--out",
        default="digitrec-report",
        help="folder for report.json, confusion_matrix.png and mistakes.png (default: %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="print the JSON report instead of the tables")
    add_data_option(p)
    p.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> None:
    need_training_extra("evaluate")
    from digitrec import evaluate

    report = evaluate.evaluate_file(args.model, args.out, data_dir=args.data)
    print(evaluate.to_json(report) if args.json else evaluate.to_text(report))


def add_export(commands: Commands) -> None:
    p = training_parser(commands, "export", "export a .keras model to ONNX beside it, for answers without TensorFlow")
    p.add_argument("model", metavar="MODEL.keras", help="the model to export; MODEL.onnx is written beside it")
    add_data_option(p)
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> None:
    need_training_extra("export")
    from digitrec import export
    from digitrec.inside import layers_export

    out = export.export(args.model, data_dir=args.data)
    print(f"wrote {out}: the same answers as {args.model} on the 10,000 MNIST test digits, sha256 {export.sha256(out)}")
    opened = layers_export.export_file(args.model, data_dir=args.data)
    print(
        f"wrote {opened}: its layers and gradients for the Why? view, the same as Keras' on "
        f"{layers_export.CHECK_DIGITS} MNIST test digits"
    )


def add_predict(commands: Commands) -> None:
    from digitrec.batch import SUFFIXES, available_cores

    p = commands.add_parser(
        "predict",
        help="recognise the digit (or the number) in image files, folders and patterns",
        description="Without --csv or --jsonl: one line per file on stdout, one per failure on stderr. "
        "Progress and a summary go to stderr (a progress bar on a terminal only). Exit status: "
        "0 every file read, 1 some failed (each failure is a line or a row), 2 a usage error.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="PATH",
        help="image files (PNG, JPEG, BMP, GIF, TIFF, WebP...: a file named is read whatever its "
        "name), drawings as strokes (.inkml, .json [[[x, y], ...], ...]), folders (read at any depth: files ending in "
        + " ".join(SUFFIXES)
        + ", hidden ones left out) or quoted glob patterns ('scans/**/*.png'); "
        "read in the order given, each folder and pattern in sorted order",
    )
    p.add_argument("--number", action="store_true", help="read a whole number (several digits, left to right)")
    p.add_argument(
        "--top", type=int, default=1, metavar="K", help="also show the K likeliest digits (default: 1, the answer)"
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object per file (JSON Lines)")
    out.add_argument(
        "--csv",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="write a CSV table, one row a file, failures included ('-': stdout); columns: path, "
        "answer, confidence, not_sure, digit_confidences (--number), the K likeliest (--top), "
        "from_profile, the model's own answer and confidence, digit_groups (without --number), error; "
        "an existing FILE is neither overwritten nor added to without --force or --resume",
    )
    out.add_argument(
        "--jsonl",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="write --json's objects, one a line, failures included with their \"error\" ('-': stdout)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="after an interrupt or a crash: keep the rows already in the --csv or --jsonl FILE, "
        "and read only the files not in it yet (a FILE not there yet is started)",
    )
    p.add_argument("--force", action="store_true", help="start the --csv or --jsonl FILE again if it exists")
    p.add_argument(
        "--jobs",
        type=int,
        default=available_cores(),
        metavar="N",
        help="processes reading at once, each with its own recogniser; 1: this process alone "
        "(default: every core, %(default)s here)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    add_model_option(p, "its export (.onnx)")
    add_profile_option(p, "none: the model alone", without="the model alone: the default (kept for scripts)")
    p.set_defaults(run=run_predict)


def run_predict(args: argparse.Namespace) -> int:
    from digitrec import predict
    from digitrec.recognize import answer_one_at_a_time

    answer_one_at_a_time()
    if not 1 <= args.top <= 10:
        raise UsageError(f"--top must be between 1 and 10 (got {args.top})")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more (got {args.jobs})")
    return predict.predict_files(
        args.files,
        model=args.model,
        number=args.number,
        top=args.top,
        as_json=args.json,
        profile=asked_profile(args),
        csv_path=getattr(args, "csv", None),
        jsonl_path=getattr(args, "jsonl", None),
        resume=args.resume,
        force=args.force,
        jobs=args.jobs,
        quiet=args.quiet,
    )


def add_explain(commands: Commands) -> None:
    p = commands.add_parser(
        "explain",
        help="why a digit (or each digit of a number) was read as it was: "
        "a picture of the evidence and the layers, or its numbers",
    )
    p.add_argument("file", metavar="FILE", help="an image file (PNG, JPEG, BMP, GIF, TIFF, WebP...)")
    p.add_argument(
        "-o",
        "--out",
        metavar="PNG",
        help="write the picture here: the file, what the model saw, the "
        "evidence for the answer and the runner-up, the layers",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the numbers as JSON: the answer, the probabilities, each map as 28x28 floats",
    )
    p.add_argument("--number", action="store_true", help="read a whole number and explain each digit")
    add_model_option(p, "its exports (.onnx, .inside.onnx)")
    add_profile_option(p, "none: the model alone", without="the model alone: the default (kept for scripts)")
    p.set_defaults(run=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from digitrec.inside import command
    from digitrec.recognize import answer_one_at_a_time

    answer_one_at_a_time()
    return command.explain_file(
        args.file,
        out=args.out,
        number=args.number,
        as_json=args.json,
        model=args.model,
        profile=asked_profile(args),
    )


def add_gui(commands: Commands) -> None:
    from digitrec.recognize import DEFAULT_PEN_WIDTH

    p = commands.add_parser(
        "gui",
        help="open the drawing app: draw digits with the mouse, see the number as you draw",
    )
    add_model_option(p, "its export (.onnx)")
    p.add_argument(
        "--pen-width",
        type=int,
        default=DEFAULT_PEN_WIDTH,
        metavar="N",
        help="pen width in canvas px, 3 to 40 (the window has a slider too) (default: %(default)s)",
    )
    p.add_argument(
        "--print-answers",
        action="store_true",
        help="also print each answer as a JSON line on stdout: after every stroke, undo, clear and open, "
        "and after each change to the profile while there is ink",
    )
    add_profile_option(p, "'default'; the first correction makes it")
    kept = p.add_mutually_exclusive_group()
    kept.add_argument(
        "--learn-kept",
        action="store_const",
        const=True,
        dest="learn_kept",
        help="start with 'Learn from answers I keep' on: answers cleared uncorrected may be learnt "
        "(off the first time; afterwards as you left it)",
    )
    kept.add_argument(
        "--no-learn-kept",
        action="store_const",
        const=False,
        dest="learn_kept",
        help="start with it off: learn only corrections and Teach mode",
    )
    p.set_defaults(run=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from digitrec import gui  # Tk is imported by this command only
    from digitrec.recognize import answer_one_at_a_time

    answer_one_at_a_time()
    return gui.run(
        model=args.model,
        pen_width=args.pen_width,
        print_answers=args.print_answers,
        profile=window_profile(args),
        learn_kept=args.learn_kept,
    )


def add_model_option(p: argparse.ArgumentParser, exports: str) -> None:
    """--model for a command that answers with an exported model: `exports` says which files it reads."""
    p.add_argument(
        "--model", help=f"model file: a .keras with {exports} beside it, or the .onnx; default: the bundled model"
    )


def add_profile_option(
    p: argparse.ArgumentParser, default_help: str, without: str = "read with the model alone"
) -> None:
    # SUPPRESS: the help says what the default is; argparse's "(default: None)" would not.
    p.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help=f"the handwriting profile to read with: a name or a folder (default: {default_help})",
    )
    p.add_argument("--no-profile", action="store_true", help=without)


def asked_profile(args: argparse.Namespace) -> Profile | None:
    """The Profile that predict and explain read with: the one --profile names, or None. A profile
    decides answers only when asked for (issue 30): the window's 'default' is not used unasked."""
    from digitrec.profile import Profile, ProfileError

    named = getattr(args, "profile", None)
    if named is None:
        return None
    if args.no_profile:
        raise DigitrecError("give --profile or --no-profile, not both")
    profile = Profile(named)
    if not profile.exists():
        raise ProfileError(f"no profile {named!r} (digitrec profile list shows them)")
    return profile


def window_profile(args: argparse.Namespace) -> Profile | None:
    """The Profile the window reads and learns with: --profile's, else 'default' (made by the first
    correction); None with --no-profile."""
    from digitrec.profile import DEFAULT_NAME, Profile

    named = getattr(args, "profile", None)
    if args.no_profile:
        if named:
            raise DigitrecError("give --profile or --no-profile, not both")
        return None
    return Profile(named or DEFAULT_NAME)


def add_profile(commands: Commands) -> None:
    p = commands.add_parser(
        "profile",
        help="list, show, export, import, reset or delete handwriting profiles",
        description="Handwriting profiles hold the digits you taught digitrec (corrections "
        "and Teach mode in the window, or Recognizer.learn). Reset and delete ask first and keep a "
        "copy (a zip in the profiles' .backups folder): `digitrec profile import COPY` undoes them.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the profiles, with how many examples each holds")
    show = actions.add_parser("show", help="a profile's examples: how many of each digit, and where they are")
    show.add_argument("name", metavar="NAME", help="profile name or folder")
    export = actions.add_parser("export", help="write a profile to one file (a zip of its PNGs and index)")
    export.add_argument("name", metavar="NAME", help="profile name or folder")
    export.add_argument("file", metavar="FILE", help="the archive to write (.zip)")
    imported = actions.add_parser("import", help="add the examples of a profile file to a profile")
    imported.add_argument("file", metavar="FILE", help="an archive written by `digitrec profile export`")
    imported.add_argument("--name", help="the profile to add them to (default: the name in the file)")
    reset = actions.add_parser(
        "reset", help="forget every example of a profile (asks first; a copy is kept that `import` brings back)"
    )
    reset.add_argument("name", metavar="NAME", help="profile name or folder")
    reset.add_argument("--yes", action="store_true", help="do not ask (needed where there is no terminal to ask on)")
    delete = actions.add_parser(
        "delete", help="remove a profile (asks first; a copy is kept that `import` brings back)"
    )
    delete.add_argument("name", metavar="NAME", help="profile name or folder")
    delete.add_argument("--yes", action="store_true", help="do not ask (needed where there is no terminal to ask on)")
    p.set_defaults(run=run_profile)


def run_profile(args: argparse.Namespace) -> int:
    from digitrec import profile as profiles

    if args.action == "list":
        found = profiles.list_profiles()
        for profile in found:
            print(f"{profile.name}: {_examples_line(profile)}")
        if not found:
            print(f"no profiles yet in {profiles.profiles_root()}")
        return 0
    if args.action == "import":
        profile, added = profiles.import_archive(args.file, args.name)
        print(
            f"profile {profile.name}: added {profiles.count_examples(added)} from {args.file}, "
            f"now {_examples_line(profile)}"
        )
        return 0
    profile = profiles.Profile(args.name)
    if not profile.exists():
        raise profiles.ProfileError(f"no profile {args.name!r} (digitrec profile list shows them)")
    if args.action == "show":
        examples = profile.examples()
        profile.images(examples)  # says which image is damaged, if one is
        print(f"profile {profile.name}: {_examples_line(profile)}, in {profile.folder}")
        print("  per digit: " + ", ".join(f"{d}: {sum(e.label == d for e in examples)}" for d in range(10)))
    elif args.action == "export":
        count = profile.export_archive(args.file)
        print(f"wrote {args.file}: profile {profile.name}, {profiles.count_examples(count)}")
    elif args.action == "reset":
        return reset_profile(profile, args)
    elif args.action == "delete":
        return delete_profile(profile, args)
    return 0


def reset_profile(profile: Profile, args: argparse.Namespace) -> int:
    from digitrec.profile import count_examples

    count = len(profile.examples())
    if not count:
        print(f"profile {profile.name}: no examples to forget")
        return 0
    if not confirmed(f"Forget the {count_examples(count)} of profile {profile.name}?", args.yes):
        print(f"profile {profile.name}: not reset", file=sys.stderr)
        return 1
    forgotten, backup = profile.reset_keeping_copy()
    assert backup is not None  # there were examples: a copy was written
    print(f"profile {profile.name}: forgot {count_examples(forgotten)}; {_undo_line(profile, args.name, backup)}")
    return 0


def delete_profile(profile: Profile, args: argparse.Namespace) -> int:
    from digitrec.profile import count_examples

    if not confirmed(f"Delete profile {profile.name} and its {_examples_line(profile)}?", args.yes):
        print(f"profile {profile.name}: not deleted", file=sys.stderr)
        return 1
    count, backup = profile.delete()
    print(f"deleted profile {profile.name} ({count_examples(count)}); {_undo_line(profile, args.name, backup)}")
    return 0


def _undo_line(profile: Profile, given: str, backup: Path | str) -> str:
    """How to take it back: the import that restores the copy, to the same profile."""
    target = "" if given == profile.name else f" --name {shlex.quote(given)}"  # a folder path, not a name
    return f"to undo: digitrec profile import {shlex.quote(str(backup))}{target}"


def confirmed(question: str, yes: bool) -> bool:
    """Whether to go ahead: --yes, else a 'y' typed on the terminal. Without a terminal to ask on and
    without --yes: UsageError, so that a script never deletes by accident or hangs on a prompt."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("not asking without a terminal: add --yes to go ahead")
    try:
        answer = input(f"{question} A copy is kept. [y/N] ")
    except EOFError:  # Ctrl-D: no
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def _examples_line(profile: Profile) -> str:
    from digitrec.profile import count_examples

    return count_examples(len(profile.examples()))


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        metavar="DIR",
        help="folder with the four MNIST IDX files (default: $DIGITREC_DATA, else the user cache, else download)",
    )


class ShowVersion(argparse.Action):
    """--version: the installed package's version, looked up only when asked (importlib.metadata
    would cost every command's start a few ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("digitrec")
        except PackageNotFoundError:  # run from a source tree that was never installed
            found = "unknown (not installed: pip install -e .)"
        print(f"digitrec {found}")  # on stdout, as argparse's own "version" action
        parser.exit()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digitrec", description="Handwritten digit recognition with a Keras CNN.")
    p.add_argument("--version", action=ShowVersion, help="print digitrec's version and exit")
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_train(commands)
    add_train_path(commands)
    add_evaluate(commands)
    add_export(commands)
    add_predict(commands)
    add_explain(commands)
    add_gui(commands)
    add_profile(commands)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    args.argv = argv
    try:
        status = args.run(args) or 0
        sys.stdout.flush()  # here, not at exit: a reader gone (`| head`) is then caught below
        return status
    except BrokenPipeError:
        return closed_pipe()
    except UsageError as error:  # as argparse's own: a script can tell it from a file that failed
        print(f"digitrec {args.command}: error: {error}", file=sys.stderr)
        return 2
    except DigitrecError as error:
        print(f"digitrec {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"digitrec {args.command}: interrupted", file=sys.stderr)
        return 130


# Exit status after stdout's reader went away (`| head`): 128 + SIGPIPE, what a shell reports for
# a command killed by it, as a tool that does not ignore SIGPIPE would end.
CLOSED_PIPE = 141


def closed_pipe() -> int:
    """Stop quietly after stdout's reader went away: point stdout at /dev/null, so that Python's own
    flush at exit finds nowhere to fail (as Python's docs on SIGPIPE advise); returns CLOSED_PIPE."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return CLOSED_PIPE
