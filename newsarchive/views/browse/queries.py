"""Canned SQL queries shown in the browser, each naming the tables it needs.

A query whose tables an archive lacks is left out of that archive's view, so queries over tables
that newer archives add (a headline history, say) can be listed here before every archive has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from newsarchive.plausible import EARLIEST_YEAR, FUTURE_SLACK
from newsarchive.views.browse.completeness import COVERAGE_SQL

# The day a story counts for on the timeline: its publication date when the listing gave one,
# else the day the archive first saw it.
STORY_DAY = "coalesce(date(substr(s.published_at, 1, 10)), date(s.first_seen_at))"
# The plausible window (newsarchive.plausible), as of the day the query runs: the timeline plots
# only these days, and names the stories outside them.
IN_WINDOW = (
    f"{STORY_DAY} between '{date(EARLIEST_YEAR, 1, 1).isoformat()}' "
    f"and date('now', '+{FUTURE_SLACK.days} days')"
)
# At most this many points per tag: ten years of weeks, periods of several weeks beyond.
MAX_POINTS = 520

# A tag's name, with its site when several sites are archived (two sites may both have "Peru").
TAG_LABEL = (
    "t.name || case when (select count(distinct site) from tags) > 1"
    " then ' (' || t.site || ')' else '' end"
)


ARTICLE_COUNTS_SQL = """
select
  (select count(*) from articles) as fetched,
  (select count(*) from articles where status in ('ok', 'redirected')) as read,
  (select count(distinct story_id) from article_versions
    where kind in ('title', 'text', 'correction')) as rewritten,
  (select count(*) from articles where status = 'deleted') as deleted,
  (select count(*) from articles where status = 'error') as failing
"""

ARTICLE_CHANGES_SQL = """
select v.fetched_at, v.kind, v.words_changed, s.headline, v.title as article_title, s.url
from article_versions v join stories s on s.id = v.story_id
where v.kind != 'first'
order by v.fetched_at desc, v.id desc
limit 1000
"""


def weekly_sql(extra_condition: str = "", *, every_week: bool = False) -> str:
    """Stories per tag per week (weeks start on Monday); `extra_condition` narrows the tags.

    With `every_week`, the query draws the timeline: only stories of the plausible window count,
    periods in which a tag listed nothing are rows with 0 stories, from the tag's first period
    (where the crawl's depth of it begins: `crawled_from`) to the last of any tag, so that a line
    chart falls to 0 rather than bridging the gap, and a span of more than MAX_POINTS weeks is
    counted in periods of several weeks (`week` is the first Monday of each); `partial` is 1 for
    the period of the latest crawl, which had not ended when it was crawled.
    """
    window = f"and {IN_WINDOW}" if every_week else ""
    counts = f"""
select
  date({STORY_DAY}, '-6 days', 'weekday 1') as week,
  t.id as tag_id,
  {TAG_LABEL} as tag,
  count(*) as stories
from stories s
join story_tags st on st.story_id = s.id
join tags t on t.id = st.tag_id
where 1 = 1 {extra_condition} {window}
group by week, t.id"""
    if not every_week:
        return f"select week, tag, stories from ({counts}\n)\norder by week, tag"
    return f"""with recursive
counts as ({counts}
),
bounds as (
  select
    min(week) as first,
    max(week) as last,
    7 * (cast((julianday(max(week)) - julianday(min(week))) / 7 as integer) / {MAX_POINTS} + 1)
      as days
  from counts
),
periods(week) as (
  select first from bounds where first is not null
  union all
  select date(week, '+' || days || ' days') from periods, bounds
  where date(week, '+' || days || ' days') <= last
),
binned as (
  select
    date(first, '+' || (cast(julianday(week) - julianday(first) as integer) / days * days)
      || ' days') as week,
    tag_id,
    sum(stories) as stories
  from counts, bounds
  group by 1, tag_id
),
tag_list as (
  select
    tag_id,
    tag,
    date(first, '+' || (cast(julianday(min(week)) - julianday(first) as integer) / days * days)
      || ' days') as first_week
  from counts, bounds
  group by tag_id, tag
),
latest as (
  select date(first, '+' || (cast(julianday(date(max(started_at), '-6 days', 'weekday 1'))
      - julianday(first) as integer) / days * days) || ' days') as week
  from crawl_runs, bounds
)
select
  periods.week,
  tag_list.tag,
  coalesce(binned.stories, 0) as stories,
  tag_list.first_week as crawled_from,
  periods.week = (select week from latest) as partial
from periods
join tag_list on periods.week >= tag_list.first_week
left join binned on binned.week = periods.week and binned.tag_id = tag_list.tag_id
order by periods.week, tag_list.tag"""


def outside_sql(extra_condition: str = "") -> str:
    """The stories the timeline leaves out, dated outside the plausible window: placeholders
    (0001-01-01) or errors of their listings, earliest first."""
    return f"""select distinct
  s.published_at,
  s.headline,
  s.url,
  s.first_seen_at
from stories s
join story_tags st on st.story_id = s.id
join tags t on t.id = st.tag_id
where not ({IN_WINDOW}) {extra_condition}
order by s.published_at, s.id
limit 100"""


# A tag's latest crawl is its latest run of live pages: a backfill's sightings (of a web
# archive's captures) are older than the runs before it and never make a story leave page 1.
DROPPED_OFF_SQL = """
with latest as (
  select tag_id, max(run_id) as run_id
  from sightings
  where tag_id is not null and archived_capture_id is null
  group by tag_id
),
latest_pages as (
  select x.tag_id, x.story_id, min(x.page_number) as page, min(x.seen_at) as seen_at
  from sightings x join latest l on l.tag_id = x.tag_id and l.run_id = x.run_id
  group by x.tag_id, x.story_id
),
latest_seen as (select tag_id, min(seen_at) as seen_at from latest_pages group by tag_id),
dropped as (
  select f.tag_id, f.story_id, max(f.seen_at) as last_on_first_page
  from sightings f
  join latest l on l.tag_id = f.tag_id
  join latest_seen ls on ls.tag_id = f.tag_id
  where f.page_number = 1 and f.run_id != l.run_id and f.seen_at < ls.seen_at
  group by f.tag_id, f.story_id
)
select
  t.name as tag,
  t.site,
  s.headline,
  s.url,
  d.last_on_first_page,
  p.page as page_in_latest_run
from dropped d
left join latest_pages p on p.tag_id = d.tag_id and p.story_id = d.story_id
join tags t on t.id = d.tag_id
join stories s on s.id = d.story_id
where p.page is null or p.page > 1
order by t.name, t.site, d.last_on_first_page desc, s.headline
""".strip()

LATEST_RUNS_SQL = """
select
  id,
  status,
  started_at,
  finished_at,
  round((julianday(finished_at) - julianday(started_at)) * 86400, 1) as seconds,
  pages,
  stories_new,
  stories_existing,
  errors,
  start_urls
from crawl_runs
order by id desc
limit 100
""".strip()


# Each earlier headline next to the one that replaced it: the next version's, or today's.
CHANGED_HEADLINES_SQL = """
with versions as (
  select
    v.story_id,
    v.headline as old_headline,
    coalesce(
      lead(v.headline) over (partition by v.story_id order by v.replaced_at, v.id),
      s.headline
    ) as new_headline,
    v.replaced_at as changed_at
  from story_versions v
  join stories s on s.id = v.story_id
)
select
  s.url,
  versions.old_headline,
  versions.new_headline,
  versions.changed_at,
  s.site
from versions
join stories s on s.id = versions.story_id
where versions.old_headline != versions.new_headline
order by versions.changed_at desc
""".strip()


TAG_LABELS_SQL = f"select distinct {TAG_LABEL} as tag from tags t order by tag"


@dataclass(frozen=True, slots=True)
class CannedQuery:
    name: str
    title: str
    description: str
    sql: str
    requires: frozenset[str]


QUERIES = (
    CannedQuery(
        name="stories_per_tag_per_week",
        title="Stories per tag per week",
        description=(
            "How many stories each tag listed, week by week (weeks start on Monday). A story "
            "counts in the week it was published, or, when its listing gave no date, in the "
            "week the archive first saw it."
        ),
        sql=weekly_sql(),
        requires=frozenset({"stories", "story_tags", "tags"}),
    ),
    CannedQuery(
        name="dropped_off_first_page",
        title="Stories that dropped off a tag's first page",
        description=(
            "Stories that an earlier crawl saw on the first page of a tag and the latest crawl "
            "of that tag did not: pushed back by newer stories, or taken down. "
            "page_in_latest_run says where the latest crawl found them (empty: not at all)."
        ),
        sql=DROPPED_OFF_SQL,
        requires=frozenset({"sightings", "stories", "tags"}),
    ),
    CannedQuery(
        name="changed_headlines",
        title="Stories whose headline changed",
        description=(
            "Every headline a site rewrote, with the headline that replaced it and when a crawl "
            "first saw the new one, newest change first."
        ),
        sql=CHANGED_HEADLINES_SQL,
        requires=frozenset({"story_versions", "stories"}),
    ),
    CannedQuery(
        name="article_counts",
        title="Articles rewritten and deleted",
        description=(
            "How many followed articles the archive has fetched and read, how many a site "
            "rewrote since (title, text or correction), deleted (404, 410), or keeps failing."
        ),
        sql=ARTICLE_COUNTS_SQL,
        requires=frozenset({"articles", "article_versions"}),
    ),
    CannedQuery(
        name="article_changes",
        title="Article changes",
        description=(
            "Every change re-checks found in an article, newest first: rewritten titles, "
            "changed texts with their size in words, corrections, deletions, redirects, "
            "paywalls."
        ),
        sql=ARTICLE_CHANGES_SQL,
        requires=frozenset({"article_versions", "stories"}),
    ),
    CannedQuery(
        name="latest_crawl_runs",
        title="Latest crawl runs",
        description=(
            "The last 100 crawls, newest first: outcome, duration in seconds, listing pages "
            "fetched, stories new to the archive and already archived, errors."
        ),
        sql=LATEST_RUNS_SQL,
        requires=frozenset({"crawl_runs"}),
    ),
    CannedQuery(
        name="coverage_per_start_url",
        title="Coverage per tag, with its feed as a witness",
        description=(
            "What `newsarchive coverage` prints: per start URL its tag's stories, newest and "
            "oldest publication date, deepest page reached, whether a walk reached the "
            "listing's end, runs, the feed found, stories the feed (or a sitemap entry naming "
            "the tag) listed and the listing never did (feed_only), and stories of the listing "
            "published since the feed's oldest entry that the feed lacks (listing_only)."
        ),
        sql=COVERAGE_SQL,
        requires=frozenset(
            {
                "listing_walks",
                "feed_fetches",
                "feed_sightings",
                "stories",
                "story_tags",
                "tags",
                "crawl_runs",
            }
        ),
    ),
)
