"""A product's gallery: several images, ordered, the first one its cover.

``position`` runs 0..n-1 per product (the images service keeps it dense); the
image at 0 is the cover, and ``products.image_path`` is a copy of its path kept
by the service in the same transaction, so the catalog's listing reads the
cover without a join. ``alt`` empty means "the product's name" when shown, so
renaming a product renames the alt text of images nobody described.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .base import Base, TimestampMixin
from .catalog import Product

MAX_ALT = 300


class ProductImage(TimestampMixin, Base):
    __tablename__ = "product_images"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("width IS NULL OR width > 0", name="width_positive"),
        CheckConstraint("height IS NULL OR height > 0", name="height_positive"),
        UniqueConstraint("product_id", "position", name="uq_product_images_product_position"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # Relative to MEDIA_ROOT, as products.image_path: products/<32 hex>.<ext>.
    path: Mapped[str] = mapped_column(String(255), index=True)
    alt: Mapped[str] = mapped_column(String(MAX_ALT), default="")
    position: Mapped[int] = mapped_column(Integer)
    # The stored image's size in pixels; NULL for images stored before galleries
    # (those have no responsive widths, only the image and its thumbnail).
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    # The variant this image shows (the red one shows red); None: the product as a whole.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("product_variants.id"), index=True)

    product: Mapped[Product] = relationship(
        backref=backref(
            "images",
            order_by="ProductImage.position",
            cascade="all, delete-orphan",
            passive_deletes=False,
        )
    )

    def __repr__(self) -> str:
        return f"<ProductImage {self.id} product={self.product_id} #{self.position}>"
