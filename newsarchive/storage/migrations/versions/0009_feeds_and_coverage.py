"""Feeds and sitemaps as a second witness: what each run fetched, the stories they listed, and
when a story was last modified.

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as table:
        table.add_column(sa.Column("modified_at", sa.String(40)))
    op.create_table(
        "feed_fetches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("start_url", sa.Text),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="SET NULL")),
        sa.Column("found_by", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("format", sa.String(20)),
        sa.Column("entries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("left_out", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reason", sa.Text),
        sa.Column("warc_file_id", sa.Integer, sa.ForeignKey("warc_files.id", ondelete="SET NULL")),
        sa.Column("warc_offset", sa.Integer),
    )
    op.create_index("ix_feed_fetches_start_url", "feed_fetches", ["start_url", "run_id"])
    op.create_index("ix_feed_fetches_site", "feed_fetches", ["site", "run_id"])
    op.create_index("ix_feed_fetches_run", "feed_fetches", ["run_id"])
    op.create_table(
        "feed_sightings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "fetch_id",
            sa.Integer,
            sa.ForeignKey("feed_fetches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="SET NULL")),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("published_at", sa.String(40)),
        sa.Column("modified_at", sa.String(40)),
        sa.Column("author", sa.Text),
    )
    op.create_index("ix_feed_sightings_url", "feed_sightings", ["url"])
    op.create_index("ix_feed_sightings_fetch", "feed_sightings", ["fetch_id"])
    op.create_index("ix_feed_sightings_tag", "feed_sightings", ["tag_id"])


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
