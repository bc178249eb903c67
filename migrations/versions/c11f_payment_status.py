"""payment status: how an order is paid, whether it is, and who said so when

Orders gain ``payment_method`` (existing orders: ``cod``, the only way the
shop took money until now) and ``payment_status`` (``unpaid``, ``paid``,
``refunded``). Existing delivered orders are ``paid`` (cash on delivery is
collected at the door); the rest ``unpaid``. ``payment_changes`` records each
change with the admin who made it.

Revision ID: c11f_payment_status
Revises: c11e_guest_checkout
Create Date: 2026-11-28 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11f_payment_status"
down_revision = "c11e_guest_checkout"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_method", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("payment_status", sa.String(length=10), nullable=True))
    op.execute(
        "UPDATE orders SET payment_method = 'cod', payment_status = "
        "CASE WHEN status = 'delivered' THEN 'paid' ELSE 'unpaid' END"
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("payment_method", existing_type=sa.String(30), nullable=False)
        batch_op.alter_column("payment_status", existing_type=sa.String(10), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_orders_payment_status_known"),
            "payment_status IN ('unpaid', 'paid', 'refunded')",
        )
    op.create_table(
        "payment_changes",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=False),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_payment_changes_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payment_changes_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_changes")),
    )
    op.create_index(
        op.f("ix_payment_changes_order_id"), "payment_changes", ["order_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_payment_changes_order_id"), table_name="payment_changes")
    op.drop_table("payment_changes")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_payment_status_known"), type_="check")
        batch_op.drop_column("payment_status")
        batch_op.drop_column("payment_method")
