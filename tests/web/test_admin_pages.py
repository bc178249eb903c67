"""The back office's forms: what they change, and how they refuse."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from storefront.services import accounts, cart, catalog, categories, inventory, orders
from tests.web.test_admin_access import log_in


@pytest.fixture
def staff(client, admin):
    log_in(client, admin)
    return client


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _order_for(make_user, make_product, quantity=2, stock=5):
    buyer = make_user()
    product = make_product(stock=stock, price="12.50")
    cart.add_to_cart(buyer.id, product.id, quantity)
    return orders.place_order(buyer.id, "1 Test Road\nDhaka").order, product


# --- products -------------------------------------------------------------


def test_creating_a_product_in_a_chosen_category(staff):
    kitchen = categories.create_category("Kitchen")
    clothing = categories.create_category("Clothing")
    categories.create_category("Shirts", parent_id=clothing.id)
    form = staff.get("/admin/products/new").get_data(as_text=True)
    # Chosen from a list grouped by parent, never typed.
    assert 'id="category_id" name="category_id"><option selected value="">None</option>' in form
    assert '<optgroup label="Clothing"><option value="2">Clothing</option>' in form
    assert '<option value="3">Shirts</option></optgroup>' in form
    response = staff.post(
        "/admin/products/new",
        data={
            "name": "Clay teapot",
            "price": "1250.00",
            "stock_quantity": "7",
            "category_id": str(kitchen.id),
            "description": "Hand made.",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    product = catalog.search_products(q="teapot", include_inactive=True).items[0]
    assert response.headers["Location"].endswith(f"/admin/products/{product.id}/edit")
    assert product.price == Decimal("1250.00")
    assert product.stock_quantity == 7
    assert product.category.name == "Kitchen"
    assert "created" in staff.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "price"), [("1,250.50", "1250.50"), ("12,345,678", "12345678.00")]
)
def test_a_price_may_be_typed_with_grouping_commas_as_the_shop_shows_it(staff, typed, price):
    data = {"name": "Comma teapot", "price": typed, "stock_quantity": "1", "is_active": "y"}
    assert staff.post("/admin/products/new", data=data).status_code == 302
    product = catalog.search_products(q="comma teapot", include_inactive=True).items[0]
    assert product.price == Decimal(price)


@pytest.mark.parametrize("typed", ["1,25.00", "12,50", "1,2500.00", ",250"])
def test_commas_out_of_place_are_refused(staff, typed):
    data = {"name": "Odd teapot", "price": typed, "stock_quantity": "1", "is_active": "y"}
    response = staff.post("/admin/products/new", data=data)
    assert response.status_code == 422
    assert typed in response.get_data(as_text=True)


def test_a_bad_price_is_refused_next_to_the_field_keeping_what_was_typed(staff):
    response = staff.post(
        "/admin/products/new",
        data={"name": "Typed name", "price": "12.345", "stock_quantity": "3"},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="price-error"' in body
    assert 'aria-describedby="price-hint price-error"' in body
    assert 'value="Typed name"' in body and 'value="12.345"' in body
    assert catalog.search_products(include_inactive=True).total == 0


def test_editing_a_product_changes_its_fields(staff, make_product):
    product = make_product(name="Old name", price="10.00", category="Old")
    fresh = categories.create_category("Fresh")
    response = staff.post(
        f"/admin/products/{product.id}/edit",
        data={"name": "New name", "price": "12.75", "category_id": fresh.id, "description": "d"},
    )
    assert response.status_code == 302
    product = catalog.get_product(product.id, include_inactive=True)
    assert (product.name, product.price, product.category.name) == (
        "New name",
        Decimal("12.75"),
        "Fresh",
    )
    assert product.is_active is False  # the unticked box archives, as a browser sends it


def test_archiving_and_restoring_a_product(staff, make_product):
    product = make_product()
    assert staff.post(f"/admin/products/{product.id}/archive").status_code == 302
    assert not catalog.get_product(product.id, include_inactive=True).is_active
    page = staff.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert "Restore to the shop" in page
    assert staff.post(f"/admin/products/{product.id}/restore").status_code == 302
    assert catalog.get_product(product.id).is_active


def test_uploading_images_shows_them_in_the_gallery_panel(staff, make_product):
    product = make_product()
    response = staff.post(
        f"/admin/products/{product.id}/images",
        data={"images": [(io.BytesIO(_png()), "teapot.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    product = catalog.get_product(product.id)
    assert product.image_path
    page = staff.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert "_thumb.png" in page and "Cover" in page


def test_a_file_that_is_not_an_image_is_refused_next_to_the_field(staff, make_product):
    product = make_product()
    response = staff.post(
        f"/admin/products/{product.id}/images",
        data={"images": [(io.BytesIO(b"not an image"), "x.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="images-error"' in response.get_data(as_text=True)
    assert catalog.get_product(product.id).image_path is None


def test_the_product_list_filters_and_sorts(staff, make_product):
    make_product(name="Cheap mug", price="5.00", stock=2, category="Kitchen")
    make_product(name="Dear mug", price="50.00", stock=40, category="Kitchen")
    make_product(name="Old lamp", price="20.00", stock=9, category="Light", active=False)

    def names(query):
        body = staff.get("/admin/products" + query).get_data(as_text=True)
        return [n for n in ("Cheap mug", "Dear mug", "Old lamp") if n in body]

    assert names("?state=archived") == ["Old lamp"]
    assert names("?category=kitchen") == ["Cheap mug", "Dear mug"]
    assert names("?low_stock=1") == ["Cheap mug"]
    assert names("?q=mug&state=active") == ["Cheap mug", "Dear mug"]
    body = staff.get("/admin/products?sort=price_desc").get_data(as_text=True)
    assert body.index("Dear mug") < body.index("Old lamp") < body.index("Cheap mug")
    assert 'aria-sort="descending"' in body


# --- stock ----------------------------------------------------------------


def test_adjusting_stock_writes_the_ledger_with_running_stock(staff, make_product, admin):
    product = make_product(stock=10)
    response = staff.post(
        f"/admin/products/{product.id}/stock", data={"delta": "-3", "note": "Broken in transit"}
    )
    assert response.status_code == 302
    assert catalog.get_product(product.id).stock_quantity == 7
    body = staff.get(f"/admin/products/{product.id}/stock").get_data(as_text=True)
    assert "Broken in transit" in body and ">-3<" in body and ">7<" in body
    latest = inventory.list_movements(product.id).items[0]
    assert (latest.delta, latest.stock_after, latest.actor_id) == (-3, 7, admin.id)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"delta": "5", "note": "   "}, "note"),
        ({"delta": "0", "note": "Recount"}, "delta"),
        ({"delta": "two", "note": "Recount"}, "delta"),
        ({"delta": "-11", "note": "Recount"}, "delta"),  # below zero
    ],
)
def test_a_stock_adjustment_is_refused_next_to_its_field(staff, make_product, data, field):
    product = make_product(stock=10)
    response = staff.post(f"/admin/products/{product.id}/stock", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert catalog.get_product(product.id).stock_quantity == 10


# --- orders ---------------------------------------------------------------


def test_an_order_moves_along_the_status_machine_with_one_button_per_move(
    staff, make_user, make_product
):
    order, _ = _order_for(make_user, make_product)
    page = staff.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert 'value="processing"' in page and 'value="cancelled"' in page
    assert 'value="shipped"' not in page
    assert "1 Test Road" in page and "12.50" in page

    for status in ("processing", "shipped"):
        response = staff.post(f"/admin/orders/{order.id}/status", data={"new_status": status})
        assert response.status_code == 302
    page = staff.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert orders.get_order(order.id).status == "shipped"
    assert 'value="delivered"' in page and 'value="cancelled"' not in page
    assert page.count("history-when") == 3


def test_shipping_from_the_order_page_takes_a_tracking_number(staff, make_user, make_product):
    order, _ = _order_for(make_user, make_product)
    orders.change_order_status(order.id, "processing")
    page = staff.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert 'name="tracking_number"' in page
    response = staff.post(
        f"/admin/orders/{order.id}/status",
        data={"new_status": "shipped", "tracking_number": "RR123456789BD"},
        follow_redirects=True,
    )
    assert 'data-testid="tracking-number">RR123456789BD<' in response.get_data(as_text=True)
    assert orders.get_order(order.id).tracking_number == "RR123456789BD"


def test_a_forbidden_transition_is_refused_with_a_message(staff, make_user, make_product):
    order, product = _order_for(make_user, make_product)
    orders.change_order_status(order.id, "processing")
    orders.change_order_status(order.id, "shipped")

    response = staff.post(
        f"/admin/orders/{order.id}/status", data={"new_status": "cancelled"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Not changed: An order that is shipped cannot become cancelled." in response.get_data(
        as_text=True
    )
    assert orders.get_order(order.id).status == "shipped"
    assert catalog.get_product(product.id).stock_quantity == 3


def test_cancelling_from_the_order_page_restocks(staff, make_user, make_product):
    order, product = _order_for(make_user, make_product)
    response = staff.post(
        f"/admin/orders/{order.id}/status", data={"new_status": "cancelled"}, follow_redirects=True
    )
    assert "back in stock" in response.get_data(as_text=True)
    assert catalog.get_product(product.id).stock_quantity == 5


def test_the_order_list_filters_by_status_and_customer(staff, make_user, make_product):
    first, _ = _order_for(make_user, make_product)
    second, _ = _order_for(make_user, make_product)
    orders.change_order_status(second.id, "processing")
    body = staff.get("/admin/orders?status=processing").get_data(as_text=True)
    assert f">#{second.id}<" in body and f">#{first.id}<" not in body
    email = orders.get_order(first.id).user.email
    body = staff.get(f"/admin/orders?customer={email}").get_data(as_text=True)
    assert f">#{first.id}<" in body and f">#{second.id}<" not in body


# --- users ----------------------------------------------------------------


def test_deactivating_and_reactivating_a_customer(staff, customer):
    response = staff.post(f"/admin/users/{customer.id}/deactivate", follow_redirects=True)
    assert "can no longer log in" in response.get_data(as_text=True)
    assert not accounts.get_user(customer.id).is_active
    staff.post(f"/admin/users/{customer.id}/reactivate")
    assert accounts.get_user(customer.id).is_active


def test_an_admin_cannot_deactivate_themselves(staff, admin):
    page = staff.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Deactivate account" not in page
    response = staff.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert accounts.get_user(admin.id).is_active


def test_the_user_list_filters_by_role_state_and_text(staff, make_user):
    make_user("customer", email="ann@example.com", full_name="Ann Active")
    make_user("customer", email="bob@example.com", full_name="Bob Gone", active=False)

    def emails(query):
        body = staff.get("/admin/users" + query).get_data(as_text=True)
        return [e for e in ("ann@", "bob@", "boss@") if e in body]

    assert emails("?role=admin") == ["boss@"]
    assert emails("?state=deactivated") == ["bob@"]
    assert emails("?q=ann") == ["ann@"]


def test_a_user_page_lists_their_orders(staff, make_user, make_product):
    order, _ = _order_for(make_user, make_product)
    body = staff.get(f"/admin/users/{order.user_id}").get_data(as_text=True)
    assert f'href="/admin/orders/{order.id}"' in body


def test_creating_an_admin(staff):
    response = staff.post(
        "/admin/users/new",
        data={
            "full_name": "Second Boss",
            "email": "Second@Example.com",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    assert response.status_code == 302
    user = accounts.authenticate("second@example.com", "long-enough-1")
    assert user.role == "admin"


def test_creating_an_admin_with_a_taken_email_is_refused_next_to_the_field(staff, customer):
    response = staff.post(
        "/admin/users/new",
        data={
            "email": customer.email,
            "password": "long-enough-1",
            "confirm": "long-enough-1",
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body and "already exists" in body
    assert accounts.get_user(customer.id).role == "customer"


def test_an_active_products_form_links_to_it_in_the_shop(staff, make_product):
    product = make_product(name="Linked lamp")
    html = staff.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert f'href="/products/{product.id}-{product.slug}">View in shop</a>' in html


def test_a_product_form_with_errors_lists_them_in_a_linked_summary(staff):
    data = {"name": "", "price": "", "stock_quantity": "1"}
    html = staff.post("/admin/products/new", data=data).get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert '<a href="#name">Name: Enter the product\'s name.</a>' in html or (
        'href="#name">Name: Enter the product&#39;s name.</a>' in html
    )
    assert 'href="#price">Price: Enter a price such as 1,250.00.</a>' in html
