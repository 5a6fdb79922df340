"""Datasette plugin loaded by `newsarchive browse`: the archive as a researcher reads it.

    /DB/stories        the stories table opens on the stories: linked headline, tags, date,
                       site and a readable teaser, search matches marked (`_grid=1`: every column)
    /-/story/ID        a story's whole history, as `newsarchive history` prints it
    /-/tag/ID          a tag: counts, how its crawls walked it, its weekly timeline, the stories
                       that dropped off its first page and the headlines rewritten under it
    /-/warc/FILE/OFFSET  the listing page a sighting came from, read from its WARC record
                       (`.warc.gz`: the record itself, to open with any WARC tool)

Everything reads the immutable archive: Datasette's own connection for SQL, and the storage
layer's history on a read-only engine, so the story page and the `history` command are one.
`?q=` searches headline and teaser with the search command's syntax (storage.search).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import Response
from markupsafe import Markup
from sqlalchemy import Engine

from newsarchive.status import REACHED_END
from newsarchive.storage import SearchSyntaxError
from newsarchive.storage.coverage import Coverage, StartCoverage
from newsarchive.storage.engine import read_only_engine
from newsarchive.storage.history import Timeline
from newsarchive.storage.overview import WeekCount
from newsarchive.storage.read import StoryReader
from newsarchive.storage.search import MARK_END, MARK_START, fts5_query, parse, spans
from newsarchive.views.browse.queries import (
    CHANGED_HEADLINES_SQL,
    DROPPED_OFF_SQL,
    weekly_sql,
)
from newsarchive.views.report.timeline import timeline_svg
from newsarchive.warc import locate, record_at

STORIES = "stories"
SEARCH = "_q"
# What the SQL box of the database page starts with, instead of the first table's rows.
STARTER_SQL = (
    "select headline, published_at, site, url\nfrom stories\norder by published_at desc\nlimit 20"
)
MATCHED = "id in (select rowid from stories_fts where stories_fts match :newsarchive_q)"


@cache
def _engine(path: str) -> Engine:
    return read_only_engine(Path(path))


def _reader(path: str) -> StoryReader:
    return StoryReader(_engine(path))


def _coverage(path: str, tag: str, site: str) -> list[StartCoverage]:
    """The tag's start URLs as `newsarchive coverage` reads them (walk plan included)."""
    return Coverage(_engine(path)).per_start_url([tag], [site])


def _search_expression(text: str) -> str | None:
    try:
        return fts5_query(parse(text))
    except SearchSyntaxError:
        return None


def _marked(text: str | None) -> Markup:
    """Text with the search's marks as <mark> elements, everything else escaped."""
    plain, found = spans(text)
    if not plain:
        return Markup("")
    pieces, at = [], 0
    for start, end in found:
        pieces += [escape(plain[at:start]), "<mark>", escape(plain[start:end]), "</mark>"]
        at = end
    return Markup("".join(pieces) + escape(plain[at:]))


# -- the stories table ----------------------------------------------------------------------------


@hookimpl
def filters_from_request(request, database, table, datasette) -> FilterArguments | None:
    text = request.args.get(SEARCH, "").strip() if table == STORIES else ""
    if not text:
        return None
    expression = _search_expression(text)
    if expression is None:  # no word at all: nothing can match
        return FilterArguments(["0"], human_descriptions=[f'search matches "{text}"'])
    return FilterArguments(
        [MATCHED],
        params={"newsarchive_q": expression},
        human_descriptions=[f'search matches "{text}"'],
    )


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette) -> dict:
    if view_name != "table" or table != STORIES:
        return {}

    async def story_cards(rows: list[Any]) -> list[dict[str, Any]]:
        """The rows of the page as stories: tags, and headline and teaser with matches marked."""
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        db = datasette.get_database(database)
        marks = ", ".join("?" for _ in ids)
        tags: dict[int, list[dict[str, Any]]] = {}
        for found in await db.execute(
            "select st.story_id, t.id, t.name from story_tags st join tags t on t.id = st.tag_id "
            f"where st.story_id in ({marks}) order by t.name",
            ids,
        ):
            tags.setdefault(found[0], []).append({"id": found[1], "name": found[2]})
        marked: dict[int, tuple[str, str]] = {}
        expression = _search_expression(request.args.get(SEARCH, ""))
        if expression:
            for found in await db.execute(
                f"select rowid, highlight(stories_fts, 0, '{MARK_START}', '{MARK_END}'), "
                f"highlight(stories_fts, 1, '{MARK_START}', '{MARK_END}') from stories_fts "
                f"where stories_fts match ? and rowid in ({marks})",
                [expression, *ids],
            ):
                marked[found[0]] = (found[1], found[2])
        return [
            {
                "id": row["id"],
                "url": row["url"],
                "headline": _marked(marked.get(row["id"], (row["headline"],))[0]),
                "teaser": _marked(marked[row["id"]][1] if row["id"] in marked else row["teaser"]),
                "published": row["published_at"],
                "site": row["site"],
                "first_seen": (row["first_seen_at"] or "")[:16],
                "tags": tags.get(row["id"], []),
            }
            for row in rows
        ]

    return {"story_cards": story_cards, "search_text": request.args.get(SEARCH, "")}


@hookimpl
def extra_css_urls(datasette) -> list[str]:
    return [datasette.urls.path("/newsarchive/browse.css")]


@hookimpl
def extra_body_script(view_name) -> str:
    if view_name != "database":
        return ""
    # Runs before the SQL editor is built (on window load) from the textarea's text.
    return (
        "const box = document.querySelector('textarea#sql-editor');"
        f"if (box && box.value.startsWith('select * from ')) box.value = {STARTER_SQL!r};"
    )


# -- the pages of our own ---------------------------------------------------------------------------


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/story/(?P<story_id>\d+)$", story_page),
        (r"^/-/tag/(?P<tag_id>\d+)$", tag_page),
        (r"^/-/warc/(?P<file_id>\d+)/(?P<offset>\d+)(?P<raw>\.warc\.gz)?$", warc_page),
    ]


async def _render(datasette, request, template: str, context: dict[str, Any]) -> Response:
    db = datasette.get_database()
    html = await datasette.render_template(
        template, {"database": db.name, "when": _when, **context}, request=request
    )
    return Response.html(html)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"


def _not_found(what: str) -> Response:
    return Response.html(f"<h1>Not found</h1><p>{escape(what)}</p>", status=404)


async def story_page(datasette, request) -> Response:
    db = datasette.get_database()
    found = (
        await db.execute(
            "select url from stories where id = ?", [int(request.url_vars["story_id"])]
        )
    ).first()
    if found is None:
        return _not_found("No story with this id in the archive.")
    timeline: Timeline = await asyncio.to_thread(_reader(db.path).timeline, found["url"])
    tag_ids = {
        (row["name"], row["site"]): row["id"]
        for row in await db.execute("select id, name, site from tags")
    }
    return await _render(
        datasette, request, "newsarchive_story.html",
        {"timeline": timeline, "tag_ids": tag_ids, "changed": _changed_fields(timeline)},
    )  # fmt: skip


def _changed_fields(timeline: Timeline) -> list[str]:
    from newsarchive.storage.columns import TRACKED_FIELDS

    states = [*timeline.versions, timeline.story]
    return [name for name in TRACKED_FIELDS if len({state[name] for state in states}) > 1]


async def tag_page(datasette, request) -> Response:
    db = datasette.get_database()
    tag_id = int(request.url_vars["tag_id"])
    tag = (await db.execute("select id, name, site from tags where id = ?", [tag_id])).first()
    if tag is None:
        return _not_found("No tag with this id in the archive.")
    counts = (
        await db.execute(
            "select count(*) as stories, min(s.published_at) as oldest, "
            "max(s.published_at) as newest, min(s.first_seen_at) as first_seen, "
            "max(s.last_seen_at) as last_seen, count(s.published_at) as dated "
            "from story_tags st join stories s on s.id = st.story_id where st.tag_id = ?",
            [tag_id],
        )
    ).first()
    walks = [
        dict(row) | {"complete": row["end_reason"] in REACHED_END}
        for row in await db.execute(
            "select r.id as run_id, r.started_at, r.status, w.mode, w.pages, w.stories, "
            "w.end_reason from listing_walks w join crawl_runs r on r.id = w.run_id "
            "where w.tag_id = ? order by r.id desc limit 20",
            [tag_id],
        )
    ]
    weekly = await db.execute(weekly_sql(" and t.id = :tag_id"), {"tag_id": tag_id})
    dropped = await db.execute(
        f"select * from ({DROPPED_OFF_SQL}) where tag = :name and site = :site",
        {"name": tag["name"], "site": tag["site"]},
    )
    changed = await db.execute(
        f"select * from ({CHANGED_HEADLINES_SQL}) where url in (select s.url from stories s "
        "join story_tags st on st.story_id = s.id where st.tag_id = :tag_id)",
        {"tag_id": tag_id},
    )
    weeks = [
        WeekCount(date.fromisoformat(row["week"]), tag["name"], row["stories"]) for row in weekly
    ]
    return await _render(
        datasette, request, "newsarchive_tag.html",
        {
            "tag": dict(tag),
            "counts": dict(counts),
            "walks": walks,
            "depth": _depth(
                await asyncio.to_thread(_coverage, db.path, tag["name"], tag["site"])
            ),
            "timeline": Markup(timeline_svg(weeks)),
            "dropped": [dict(row) for row in dropped],
            "changed": [dict(row) for row in changed],
        },
    )  # fmt: skip


def _depth(starts: list[StartCoverage]) -> str:
    """How deep the crawls have gone into the tag: to its last page, or not (yet)."""
    if not starts:
        return "No crawl has walked this tag yet."
    deepest = max((start.deepest_page or 0 for start in starts), default=0)
    if all(start.walk_complete for start in starts):
        return (
            f"Walked to its last page (page {deepest}): the archive holds every story the tag "
            "listed then."
        )
    return (
        f"No walk has reached the tag's last page yet (deepest page {deepest}): older stories "
        "may be missing; the next crawls go on where the last one stopped."
    )


# The response record a revisit record at (WARC file, offset) stands for.
REVISIT_ORIGINAL_SQL = """
select o.warc_file_id, o.warc_offset from warc_records r
join warc_records o on o.id = r.original_id
where r.warc_file_id = ? and r.warc_offset = ? and r.kind = 'revisit'
"""


async def warc_page(datasette, request) -> Response:
    db = datasette.get_database()
    file_id, offset = int(request.url_vars["file_id"]), int(request.url_vars["offset"])
    row = (await db.execute("select path from warc_files where id = ?", [file_id])).first()
    if row is None:
        return _not_found("No WARC file with this id in the archive.")
    original = (await db.execute(REVISIT_ORIGINAL_SQL, [file_id, offset])).first()
    if original is not None:  # an unchanged page: its bytes are the original response's
        suffix = ".warc.gz" if request.url_vars.get("raw") else ""
        return Response.redirect(f"/-/warc/{original[0]}/{original[1]}{suffix}")
    archive_dir = Path(db.path).parent
    path = locate(Path(row["path"]), [archive_dir / "warc", archive_dir])
    if path is None:
        return _not_found(f"The WARC file {row['path']} is not where the crawl wrote it.")
    try:
        raw, page = await asyncio.to_thread(record_at, path, offset)
    except ValueError as error:
        return _not_found(str(error))
    if request.url_vars.get("raw"):
        return Response(
            raw,
            content_type="application/warc",
            headers={"Content-Disposition": f'attachment; filename="{path.stem}-{offset}.warc.gz"'},
        )
    return await _render(
        datasette, request, "newsarchive_capture.html",
        {
            "page": page,
            "body": page.body.decode("utf-8", "replace"),
            "warc_file": str(path),
            "offset": offset,
            "raw_url": f"/-/warc/{file_id}/{offset}.warc.gz",
        },
    )  # fmt: skip


@hookimpl
def render_cell(row, value, column, table, database, datasette) -> Markup | None:
    """In the plain tables too, a story's headline and a tag's name lead to their pages."""
    pages = {(STORIES, "headline"): "story", ("tags", "name"): "tag"}
    page = pages.get((table, column))
    if page is None or not value:
        return None
    href = datasette.urls.path(f"/-/{page}/{row['id']}")
    return Markup(f'<a href="{href}">{escape(value)}</a>')
