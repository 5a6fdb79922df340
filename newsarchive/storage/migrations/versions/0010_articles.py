"""Articles: each story's article page as last fetched, its changes, and a story's other URLs.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from newsarchive.storage import search

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _run() -> sa.Column:
    return sa.Column("run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="SET NULL"))


def _warc() -> list[sa.Column]:
    return [
        sa.Column("warc_file_id", sa.Integer, sa.ForeignKey("warc_files.id", ondelete="SET NULL")),
        sa.Column("warc_offset", sa.Integer),
    ]


def _story(**options: object) -> sa.Column:
    return sa.Column(
        "story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), **options
    )


def upgrade() -> None:
    op.create_table(
        "articles",
        _story(primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("words", sa.Integer),
        sa.Column("published_at", sa.String(40)),
        sa.Column("modified_at", sa.String(40)),
        sa.Column("authors", sa.Text),
        sa.Column("section", sa.Text),
        sa.Column("tags", sa.Text),
        sa.Column("language", sa.String(35)),
        sa.Column("canonical_url", sa.Text),
        sa.Column("image_url", sa.Text),
        sa.Column("filled", sa.String(60)),
        sa.Column("first_fetched_at", sa.DateTime, nullable=False),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        _run(),
        *_warc(),
    )
    op.create_index("ix_articles_status", "articles", ["status"])
    op.create_index("ix_articles_first_fetched_at", "articles", ["first_fetched_at"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        _story(nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        _run(),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("final_url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("words", sa.Integer),
        sa.Column("words_changed", sa.Integer),
        sa.Column("published_at", sa.String(40)),
        sa.Column("modified_at", sa.String(40)),
        *_warc(),
    )
    op.create_index("ix_article_versions_story", "article_versions", ["story_id"])
    op.create_table(
        "story_aliases",
        sa.Column("url", sa.Text, primary_key=True),
        _story(nullable=False),
        sa.Column("merged_at", sa.DateTime, nullable=False),
        _run(),
    )
    op.create_index("ix_story_aliases_story", "story_aliases", ["story_id"])
    search.create_article_index(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
