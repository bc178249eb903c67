"""Carts: a customer's cart in the database, a guest's as lines in the session.

Both are shown through the same ``CartView`` so that the pages and the API
compute lines and totals in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Cart, CartItem, Product, ProductVariant, User
from ._sql import is_storable_id
from ._tx import transactional
from .errors import NotAShopper, NotFound, OutOfStock, Shortage, ValidationError

MAX_LINE_QUANTITY = 1000


@dataclass
class CartLine:
    variant: ProductVariant
    quantity: int
    unit_price: Decimal  # the price now; checkout charges this
    price_at_time: Decimal  # the price when the line was added
    item_id: int | None = None  # None for a guest's line

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def name(self) -> str:
        """The product's name with the variant's options ("Tee (M / Blue)")."""
        return self.variant.name

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.price_at_time

    @property
    def available(self) -> bool:
        variant = self.variant
        return (
            self.product.is_active and variant.is_active and variant.stock_quantity >= self.quantity
        )


@dataclass
class CartView:
    id: int | None
    lines: list[CartLine] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def is_empty(self) -> bool:
        return not self.lines


@dataclass(frozen=True)
class CappedLine:
    """A guest line that could not be merged in full: stock was short."""

    variant_id: int
    product_name: str
    wanted: int
    kept: int


def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError("Quantity must be a whole number, 1 or more.", field="quantity")
    if quantity > MAX_LINE_QUANTITY:
        raise ValidationError(f"At most {MAX_LINE_QUANTITY} of one product.", field="quantity")
    return quantity


def _buyable(variant_id: int) -> ProductVariant:
    # A form's id is any number a visitor types: one no row can have is unknown.
    variant = db.session.get(ProductVariant, variant_id) if is_storable_id(variant_id) else None
    if variant is None or not variant.is_active or not variant.product.is_active:
        raise NotFound("No such product.", field="variant_id")
    return variant


def resolve(
    product_id: int | None = None,
    variant_id: int | None = None,
    options: Mapping[str, str] | None = None,
) -> int:
    """The variant id a request names: ``variant_id``, or a product and its
    options, or a product that has only one variant (else ``VariantRequired``)."""
    from . import variants

    if variant_id is not None:
        return variant_id
    product = db.session.get(Product, product_id) if is_storable_id(product_id) else None
    if product is None or not product.is_active:
        raise NotFound("No such product.", field="product_id")
    return variants.find_variant(product, values=options).id


def _refuse_if_short(variant: ProductVariant, quantity: int) -> None:
    if quantity > variant.stock_quantity:
        raise OutOfStock(
            [
                Shortage(
                    variant.product_id,
                    variant.name,
                    quantity,
                    variant.stock_quantity,
                    variant_id=variant.id,
                )
            ]
        )


def _cart_for(user_id: int, *, create: bool) -> Cart | None:
    """The customer's cart, locked: edits wait for a checkout of this cart to end.

    Without the lock a line removed in one tab while another tab checks out
    could still be ordered (the checkout read it before the removal).
    """
    locked = select(Cart).where(Cart.user_id == user_id).with_for_update()
    cart = db.session.scalar(locked)
    if cart is None and create:
        try:
            with db.session.begin_nested():  # a savepoint: a clash must not end the transaction
                cart = Cart(user_id=user_id)
                db.session.add(cart)
        except IntegrityError:
            # Another request (a second tab) created it meanwhile: use that one.
            cart = db.session.scalar(locked.execution_options(populate_existing=True))
    return cart


def get_cart(user_id: int) -> CartView:
    """A customer's cart with its variants and products, in a bounded number of
    queries whatever its size."""
    cart = db.session.scalar(
        select(Cart)
        .where(Cart.user_id == user_id)
        .options(
            selectinload(Cart.items)
            .joinedload(CartItem.variant)
            .joinedload(ProductVariant.product)
            .options(joinedload(Product.category), selectinload(Product.options))
        )
    )
    if cart is None:
        return CartView(id=None)
    return CartView(
        id=cart.id,
        lines=[
            CartLine(
                variant=item.variant,
                quantity=item.quantity,
                unit_price=item.variant.unit_price,
                price_at_time=item.price_at_time,
                item_id=item.id,
            )
            for item in cart.items
        ],
    )


def _owned_item(user_id: int, item_id: int) -> CartItem:
    if not is_storable_id(item_id):
        raise NotFound("No such item in your cart.")
    _cart_for(user_id, create=False)  # lock the cart first, as checkout does
    item = db.session.scalar(
        select(CartItem)
        .join(Cart)
        .where(CartItem.id == item_id, Cart.user_id == user_id)
        .options(joinedload(CartItem.variant))
        .execution_options(populate_existing=True)
    )
    if item is None:  # someone else's line is as unknown as a missing one
        raise NotFound("No such item in your cart.")
    return item


def is_shopper(user_id: int) -> bool:
    """Carts and checkout are a customer's; an admin account does not shop."""
    user = db.session.get(User, user_id)
    return user is not None and user.role != "admin"


def require_shopper(user_id: int) -> None:
    if not is_shopper(user_id):
        raise NotAShopper()


@transactional
def _add(user_id: int, variant_id: int, quantity: int) -> None:
    require_shopper(user_id)
    variant = _buyable(variant_id)
    cart = _cart_for(user_id, create=True)
    item = db.session.scalar(
        select(CartItem).where(CartItem.cart_id == cart.id, CartItem.variant_id == variant.id)
    )
    new_quantity = quantity + (item.quantity if item else 0)
    _check_quantity(new_quantity)
    _refuse_if_short(variant, new_quantity)
    if item is None:
        db.session.add(
            CartItem(
                cart_id=cart.id,
                product_id=variant.product_id,
                variant_id=variant.id,
                quantity=quantity,
                price_at_time=variant.unit_price,
            )
        )
    else:
        item.quantity = new_quantity
    db.session.flush()


def add_to_cart(user_id: int, variant_id: int, quantity: int = 1) -> CartView:
    """Add to the line of that variant (or start one); more than the stock is refused."""
    _check_quantity(quantity)
    _add(user_id, variant_id, quantity)
    return get_cart(user_id)


@transactional
def _set_quantity(user_id: int, item_id: int, quantity: int) -> None:
    item = _owned_item(user_id, item_id)
    _refuse_if_short(item.variant, quantity)
    item.quantity = quantity
    db.session.flush()


def set_cart_item_quantity(user_id: int, item_id: int, quantity: int) -> CartView:
    _check_quantity(quantity)
    _set_quantity(user_id, item_id, quantity)
    return get_cart(user_id)


@transactional
def _remove(user_id: int, item_id: int) -> None:
    db.session.delete(_owned_item(user_id, item_id))
    db.session.flush()


def remove_cart_item(user_id: int, item_id: int) -> CartView:
    _remove(user_id, item_id)
    return get_cart(user_id)


@transactional
def clear_cart(user_id: int) -> None:
    cart = _cart_for(user_id, create=False)
    if cart is not None:
        db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))


def _active_variants(ids) -> dict[int, ProductVariant]:
    """Variants on sale (and their products), by id, in a bounded number of queries."""
    return {
        v.id: v
        for v in db.session.scalars(
            select(ProductVariant)
            .join(ProductVariant.product)
            .where(
                ProductVariant.id.in_(ids),
                ProductVariant.is_active.is_(True),
                Product.is_active.is_(True),
            )
            .options(
                joinedload(ProductVariant.product).options(
                    joinedload(Product.category), selectinload(Product.options)
                )
            )
        )
    }


@transactional
def merge_guest_cart(user_id: int, lines: Mapping[int, int]) -> list[CappedLine]:
    """Add a guest's lines (``{variant_id: quantity}``) to the account's cart,
    capping each at the stock.

    Archived or unknown variants are dropped. Returns the lines that were cut
    short (or dropped for lack of stock) so the page can say so. An admin
    account has no cart: nothing is merged into it.
    """
    capped: list[CappedLine] = []
    if not lines or not is_shopper(user_id):
        return capped
    wanted = {int(vid): int(qty) for vid, qty in lines.items() if int(qty) > 0}
    variants = _active_variants(wanted)
    cart = _cart_for(user_id, create=True)
    existing = {
        item.variant_id: item
        for item in db.session.scalars(select(CartItem).where(CartItem.cart_id == cart.id))
    }
    for variant_id, quantity in sorted(wanted.items()):
        variant = variants.get(variant_id)
        if variant is None:
            continue
        item = existing.get(variant_id)
        total = quantity + (item.quantity if item else 0)
        kept = min(total, variant.stock_quantity, MAX_LINE_QUANTITY)
        if kept < total:
            capped.append(CappedLine(variant.id, variant.name, total, kept))
        if kept <= 0:
            if item is not None:
                db.session.delete(item)
            continue
        if item is None:
            db.session.add(
                CartItem(
                    cart_id=cart.id,
                    product_id=variant.product_id,
                    variant_id=variant_id,
                    quantity=kept,
                    price_at_time=variant.unit_price,
                )
            )
        else:
            item.quantity = kept
    db.session.flush()
    return capped


def guest_cart_view(lines: Mapping[int, int]) -> CartView:
    """A guest's session lines (``{variant_id: quantity}``) as a cart; unknown or
    archived variants are left out."""
    wanted = {int(vid): int(qty) for vid, qty in (lines or {}).items() if int(qty) > 0}
    if not wanted:
        return CartView(id=None)
    variants = _active_variants(wanted)
    return CartView(
        id=None,
        lines=[
            CartLine(
                variant=v,
                quantity=wanted[vid],
                unit_price=v.unit_price,
                price_at_time=v.unit_price,
                item_id=vid,
            )
            for vid, v in sorted(variants.items())
        ],
    )


def add_to_guest_cart(lines: Mapping[int, int], variant_id: int, quantity: int = 1) -> dict:
    """The guest's lines with ``quantity`` more of a variant; same refusals as a customer's."""
    _check_quantity(quantity)
    variant = _buyable(variant_id)
    new_lines = {int(k): int(v) for k, v in (lines or {}).items()}
    new_quantity = new_lines.get(variant.id, 0) + quantity
    _check_quantity(new_quantity)
    _refuse_if_short(variant, new_quantity)
    new_lines[variant.id] = new_quantity
    return new_lines


def set_guest_cart_quantity(lines: Mapping[int, int], variant_id: int, quantity: int) -> dict:
    _check_quantity(quantity)
    new_lines = {int(k): int(v) for k, v in (lines or {}).items()}
    if variant_id not in new_lines:
        raise NotFound("No such item in your cart.")
    _refuse_if_short(_buyable(variant_id), quantity)
    new_lines[variant_id] = quantity
    return new_lines


def cart_item_count(user_id: int) -> int:
    """How many items a customer's cart holds (for the page header), in one query."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(CartItem.quantity), 0))
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(Cart.user_id == user_id)
    )
    return int(total or 0)
