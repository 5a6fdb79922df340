"""The browser's coverage query: per start URL the figures `newsarchive coverage` prints.

The same definitions as storage/coverage.py, in SQLite's SQL for Datasette: a walk is complete
once a walk other than a catch-up reached the listing's end (the walk plan's rule), feed-only
stories are those the listing's feed (or a sitemap entry naming its tag) listed and the tag
never did, and listing-only stories those of the tag published after the oldest entry of the
feed's latest fetch that the feed never listed (julianday() compares times across offsets).
"""

from __future__ import annotations

from newsarchive.status import FEED_READ, REACHED_END, WalkMode

_ENDS = ", ".join(f"'{end}'" for end in sorted(REACHED_END))
_READ = ", ".join(f"'{outcome}'" for outcome in sorted(FEED_READ))

COVERAGE_SQL = f"""
with starts as (
  select
    start_url,
    count(distinct run_id) as runs,
    max(run_id) as last_run_id,
    max(last_page) as deepest_page,
    max(mode != '{WalkMode.CATCH_UP}' and end_reason in ({_ENDS})) as walk_complete,
    (select w.tag_id from listing_walks w where w.start_url = lw.start_url
       and w.tag_id is not null order by w.id desc limit 1) as tag_id
  from listing_walks lw
  group by start_url
),
feeds as (
  select
    starts.start_url,
    (select f.id from feed_fetches f where f.kind = 'feed' and f.start_url = starts.start_url
       and f.outcome in ({_READ}) order by f.run_id desc, f.id desc limit 1) as fetch_id
  from starts
),
witnessed as (
  select distinct starts.start_url, fs.url
  from starts
  join feed_fetches f on (f.kind = 'feed' and f.start_url = starts.start_url)
    or (f.kind = 'sitemap' and f.site = (select site from tags where id = starts.tag_id))
  join feed_sightings fs on fs.fetch_id = f.id
  where f.kind = 'feed' or fs.tag_id = starts.tag_id
),
listed as (
  select st.tag_id, s.url, s.published_at, s.date_source
  from story_tags st join stories s on s.id = st.story_id
)
select
  starts.start_url,
  t.name as tag,
  t.site,
  (select count(*) from listed where listed.tag_id = starts.tag_id) as stories,
  (select max(published_at) from listed where listed.tag_id = starts.tag_id) as newest_published,
  (select min(published_at) from listed where listed.tag_id = starts.tag_id) as oldest_published,
  starts.deepest_page,
  starts.walk_complete,
  starts.runs,
  starts.last_run_id,
  r.status as last_run_status,
  (select url from feed_fetches where id = feeds.fetch_id) as feed_url,
  (select count(*) from witnessed w where w.start_url = starts.start_url and not exists
     (select 1 from listed where listed.tag_id = starts.tag_id and listed.url = w.url)
  ) as feed_only,
  case when (select min(julianday(published_at)) from feed_sightings
             where fetch_id = feeds.fetch_id) is not null then (
    select count(*) from listed
    where listed.tag_id = starts.tag_id
      and julianday(listed.published_at) > (
        select min(julianday(published_at)) from feed_sightings where fetch_id = feeds.fetch_id
      )
      and not exists (
        select 1 from feed_sightings fs join feed_fetches f on f.id = fs.fetch_id
        where f.kind = 'feed' and f.start_url = starts.start_url and fs.url = listed.url
      )
  ) end as listing_only,
  (select count(*) from listed where listed.tag_id = starts.tag_id
     and listed.date_source in ('feed', 'sitemap')) as dated_by_feed,
  (select group_concat(w.url, ' ') from witnessed w where w.start_url = starts.start_url
     and not exists (select 1 from listed where listed.tag_id = starts.tag_id
                     and listed.url = w.url)) as feed_only_urls
from starts
join feeds on feeds.start_url = starts.start_url
left join tags t on t.id = starts.tag_id
left join crawl_runs r on r.id = starts.last_run_id
order by t.site, t.name, starts.start_url
""".strip()
