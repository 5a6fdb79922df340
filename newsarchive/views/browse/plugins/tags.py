"""Datasette plugin loaded by `newsarchive browse`: a tag facet and `?_tag=` filter on stories.

A story's tags are rows of `story_tags`, not a column of `stories`, so Datasette's own facets
cannot count them. This facet counts them through the join, and `?_tag=NAME` (repeatable: all
must match) narrows the table, its search results included, to the stories a tag listed. A tag
is its slug, as for `--tag`: `?_tag=peru` selects "Perú", and the facet counts the spellings
of one name on several sites as one tag, named as the archive first saw it.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

from newsarchive.slugs import tag_slug

STORIES = "stories"
PARAMETER = "_tag"
TAGGED = (
    "id in (select story_tags.story_id from story_tags"
    " join tags on tags.id = story_tags.tag_id where tags.slug = :{key})"
)


class TagFacet(Facet):
    """Counts the stories of the current selection per tag name."""

    type = "story_tags"

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        if self.table != STORIES or not self.get_configs():
            return [], []
        size = self.get_facet_size()
        sql = f"""
            select
              (select earliest.name from tags earliest where earliest.slug = tags.slug
               order by earliest.id limit 1) as value,
              count(distinct story_tags.story_id) as count
            from story_tags join tags on tags.id = story_tags.tag_id
            where story_tags.story_id in (select id from ({self.sql}))
            group by tags.slug order by count desc, value limit {size + 1}
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
        # The names asked for, by slug: any spelling selects the tag, and unselecting it
        # removes every spelling that selected it.
        selected: dict[str, list[str]] = {}
        for name in self.request.args.getlist(PARAMETER):
            selected.setdefault(tag_slug(name), []).append(name)
        results = [
            {
                "value": row["value"],
                "label": row["value"],
                "count": row["count"],
                "selected": tag_slug(row["value"]) in selected,
                "toggle_url": self._url(self._toggled(row["value"], selected)),
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

    def _toggled(self, name: str, selected: dict[str, list[str]]) -> str:
        """The path with the tag `name` selected, or, when it is, without it."""
        spellings = selected.get(tag_slug(name))
        if not spellings:
            return path_with_added_args(self.request, {PARAMETER: name})
        path = None
        for spelling in spellings:
            path = path_with_removed_args(self.request, {PARAMETER: spelling}, path)
        return path

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
        params={key: tag_slug(name) for key, name in zip(keys, names, strict=True)},
        human_descriptions=[f'tagged "{name}"' for name in names],
    )
