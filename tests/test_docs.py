"""The README documents every command, option and exit status, each command and option has
help text, and its Python examples run: a command added without its documentation, or an API
changed under its examples, fails here (as sqlite-utils and Datasette test theirs)."""

from __future__ import annotations

import argparse
import re
import runpy
from pathlib import Path

import pytest

from newsarchive.cli import build_parser, subcommands
from newsarchive.cli.errors import CLIError
from tests.browsing import demo_archive
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, argparse.ArgumentParser, str]]:
    """Every command and `db` action: (its words, its parser, its help)."""
    found = []
    for name, (parser, help_) in subcommands(build_parser()).items():
        found.append((name, parser, help_))
        found += [
            (f"{name} {action}", sub, sub_help)
            for action, (sub, sub_help) in subcommands(parser).items()
        ]
    return found


COMMANDS = commands()
ARGUMENTS = [
    (words, argument)
    for words, parser, _ in COMMANDS
    for argument in parser._actions
    if not isinstance(argument, argparse._HelpAction | argparse._SubParsersAction)
]


@pytest.mark.parametrize(("words", "parser", "help_"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_is_in_the_readme_with_help(
    words: str, parser: argparse.ArgumentParser, help_: str
) -> None:
    assert f"newsarchive {words}" in README
    assert help_ and parser.description


@pytest.mark.parametrize(
    ("words", "argument"),
    ARGUMENTS,
    ids=[f"{words} {'/'.join(a.option_strings) or a.dest}" for words, a in ARGUMENTS],
)
def test_every_option_is_in_the_readme_and_every_argument_has_help(
    words: str, argument: argparse.Action
) -> None:
    assert argument.help, f"newsarchive {words}: {argument.dest} has no help"
    names = [name for name in argument.option_strings if name.startswith("--")]
    for name in names or argument.option_strings:
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", README):
            return
    assert not argument.option_strings, (
        f"newsarchive {words}: {argument.option_strings} undocumented"
    )


def test_the_exit_codes_table_lists_the_codes_in_use() -> None:
    table = re.search(r"### Exit codes\n\n(.*?)\n\n", README, re.DOTALL)
    assert table is not None
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table.group(1), re.MULTILINE)}
    used = {value for name, value in vars(CLIError).items() if name.isupper()}
    assert documented == used | {0, 130}  # success, and interrupted (Ctrl-C)


# The examples that read the demo archive (`make demo`); the crawl example needs the network.
EXAMPLES = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
DEMO_EXAMPLES = [code for code in EXAMPLES if "data/demo.sqlite" in code]


def test_the_readme_has_python_examples_of_the_demo_archive() -> None:
    assert EXAMPLES and DEMO_EXAMPLES


@pytest.mark.parametrize("code", DEMO_EXAMPLES)
def test_python_examples_run_on_the_demo_archive(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_archive(tmp_path / "data")
    (tmp_path / "example.py").write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path("example.py")
    assert capsys.readouterr().out
