"""Datasette plugin loaded by `newsarchive browse`: a tag facet and `?_tag=` filter on stories.

A story's tags are rows of `story_tags`, not a column of `stories`, so Datasette's own facets
cannot count them. This facet counts them through the join, and `?_tag=NAME` (repeatable: all
must match) narrows the table, its search results included, to the stories a tag listed.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

STORIES = "stories"
PARAMETER = "_tag"
TAGGED = (
    "id in (select story_tags.story_id from story_tags"
    " join tags on tags.id = story_tags.tag_id where tags.name = :{key})"
)


class TagFacet(Facet):
    """Counts the stories of the current selection per tag name."""

    type = "story_tags"

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        if self.table != STORIES or not self.get_configs():
            return [], []
        size = self.get_facet_size()
        sql = f"""
            select tags.name as value, count(distinct story_tags.story_id) as count
            from story_tags join tags on tags.id = story_tags.tag_id
            where story_tags.story_id in (select id from ({self.sql}))
            group by tags.name order by count desc, value limit {size + 1}
        """
        try:
            rows = await self.ds.execute(
                self.database,
                sql,
                self.params,
                truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )
        except QueryInterrupted:
            return [], ["tag"]
        selected = set(self.request.args.getlist(PARAMETER))
        results = [
            {
                "value": row["value"],
                "label": row["value"],
                "count": row["count"],
                "selected": row["value"] in selected,
                "toggle_url": self._url(
                    path_with_removed_args(self.request, {PARAMETER: row["value"]})
                    if row["value"] in selected
                    else path_with_added_args(self.request, {PARAMETER: row["value"]})
                ),
            }
            for row in rows.rows[:size]
        ]
        facet = {
            "name": "tag",
            "type": self.type,
            "hideable": False,
            "toggle_url": self._url(path_with_removed_args(self.request, {PARAMETER})),
            "results": results,
            "truncated": len(rows.rows) > size,
        }
        return [facet], []

    def _url(self, path: str) -> str:
        return self.ds.absolute_url(self.request, self.ds.urls.path(path))


@hookimpl
def register_facet_classes() -> list[type[Facet]]:
    return [TagFacet]


@hookimpl
def filters_from_request(request, database, table, datasette) -> FilterArguments | None:
    names = request.args.getlist(PARAMETER) if table == STORIES else []
    if not names:
        return None
    keys = [f"newsarchive_tag_{index}" for index in range(len(names))]
    return FilterArguments(
        [TAGGED.format(key=key) for key in keys],
        params=dict(zip(keys, names, strict=True)),
        human_descriptions=[f'tagged "{name}"' for name in names],
    )
