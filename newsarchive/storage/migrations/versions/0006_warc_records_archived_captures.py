"""The WARC record index (revisit records) and web archive captures read by backfills.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warc_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "warc_file_id",
            sa.Integer,
            sa.ForeignKey("warc_files.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("warc_offset", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("payload_digest", sa.String(100), nullable=False),
        sa.Column("original_id", sa.Integer, sa.ForeignKey("warc_records.id", ondelete="SET NULL")),
        sa.UniqueConstraint("warc_file_id", "warc_offset", name="uq_warc_records_file_offset"),
    )
    op.create_index("ix_warc_records_url", "warc_records", ["url", "id"])
    op.create_index("ix_warc_records_record_id", "warc_records", ["record_id"])
    op.create_table(
        "archived_captures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("crawl_runs.id", ondelete="SET NULL")),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("timestamp", sa.String(14), nullable=False),
        sa.Column("captured_at", sa.DateTime, nullable=False),
        sa.Column("replay_url", sa.Text, nullable=False),
        sa.Column("digest", sa.String(100)),
        sa.UniqueConstraint("url", "timestamp", name="uq_archived_captures_url_timestamp"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference inline; Alembic would need a table copy.
        op.execute(
            "ALTER TABLE sightings ADD COLUMN archived_capture_id INTEGER "
            "REFERENCES archived_captures (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(
            "sightings",
            sa.Column(
                "archived_capture_id",
                sa.Integer,
                sa.ForeignKey("archived_captures.id", ondelete="SET NULL"),
            ),
        )


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
