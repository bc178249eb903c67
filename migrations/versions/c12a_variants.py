"""options and variants: stock, ledger, cart and order lines move to variants

Every existing product becomes a product with one variant that holds its
stock; the variant takes the product's id (so a guest's cart kept in a
cookie, keyed by product id, still names the same thing) and the SKU
``P<id>``. Every ledger row, cart line and order line points at that
variant. ``products.min_price`` starts as the product's price. The ledger's
reasons gain ``import`` (CSV import).

Revision ID: c12a_variants
Revises: c12c_product_images
Create Date: 2026-11-28 11:10:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c12a_variants"
down_revision = "c12c_product_images"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2)
OLD_REASONS = "reason IN ('initial', 'order', 'cancel', 'adjustment')"
NEW_REASONS = "reason IN ('initial', 'order', 'cancel', 'adjustment', 'import')"


def _timestamps():
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


@contextmanager
def _add_variant_id(table: str):
    """A NOT NULL ``variant_id`` on ``table``, filled with its ``product_id`` (each
    product's one variant has the product's id), with its foreign key; the caller's
    block adds to the same batch."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET variant_id = product_id")
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("variant_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f(f"fk_{table}_variant_id_product_variants"), "product_variants", ["variant_id"], ["id"]
        )
        yield batch_op


def upgrade():
    op.create_table(
        "product_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_options_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_options")),
        sa.UniqueConstraint("product_id", "name", name="uq_product_options_name"),
    )
    op.create_index(
        op.f("ix_product_options_product_id"), "product_options", ["product_id"], unique=False
    )
    op.create_table(
        "product_variants",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("price", MONEY, nullable=True),
        sa.Column("stock_quantity", sa.Integer(), nullable=False),
        sa.Column("option_values", sa.JSON(), nullable=False),
        sa.Column("option_key", sa.String(length=600), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "price IS NULL OR price >= 0", name=op.f("ck_product_variants_price_not_negative")
        ),
        sa.CheckConstraint(
            "stock_quantity >= 0", name=op.f("ck_product_variants_stock_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_variants_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_variants")),
        sa.UniqueConstraint("product_id", "option_key", name="uq_product_variants_combination"),
        sa.UniqueConstraint("sku", name=op.f("uq_product_variants_sku")),
    )
    op.create_index(
        op.f("ix_product_variants_product_id"), "product_variants", ["product_id"], unique=False
    )
    # One variant per product, with the product's id, stock and ledger.
    op.execute(
        "INSERT INTO product_variants (id, product_id, sku, price, stock_quantity, "
        "option_values, option_key, is_active, position, created_at, updated_at) "
        "SELECT id, id, 'P' || id, NULL, stock_quantity, '[]', '', true, 0, "
        "created_at, updated_at FROM products"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('product_variants', 'id'), "
            "COALESCE((SELECT MAX(id) FROM product_variants), 0) + 1, false)"
        )

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_price", MONEY, nullable=True))
    op.execute("UPDATE products SET min_price = price")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("min_price", existing_type=MONEY, nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_products_min_price_not_negative"), "min_price >= 0"
        )
        batch_op.create_index("ix_products_active_min_price", ["is_active", "min_price"])

    with _add_variant_id("stock_movements") as batch_op:
        batch_op.create_index("ix_stock_movements_variant_id_id", ["variant_id", "id"])
        batch_op.drop_constraint(op.f("ck_stock_movements_reason_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_stock_movements_reason_known"), NEW_REASONS)

    with _add_variant_id("cart_items") as batch_op:
        batch_op.create_index(op.f("ix_cart_items_variant_id"), ["variant_id"], unique=False)
        batch_op.drop_constraint("uq_cart_items_cart_product", type_="unique")
        batch_op.create_unique_constraint("uq_cart_items_cart_variant", ["cart_id", "variant_id"])

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sku", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("variant_options", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE order_items SET variant_id = product_id, sku = 'P' || product_id, "
        "variant_options = '{}'"
    )
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.alter_column("variant_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("sku", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("variant_options", existing_type=sa.JSON(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_order_items_variant_id_product_variants"),
            "product_variants",
            ["variant_id"],
            ["id"],
        )
        batch_op.create_index(op.f("ix_order_items_variant_id"), ["variant_id"], unique=False)


def downgrade():
    # Only an empty database (or one whose products have one variant each) goes back.
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_order_items_variant_id"))
        batch_op.drop_constraint(
            op.f("fk_order_items_variant_id_product_variants"), type_="foreignkey"
        )
        batch_op.drop_column("variant_options")
        batch_op.drop_column("sku")
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cart_items_cart_variant", type_="unique")
        batch_op.create_unique_constraint("uq_cart_items_cart_product", ["cart_id", "product_id"])
        batch_op.drop_index(op.f("ix_cart_items_variant_id"))
        batch_op.drop_constraint(
            op.f("fk_cart_items_variant_id_product_variants"), type_="foreignkey"
        )
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stock_movements_reason_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_stock_movements_reason_known"), OLD_REASONS)
        batch_op.drop_index("ix_stock_movements_variant_id_id")
        batch_op.drop_constraint(
            op.f("fk_stock_movements_variant_id_product_variants"), type_="foreignkey"
        )
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_active_min_price")
        batch_op.drop_constraint(op.f("ck_products_min_price_not_negative"), type_="check")
        batch_op.drop_column("min_price")
    op.drop_index(op.f("ix_product_variants_product_id"), table_name="product_variants")
    op.drop_table("product_variants")
    op.drop_index(op.f("ix_product_options_product_id"), table_name="product_options")
    op.drop_table("product_options")
