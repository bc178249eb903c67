"""The page cache (storefront/web/page_cache.py): a guest's catalog pages are kept
rendered per catalog version; the next request after any kind of change sees it,
and each visitor still gets their own cart count, messages and CSRF token."""

from __future__ import annotations

import re

import pytest

from storefront.services import catalog, categories, inventory, orders, variants
from storefront.web.page_cache import CSRF_MARK, HOLES
from tests.api.test_catalog_cache import _place_order, version
from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import count_queries, csrf_token_from, log_in_with_form

CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+(")')


@pytest.fixture
def mug(make_product):
    return make_product(name="Ceramic Mug", price="12.50", stock=5, category="Kitchen")


def pages(mug) -> list[str]:
    return [
        "/",
        "/products",
        "/products?q=mug&sort=price_asc",
        "/c/kitchen",
        f"/products/{mug.id}-{mug.slug}",
    ]


def without_tokens(html: str) -> str:
    return CSRF_VALUE.sub(r"\1…\2", html)


@pytest.fixture
def uncached(make_app):
    """The same store with the page cache off: what a page is when rendered afresh."""
    app = make_app(PAGE_CACHE_ENTRIES=0)
    return app.test_client()


def test_a_guests_second_visit_costs_the_version_query_only(client, mug):
    for url in pages(mug):
        first = client.get(url)
        assert first.status_code == 200, url
        with count_queries() as statements:
            again = client.get(url)
        assert without_tokens(again.get_data(as_text=True)) == without_tokens(
            first.get_data(as_text=True)
        )
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1 and "catalog_version" in selects[0], (url, statements)
        # One round trip on PostgreSQL: the version is read outside a transaction.
        assert statements.began_transaction == [], statements.began_transaction


def test_no_marker_of_a_hole_reaches_a_visitor(client, mug):
    for url in pages(mug) * 2:
        html = client.get(url).get_data(as_text=True)
        assert CSRF_MARK not in html
        assert not any(marker in html for marker in HOLES.values())
        assert 'data-testid="cart-count"' in html  # the header was filled in


CHANGES = {
    "price": lambda mug, **_: catalog.update_product(mug.id, price="11.00"),
    "name": lambda mug, **_: catalog.update_product(mug.id, name="Big Mug"),
    "description": lambda mug, **_: catalog.update_product(mug.id, description="Now blue."),
    "stock adjustment": lambda mug, **_: inventory.adjust_stock(mug.id, -4, "broken", None),
    "sold out by an order": lambda mug, make_user, **_: (
        _place_order(make_user, mug.id),
        _place_order(make_user, mug.id),
        inventory.adjust_stock(mug.id, -1, "broken", None),
    ),
    "order cancelled": lambda mug, make_user, **_: orders.cancel_order(
        (o := _place_order(make_user, mug.id)).id, o.user_id
    ),
    "category renamed": lambda mug, **_: categories.update_category(mug.category_id, name="Cups"),
    "image": lambda mug, **_: catalog.set_product_image(mug.id, "products/new.jpg"),
    "options": lambda mug, **_: variants.set_options(mug.id, [("Size", "S, M")]),
    "archive": lambda mug, **_: catalog.archive_product(mug.id),
    "new product": lambda mug, make_product, **_: make_product(name="Teapot", category="Kitchen"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_next_guest_after_a_change_sees_it(
    client, uncached, mug, make_product, make_user, change
):
    urls = pages(mug)
    for url in urls * 2:  # kept, then served from the cache
        client.get(url)
    before = version()
    CHANGES[change](mug, make_product=make_product, make_user=make_user)
    assert version() > before
    for url in urls:
        seen, fresh = client.get(url), uncached.get(url)
        assert seen.status_code == fresh.status_code, url
        assert without_tokens(seen.get_data(as_text=True)) == without_tokens(
            fresh.get_data(as_text=True)
        ), (change, url)


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_each_guest_sees_their_own_cart_count_and_messages(csrf_app, mug):
    app, client = csrf_app, csrf_app.test_client()
    page = f"/products/{mug.id}-{mug.slug}"
    other = app.test_client()
    assert other.get(page).status_code == 200  # kept with an empty cart in view
    html = client.get(page).get_data(as_text=True)
    added = client.post(
        "/cart/add",
        data={"product_id": mug.id, "quantity": 2, "csrf_token": csrf_token_from(html)},
    )
    assert added.status_code in (302, 303)
    after = client.get(page).get_data(as_text=True)
    assert re.search(r'data-testid="cart-count">\s*2\s*<', after)
    assert "Ceramic Mug" in after and "View cart" in after  # the message, on a kept page
    assert "View cart" not in client.get(page).get_data(as_text=True)  # shown once
    assert re.search(r'data-testid="cart-count">\s*0\s*<', other.get(page).get_data(as_text=True))


def test_a_kept_page_carries_the_visitors_own_working_csrf_token(csrf_app, mug):
    app, client = csrf_app, csrf_app.test_client()
    page = f"/products/{mug.id}-{mug.slug}"
    app.test_client().get(page)  # another guest's visit keeps the page
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    assert token != CSRF_MARK
    refused = app.test_client().post(
        "/cart/add", data={"product_id": mug.id, "quantity": 1, "csrf_token": token}
    )
    assert refused.status_code == 400  # another session's token is no good
    added = client.post(
        "/cart/add", data={"product_id": mug.id, "quantity": 1, "csrf_token": token}
    )
    assert added.status_code in (302, 303)


def test_pages_without_a_form_set_no_cookie_from_the_cache(client, mug):
    for _ in range(2):
        for url in ("/", "/products", "/c/kitchen"):
            assert "Set-Cookie" not in client.get(url).headers, url


def test_signed_in_visitors_are_not_served_guest_pages(client, mug, make_user):
    page = f"/products/{mug.id}-{mug.slug}"
    client.get(page)
    client.get(page)
    admin = make_user("admin", email="pagecache-admin@example.com")
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code in (302, 303)
    html = client.get(page).get_data(as_text=True)
    assert "Edit this product" in html  # what only an admin is shown


@pytest.mark.parametrize(
    "url,status", [("/products?min_price=abc", 422), ("/products/999999-nothing", 404)]
)
def test_a_refused_or_missing_page_is_whole_and_never_kept(client, mug, url, status):
    """A 422 (bad filter) or 404 rendered while the cache was asked: the visitor's parts
    are filled in, and the next request renders it again (only 200s are kept)."""
    for _ in range(2):
        with count_queries() as statements:
            response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == status
        assert 'data-testid="cart-count"' in html
        assert CSRF_MARK not in html and not any(m in html for m in HOLES.values())
        if status == 422:  # rendered afresh: its listing query ran again
            assert any("FROM categories" in s for s in statements), statements


def test_a_head_of_a_kept_page_is_a_get_without_the_body(client, mug):
    for url in pages(mug):
        got = client.get(url)
        head = client.head(url)
        assert (head.status_code, head.get_data()) == (200, b""), url
        assert head.mimetype == got.mimetype == "text/html"


def test_a_head_first_leaves_the_kept_page_as_a_get_would_render_it(client, mug):
    # A monitor's HEAD may be the first request for a page: the page kept for the
    # guests after it still sends "Log in" back to where they were.
    for url in pages(mug):
        assert client.head(url).status_code == 200
        html = client.get(url).get_data(as_text=True)
        assert "/login?next=" in html, url
