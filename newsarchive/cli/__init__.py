"""The `newsarchive` command: `main(argv) -> int`, thin over the Python API."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from newsarchive import __version__
from newsarchive.cli import (
    browse,
    completion,
    crawl,
    db,
    demo,
    enqueue,
    export,
    history,
    inspect,
    reparse,
    report,
    runs,
    search,
    worker,
)
from newsarchive.cli.errors import CLIError
from newsarchive.cli.examples import add_examples
from newsarchive.storage import ArchiveLocked, DatabaseError, SchemaOutdated, SchemaTooNew

COMMANDS = (
    crawl,
    runs,
    history,
    search,
    export,
    inspect,
    reparse,
    browse,
    report,
    db,
    demo,
    enqueue,
    worker,
    completion,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Crawl news tag-listing pages into a deduplicated, searchable archive.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(commands)
    for name, (command, _) in subcommands(parser).items():
        add_examples(command, name)
        for action, (sub, _) in subcommands(command).items():
            add_examples(sub, f"{name} {action}")
    return parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """The commands (or a command's actions) of `parser`: name -> (their parser, their help)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return {name: (sub, helps.get(name, "")) for name, sub in action.choices.items()}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit status (see README "Exit codes")."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except CLIError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return error.code
    except (SchemaOutdated, SchemaTooNew) as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return CLIError.SCHEMA
    except DatabaseError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return CLIError.DATABASE
    except ArchiveLocked as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return CLIError.LOCKED
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
