"""stock_alerts: addresses waiting for an out-of-stock product

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 08:10:00

A new table only: existing rows are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stock_alerts",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_alerts_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stock_alerts_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_alerts")),
        sa.UniqueConstraint("product_id", "email", name="uq_stock_alerts_product_email"),
    )
    op.create_index("ix_stock_alerts_email", "stock_alerts", ["email"], unique=False)


def downgrade():
    op.drop_index("ix_stock_alerts_email", table_name="stock_alerts")
    op.drop_table("stock_alerts")
