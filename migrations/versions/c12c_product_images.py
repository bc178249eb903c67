"""product images: a gallery per product, the cover at position 0

Every product that had an image gets one gallery row at position 0 holding its
``image_path`` (the cover); ``products.image_path`` stays, a copy of the
cover's path that the images service keeps. Carried rows have no width and
height (their responsive sizes were never made): they show the image and its
thumbnail only.

Revision ID: c12c_product_images
Revises: c12b_managed_categories
Create Date: 2026-11-28 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c12c_product_images"
down_revision = "c12b_managed_categories"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "product_images",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_product_images_position_not_negative")),
        sa.CheckConstraint(
            "width IS NULL OR width > 0", name=op.f("ck_product_images_width_positive")
        ),
        sa.CheckConstraint(
            "height IS NULL OR height > 0", name=op.f("ck_product_images_height_positive")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_images_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_images")),
        sa.UniqueConstraint(
            "product_id", "position", name=op.f("uq_product_images_product_position")
        ),
    )
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_images_product_id"), ["product_id"])
        batch_op.create_index(batch_op.f("ix_product_images_path"), ["path"])

    # The data: each product's one image becomes its gallery's cover.
    op.execute(
        "INSERT INTO product_images (product_id, path, alt, position) "
        "SELECT id, image_path, '', 0 FROM products "
        "WHERE image_path IS NOT NULL AND image_path <> '' ORDER BY id"
    )


def downgrade():
    # products.image_path already holds every cover: the other images are dropped.
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_images_path"))
        batch_op.drop_index(batch_op.f("ix_product_images_product_id"))
    op.drop_table("product_images")
