"""Where each story's fields came from and how sure extraction was of it; the low-confidence
pages of each run; one tag for every spelling of its name.

Tags get their slug (newsarchive.slugs.tag_slug). Spellings of one name on one site ("Perú" and
"Peru") become one tag, the one the archive saw first: every row that pointed at another
spelling (story_tags, sightings, listing_walks, whatever table refers to tags) points at it.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

from newsarchive.slugs import tag_slug

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Tags merged per statement: two parameters each, well under every backend's limit.
CHUNK = 500
tags = sa.table("tags", sa.column("id"), sa.column("site"), sa.column("name"), sa.column("slug"))


def upgrade() -> None:
    op.add_column("stories", sa.Column("date_precision", sa.String(20)))
    op.add_column("stories", sa.Column("author_source", sa.String(20)))
    op.add_column("stories", sa.Column("teaser_source", sa.String(20)))
    op.add_column("stories", sa.Column("confidence", sa.Float))
    op.add_column("crawl_runs", sa.Column("low_confidence_pages", sa.Text))
    op.add_column("tags", sa.Column("slug", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    merged = _fill_slugs(conn)
    for part in _chunks(merged):
        _merge(conn, part)
    op.create_index("uq_tags_site_slug", "tags", ["site", "slug"], unique=True)


def _fill_slugs(conn: sa.Connection) -> dict[int, int]:
    """Give every tag its slug; returns the tags to merge, each with the tag it becomes."""
    first: dict[tuple[str, str], int] = {}
    merged: dict[int, int] = {}
    slugs = []
    for id_, site, name in conn.execute(
        sa.select(tags.c.id, tags.c.site, tags.c.name).order_by(tags.c.id)
    ):
        key = (site, tag_slug(name))
        if key in first:
            merged[id_] = first[key]
        else:
            first[key] = id_
            slugs.append({"tag": id_, "key": key[1]})
    if slugs:
        conn.execute(
            tags.update().where(tags.c.id == sa.bindparam("tag")).values(slug=sa.bindparam("key")),
            slugs,
        )
    return merged


def _merge(conn: sa.Connection, merged: dict[int, int]) -> None:
    """Point every reference to the tags `merged` at the tags they become, then delete them.

    A row that would then repeat a unique key (a story listed under both spellings) is kept
    once: the row of the tag seen first (the lowest id, as the tag each one becomes is).
    """
    for table, column, keys in _references(conn):
        names = {column, *(name for key in keys for name in key)}
        target = sa.table(table, *(sa.column(name) for name in names))
        becomes = sa.case(merged, value=target.c[column], else_=target.c[column])
        for key in keys:
            kept = target.alias("kept")
            kept_becomes = sa.case(merged, value=kept.c[column], else_=kept.c[column])
            duplicate = sa.exists().where(
                kept_becomes == becomes,
                kept.c[column] < target.c[column],
                *(kept.c[name] == target.c[name] for name in key if name != column),
            )
            conn.execute(target.delete().where(target.c[column].in_(merged), duplicate))
        conn.execute(target.update().where(target.c[column].in_(merged)).values({column: becomes}))
    conn.execute(tags.delete().where(tags.c.id.in_(merged)))


def _references(conn: sa.Connection) -> Iterator[tuple[str, str, list[list[str]]]]:
    """Each column that refers to tags.id: its table, its name, and the unique keys it is in."""
    inspector = sa.inspect(conn)
    for table in inspector.get_table_names():
        for foreign in inspector.get_foreign_keys(table):
            if foreign["referred_table"] != "tags":
                continue
            (column,) = foreign["constrained_columns"]
            keys = [
                inspector.get_pk_constraint(table)["constrained_columns"],
                *(unique["column_names"] for unique in inspector.get_unique_constraints(table)),
                *(
                    index["column_names"]
                    for index in inspector.get_indexes(table)
                    if index["unique"]
                ),
            ]
            yield table, column, [key for key in keys if column in key]


def _chunks(merged: dict[int, int]) -> Iterator[dict[int, int]]:
    items = list(merged.items())
    for start in range(0, len(items), CHUNK):
        yield dict(items[start : start + CHUNK])


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
