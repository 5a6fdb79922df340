"""The `newsarchive` command: `main(argv) -> int`, thin over the Python API."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence

from newsarchive import __version__
from newsarchive.cli import (
    articles,
    backfill,
    browse,
    completion,
    coverage,
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
from newsarchive.storage import (
    ArchiveLocked,
    BadArchive,
    DatabaseError,
    SchemaOutdated,
    SchemaTooNew,
)

# What writing to a full, over-quota or failing disk raises.
WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})

COMMANDS = (
    crawl,
    articles,
    backfill,
    runs,
    coverage,
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
        status = args.handler(args)
        sys.stdout.flush()  # a full disk behind `> FILE` shows here, not as Python exits
        return status
    except CLIError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return error.code
    except (SchemaOutdated, SchemaTooNew) as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return CLIError.SCHEMA
    except BadArchive as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return CLIError.BAD_ARCHIVE
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
        _drop_stdout()
        return 141
    except OSError as error:
        # A write that failed on a file opened before the command ran: standard output
        # (`> /dev/full`). Files a command opens itself are reported by `writing()`.
        if error.filename is not None or error.errno not in WRITE_FAILURES:
            raise
        print(f"newsarchive: error: cannot write the output: {error.strerror}", file=sys.stderr)
        _drop_stdout()
        return CLIError.OUTPUT


def _drop_stdout() -> None:
    """Send what is left for standard output nowhere, so Python's exit does not fail on it."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
