"""Walks that finish: where each walk began and would go on, and the pages a run could not fetch.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listing_walks") as table:
        table.add_column(sa.Column("first_page", sa.Integer, nullable=False, server_default="1"))
        table.add_column(sa.Column("first_url", sa.Text))
        table.add_column(sa.Column("last_page", sa.Integer))
        table.add_column(sa.Column("next_url", sa.Text))
        table.add_column(sa.Column("next_page", sa.Integer))
    # Walks recorded before: from page 1, as deep as they fetched.
    op.execute("UPDATE listing_walks SET last_page = pages WHERE pages > 0")
    op.create_table(
        "listing_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_url", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("page_number", sa.Integer, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_listing_failures_run", "listing_failures", ["run_id"])


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
