"""structured addresses: the address book, and the order's copy of its address

Orders placed before keep their free-text ``shipping_address`` untouched (it is
what they were shipped to); their structured columns stay empty (NULL), and
the API shows their ``address`` as null. Nothing is guessed from the text.

Revision ID: c11b_addresses
Revises: c11a_order_money
Create Date: 2026-11-28 08:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c11b_addresses"
down_revision = "c11a_order_money"
branch_labels = None
depends_on = None

COPY = [
    ("full_name", 200),
    ("phone", 30),
    ("line1", 200),
    ("line2", 200),
    ("city", 100),
    ("region", 100),
    ("postal_code", 20),
    ("country", 2),
]


def upgrade():
    op.create_table(
        "addresses",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("line1", sa.String(length=200), nullable=False),
        sa.Column("line2", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_addresses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addresses_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_addresses_one_default_per_user",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )
    # Nullable columns added in place: no table rebuild, the free text untouched.
    for name, length in COPY:
        op.add_column("orders", sa.Column(f"address_{name}", sa.String(length), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name, _length in reversed(COPY):
            batch_op.drop_column(f"address_{name}")
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_index("uq_addresses_one_default_per_user")
        batch_op.drop_index(batch_op.f("ix_addresses_user_id"))
    op.drop_table("addresses")
