from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin

Money = Numeric(12, 2)


class Category(TimestampMixin, Base):
    """A shop category; two levels at most (storefront/services/categories.py keeps it so)."""

    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("parent_id <> id", name="not_own_parent"),
        # "Shoes" and "shoes" are one category: the database refuses the second
        # even when two admins create them at the same moment.
        Index("uq_categories_name_lower", text("lower(name)"), unique=True),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order among its siblings
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)

    products: Mapped[list[Product]] = relationship(back_populates="category")
    parent: Mapped[Category | None] = relationship(remote_side="Category.id")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        Index("ix_products_active_created", "is_active", "created_at"),
        # PostgreSQL only (migration 0005): substring search answered by pg_trgm.
        Index(
            "ix_products_name_trgm",
            text("lower(name) gin_trgm_ops"),
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_products_description_trgm",
            text("lower(description) gin_trgm_ops"),
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ).ddl_if(dialect="postgresql"),
    )

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Money)
    stock_quantity: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    image_path: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    category: Mapped[Category | None] = relationship(back_populates="products")

    @property
    def in_stock(self) -> bool:
        return self.stock_quantity > 0

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name!r} stock={self.stock_quantity}>"


class CatalogVersion(Base):
    """One row: a number bumped in the same transaction as any change to what the
    catalog shows (storefront/services/catalog_version.py). Cached catalog answers
    are keyed by it, so none outlives the change it would hide."""

    __tablename__ = "catalog_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
