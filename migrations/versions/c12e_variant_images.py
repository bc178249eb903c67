"""an image may show one variant (the red one shows red)

``product_images.variant_id`` (nullable: most images show the product as a
whole) and ``product_variants.image_path``, a copy of the path of the first
image tied to the variant, kept by the images service. Existing images show
the whole product; no variant has an image of its own yet.

Revision ID: c12e_variant_images
Revises: c11f_payment_status
Create Date: 2026-11-28 12:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c12e_variant_images"
down_revision = "c11f_payment_status"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_product_images_variant_id_product_variants"),
            "product_variants",
            ["variant_id"],
            ["id"],
        )
        batch_op.create_index(op.f("ix_product_images_variant_id"), ["variant_id"], unique=False)
    with op.batch_alter_table("product_variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_path", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("product_variants", schema=None) as batch_op:
        batch_op.drop_column("image_path")
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_product_images_variant_id"))
        batch_op.drop_constraint(
            op.f("fk_product_images_variant_id_product_variants"), type_="foreignkey"
        )
        batch_op.drop_column("variant_id")
