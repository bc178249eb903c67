from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
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
        CheckConstraint("min_price >= 0", name="min_price_not_negative"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        # An index behind each filter and sort of the catalog (migration c13a):
        # newest, price and name for the shop; a category's newest; the admin's
        # table of all products, newest first. None on stock_quantity, which every
        # sale updates (an index there would cost each of those updates).
        Index("ix_products_active_created", "is_active", "created_at"),
        Index("ix_products_active_min_price", "is_active", "min_price"),
        Index("ix_products_active_name", "is_active", text("lower(name)")),
        Index("ix_products_category_active_created", "category_id", "is_active", "created_at"),
        Index("ix_products_created_at", "created_at"),
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
    # The product's own price: what a variant without a price of its own sells at.
    price: Mapped[Decimal] = mapped_column(Money)
    # Maintained by storefront/services/variants.py in the transaction of any change:
    # the lowest price of its active variants (what the catalog shows, filters and
    # sorts by) and the sum of its variants' stock (check-stock audits both).
    min_price: Mapped[Decimal] = mapped_column(Money)
    stock_quantity: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    image_path: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Full-text search lives outside the model, in migration c13a: on PostgreSQL the
    # generated column ``search_vector`` (GIN index ``ix_products_search``), on
    # SQLite the FTS5 table ``products_fts`` and its triggers. The model neither
    # loads nor creates them; services/catalog.py queries them, and
    # ``include_in_schema_comparison`` keeps them out of autogenerate's diff.

    category: Mapped[Category | None] = relationship(back_populates="products")
    options: Mapped[list[ProductOption]] = relationship(
        back_populates="product", order_by="ProductOption.position", cascade="all, delete-orphan"
    )
    variants: Mapped[list[ProductVariant]] = relationship(
        back_populates="product",
        order_by="(ProductVariant.position, ProductVariant.id)",
        cascade="all, delete-orphan",
    )

    @property
    def in_stock(self) -> bool:
        return self.stock_quantity > 0

    @property
    def has_options(self) -> bool:
        return bool(self.options)

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name!r} stock={self.stock_quantity}>"


class ProductOption(Base):
    """An axis a product varies along (Size), with its values in the shop's order."""

    __tablename__ = "product_options"
    __table_args__ = (UniqueConstraint("product_id", "name", name="uq_product_options_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[list[str]] = mapped_column(JSON, default=list)

    product: Mapped[Product] = relationship(back_populates="options")


# Joins a variant's option values into its key: unique per product, so no two
# variants are the same combination (the database refuses it).
OPTION_KEY_SEPARATOR = "\x1f"


class ProductVariant(TimestampMixin, Base):
    """What is sold and stocked: one combination of a product's option values.

    A product without options has exactly one variant (``option_values == []``).
    Stock lives here (``stock_quantity`` equals the sum of its ledger rows); the
    product's ``stock_quantity`` is the sum over its variants.
    """

    __tablename__ = "product_variants"
    __table_args__ = (
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        UniqueConstraint("product_id", "option_key", name="uq_product_variants_combination"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # None: the product's price.
    price: Mapped[Decimal | None] = mapped_column(Money)
    stock_quantity: Mapped[int] = mapped_column(Integer, default=0)
    # The value of each of the product's options, in the options' order.
    option_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    option_key: Mapped[str] = mapped_column(String(600), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The first gallery image tied to this variant (kept by services/images.py with
    # every gallery change), so its URL needs no join; None: the product's cover.
    image_path: Mapped[str | None] = mapped_column(String(255))

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def unit_price(self) -> Decimal:
        return self.product.price if self.price is None else self.price

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock_quantity > 0

    @property
    def options(self) -> dict[str, str]:
        """``{option name: value}`` in the product's option order."""
        if not self.option_values:  # the variant of a product without options
            return {}
        names = [option.name for option in self.product.options]
        return dict(zip(names, self.option_values, strict=False))

    @property
    def label(self) -> str:
        """ "M / Blue"; empty for a product without options."""
        return " / ".join(self.option_values)

    @property
    def name(self) -> str:
        """The product's name, with the variant's label when it has one."""
        label = self.label
        return f"{self.product.name} ({label})" if label else self.product.name

    def __repr__(self) -> str:
        return f"<ProductVariant {self.id} {self.sku} stock={self.stock_quantity}>"


class CatalogVersion(Base):
    """One row: a number bumped in the same transaction as any change to what the
    catalog shows (storefront/services/catalog_version.py). Cached catalog answers
    are keyed by it, so none outlives the change it would hide."""

    __tablename__ = "catalog_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


# Search objects that only the migrations create (see Product): not the models' to compare.
SEARCH_SCHEMA_OBJECTS = {
    "column": {"search_vector"},
    "index": {"ix_products_search"},
}
SEARCH_TABLE_PREFIX = "products_fts"  # the FTS5 table and its shadow tables


def include_in_schema_comparison(name, type_, parent_names) -> bool:
    """Alembic's ``include_name``: leave the migration-only search objects out."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLE_PREFIX)
    return name not in SEARCH_SCHEMA_OBJECTS.get(type_, ())
