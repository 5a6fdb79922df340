"""Walks that finish: no silent gaps when a walk is cut short, shared stories never stop a walk.

The plan (newsarchive.walks) is checked on its own first; then crawls of loopback sites show
that repeated plain crawls after `--max-pages 2` archive every story and call the walk complete,
that a page that failed is fetched again by the next run, and that a tag whose older pages hold
only stories another tag listed is walked to its end.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from newsarchive.status import WalkEnd, WalkMode
from newsarchive.walks import Resume, WalkRecord, plan
from tests.helpers import FAST, rows, run_cli
from tests.sites import write_chain

TAG = "/tag/litio/"


def page_url(number: int) -> str:
    return f"https://news.example.org/tag/litio/page/{number}/"


def test_a_first_walk_cut_short_is_resumed_to_the_end() -> None:
    cut = WalkRecord(WalkMode.FULL, WalkEnd.MAX_PAGES, 2, next_url=page_url(3), next_page=3)
    assert plan([cut]).resume == [Resume(page_url(3), 3, until_known=False)]
    assert plan([cut]).head_mode == WalkMode.INCREMENTAL and not plan([cut]).complete
    head = WalkRecord(WalkMode.INCREMENTAL, WalkEnd.KNOWN_STORIES, 2)
    resumed = WalkRecord(WalkMode.RESUME, WalkEnd.MAX_PAGES, 2, first_page=3,
                         first_url=page_url(3), next_url=page_url(5), next_page=5)  # fmt: skip
    assert plan([cut, head, resumed]).resume == [Resume(page_url(5), 5, until_known=False)]
    ended = WalkRecord(WalkMode.RESUME, WalkEnd.LAST_PAGE, 3, first_page=5, first_url=page_url(5))
    done = plan([cut, head, resumed, head, ended])
    assert done.complete and done.resume == [] and done.head_mode == WalkMode.INCREMENTAL


def test_a_gap_after_the_end_was_reached_is_caught_up_until_known_stories() -> None:
    complete = WalkRecord(WalkMode.FULL, WalkEnd.LAST_PAGE, 8)
    # Many new stories at once: the walk from page 1 hit its page bound while still finding them.
    gap = WalkRecord(WalkMode.INCREMENTAL, WalkEnd.MAX_PAGES, 2, next_url=page_url(3), next_page=3)
    assert plan([complete, gap]).resume == [Resume(page_url(3), 3, until_known=True)]
    failed = WalkRecord(WalkMode.INCREMENTAL, WalkEnd.ERROR, 1, next_url=page_url(2), next_page=2)
    interrupted = WalkRecord(WalkMode.FULL, None, 1, next_url=page_url(2), next_page=2)
    assert plan([complete, failed]).resume == [Resume(page_url(2), 2, until_known=True)]
    assert plan([interrupted]).resume == [Resume(page_url(2), 2, until_known=False)]
    assert plan([]).head_mode == WalkMode.FULL and not plan([]).walked


def stories(db: Path) -> set[str]:
    return {url.rstrip("/").rsplit("/", 1)[-1] for (url,) in rows(db, "SELECT url FROM stories")}


def walks(db: Path, run: int) -> list[tuple]:
    return rows(
        db,
        "SELECT mode, first_page, last_page, end_reason FROM listing_walks WHERE run_id = :run "
        "ORDER BY id",
        run=run,
    )


def test_plain_crawls_after_max_pages_archive_every_story(tmp_path: Path, serve) -> None:
    site, db = tmp_path / "site", tmp_path / "a.sqlite"
    slugs = [[f"p{page}-s{n}" for n in range(10)] for page in range(1, 9)]
    write_chain(site, TAG, "Litio", slugs)
    start = serve(site) + TAG
    first = run_cli("crawl", start, "--db", str(db), "--max-pages", "2", *FAST)
    assert first.returncode == 0, first.stderr
    assert len(stories(db)) == 20
    # Each later run walks page 1 until known stories, then goes on where the last walk
    # stopped, within its own bound of pages per walk.
    second = run_cli("crawl", start, "--db", str(db), "--max-pages", "3", *FAST)
    assert second.returncode == 0, second.stderr
    assert walks(db, 2) == [("incremental", 1, 2, "known_stories"), ("resume", 3, 5, "max_pages")]
    assert len(stories(db)) == 50
    third = run_cli("crawl", start, "--db", str(db), *FAST)
    assert third.returncode == 0, third.stderr
    assert walks(db, 3) == [("incremental", 1, 2, "known_stories"), ("resume", 6, 8, "last_page")]
    assert stories(db) == {slug for page in slugs for slug in page}
    # The end is reached: the next crawl walks from page 1 only.
    fourth = run_cli("crawl", start, "--db", str(db), *FAST)
    assert walks(db, 4) == [("incremental", 1, 2, "known_stories")]
    assert fourth.returncode == 0


def test_a_failed_older_page_makes_the_run_partial_and_is_fetched_again(
    tmp_path: Path, serve
) -> None:
    site, db = tmp_path / "site", tmp_path / "a.sqlite"
    slugs = [[f"p{page}-s{n}" for n in range(5)] for page in range(1, 6)]
    write_chain(site, TAG, "Litio", slugs)
    hidden = site / "tag" / "litio" / "page" / "3"
    shutil.move(hidden, tmp_path / "page-3")  # a 404 for now
    start = serve(site) + TAG
    first = run_cli("crawl", start, "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    assert "pagination stopped early" in first.stderr and "HTTP 404" in first.stderr
    assert rows(db, "SELECT status, errors FROM crawl_runs") == [("partial", 1)]
    assert rows(db, "SELECT url, page_number, http_status, reason FROM listing_failures") == [
        (start + "page/3/", 3, 404, "HTTP 404")
    ]
    shutil.move(tmp_path / "page-3", hidden)
    second = run_cli("crawl", start, "--db", str(db), *FAST)
    assert second.returncode == 0, second.stderr
    assert walks(db, 2) == [("incremental", 1, 2, "known_stories"), ("resume", 3, 5, "last_page")]
    assert rows(db, "SELECT status FROM crawl_runs WHERE id = 2") == [("finished",)]
    assert len(stories(db)) == 25


def test_a_tag_whose_older_stories_another_tag_listed_is_walked_to_its_end(
    tmp_path: Path, serve
) -> None:
    site, db = tmp_path / "site", tmp_path / "a.sqlite"
    shared = [[f"shared-{page}-{n}" for n in range(5)] for page in range(1, 5)]
    write_chain(site, "/tag/america-latina/", "América Latina", shared)
    write_chain(site, "/tag/peru/", "Perú", [["peru-only-1"], *shared])
    base = serve(site)
    starts = [base + "/tag/america-latina/", base + "/tag/peru/"]
    first = run_cli("crawl", *starts, "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    pages = "SELECT w.start_url, w.last_page, w.end_reason FROM listing_walks w WHERE run_id = :run"
    assert sorted(rows(db, pages, run=1)) == [
        (starts[0], 4, "last_page"), (starts[1], 5, "last_page"),
    ]  # fmt: skip
    # Later, both tags list the same new stories: the Perú walk does not stop at stories the
    # other tag's walk has just archived: they are not yet known under Perú.
    fresh = [[f"new-{n}" for n in range(5)]]
    write_chain(site, "/tag/america-latina/", "América Latina", [*fresh, *shared])
    write_chain(site, "/tag/peru/", "Perú", [*fresh, ["peru-only-1"], *shared])
    second = run_cli("crawl", *starts, "--db", str(db), *FAST)
    assert second.returncode == 0, second.stderr
    tagged = (
        "SELECT count(*) FROM story_tags st JOIN tags t ON t.id = st.tag_id "
        "JOIN stories s ON s.id = st.story_id WHERE t.name = 'Perú' AND s.url LIKE '%new-%'"
    )
    assert rows(db, tagged) == [(5,)]
