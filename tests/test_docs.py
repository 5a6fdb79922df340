"""The README documents every command, option and exit status, each command and option has
help text, and its Python examples run: a command added without its documentation, or an API
changed under its examples, fails here (as sqlite-utils and Datasette test theirs)."""

from __future__ import annotations

import argparse
import re
import runpy
import shlex
import shutil
from pathlib import Path

import pytest

from newsarchive.cli import build_parser, main, subcommands
from newsarchive.cli.errors import CLIError
from newsarchive.cli.examples import EXAMPLES, HEADING, examples_of
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


@pytest.fixture
def in_demo(demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own with a copy of the demo's `data/`."""
    shutil.copytree(demo_data, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSARCHIVE_DB", raising=False)
    return tmp_path


# The examples that read the demo archive (`make demo`); the crawl example needs the network.
PYTHON = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
DEMO_PYTHON = [code for code in PYTHON if "data/demo.sqlite" in code]


def test_the_readme_has_python_examples_of_the_demo_archive() -> None:
    assert PYTHON and DEMO_PYTHON


@pytest.mark.parametrize("code", DEMO_PYTHON)
def test_python_examples_run_on_the_demo_archive(
    code: str, in_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_demo / "example.py").write_text(code, encoding="utf-8")
    runpy.run_path("example.py")
    assert capsys.readouterr().out


# -- the command examples: one table (cli/examples.py) for the help and the README ----------------

SHELL = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.DOTALL))
README_LINES = [
    shlex.split(line.strip().removeprefix(".venv/bin/").split(" > ")[0], comments=True)
    for line in SHELL.splitlines()
    if line.strip().startswith(("newsarchive ", ".venv/bin/newsarchive "))
]
EXAMPLE_LINES = [(command, line) for command, found in EXAMPLES.items() for line, _meaning in found]
# What reads an archive and prints or writes something: run on the demo archive.
READS = ("runs", "coverage", "history", "search", "export", "report", "db check", "reparse")


@pytest.mark.parametrize(("words", "parser", "help_"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_help_ends_with_examples(words: str, parser, help_: str) -> None:
    assert examples_of(words), words
    text = parser.format_help()
    assert HEADING.strip() in text
    for line, meaning in examples_of(words):
        assert f"  {line}\n      {meaning}" in text


@pytest.mark.parametrize(
    ("command", "line"), EXAMPLE_LINES, ids=[line for _, line in EXAMPLE_LINES]
)
def test_every_example_is_in_the_readme_and_parses(command: str, line: str) -> None:
    argv = shlex.split(line.split(" > ")[0])
    assert argv in README_LINES, f"not in the README: {line}"
    assert argv[0] == "newsarchive" and " ".join(argv[1:]).startswith(command)
    build_parser().parse_args(argv[1:])  # a usage error would exit


def test_every_command_line_of_the_readme_is_an_example() -> None:
    known = [shlex.split(line.split(" > ")[0]) for _, line in EXAMPLE_LINES]
    assert [argv for argv in README_LINES if argv not in known] == []


@pytest.mark.parametrize(
    "line",
    [line for command, line in EXAMPLE_LINES if command in READS],
)
def test_every_example_that_reads_prints_results_on_the_demo_archive(
    line: str, in_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shlex.split(line)[1:]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    written = [
        Path(argv[n + 1]) for n, arg in enumerate(argv) if arg in ("-o", "--output", "--bundle")
    ]
    if written:
        assert all(path.exists() and (path.is_dir() or path.stat().st_size) for path in written)
    else:
        assert out.strip(), out
    assert "warning" not in err
