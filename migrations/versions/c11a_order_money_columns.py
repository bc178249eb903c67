"""orders keep subtotal, discount and shipping beside the total

Existing orders had no discount and no shipping: their subtotal is their
total, so every one of them satisfies total = subtotal - discount + shipping.

Revision ID: c11a_order_money
Revises: 0006
Create Date: 2026-11-28 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11a_order_money"
down_revision = "0006"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2)
TOTAL_IDENTITY_SQL = (
    "ROUND(total_amount * 100) = "
    "ROUND(subtotal * 100) - ROUND(discount_amount * 100) + ROUND(shipping_fee * 100)"
)


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subtotal", MONEY, nullable=True))
        batch_op.add_column(sa.Column("discount_amount", MONEY, nullable=True))
        batch_op.add_column(sa.Column("shipping_fee", MONEY, nullable=True))
    op.execute("UPDATE orders SET subtotal = total_amount, discount_amount = 0, shipping_fee = 0")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("subtotal", existing_type=MONEY, nullable=False)
        batch_op.alter_column("discount_amount", existing_type=MONEY, nullable=False)
        batch_op.alter_column("shipping_fee", existing_type=MONEY, nullable=False)
        batch_op.create_check_constraint(op.f("ck_orders_subtotal_not_negative"), "subtotal >= 0")
        batch_op.create_check_constraint(
            op.f("ck_orders_shipping_fee_not_negative"), "shipping_fee >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_orders_discount_within_subtotal"),
            "discount_amount >= 0 AND discount_amount <= subtotal",
        )
        batch_op.create_check_constraint(op.f("ck_orders_total_identity"), TOTAL_IDENTITY_SQL)


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_total_identity"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_discount_within_subtotal"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_shipping_fee_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_subtotal_not_negative"), type_="check")
        batch_op.drop_column("shipping_fee")
        batch_op.drop_column("discount_amount")
        batch_op.drop_column("subtotal")
