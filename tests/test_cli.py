"""Specification of the `digitrec` command as a whole: its help, its version."""

import importlib.metadata

import pytest

from digitrec.cli import main, parser

COMMANDS = ["train", "train-path", "evaluate", "export", "predict", "explain", "gui", "profile"]
PROFILE_ACTIONS = ["list", "show", "export", "import", "reset", "delete"]


def help_of(args, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*args, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [[], *[[c] for c in COMMANDS], *[["profile", a] for a in PROFILE_ACTIONS]])
def test_help_says_no_default_of_none_or_false(args, capsys):
    text = " ".join(help_of(args, capsys).split())  # argparse wraps lines
    assert "(default: None)" not in text and "(default: False)" not in text


def test_help_says_the_defaults_worth_saying(capsys):
    assert "(default: digitrec-report)" in " ".join(help_of(["evaluate"], capsys).split())
    assert "(default: 1, the answer)" in " ".join(help_of(["predict"], capsys).split())


@pytest.mark.parametrize("command", ["train", "train-path", "evaluate", "export"])
def test_the_training_commands_help_says_they_need_the_train_extra(command, capsys):
    assert "pip install 'digitrec[train]'" in " ".join(help_of([command], capsys).split())
    overview = " ".join(help_of([], capsys).split())
    assert f"{command} " in overview and overview.count("pip install 'digitrec[train]'") == 4


def test_version_is_the_installed_packages(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"digitrec {importlib.metadata.version('digitrec')}\n"


def test_every_command_is_in_the_parser():
    commands = next(a for a in parser()._actions if a.dest == "command").choices
    assert list(commands) == COMMANDS
