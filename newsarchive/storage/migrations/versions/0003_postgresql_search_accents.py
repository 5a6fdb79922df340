"""PostgreSQL search ignores accents, as SQLite's does: "Peru" finds "Perú".

Revision ID: 0003
Revises: 0002
"""

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CONFIG = "newsarchive_search"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return  # SQLite's FTS5 index removes diacritics already
    conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    try:
        with conn.begin_nested():
            # An extension lives in one schema of the database: in `public`, where archives in
            # other schemas find it too, unless it was installed elsewhere before.
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            home = conn.exec_driver_sql(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            ).scalar()
            conn.exec_driver_sql(
                f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
                f'ALTER MAPPING FOR hword, hword_part, word WITH "{home}".unaccent, simple'
            )
    except DBAPIError:
        pass  # no unaccent on this server: the configuration stays plain `simple`
    op.drop_index("ix_stories_search", table_name="stories")
    conn.exec_driver_sql(
        f"CREATE INDEX ix_stories_search ON stories USING gin (to_tsvector('{CONFIG}', "
        "coalesce(headline, '') || ' ' || coalesce(teaser, '')))"
    )


def downgrade() -> None:
    raise NotImplementedError(
        "archives are not downgraded: restore the copy `newsarchive db upgrade` kept"
    )
