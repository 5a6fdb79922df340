"""Change history, WARC provenance, pagination walks, run provenance and full-text search.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE stories_fts USING fts5(headline, teaser, content='stories', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN "
    "INSERT INTO stories_fts(stories_fts, rowid, headline, teaser) "
    "VALUES ('delete', old.id, old.headline, old.teaser); END",
    "CREATE TRIGGER stories_fts_update AFTER UPDATE OF headline, teaser ON stories "
    "WHEN old.headline IS NOT new.headline OR old.teaser IS NOT new.teaser BEGIN "
    "INSERT INTO stories_fts(stories_fts, rowid, headline, teaser) "
    "VALUES ('delete', old.id, old.headline, old.teaser); "
    "INSERT INTO stories_fts(rowid, headline, teaser) VALUES (new.id, new.headline, new.teaser); "
    "END",
    "INSERT INTO stories_fts(stories_fts) VALUES ('rebuild')",
)
POSTGRESQL_SEARCH = (
    "CREATE INDEX ix_stories_search ON stories USING gin (to_tsvector('simple', "
    "coalesce(headline, '') || ' ' || coalesce(teaser, '')))",
)


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("software_version", sa.String(40)))
    op.add_column("crawl_runs", sa.Column("settings", sa.Text))
    op.create_table(
        "listing_walks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="SET NULL")),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("stories", sa.Integer, nullable=False),
        sa.Column("end_reason", sa.String(40)),
    )
    op.create_index("ix_listing_walks_start_url", "listing_walks", ["start_url", "run_id"])
    op.create_index("ix_listing_walks_run", "listing_walks", ["run_id"])
    op.create_table(
        "warc_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="SET NULL")),
        sa.Column("path", sa.Text, nullable=False, unique=True),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference inline; Alembic would need a table copy.
        op.execute(
            "ALTER TABLE sightings ADD COLUMN warc_file_id INTEGER "
            "REFERENCES warc_files (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(
            "sightings",
            sa.Column(
                "warc_file_id", sa.Integer, sa.ForeignKey("warc_files.id", ondelete="SET NULL")
            ),
        )
    op.add_column("sightings", sa.Column("warc_offset", sa.Integer))
    op.create_table(
        "story_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("teaser", sa.Text),
        sa.Column("published_at", sa.String(40)),
        sa.Column("author", sa.Text),
        sa.Column("image_url", sa.Text),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("replaced_at", sa.DateTime, nullable=False),
        sa.Column(
            "replaced_in_run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="SET NULL")
        ),
    )
    op.create_index("ix_story_versions_story", "story_versions", ["story_id"])
    search = POSTGRESQL_SEARCH if op.get_bind().dialect.name == "postgresql" else SQLITE_SEARCH
    for statement in search:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
