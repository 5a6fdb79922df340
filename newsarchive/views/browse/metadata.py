"""Datasette metadata for an archive: descriptions, facets, search, canned queries, the timeline.

Generated at start-up from the tables the archive actually has (see `tables.py`), so a feature
whose tables are missing is left out instead of failing.
"""

from __future__ import annotations

import html
from typing import Any

from newsarchive.plausible import EARLIEST_YEAR, FUTURE_SLACK
from newsarchive.storage.columns import TABLES as COLUMNS
from newsarchive.views.browse.queries import QUERIES, outside_sql, weekly_sql
from newsarchive.views.browse.tables import ArchiveTables

DASHBOARD = "coverage"
# Tables of the machinery, not of the archive: left out of the lists.
INTERNAL_TABLES = frozenset({"alembic_version"})
TIMELINE = "timeline"
OUTSIDE = "outside"
SOURCE = "Tag-listing pages of the archived news sites (each story's url and site say which)"
LICENCE = (
    "Headlines, teasers and images belong to their publishers; the archive keeps them for "
    "research. Quote with care and link the original story."
)

# The full-text index of article titles and texts (storage/search.py).
ARTICLES_FTS = "articles_fts"

# How each table is presented; its columns' notes come from the column catalogue.
TABLES: dict[str, dict[str, Any]] = {
    "stories": {
        "title": "Stories",
        "description": (
            "One row per story, whatever the number of tags or crawls that listed it, keyed by "
            "its canonical URL. Narrow by tag, site or first-seen date with the facets."
        ),
        "facets": ["site", {"story_tags": "name"}, {"date": "first_seen_at"}],
        "label_column": "headline",
        "sort_desc": "published_at",
    },
    "tags": {
        "title": "Tags",
        "description": "The tags crawled, one row per site and tag name.",
        "facets": ["site"],
        "label_column": "name",
    },
    "story_tags": {
        "title": "Stories per tag",
        "description": "Which stories each tag listed; a story listed under two tags has two rows.",
        "facets": ["tag_id"],
    },
    "sightings": {
        "title": "Sightings",
        "description": (
            "Every time a crawl saw a story on a listing page: which run, tag, page and "
            "position. Page 1 is the page the crawl started at, normally the tag's front page."
        ),
        "facets": ["tag_id", "page_number"],
        "sort_desc": "id",
    },
    "story_versions": {
        "title": "Earlier versions of stories",
        "description": (
            "What a story's listing said before the site changed it: one row per earlier "
            "version, with when it was first and last seen and when newer values replaced it."
        ),
        "sort_desc": "replaced_at",
    },
    "listing_walks": {
        "title": "Listing walks",
        "description": (
            "How each crawl walked each start URL: from page 1 (full or incremental) or going "
            "on where an earlier walk stopped, pages fetched, stories listed, why the "
            "pagination ended there and where a later run goes on."
        ),
        "facets": ["mode", "end_reason"],
        "sort_desc": "id",
    },
    "listing_failures": {
        "title": "Failed listing pages",
        "description": (
            "Listing pages a crawl could not fetch or read (an HTTP error, a timeout, not an "
            "HTML page); the next crawl of the tag tries them again."
        ),
        "facets": ["http_status"],
        "sort_desc": "id",
    },
    "feed_fetches": {
        "title": "Feeds and sitemaps fetched",
        "description": (
            "Each listing's own feed and each site's sitemaps, as each crawl asked for them: "
            "how they were found, what came back, how many entries they held."
        ),
        "facets": ["kind", "outcome", "found_by"],
        "sort_desc": "id",
    },
    "feed_sightings": {
        "title": "Feed and sitemap sightings",
        "description": (
            "Stories as a feed or sitemap listed them, the second witness of a listing: the "
            "feed's title, publication and modification time and author; a feed may list a "
            "story no listing showed."
        ),
        "sort_desc": "id",
    },
    "warc_files": {
        "title": "WARC files",
        "description": "The WARC file each crawl run wrote its fetched listing pages to.",
    },
    "warc_records": {
        "title": "WARC records",
        "description": (
            "Each listing page's record in the WARC files: a response, or a revisit of an "
            "earlier response with the same payload (the page had not changed)."
        ),
        "facets": ["kind"],
        "sort_desc": "id",
    },
    "archived_captures": {
        "title": "Web archive captures",
        "description": (
            "The captures of listing pages by a web archive that backfills read: when each "
            "was captured and where its bytes were fetched from."
        ),
        "sort_desc": "captured_at",
    },
    "articles": {
        "title": "Articles",
        "description": (
            "Each followed story's article page as last fetched: its full text, exact dates, "
            "authors, section, tags, language and canonical URL, and how the last fetch went "
            "(a failed fetch keeps what an earlier one found)."
        ),
        "facets": ["status", "language", "section"],
        "label_column": "title",
        "sort_desc": "fetched_at",
    },
    "article_versions": {
        "title": "Article changes",
        "description": (
            "What each fetch of an article found changed: its first text, a rewritten title, a "
            "changed text (words_changed says how much), a correction, a deletion, a redirect or "
            "a paywall."
        ),
        "facets": ["kind"],
        "sort_desc": "fetched_at",
    },
    "story_aliases": {
        "title": "Other URLs of stories",
        "description": (
            "Listing URLs whose article named another canonical URL, and stories merged into "
            "the one with that URL: a listing showing one of these again is a sighting of it."
        ),
    },
    "crawl_runs": {
        "title": "Crawl runs",
        "description": "Each crawl: when, what it started from, how it ended, what it found.",
        "facets": ["status"],
        "sort_desc": "id",
    },
}

# Tableau 10, as the report's chart: each tag keeps its colour in every view (`_display`).
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip


def timeline_display(tags: tuple[str, ...]) -> dict[str, Any]:
    """The Vega-Lite chart of stories per tag per week: a tick per week, labelled with the year;
    the week of the latest crawl shaded (it had not ended when crawled); a dashed rule where
    each tag's stories begin (how far back the crawls reached); colours fixed per tag, so a
    filtered view keeps them."""
    colour = {
        "field": "tag", "type": "nominal", "title": "Tag",
        "scale": {"domain": list(tags), "range": [PALETTE[n % len(PALETTE)] for n in range(len(tags))]},
    }  # fmt: skip
    week = {
        "field": "week", "type": "temporal", "title": "Week (from Monday)",
        "axis": {
            "tickCount": {"interval": "week", "step": 1}, "format": "%-d %b %Y",
            "labelOverlap": "greedy", "labelAngle": -30, "grid": False,
        },
    }  # fmt: skip
    return {
        "layer": [
            {
                "transform": [
                    {"filter": "datum.partial == 1"},
                    {"calculate": "timeOffset('day', toDate(datum.week), 7)", "as": "week_end"},
                ],
                "mark": {"type": "rect", "color": "#9aa0a6", "opacity": 0.18},
                "encoding": {
                    "x": week, "x2": {"field": "week_end"},
                    "tooltip": {"value": "The latest crawl's week: not over when it was crawled"},
                },
            },
            {
                "transform": [
                    {"aggregate": [{"op": "min", "field": "crawled_from", "as": "start"}],
                     "groupby": ["tag"]},
                ],
                "mark": {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "start", "type": "temporal"}, "color": colour,
                    "tooltip": [{"field": "tag", "title": "Tag"},
                                {"field": "start", "type": "temporal", "title": "Stories from the week of"}],
                },
            },
            {
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": week,
                    "y": {
                        "field": "stories", "type": "quantitative", "title": "Stories",
                        "axis": {"tickMinStep": 1, "format": "d"},
                    },
                    "color": colour,
                    "strokeDash": {
                        "field": "partial", "type": "nominal", "legend": None,
                        "scale": {"domain": [0, 1], "range": [[1, 0], [4, 3]]},
                    },
                },
            },
        ],
        # SVG keeps every data point in the page; no menu of links to online editors.
        "usermeta": {"embedOptions": {"renderer": "svg", "actions": False}},
    }  # fmt: skip


def build_metadata(database: str, tables: ArchiveTables) -> dict[str, Any]:
    """Metadata for the archive served as `database`, limited to the tables it has."""
    queries = [query for query in QUERIES if tables.has(*query.requires)]
    described = {
        name: {**doc, "columns": {column.name: column.description for column in COLUMNS[name]}}
        for name, doc in TABLES.items()
        if tables.has(name)
    }
    landing = _landing(database, described, queries, tables)
    table_metadata: dict[str, dict[str, Any]] = dict(described)
    if tables.stories_fts:
        # Searched through the stories table's search box; the index itself is no reading.
        table_metadata["stories"].update(fts_table=tables.stories_fts, fts_pk="id")
        table_metadata[tables.stories_fts] = {"hidden": True}
    if tables.has("articles", ARTICLES_FTS):
        table_metadata["articles"].update(fts_table=ARTICLES_FTS, fts_pk="story_id")
        table_metadata[ARTICLES_FTS] = {"hidden": True}
    for internal in INTERNAL_TABLES & tables.names:
        table_metadata[internal] = {"hidden": True}
    return {
        "title": "News archive",
        "description_html": landing,
        "source": SOURCE,
        "license": LICENCE,
        "databases": {
            database: {
                "tables": table_metadata,
                "queries": {
                    query.name: {
                        "title": query.title,
                        "description": query.description,
                        "sql": query.sql,
                        "hide_sql": True,
                    }
                    for query in queries
                },
            }
        },
        "plugins": {"datasette-dashboards": {DASHBOARD: _dashboard(database, tables.tags)}},
    }


def _dashboard(database: str, tags: tuple[str, ...]) -> dict[str, Any]:
    return {
        "title": "Coverage",
        "description": (
            "Stories per tag per week: a story counts in the week it was published, or, "
            "without a date on its listing, in the week it was first seen. A dashed rule marks "
            "where each tag's stories begin, the shaded week is the latest crawl's (not over "
            "when crawled). Over more than ten years, a point stands for several weeks. Stories "
            f"dated before {EARLIEST_YEAR} or more than {FUTURE_SLACK.days} days ahead are not "
            "plotted but listed below it."
        ),
        "layout": [[TIMELINE], [OUTSIDE]],
        "filters": {
            "tag": {
                "name": "Tag",
                "type": "select",
                "db": database,
                "query": "select distinct name from tags order by name",
            }
        },
        "charts": {
            TIMELINE: {
                "title": "Stories per tag per week",
                "db": database,
                "query": weekly_sql("[[ and t.name = :tag ]]", every_week=True),
                "library": "vega-lite",
                "display": timeline_display(tags),
            },
            OUTSIDE: {
                "title": "Not plotted: stories dated outside the timeline",
                "db": database,
                "query": outside_sql("[[ and t.name = :tag ]]"),
                "library": "table",
            },
        },
    }


def _landing(
    database: str, tables: dict[str, dict[str, Any]], queries: list, found: ArchiveTables
) -> str:
    """The front page: what each table holds, and where the queries and the timeline are."""
    from datasette.utils import tilde_encode

    base = f"/{tilde_encode(database)}"
    search = (
        "Search headlines and teasers with the search box on the stories page; each story "
        "opens on its history (versions, time on page 1, sightings and their WARC records), "
        "each tag on its coverage."
        if found.stories_fts
        else "Filter stories by words in their headline or teaser with the column filters "
        "(for example headline contains …)."
    )
    rows = "".join(
        f'<li><a href="{base}/{name}">{html.escape(doc["title"])}</a> '
        f"(<code>{name}</code>): {html.escape(doc['description'])}</li>"
        for name, doc in tables.items()
    )
    canned = "".join(
        f'<li><a href="{base}/{query.name}">{html.escape(query.title)}</a></li>'
        for query in queries
    )
    return (
        "<p>Stories that the crawler found on the tag-listing pages of news sites, read-only. "
        f'Start with the <a href="{base}/stories">stories</a> and narrow them with the facets '
        f"by tag, site or first-seen date. {search}</p>"
        f'<p>How coverage rose and fell: the <a href="/-/dashboards/{DASHBOARD}">coverage '
        "timeline</a>, stories per tag per week.</p>"
        f"<h2>Tables</h2><ul>{rows}</ul>"
        f"<h2>Ready-made queries</h2><ul>{canned}</ul>"
    )
