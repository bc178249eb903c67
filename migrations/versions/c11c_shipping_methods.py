"""shipping methods, and the order's copy of the method's name

Existing orders had no shipping method: their ``shipping_method`` stays NULL
(their ``shipping_fee`` is already 0).

Revision ID: c11c_shipping_methods
Revises: c11b_addresses
Create Date: 2026-11-28 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11c_shipping_methods"
down_revision = "c11b_addresses"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2)


def upgrade():
    op.create_table(
        "shipping_methods",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("free_over", MONEY, nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("countries", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("fee >= 0", name=op.f("ck_shipping_methods_fee_not_negative")),
        sa.CheckConstraint(
            "free_over IS NULL OR free_over >= 0",
            name=op.f("ck_shipping_methods_free_over_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_methods")),
    )
    op.add_column("orders", sa.Column("shipping_method", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("shipping_method")
    op.drop_table("shipping_methods")
