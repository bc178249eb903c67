"""Variants on the pages: the shop's picker without JavaScript, the admin's options
and variants page, the stock page per variant."""

from __future__ import annotations

import pytest

from storefront.extensions import db
from storefront.models import Product, ProductVariant
from storefront.services import cart, variants
from tests.unit.test_variants import make_tee, variant_of
from tests.web.conftest import count_queries
from tests.web.test_admin_access import log_in


def product_page(client, product):
    return client.get(f"/products/{product.id}-{product.slug}")


def pick(client, product, size, colour, quantity=1):
    return client.post(
        "/cart/add",
        data={
            "product_id": product.id,
            "option-0": size,
            "option-1": colour,
            "quantity": quantity,
        },
    )


def test_the_product_page_shows_a_radio_group_per_option_and_every_combination(
    client, make_product
):
    tee = make_tee(make_product, stock_each=3)
    variants.update_variants(tee.id, {variant_of(tee, "S / Red").id: {"stock_quantity": 0}})
    html = product_page(client, tee).get_data(as_text=True)
    assert "<legend>Size</legend>" in html and "<legend>Colour</legend>" in html
    assert html.count('type="radio" name="option-0"') == 3
    assert html.count('type="radio" name="option-1"') == 2
    assert html.count('data-testid="variant-row"') == 6
    # The first combination in stock is chosen: S / Red is sold out, S / Blue is not.
    assert 'name="option-0" value="S" checked' in html
    assert 'name="option-1" value="Blue" checked' in html
    assert "Out of stock" in html


def test_a_guest_without_javascript_picks_m_blue_and_gets_that_variant(client, make_product):
    tee = make_tee(make_product, stock_each=3)
    response = pick(client, tee, "M", "Blue", 2)
    assert response.status_code == 303
    page = client.get("/cart").get_data(as_text=True)
    assert "M / Blue" in page and "Added 2 × Tee (M / Blue) to your cart." in page


def test_a_sold_out_combination_cannot_be_added(client, make_product):
    tee = make_tee(make_product, stock_each=3)
    variants.update_variants(tee.id, {variant_of(tee, "M / Blue").id: {"stock_quantity": 0}})
    response = pick(client, tee, "M", "Blue")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Tee (M / Blue) has just sold out" in html
    assert 'name="option-0" value="M" checked' in html  # the choice is kept
    assert client.get("/cart").get_data(as_text=True).count('data-testid="cart-line"') == 0


def test_adding_without_choosing_every_option_says_what_is_missing(client, make_product):
    tee = make_tee(make_product)
    response = client.post("/cart/add", data={"product_id": tee.id, "option-0": "M", "quantity": 1})
    assert response.status_code == 422
    assert "Choose colour." in response.get_data(as_text=True)
    response = pick(client, tee, "XXL", "Blue")
    assert response.status_code == 422


def test_a_customer_cart_shows_each_variant_on_its_own_line(shopper_client, customer, make_product):
    tee = make_tee(make_product)
    pick(shopper_client, tee, "M", "Blue")
    pick(shopper_client, tee, "L", "Red", 2)
    page = shopper_client.get("/cart").get_data(as_text=True)
    assert page.count('data-testid="cart-line"') == 2
    assert "M / Blue" in page and "L / Red" in page


def test_the_product_page_with_20_variants_takes_as_many_queries_as_with_2(client, make_product):
    def queries(product):
        with count_queries() as statements:
            assert product_page(client, product).status_code == 200
        return len(statements)

    small = make_product(name="Small", stock=0)
    small = variants.set_options(small.id, [("Size", "S, M")])
    big = make_product(name="Big", stock=0)
    big = variants.set_options(big.id, [("Size", "1,2,3,4,5"), ("Colour", "a,b,c,d")])
    assert len(big.variants) == 20
    # The first request of a test also reads what is cached after it; a page of its own,
    # since a guest's second visit to a page is served from the page cache.
    queries(make_product(name="Warm-up"))
    assert queries(big) == queries(small)


def test_the_cart_with_lines_of_10_variants_takes_as_many_queries_as_with_2(
    shopper_client, customer, make_product
):
    tee = make_product(name="Tee", stock=0)
    tee = variants.set_options(tee.id, [("Size", "1,2,3,4,5"), ("Colour", "a,b")])
    variants.update_variants(tee.id, {v.id: {"stock_quantity": 5} for v in tee.variants})
    ids = [v.id for v in tee.variants]

    def queries():
        with count_queries() as statements:
            assert shopper_client.get("/cart").status_code == 200
        return len(statements)

    for variant_id in ids[:2]:
        cart.add_to_cart(customer.id, variant_id, 1)
    few = queries()
    for variant_id in ids[2:]:
        cart.add_to_cart(customer.id, variant_id, 1)
    assert queries() == few


# --- the back office -------------------------------------------------------------


@pytest.fixture
def staff(client, admin):
    log_in(client, admin)
    return client


def test_an_admin_gives_a_product_options_and_sets_each_variants_stock(staff, make_product):
    tee = make_product(name="Tee", stock=0)
    page = staff.get(f"/admin/products/{tee.id}/variants")
    assert page.status_code == 200 and "Save options" in page.get_data(as_text=True)
    response = staff.post(
        f"/admin/products/{tee.id}/options",
        data={
            "option-0-name": "Size",
            "option-0-values": "S, M, L",
            "option-1-name": "Colour",
            "option-1-values": "Red, Blue",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    product = db.session.get(Product, tee.id)
    assert [v.label for v in product.variants][:2] == ["S / Red", "S / Blue"]
    blue = variant_of(product, "M / Blue")
    form = {}
    for v in product.variants:
        form[f"variant-{v.id}-sku"] = v.sku
        form[f"variant-{v.id}-price"] = ""
        form[f"variant-{v.id}-stock"] = "4" if v.id == blue.id else "0"
        form[f"variant-{v.id}-active"] = "on"
    form[f"variant-{blue.id}-price"] = "12.50"
    response = staff.post(f"/admin/products/{tee.id}/variants", data=form)
    assert response.status_code == 303
    db.session.expire_all()
    blue = db.session.get(ProductVariant, blue.id)
    assert blue.stock_quantity == 4 and str(blue.price) == "12.50"
    assert db.session.get(Product, tee.id).stock_quantity == 4
    ledger = staff.get(f"/admin/products/{tee.id}/stock").get_data(as_text=True)
    assert "Set on the variants page" in ledger and "M / Blue" in ledger


def test_a_refused_variants_form_keeps_what_was_typed_and_changes_nothing(staff, make_product):
    tee = make_tee(make_product, stock_each=2)
    blue = variant_of(tee, "M / Blue")
    form = {}
    for v in tee.variants:
        form[f"variant-{v.id}-sku"] = v.sku
        form[f"variant-{v.id}-price"] = ""
        form[f"variant-{v.id}-stock"] = "7"
        form[f"variant-{v.id}-active"] = "on"
    form[f"variant-{blue.id}-price"] = "twelve"
    response = staff.post(f"/admin/products/{tee.id}/variants", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="twelve"' in html and 'aria-invalid="true"' in html
    db.session.expire_all()
    assert db.session.get(Product, tee.id).stock_quantity == 12  # unchanged


def test_bad_options_are_shown_next_to_their_row_with_what_was_typed(staff, make_product):
    tee = make_product(name="Tee")
    response = staff.post(
        f"/admin/products/{tee.id}/options",
        data={"option-0-name": "Size", "option-0-values": "S, s"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A value is there twice." in html and 'value="S, s"' in html


def test_the_stock_page_adjusts_the_chosen_variant(staff, make_product):
    tee = make_tee(make_product, stock_each=2)
    blue = variant_of(tee, "M / Blue")
    response = staff.post(
        f"/admin/products/{tee.id}/stock",
        data={"variant_id": blue.id, "delta": "3", "note": "Delivery"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProductVariant, blue.id).stock_quantity == 5


@pytest.mark.parametrize("path", ["variants", "options"])
def test_customers_and_guests_cannot_reach_the_variants_pages(client, make_product, customer, path):
    tee = make_product()
    method = client.get if path == "variants" else client.post
    assert method(f"/admin/products/{tee.id}/{path}").status_code in (302, 303)
    log_in(client, customer)
    assert method(f"/admin/products/{tee.id}/{path}").status_code == 403
