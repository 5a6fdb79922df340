"""Revisit records: a crawl of unchanged pages writes headers and a pointer, not the pages again,
and every sighting still resolves to the bytes (reparse, history)."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from tests.helpers import FAST, rows, run_cli
from tests.sites import listing_html

PAGES, PER_PAGE = 50, 20


def boilerplate(seed: int) -> str:
    """About 50 KB of a theme's styles and scripts, the same on every fetch, compressing as real
    pages do (the corpus median: 62 KB, 12 KB gzipped)."""
    pick = random.Random(seed)
    names = ["".join(pick.choices("abcdefghijklmnopqrstuvwxyz-", k=8)) for _ in range(300)]
    rules = (
        f".{pick.choice(names)} {{{pick.choice(names)}: {pick.randint(0, 999)}px}}"
        for _ in range(1800)
    )
    return f"<style>{' '.join(rules)}</style>"


def write_tag(root: Path) -> None:
    """A 50-page tag whose pages weigh what real ones do (the corpus median is 62 KB)."""
    for number in range(1, PAGES + 1):
        path = "tag/minas/" if number == 1 else f"tag/minas/page/{number}/"
        folder = root / path
        folder.mkdir(parents=True, exist_ok=True)
        slugs = [f"2024/p{number}-story-{n}" for n in range(PER_PAGE)]
        following = f"/tag/minas/page/{number + 1}/" if number < PAGES else None
        html = listing_html("Minas", slugs, following, head=boilerplate(number))
        (folder / "index.html").write_text(html, encoding="utf-8")


LISTING_PAGE = re.compile(r"/tag/minas/(page/\d+/)?$")


def record_kinds(path: str) -> list[str]:
    """The kinds of the listing pages' records (not the robots.txt, feed or sitemap's)."""
    with open(path, "rb") as stream:
        return [
            r.rec_type
            for r in ArchiveIterator(stream)
            if r.rec_type in ("response", "revisit")
            and LISTING_PAGE.search(urlsplit(r.rec_headers.get_header("WARC-Target-URI")).path)
        ]


def sightings(db: Path, run: int) -> list[tuple]:
    return rows(
        db,
        "SELECT st.url, s.page_number, s.position, s.warc_offset FROM sightings s "
        "JOIN stories st ON st.id = s.story_id WHERE s.run_id = :run ORDER BY 1",
        run=run,
    )


def test_a_second_crawl_of_an_unchanged_tag_writes_revisits(tmp_path: Path, serve, cli) -> None:
    write_tag(tmp_path / "site")
    start = serve(tmp_path / "site") + "/tag/minas/"
    db = tmp_path / "archive.sqlite"
    first = run_cli("crawl", start, "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    again = run_cli("crawl", start, "--db", str(db), "--full", *FAST)
    assert again.returncode == 0, again.stderr
    one, two = (rows(db, f"SELECT path FROM warc_files WHERE run_id = {n}")[0][0] for n in (1, 2))
    assert record_kinds(one) == ["response"] * PAGES
    assert record_kinds(two) == ["revisit"] * PAGES
    size_one, size_two = Path(one).stat().st_size, Path(two).stat().st_size
    assert size_two < 0.10 * size_one
    indexed = Counter(
        (kind, original is not None)
        for kind, url, original in rows(db, "SELECT kind, url, original_id FROM warc_records")
        if LISTING_PAGE.search(urlsplit(url).path)
    )
    assert indexed == {("response", False): PAGES, ("revisit", True): PAGES}

    # Every sighting of the second run still resolves to its page's bytes.
    before = sightings(db, 2)
    assert len(before) == PAGES * PER_PAGE
    reparsed = cli("reparse", "--run", "2", "--db", db)
    assert reparsed.returncode == 0, reparsed.stderr
    assert f"Run 2: {PAGES} page(s), {PAGES * PER_PAGE} stories (0 new" in reparsed.stdout
    assert sightings(db, 2) == before

    story = start.replace("/tag/minas/", "/2024/p3-story-4/")
    history = cli("history", story, "--db", db)
    assert history.returncode == 0, history.stderr
    assert f"(unchanged: revisit of {one} @ " in history.stdout
