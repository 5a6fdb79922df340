"""`newsarchive crawl`: tag listings and their older pages into the archive."""

from __future__ import annotations

import argparse
import subprocess
import sys

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, add_profile, add_settings, check_profiles
from newsarchive.crawl import CrawlResult, close_stale_runs, crawl, invalid_urls, project_settings
from newsarchive.jobs import shared_politeness, split
from newsarchive.storage import Archive, lock_archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "crawl",
        help="crawl tag-listing pages and their older pages into the archive",
        description="Crawl tag-listing pages and all their older pages into the archive.",
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="tag-listing page URL")
    add_db(parser)
    parser.add_argument(
        "--max-pages", type=int, metavar="N", help="follow at most N pages per start URL"
    )
    parser.add_argument(
        "--full", action="store_true",
        help="walk every page, even of start URLs the archive has crawled before",
    )  # fmt: skip
    parser.add_argument(
        "--stop-after", type=int, metavar="K",
        help="incremental crawls stop after K pages in a row with no new story (default: 2)",
    )  # fmt: skip
    warc = parser.add_mutually_exclusive_group()
    warc.add_argument(
        "--warc-dir", metavar="DIR",
        help="write the run's WARC file here (default: warc/ beside the archive file)",
    )  # fmt: skip
    warc.add_argument(
        "--no-warc", action="store_true", help="do not keep the fetched pages in a WARC file"
    )
    add_settings(parser)
    parser.add_argument(
        "--resume", action="store_true",
        help="continue an interrupted crawl of the same URLs into the same archive "
        "from its checkpoint (see README \"Reliability\")",
    )  # fmt: skip
    add_profile(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument(
        "--log-file", metavar="FILE", help="append the crawl's full log to FILE (for cron)"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="split the start URLs by site over N processes (one per core)",
    )  # fmt: skip
    # Set by `--jobs` on the processes it starts: share the lock, leave other runs alone.
    parser.add_argument("--one-of-jobs", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    bad = invalid_urls(args.urls)
    if bad:
        raise CLIError(f"not an http(s) URL: {bad[0]}", CLIError.USAGE)
    if args.max_pages is not None and args.max_pages < 1:
        raise CLIError("--max-pages must be at least 1", CLIError.USAGE)
    check_profiles(args.profiles, dict(args.settings))  # so does a bad profile
    if args.stop_after is not None and args.stop_after < 1:
        raise CLIError("--stop-after must be at least 1", CLIError.USAGE)
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1", CLIError.USAGE)
    Archive.open(args.db).close()  # a bad --db fails here, before any request is made
    interactive = sys.stderr.isatty() and not args.quiet
    if args.jobs > 1:
        return crawl_in_jobs(args, interactive)
    result = crawl(
        args.urls,
        db=args.db,
        max_pages=args.max_pages,
        full=args.full,
        stop_after=args.stop_after,
        warc_dir=args.warc_dir,
        warc=not args.no_warc,
        settings=dict(args.settings),
        progress=interactive,
        resume=args.resume,
        profiles=args.profiles,
        log_file=args.log_file,
        one_of_jobs=args.one_of_jobs,
    )
    for failure in result.page_failures:
        print(f"newsarchive: warning: pagination stopped early: {failure}", file=sys.stderr)
    if interactive:
        print(summary(result))
    return outcome(result)


def crawl_in_jobs(args: argparse.Namespace, interactive: bool) -> int:
    """Run the crawl as `args.jobs` processes on one archive; their worst exit status wins."""
    parts, share = split(args.urls, args.jobs)
    settings = dict(args.settings)
    settings |= shared_politeness(project_settings(settings), share)
    with lock_archive(args.db):  # alone for a moment: close the runs of crawls that died
        close_stale_runs(args.db)
    archive = Archive.open(args.db)
    try:
        latest = archive.runs(limit=1)
    finally:
        archive.close()
    before = latest[0]["id"] if latest else 0
    with lock_archive(args.db, shared=True):
        processes = [subprocess.Popen(_job_command(args, part, settings)) for part in parts]
        codes = [process.wait() for process in processes]
    archive = Archive.open(args.db)
    try:
        runs = [run for run in archive.runs(limit=len(parts) * 2) if run["id"] > before]
    finally:
        archive.close()
    if interactive:
        pages = sum(run["pages"] for run in runs)
        new = sum(run["stories_new"] for run in runs)
        existing = sum(run["stories_existing"] for run in runs)
        print(
            f"Crawled {pages} page(s) in {len(parts)} processes: {new} new stories, "
            f"{existing} already archived; runs {', '.join(str(run['id']) for run in runs)}."
        )
    return next((code for code in codes if code), 0)


def _job_command(
    args: argparse.Namespace, urls: list[str], settings: dict[str, object]
) -> list[str]:
    """The `newsarchive crawl` command line of one process of a `--jobs` crawl."""
    command = [sys.executable, "-m", "newsarchive", "crawl", *urls, "--one-of-jobs", "--quiet"]
    for flag, value in (
        ("--db", args.db), ("--max-pages", args.max_pages), ("--stop-after", args.stop_after),
        ("--warc-dir", args.warc_dir), ("--log-file", args.log_file),
    ):  # fmt: skip
        if value is not None:
            command += [flag, str(value)]
    for flag, on in (("--full", args.full), ("--no-warc", args.no_warc), ("--resume", args.resume)):
        if on:
            command.append(flag)
    for profile in args.profiles or []:
        command += ["--profile", profile]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def summary(result: CrawlResult) -> str:
    text = (
        f"Crawled {result.pages} page(s) in {result.seconds:.1f} s: "
        f"{result.stories_new} new stories, {result.stories_existing} already archived, "
        f"{result.errors} error(s).\nArchive: {result.archive} (run {result.run_id})"
    )
    return text + (f"\nWARC: {result.warc_file}" if result.warc_file else "")


def outcome(result: CrawlResult) -> int:
    """Exit status of a finished crawl; raises CLIError with the reason when it failed."""
    if result.failures:
        raise CLIError(_failed(result), CLIError.START_FAILED)
    if result.stats.get("newsarchive/store_failed"):
        raise CLIError(
            f"the crawl stopped: stories could not be written to {result.archive}",
            CLIError.DATABASE,
        )
    if result.status == "interrupted":
        raise CLIError("crawl interrupted", 130)
    if result.shortfalls:
        raise CLIError(_fewer(result), CLIError.FEWER_STORIES)
    if result.status != "finished":
        raise CLIError(
            "no stories found: the site may have changed its layout (check the URL with a browser)",
            CLIError.NO_STORIES,
        )
    return 0


def _fewer(result: CrawlResult) -> str:
    first = result.shortfalls[0]
    more = f" (and {len(result.shortfalls) - 1} more)" if len(result.shortfalls) > 1 else ""
    return (
        f"far fewer stories than before on {first.start_url}: {first.per_page:.1f} per page, "
        f"{first.previous_per_page:.1f} in run {first.previous_run_id}{more}; "
        "the site may have changed its layout"
    )


def _failed(result: CrawlResult) -> str:
    first = result.failures[0]
    more = (
        f" (and {len(result.failures) - 1} more start URL(s))" if len(result.failures) > 1 else ""
    )
    return f"cannot crawl {first}{more}"
