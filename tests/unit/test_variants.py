"""Options and variants: stock, ledger, cart, checkout and prices per variant."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OrderItem, Product, ProductVariant, StockMovement
from storefront.services import cart, catalog, inventory, orders, variants
from storefront.services.errors import Conflict, NotFound, OutOfStock, ValidationError
from storefront.services.inventory import VariantRequired

from .test_checkout_concurrency import run_together

TEE_OPTIONS = [{"name": "Size", "values": ["S", "M", "L"]}, ("Colour", "Red, Blue")]


def make_tee(make_product, stock_each=5, price="10.00"):
    tee = make_product(name="Tee", price=price, stock=0)
    tee = variants.set_options(tee.id, TEE_OPTIONS)
    variants.update_variants(tee.id, {v.id: {"stock_quantity": stock_each} for v in tee.variants})
    db.session.expire_all()
    return db.session.get(Product, tee.id)


def variant_of(product, label) -> ProductVariant:
    return next(v for v in product.variants if v.label == label)


def test_a_product_without_options_has_one_variant_holding_its_stock(make_product):
    mug = make_product(name="Mug", stock=7)
    (only,) = mug.variants
    assert only.option_values == [] and only.label == "" and only.sku == f"P{mug.id}"
    assert only.stock_quantity == mug.stock_quantity == 7
    assert only.unit_price == mug.min_price == Decimal("10.00")
    assert inventory.stock_discrepancies() == []


def test_options_make_one_variant_per_combination_and_the_first_keeps_the_stock(make_product):
    shirt = make_product(name="Shirt", stock=4)
    first_id = shirt.variants[0].id
    shirt = variants.set_options(shirt.id, TEE_OPTIONS)
    labels = [v.label for v in shirt.variants]
    assert labels == ["S / Red", "S / Blue", "M / Red", "M / Blue", "L / Red", "L / Blue"]
    first = variant_of(shirt, "S / Red")
    assert first.id == first_id and first.stock_quantity == 4 and first.sku == f"P{shirt.id}-S-RED"
    assert [o.name for o in shirt.options] == ["Size", "Colour"]
    assert len({v.sku for v in shirt.variants}) == 6
    assert shirt.stock_quantity == 4
    assert inventory.stock_discrepancies() == []


def test_removing_a_value_with_stock_is_refused_and_changes_nothing(make_product):
    tee = make_tee(make_product, stock_each=2)
    with pytest.raises(Conflict, match="still have stock"):
        variants.set_options(tee.id, [("Size", "S, M"), ("Colour", "Red, Blue")])
    db.session.expire_all()
    assert len(db.session.get(Product, tee.id).variants) == 6


def test_removing_an_ordered_value_archives_its_variants(make_product, customer):
    tee = make_tee(make_product, stock_each=1)
    large_red = variant_of(tee, "L / Red")
    cart.add_to_cart(customer.id, large_red.id, 1)
    orders.place_order(customer.id, "1 Road")
    stocked = {v.id: {"stock_quantity": 0} for v in tee.variants if v.option_values[0] == "L"}
    variants.update_variants(tee.id, stocked)
    tee = variants.set_options(tee.id, [("Size", "S, M"), ("Colour", "Red, Blue")])
    archived = db.session.get(ProductVariant, large_red.id)
    assert archived is not None and not archived.is_active  # the order still names it
    assert db.session.get(OrderItem, 1).variant_id == large_red.id
    assert len([v for v in tee.variants if v.is_active]) == 4


@pytest.mark.parametrize(
    "options, field",
    [
        ([("Size", "")], "options.0.values"),
        ([("", "S, M")], "options.0.name"),
        ([("Size", "S, s")], "options.0.values"),
        ([("Size", "S"), ("size", "M")], "options.1.name"),
        ([("A", "1,2,3,4,5"), ("B", "1,2,3,4,5"), ("C", "1,2,3,4,5")], "options"),
    ],
)
def test_bad_options_are_refused_field_by_field(make_product, options, field):
    product = make_product()
    with pytest.raises(ValidationError) as info:
        variants.set_options(product.id, options)
    assert field in info.value.errors


def test_variant_prices_set_the_products_lowest_price(make_product):
    tee = make_tee(make_product, price="10.00")
    large = [v for v in tee.variants if v.option_values[0] == "L"]
    small = [v for v in tee.variants if v.option_values[0] == "S"]
    changes = {v.id: {"price": "12.50"} for v in large} | {v.id: {"price": "9.99"} for v in small}
    variants.update_variants(tee.id, changes)
    db.session.expire_all()
    tee = db.session.get(Product, tee.id)
    assert tee.min_price == Decimal("9.99")
    assert variants.price_range(tee) == (Decimal("9.99"), Decimal("12.50"))
    assert variant_of(tee, "M / Red").unit_price == Decimal("10.00")  # the product's
    # The catalog filters and sorts by the lowest price.
    found = catalog.search_products(max_price="9.99").items
    assert [p.id for p in found] == [tee.id]
    catalog.update_product(tee.id, price="8.00")
    db.session.expire_all()
    assert db.session.get(Product, tee.id).min_price == Decimal("8.00")


def test_a_taken_sku_is_refused_and_nothing_changes(make_product):
    mug = make_product(name="Mug")
    tee = make_tee(make_product)
    small_red = variant_of(tee, "S / Red")
    with pytest.raises(ValidationError) as info:
        variants.update_variants(
            tee.id, {small_red.id: {"sku": mug.variants[0].sku.lower(), "stock_quantity": 9}}
        )
    assert info.value.errors == {f"variants.{small_red.id}.sku": "That SKU is taken."}
    db.session.expire_all()
    assert db.session.get(ProductVariant, small_red.id).stock_quantity == 5


def test_stock_per_variant_goes_through_the_ledger(make_product, admin):
    tee = make_tee(make_product, stock_each=5)
    blue = variant_of(tee, "M / Blue")
    with pytest.raises(VariantRequired):
        inventory.adjust_stock(tee.id, 1, "recount")
    inventory.adjust_stock(tee.id, -2, "two stained", actor_id=admin.id, variant_id=blue.id)
    db.session.expire_all()
    assert db.session.get(ProductVariant, blue.id).stock_quantity == 3
    assert db.session.get(Product, tee.id).stock_quantity == 28
    moves = db.session.scalars(
        select(StockMovement).where(StockMovement.variant_id == blue.id)
    ).all()
    assert [(m.reason, m.delta, m.stock_after) for m in moves] == [
        ("adjustment", 5, 5),
        ("adjustment", -2, 3),
    ]
    with pytest.raises(ValidationError):
        catalog.update_product(tee.id, stock_quantity=3)  # per variant only
    assert inventory.stock_discrepancies() == []


def test_cart_lines_are_variants_and_checkout_copies_sku_and_options(make_product, customer):
    tee = make_tee(make_product, stock_each=5)
    blue, red = variant_of(tee, "M / Blue"), variant_of(tee, "M / Red")
    cart.add_to_cart(customer.id, blue.id, 2)
    cart.add_to_cart(customer.id, red.id, 1)
    view = cart.add_to_cart(customer.id, blue.id, 1)
    assert [(line.name, line.quantity) for line in view.lines] == [
        ("Tee (M / Red)", 1),
        ("Tee (M / Blue)", 3),
    ] or [(line.name, line.quantity) for line in view.lines] == [
        ("Tee (M / Blue)", 3),
        ("Tee (M / Red)", 1),
    ]
    with pytest.raises(OutOfStock) as info:
        cart.add_to_cart(customer.id, blue.id, 3)
    assert info.value.shortages[0].product_name == "Tee (M / Blue)"
    order = orders.place_order(customer.id, "1 Road").order
    lines = {item.sku: item for item in order.items}
    assert lines[blue.sku].variant_options == {"Size": "M", "Colour": "Blue"}
    assert lines[blue.sku].quantity == 3 and lines[red.sku].quantity == 1
    assert lines[blue.sku].variant_label == "M / Blue"
    db.session.expire_all()
    assert db.session.get(ProductVariant, blue.id).stock_quantity == 2
    assert db.session.get(ProductVariant, variant_of(tee, "S / Red").id).stock_quantity == 5
    assert inventory.stock_discrepancies() == []
    orders.cancel_order(order.id, customer.id)
    db.session.expire_all()
    assert db.session.get(ProductVariant, blue.id).stock_quantity == 5
    assert inventory.stock_discrepancies() == []


def test_a_product_with_several_variants_needs_one_chosen(make_product):
    tee = make_tee(make_product)
    with pytest.raises(VariantRequired):
        cart.resolve(product_id=tee.id)
    chosen = cart.resolve(product_id=tee.id, options={"Size": "M", "Colour": "Blue"})
    assert chosen == variant_of(tee, "M / Blue").id
    with pytest.raises(ValidationError, match="Choose colour"):
        cart.resolve(product_id=tee.id, options={"Size": "M"})
    mug = make_product(name="Mug")
    assert cart.resolve(product_id=mug.id) == mug.variants[0].id


def test_an_archived_variant_cannot_be_added(make_product, customer):
    tee = make_tee(make_product)
    blue = variant_of(tee, "M / Blue")
    variants.update_variants(tee.id, {blue.id: {"is_active": False}})
    with pytest.raises(NotFound):
        cart.add_to_cart(customer.id, blue.id, 1)


def test_a_guest_cart_is_keyed_by_variant_and_merges_into_the_account(make_product, customer):
    tee = make_tee(make_product, stock_each=2)
    blue = variant_of(tee, "M / Blue")
    lines = cart.add_to_guest_cart({}, blue.id, 2)
    assert cart.guest_cart_view(lines).lines[0].name == "Tee (M / Blue)"
    capped = cart.merge_guest_cart(customer.id, {blue.id: 5})
    assert [(c.product_name, c.wanted, c.kept) for c in capped] == [("Tee (M / Blue)", 5, 2)]
    assert cart.get_cart(customer.id).lines[0].variant.id == blue.id


def test_search_finds_a_product_by_a_variants_sku(make_product):
    tee = make_tee(make_product)
    make_product(name="Mug")
    blue = variant_of(tee, "M / Blue")
    variants.update_variants(tee.id, {blue.id: {"sku": "tee-m-blu-01"}})
    assert [p.id for p in catalog.search_products(q="TEE-M-BLU-01").items] == [tee.id]
    assert [p.id for p in catalog.search_products(q="tee-m-blu-01").items] == [tee.id]


def test_check_stock_notices_a_product_sum_that_is_not_its_variants(make_product):
    tee = make_tee(make_product)
    db.session.execute(
        Product.__table__.update().where(Product.id == tee.id).values(stock_quantity=1)
    )
    db.session.commit()
    problems = inventory.stock_discrepancies()
    assert [(p["product_id"], p["problem"]) for p in problems] == [
        (tee.id, "stock is not its variants' sum")
    ]


@pytest.mark.parametrize("round_", range(2))
def test_forty_buyers_race_for_ten_units_of_one_variant(app, make_user, make_product, round_):
    tee = make_tee(make_product, stock_each=10)
    target = variant_of(tee, "M / Blue")
    others = {v.id: v.stock_quantity for v in tee.variants if v.id != target.id}
    tee_id, target_id = tee.id, target.id
    buyers = [make_user() for _ in range(40)]
    for buyer in buyers:
        cart.add_to_cart(buyer.id, target_id, 1)
    buyer_ids = [b.id for b in buyers]
    db.session.remove()

    outcomes = run_together(app, [(orders.place_order, (uid, "1 Test Road")) for uid in buyer_ids])

    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(o, OutOfStock) for o in failures), failures
    assert len(outcomes) - len(failures) == 10 and len(failures) == 30
    assert db.session.scalar(select(func.count(Order.id))) == 10
    assert db.session.get(ProductVariant, target_id).stock_quantity == 0
    for variant_id, stock in others.items():
        assert db.session.get(ProductVariant, variant_id).stock_quantity == stock
    assert db.session.get(Product, tee_id).stock_quantity == 50
    assert inventory.stock_discrepancies() == []


def test_buyers_of_different_variants_of_one_product_never_deadlock(app, make_user, make_product):
    tee = make_tee(make_product, stock_each=20)
    mug = make_product(name="Mug", stock=100)
    ids = [v.id for v in tee.variants]
    calls = []
    for n in range(12):
        buyer = make_user()
        # Each buyer takes two variants and the mug, added in different orders.
        picks = [ids[n % 6], ids[(n + 3) % 6], mug.variants[0].id]
        for variant_id in picks[:: 1 if n % 2 else -1]:
            cart.add_to_cart(buyer.id, variant_id, 1)
        calls.append((orders.place_order, (buyer.id, "1 Road")))
    db.session.remove()
    outcomes = run_together(app, calls)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert db.session.get(Product, tee.id).stock_quantity == 120 - 24
    assert inventory.stock_discrepancies() == []
