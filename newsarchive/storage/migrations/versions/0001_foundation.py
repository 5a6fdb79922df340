"""The first archive schema: stories, tags, crawl runs and sightings.

Archives written before migrations existed have exactly these tables and no version table;
`newsarchive db upgrade` stamps them with this revision before upgrading.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("start_urls", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("stories_new", sa.Integer, nullable=False),
        sa.Column("stories_existing", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("teaser", sa.Text),
        sa.Column("published_at", sa.String(40)),
        sa.Column("date_source", sa.String(20)),
        sa.Column("author", sa.Text),
        sa.Column("image_url", sa.Text),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("extraction_method", sa.String(40)),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("first_run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="SET NULL")),
    )
    op.create_index("ix_stories_site", "stories", ["site"])
    op.create_index("ix_stories_published_at", "stories", ["published_at"])
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.UniqueConstraint("site", "name", name="uq_tags_site_name"),
    )
    op.create_table(
        "story_tags",
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_story_tags_tag", "story_tags", ["tag_id"])
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE")),
        sa.Column("listing_url", sa.Text, nullable=False),
        sa.Column("page_number", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sightings_story", "sightings", ["story_id"])
    op.create_index("ix_sightings_run", "sightings", ["run_id"])


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
