"""The examples of every command, in one place: each command's `--help` ends with its own, and
the README shows the same lines (tests/test_docs.py holds the two together and runs those that
read an archive on the demo archive, so each of them prints something after `make demo`)."""

from __future__ import annotations

import argparse

DEMO_DB = "data/demo.sqlite"
# A story of the demo archive whose headline the sample site rewrote between its two crawls.
DEMO_STORY = "http://dispatch.example/2024/08/congress-approves-law-restricting-ngos/"
HEADING = "examples:\n"

# command (or "db check") -> (command line, what it does)
EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    "crawl": (
        ("newsarchive crawl https://news.example.org/tag/peru/",
         "crawl a tag page and all its older pages into data/archive.sqlite"),
        ("newsarchive crawl -i tags.txt --db data/peru.sqlite --quiet",
         "start URLs from a file, one per line (- reads them from stdin); quiet for cron"),
        ("newsarchive crawl --config newsarchive.toml --jobs 2 --json",
         "the start URLs of a project file, in two processes, a JSON summary at the end"),
        ("newsarchive crawl --articles https://news.example.org/tag/peru/",
         "also follow each listed story to its article page, once (full text, exact dates)"),
        ("newsarchive crawl --articles --recheck 1d,7d https://news.example.org/tag/peru/",
         "daily from cron: fetch each article again at 1 and 7 days to record its changes"),
    ),
    "articles": (
        ("newsarchive articles --tag Perú --since 2024-07-01",
         "fetch the articles of stories archived before and not followed yet"),
        ("newsarchive articles --recheck", "fetch every archived article again now, noting changes"),
    ),
    "backfill": (
        ("newsarchive backfill https://news.example.org/tag/peru/ --since 2019-01-01 --until 2019-12-31 --dry-run",
         "list the Internet Archive's captures of the tag's pages in 2019, fetching none"),
        ("newsarchive backfill https://news.example.org/tag/peru/ --since 2019-01-01 --until 2019-12-31",
         "store the stories those captures listed, dated at the captures"),
    ),
    "runs": (
        (f"newsarchive runs --db {DEMO_DB}", "the latest 20 runs with their figures"),
        (f"newsarchive runs --db {DEMO_DB} --json --limit 1",
         "the latest run with its walks, WARC files and settings"),
    ),
    "coverage": (
        (f"newsarchive coverage --db {DEMO_DB}",
         "per start URL: its stories, how deep the walks went, whether one reached the end"),
        (f"newsarchive coverage --json --tag Peru --db {DEMO_DB}",
         "the same as JSON lines, with the stories only the feed listed"),
    ),
    "history": (
        (f"newsarchive history {DEMO_STORY} --db {DEMO_DB}",
         "earlier headlines, time on page 1, every sighting and its WARC record"),
    ),
    "search": (
        (f"newsarchive search strike --db {DEMO_DB}", "stories about a strike, best first"),
        (f"newsarchive search '\"lithium survey\" OR copper' --tag Peru --since 2024-08-01 --db {DEMO_DB}",
         "a phrase or a word, under one tag, published since August"),
        (f"newsarchive search covid-19 --json --db {DEMO_DB}",
         "JSON lines: plain headline, match spans, tags and score"),
    ),
    "export": (
        (f"newsarchive export -o data/stories.csv --force --db {DEMO_DB}",
         "every story as CSV (the format follows the file name's extension)"),
        (f"newsarchive export --format jsonl --tag Bolivia --since 2024-08-01 --db {DEMO_DB}",
         "one tag's stories since August as JSON lines on stdout"),
        (f"newsarchive export --excel --fields url,headline,published_at,tags -o data/stories-excel.csv --force --db {DEMO_DB}",
         "CSV for a spreadsheet: a byte-order mark, formulas disarmed"),
        (f"newsarchive export --bundle data/peru-2024 --force --tag Peru --db {DEMO_DB}",
         "a citable dataset: data, datapackage.json, CITATION.cff, runs.json, SHA256SUMS"),
        (f"newsarchive export --wacz data/demo.wacz --force --db {DEMO_DB}",
         "the runs' WARC files as a WACZ package for ReplayWeb.page or pywb"),
    ),
    "inspect": (
        ("newsarchive inspect https://news.example.org/tag/peru/",
         "what a crawl would take from one listing page (fetched once)"),
        ("newsarchive inspect saved.html --url https://news.example.org/tag/peru/ --json",
         "the same for a saved page, as JSON"),
        ("newsarchive inspect https://news.example.org/tag/peru/ --profile my-site.toml",
         "with a site profile tried first"),
    ),
    "reparse": (
        (f"newsarchive reparse --db {DEMO_DB}",
         "re-extract every run from its WARC files with the current extractors"),
        (f"newsarchive reparse --run 2 --warc-dir data/demo-warc --db {DEMO_DB}",
         "one run; its WARC files are looked for in this folder too (moved files)"),
    ),
    "browse": (
        (f"newsarchive browse --db {DEMO_DB}", "then open http://127.0.0.1:8001/"),
    ),
    "report": (
        (f"newsarchive report --db {DEMO_DB} --output data/report.html --force",
         "one HTML file: counts, the coverage timeline, changed headlines"),
    ),
    "db upgrade": (
        ("newsarchive db upgrade --db data/archive.sqlite",
         "migrate an archive an older newsarchive wrote (a copy is kept beside it)"),
    ),
    "db check": (
        (f"newsarchive db check --db {DEMO_DB}", "integrity, orphans, foreign keys"),
    ),
    "demo": (
        ("newsarchive demo", "crawl the bundled sample site twice into data/demo.sqlite"),
    ),
    "enqueue": (
        ("newsarchive enqueue --redis redis://redis.lan:6379/0 https://news.example.org/tag/peru/ https://news.example.org/tag/bolivia/",
         "start a crawl job on the shared frontier"),
    ),
    "worker": (
        ("newsarchive worker --redis redis://redis.lan:6379/0 --db postgresql+psycopg://na:secret@db.lan/newsarchive",
         "crawl what the frontier holds into a shared archive"),
    ),
    "completion": (
        ("newsarchive completion bash > ~/.local/share/bash-completion/completions/newsarchive",
         "tab completion for bash (zsh: newsarchive completion zsh > ~/.zfunc/_newsarchive)"),
    ),
}  # fmt: skip


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, keeping the examples' lines as they are."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(HEADING):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def examples_of(command: str) -> tuple[tuple[str, str], ...]:
    """A command's examples; for a command of actions (`db`), those of its actions."""
    if command in EXAMPLES:
        return EXAMPLES[command]
    return tuple(
        e for name, found in EXAMPLES.items() if name.startswith(command + " ") for e in found
    )


def add_examples(parser: argparse.ArgumentParser, command: str) -> None:
    """End `command`'s help with its examples."""
    lines = [f"  {line}\n      {meaning}" for line, meaning in examples_of(command)]
    parser.epilog = HEADING + "\n".join(lines)
    parser.formatter_class = HelpFormatter
