"""search indexes: trigram GIN indexes for substring search on PostgreSQL

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:20:00

On PostgreSQL, ``lower(name)`` and ``lower(description)`` get GIN indexes with
pg_trgm's operator class, so the catalog's ``LIKE '%word%'`` (a word of three
characters or more) is answered from the index instead of reading every row.
``fastupdate = off``: a new or changed product goes straight into the index
rather than into a pending list that every search would read until autovacuum
merges it (the planner then prefers reading the table); catalog writes are rare
next to searches. SQLite has no such index: its search reads the table (docs/performance.md).
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_products_name_trgm": "lower(name) gin_trgm_ops",
    "ix_products_description_trgm": "lower(description) gin_trgm_ops",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON products USING gin ({expression})"
            " WITH (fastupdate = off)"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
