"""`newsarchive completion SHELL`: a tab-completion script for bash, zsh or tcsh (by shtab)."""

from __future__ import annotations

import argparse

SHELLS = ("bash", "zsh", "tcsh")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "completion",
        help="print a tab-completion script for bash, zsh or tcsh",
        description=(
            "Print a tab-completion script of every command and option for SHELL, made by "
            "shtab from the command line itself. Save it where your shell loads completions."
        ),
    )
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or tcsh")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import shtab

    from newsarchive.cli import build_parser

    print(shtab.complete(build_parser(), shell=args.shell))
    return 0
