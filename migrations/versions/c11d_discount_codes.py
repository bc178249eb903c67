"""discount codes, and the order's copy of the code it used

Existing orders used no code: their ``discount_code`` and ``discount_code_id``
stay NULL (their ``discount_amount`` is already 0).

Revision ID: c11d_discount_codes
Revises: c11c_shipping_methods
Create Date: 2026-11-28 08:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11d_discount_codes"
down_revision = "c11c_shipping_methods"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2)


def upgrade():
    op.create_table(
        "discount_codes",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("min_subtotal", MONEY, nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("times_used", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f("ck_discount_codes_kind_known")),
        sa.CheckConstraint(
            "value > 0 AND (kind <> 'percent' OR value <= 100)",
            name=op.f("ck_discount_codes_value_in_range"),
        ),
        sa.CheckConstraint(
            "min_subtotal IS NULL OR min_subtotal >= 0", name=op.f("ck_discount_codes_min_not_negative")
        ),
        sa.CheckConstraint("times_used >= 0", name=op.f("ck_discount_codes_times_used_not_negative")),
        sa.CheckConstraint(
            "usage_limit IS NULL OR times_used <= usage_limit",
            name=op.f("ck_discount_codes_within_usage_limit"),
        ),
        sa.CheckConstraint(
            "per_customer_limit IS NULL OR per_customer_limit > 0",
            name=op.f("ck_discount_codes_per_customer_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_discount_codes_code")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_code", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("discount_code_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_orders_discount_code_id_discount_codes"),
            "discount_codes",
            ["discount_code_id"],
            ["id"],
        )
        batch_op.create_index("ix_orders_discount_user", ["discount_code_id", "user_id"])


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_discount_user")
        batch_op.drop_constraint(op.f("fk_orders_discount_code_id_discount_codes"), type_="foreignkey")
        batch_op.drop_column("discount_code_id")
        batch_op.drop_column("discount_code")
    op.drop_table("discount_codes")
