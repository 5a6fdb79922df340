"""Output files written whole or not at all, and values made printable as JSON."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

# Signals whose default action would end the process in the middle of a write.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)
_OWN_DESCRIPTORS = Path("/proc/self/fd")


class OutputRefused(Exception):
    """An output newsarchive will not write; the message says why."""


class OutputExists(OutputRefused):
    """An output that is there already and may not be replaced; the message says how to."""


def refuse_existing(path: Path, *, force: bool) -> None:
    """Raise OutputExists when `path` exists, unless `force` allows replacing it."""
    if path.exists() and not force:
        raise OutputExists(f"{path} exists (use --force to overwrite)")


@contextmanager
def atomic_file(
    path: Path, *, encoding: str | None = "utf-8", newline: str | None = ""
) -> Iterator[IO[Any]]:
    """Write `path` through `PATH.partial`, renamed over `path` only once the block completes.

    A failure or an interruption inside the block (Ctrl-C, and SIGTERM or SIGHUP, which become
    KeyboardInterrupt while it runs) removes the partial file and leaves `path` as it was. A
    symlink is written through (its target is replaced, the link kept). A device or a pipe
    (`/dev/null`, a FIFO) is written where it is, and a file of this process's own
    (`/dev/stdout`, `/dev/fd/3`) through its open descriptor, as the shell set it up (`>>`
    appends); nothing is renamed over them. A block device is refused. `encoding=None` opens
    the file for bytes.
    """
    mode = "wb" if encoding is None else "w"
    newline = None if encoding is None else newline
    with _terminating_raises():
        descriptor = _own_descriptor(path)
        if descriptor is not None or _is_device(path):
            target = path if descriptor is None else os.dup(descriptor)
            with open(target, mode, encoding=encoding, newline=newline) as out:
                yield out
            return
        real = Path(os.path.realpath(path))
        partial = real.with_name(real.name + ".partial")
        try:
            with partial.open(mode, encoding=encoding, newline=newline) as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, real)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


@contextmanager
def atomic_directory(directory: Path) -> Iterator[Path]:
    """Fill `DIRECTORY.partial`, then move it into place (replacing `directory`) once complete."""
    partial = directory.with_name(directory.name + ".partial")
    with _terminating_raises():
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            yield partial
            if directory.exists():
                shutil.rmtree(directory)
            partial.replace(directory)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise


@contextmanager
def _terminating_raises() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise KeyboardInterrupt (once), so the
    cleanup of a half-written output runs. A program that handles interruptions itself (a
    crawl: Scrapy's handlers) keeps its ways; only the main thread can set handlers."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    taken = [sig for sig in TERMINATING if signal.getsignal(sig) is signal.SIG_DFL]
    for sig in taken:
        signal.signal(sig, _interrupt)
    try:
        yield
    finally:
        for sig in taken:
            signal.signal(sig, signal.SIG_DFL)


def _interrupt(signum: int, _frame: object) -> None:
    for sig in TERMINATING:  # the cleanup that follows is not to be cut short in turn
        if signal.getsignal(sig) is _interrupt:
            signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _own_descriptor(path: Path) -> int | None:
    """The descriptor that `/dev/stdout`, `/dev/fd/N` or `/proc/self/fd/N` stands for, if
    `path` is (or links to) one of them."""
    own = os.path.realpath(_OWN_DESCRIPTORS)
    for _ in range(40):  # as many links as the kernel follows
        if os.path.realpath(path.parent) == own and path.name.isdigit():
            return int(path.name)
        if not path.is_symlink():
            return None
        path = path.parent / os.readlink(path)
    return None


def _is_device(path: Path) -> bool:
    """True for what is written in place (a character device, a pipe, a socket). A block device
    would be overwritten, not written, and a folder cannot be: both are refused."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # nothing there yet (or a dangling link): a new file
    if stat.S_ISBLK(mode):
        raise OutputRefused(f"{path} is a block device; newsarchive does not write to one")
    if stat.S_ISDIR(mode):
        raise OutputRefused(f"{path} is a folder, not a file")
    return not stat.S_ISREG(mode)


def json_default(value: object) -> str:
    """`json.dumps(default=...)`: dates and times as ISO 8601, anything else as its text."""
    return value.isoformat() if isinstance(value, date | datetime) else str(value)
