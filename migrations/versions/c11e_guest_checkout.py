"""guest checkout: an order may have a guest's email instead of a customer

``orders.user_id`` becomes nullable, with ``guest_email`` beside it (one of
the two is set: CHECK). Idempotency keys likewise belong to a customer or to
a guest's email. Existing rows all have a customer and keep it.

Revision ID: c11e_guest_checkout
Revises: c12a_variants
Create Date: 2026-11-28 11:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11e_guest_checkout"
down_revision = "c12a_variants"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_email", sa.String(length=255), nullable=True))
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_orders_has_buyer"), "user_id IS NOT NULL OR guest_email IS NOT NULL"
        )
        batch_op.create_index("ix_orders_guest_email", ["guest_email"])
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_email", sa.String(length=255), nullable=True))
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_idempotency_keys_has_owner"),
            "user_id IS NOT NULL OR guest_email IS NOT NULL",
        )
        batch_op.create_unique_constraint(
            "uq_idempotency_keys_guest_key", ["guest_email", "key"]
        )


def downgrade():
    # Only a database without guest orders goes back (user_id is NOT NULL again).
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_idempotency_keys_guest_key", type_="unique")
        batch_op.drop_constraint(op.f("ck_idempotency_keys_has_owner"), type_="check")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("guest_email")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_guest_email")
        batch_op.drop_constraint(op.f("ck_orders_has_buyer"), type_="check")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("guest_email")
