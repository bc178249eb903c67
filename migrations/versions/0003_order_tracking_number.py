"""orders.tracking_number: optional, given with the "shipped" transition

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:05:00

A nullable column: existing orders keep every value and have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracking_number", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("tracking_number")
