"""Where each story's fields came from, and how sure extraction was of it.

Revision ID: 0005
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("date_precision", sa.String(20)))
    op.add_column("stories", sa.Column("author_source", sa.String(20)))
    op.add_column("stories", sa.Column("teaser_source", sa.String(20)))
    op.add_column("stories", sa.Column("confidence", sa.Float))


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
