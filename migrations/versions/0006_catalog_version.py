"""catalog version: one row, bumped with every change to what the catalog shows

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:35:00

A new table holding one row (id 1). Existing rows elsewhere are untouched; the
row starts at version 1, and cached catalog answers are keyed by it
(storefront/services/catalog_version.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalog_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 1}])


def downgrade():
    op.drop_table("catalog_version")
