"""Numbers no id column can hold, in URLs and forms: 404 (or 422), never a 500.

PostgreSQL's ``integer`` stops at 2**31 - 1 and refuses a bigger parameter
with a database error; SQLite's driver refuses anything past 2**63 - 1.
"""

import re

import pytest
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from storefront.extensions import db
from storefront.services import cart
from storefront.services.errors import NotFound
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

TOO_BIG = [2**31, 2**63, 10**30]
OUT_OF_RANGE = [0, *TOO_BIG]


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _fill(rule, number: int) -> str:
    return re.sub(
        r"<(?:\w+:)?(\w+)>", lambda m: "slug" if m.group(1) == "slug" else str(number), rule.rule
    )


def test_every_integer_route_answers_404_for_an_id_no_column_can_hold(app, client, admin):
    client.post("/login", data={"email": admin.email, "password": ADMIN_PASSWORD})
    routes = list(_int_routes(app))
    assert len(routes) >= 30  # the shop's, the back office's and the API's
    for rule, method in routes:
        for number in OUT_OF_RANGE:
            url = _fill(rule, number)
            if url.startswith("/api/"):
                response = client.open(url, method=method, json={})
            else:
                response = client.open(url, method=method, data={"quantity": "1", "delta": "1"})
            assert response.status_code == 404, (method, url, response.status_code)


def _renumber(table: str, old_id: int, new_id: int) -> None:
    """Give a row nothing refers to yet the id a test needs."""
    db.session.execute(
        text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"new": new_id, "old": old_id}
    )
    db.session.commit()


def _renumber_product(old_id: int, new_id: int) -> None:
    """Give a product (no stock, no orders) a new id; its variant follows it."""
    columns = "name, slug, description, price, min_price, stock_quantity, is_active"
    params = {"new": new_id, "old": old_id}
    db.session.execute(
        text(
            f"INSERT INTO products (id, {columns}) SELECT :new, {columns} FROM products "
            "WHERE id = :old"
        ),
        params,
    )
    db.session.execute(
        text("UPDATE product_variants SET product_id = :new WHERE product_id = :old"), params
    )
    db.session.execute(text("DELETE FROM products WHERE id = :old"), params)
    db.session.commit()


def test_the_largest_id_a_column_holds_still_routes(client, admin, make_product, make_user):
    # A refusal of 2**31-1 by the route would be a 404 too: only a page showing
    # the row proves the number routed.
    largest = 2**31 - 1
    product = make_product(name="Last Of Its Kind", stock=0, category=None)
    slug = product.slug
    _renumber_product(product.id, largest)
    _renumber("users", make_user(email="last-one@example.com").id, largest)
    client.post("/login", data={"email": admin.email, "password": ADMIN_PASSWORD})

    page = client.get(f"/products/{largest}-{slug}")
    assert page.status_code == 200 and "Last Of Its Kind" in page.get_data(as_text=True)
    assert (
        client.get(f"/products/{largest}")
        .headers["Location"]
        .endswith(f"/products/{largest}-{slug}")
    )
    edit = client.get(f"/admin/products/{largest}/edit")
    assert edit.status_code == 200 and "Last Of Its Kind" in edit.get_data(as_text=True)
    user = client.get(f"/admin/users/{largest}")
    assert user.status_code == 200 and "last-one@example.com" in user.get_data(as_text=True)
    assert client.get(f"/api/products/{largest}").get_json()["name"] == "Last Of Its Kind"


@pytest.mark.parametrize("number", TOO_BIG)
def test_adding_a_product_id_no_column_can_hold_is_404(client, make_user, number):
    shopper = make_user(email="big-ids@example.com")
    data = {"product_id": str(number), "quantity": "1"}
    assert client.post("/cart/add", data=data).status_code == 404  # a guest
    client.post("/login", data={"email": shopper.email, "password": CUSTOMER_PASSWORD})
    assert client.post("/cart/add", data=data).status_code == 404


@pytest.mark.parametrize("number", [0, -1, *TOO_BIG])
def test_the_cart_service_refuses_ids_no_column_can_hold_as_unknown(app, customer, number):
    with pytest.raises(NotFound):
        cart.add_to_cart(customer.id, number, 1)
    with pytest.raises(NotFound):
        cart.add_to_guest_cart({}, number, 1)


@pytest.mark.parametrize("quantity", ["0", "lots"])
def test_a_refused_add_of_a_product_id_no_column_can_hold_is_404(client, quantity):
    # The form is refused first, and the product page it would show again is unknown.
    data = {"product_id": str(2**31), "quantity": quantity}
    assert client.post("/cart/add", data=data).status_code == 404


@pytest.mark.parametrize("number", [0, *TOO_BIG])
def test_the_services_treat_ids_no_column_can_hold_as_unknown(app, customer, number):
    from storefront.services import accounts, catalog, inventory, orders

    lookups = [
        lambda: catalog.get_product(number, include_inactive=True),
        lambda: orders.get_order(number),
        lambda: orders.cancel_order(number, customer.id),
        lambda: orders.change_order_status(number, "processing"),
        lambda: accounts.get_user(number),
        lambda: accounts.deactivate_user(number),
        lambda: inventory.adjust_stock(number, 1, "recount"),
        lambda: inventory.list_movements(number),
        lambda: cart.set_cart_item_quantity(customer.id, number, 1),
        lambda: cart.remove_cart_item(customer.id, number),
    ]
    for lookup in lookups:
        with pytest.raises(NotFound):
            lookup()


@pytest.mark.parametrize("limit", [5, 10, 99, 100, 250, 12345, 2**31 - 1])
def test_the_route_pattern_matches_exactly_1_to_the_limit(limit):
    from storefront import positive_up_to

    pattern = re.compile(positive_up_to(limit) + r"\Z")
    samples = {
        0,
        1,
        9,
        10,
        11,
        limit - 1,
        limit,
        limit + 1,
        limit * 10,
        *range(0, min(limit * 3, 3000)),
    }
    for n in samples:
        assert bool(pattern.match(str(n))) == (1 <= n <= limit), n
    assert not pattern.match("01")
