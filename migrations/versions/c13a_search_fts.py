"""full-text search, and an index behind every filter and sort of the catalog

PostgreSQL: ``products.search_vector``, a stored generated ``tsvector`` (the
name at weight A, the description at weight B, ``english`` configuration),
with a GIN index. Stored rather than an expression index so that ranking reads
the vector instead of parsing every matching row again, and the query names a
column; an insert computes it once. Adding the column rewrites the table and
fills it for every existing product. pg_trgm's indexes (0005) stay: they answer
substrings.

SQLite: ``products_fts``, an FTS5 table with the trigram tokenizer (substring
matching, case-insensitive) over name and description, whose content is the
products table itself (``content='products'``: no second copy of the text),
kept in step by three triggers and filled here with ``rebuild``. A later
migration that rebuilds ``products`` on SQLite (``batch_alter_table``) drops
these triggers with the old table and must create them again
(``SQLITE_TRIGGERS``); ``tests/unit/test_search_migration.py`` checks they exist
at head.

Both: ``(is_active, lower(name))`` for the name sort, ``(category_id,
is_active, created_at)`` for a category's newest first (it replaces the index on
``category_id`` alone, whose lookups it answers too), and ``created_at`` for the
admin's table of all products. ``stock_quantity`` gets no index on purpose:
every sale updates it, and an index on it would make each of those updates
write the table's indexes too (no HOT update); ``in_stock`` is a filter on the
index walk of the chosen sort (most products are in stock).

Revision ID: c13a_search_fts
Revises: c12e_variant_images
Create Date: 2026-11-28 13:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c13a_search_fts"
down_revision = "c12e_variant_images"
branch_labels = None
depends_on = None

SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
)

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE products_fts USING fts5("
    "name, description, content='products', content_rowid='id', tokenize='trigram')"
)
# A later migration that rebuilds products on SQLite must run these again.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN"
    " INSERT INTO products_fts (rowid, name, description)"
    " VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN"
    " INSERT INTO products_fts (products_fts, rowid, name, description)"
    " VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN"
    " INSERT INTO products_fts (products_fts, rowid, name, description)"
    " VALUES ('delete', old.id, old.name, old.description);"
    " INSERT INTO products_fts (rowid, name, description)"
    " VALUES (new.id, new.name, new.description); END",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"ALTER TABLE products ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_products_search ON products USING gin (search_vector)"
            " WITH (fastupdate = off)"
        )
    elif dialect == "sqlite":
        op.execute(SQLITE_TABLE)
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO products_fts (products_fts) VALUES ('rebuild')")
    op.create_index(
        "ix_products_active_name", "products", ["is_active", sa.text("lower(name)")], unique=False
    )
    op.create_index(
        "ix_products_category_active_created",
        "products",
        ["category_id", "is_active", "created_at"],
        unique=False,
    )
    op.drop_index("ix_products_category_id", table_name="products")
    op.create_index("ix_products_created_at", "products", ["created_at"], unique=False)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_products_created_at", table_name="products")
    op.create_index("ix_products_category_id", "products", ["category_id"], unique=False)
    op.drop_index("ix_products_category_active_created", table_name="products")
    op.drop_index("ix_products_active_name", table_name="products")
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_search")
        op.execute("ALTER TABLE products DROP COLUMN IF EXISTS search_vector")
    elif dialect == "sqlite":
        for trigger in ("products_fts_insert", "products_fts_delete", "products_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS products_fts")
