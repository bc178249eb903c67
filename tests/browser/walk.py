"""The walk over every HTML page of the URL map, for the checks that must hold on
all of them (no page wider than a phone, no serious axe violation): the data
that gives every page something to show, the pages by who sees them, and a
browser context signed in as that face."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

from storefront.services import (
    accounts,
    addresses,
    cart,
    catalog,
    categories,
    discounts,
    images,
    inventory,
    orders,
    shipping,
)
from tests.browser.conftest import log_in
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD
from tests.gallery_helpers import uploads

ADMIN = "boss@example.com"
SHOPPER = "shopper@example.com"
FACES = ("guest", "shopper", "admin")
# Not pages: the API (and its docs), files, and machine-read answers.
NOT_PAGES = ("/api", "/static/", "/media/", "/healthz", "/readyz", "/robots.txt", "/sitemap.xml")
LONG = "Extraordinarily-long-unbroken-product-name-that-could-widen-a-table " * 2


def set_up() -> dict:
    """A shop with something on every page; returns the ids the URL map's arguments take."""
    accounts.register(
        ADMIN, ADMIN_PASSWORD, "Boss Admin with a rather long full name", role="admin"
    )
    shopper = accounts.register(SHOPPER, CUSTOMER_PASSWORD, "Sumi Shopper")
    # Issue 12's categories: a long name with a subcategory, for /c/<slug> and the admin tree.
    category = categories.create_category(LONG[:100], description=LONG)
    categories.create_category(LONG[:90] + " (sub)", parent_id=category.id)
    product = catalog.create_product(
        name=LONG.strip(),
        price=Decimal("1250000.50"),
        stock_quantity=50,
        category_id=category.id,
    )
    inventory.adjust_stock(product.id, -45, "Counted twice")
    cart.add_to_cart(shopper.id, product.id, 2)
    order = orders.place_order(shopper.id, "House 4, Road 2, Dhanmondi, Dhaka 1205").order
    cart.add_to_cart(shopper.id, product.id, 1)
    # Issue 11's pages: an address, a shipping method and a discount code to show.
    address = addresses.add_address(
        shopper.id,
        {"full_name": LONG.strip(), "phone": "+880 1712-345678", "line1": LONG.strip(),
         "city": "Dhaka"},
    )  # fmt: skip
    method = shipping.create_method({"name": "Standard delivery", "fee": "60.00"})
    code = discounts.create_code({"code": "EID10", "kind": "percent", "value": "10"})
    # Issue 12's gallery: three images, so the product page shows its thumbnails.
    gallery = images.add_images(product.id, uploads(3))
    return {
        "image_id": gallery[1].id,
        "address_id": address.id,
        "method_id": method.id,
        "code_id": code.id,
        "product_id": product.id,
        # /c/<slug> takes the category's; /products/<id>-<slug> redirects to the product's.
        "slug": category.slug,
        "category_id": category.id,
        "order_id": order.id,
        "user_id": shopper.id,
        "token": "a-token-that-is-not-valid",  # its page says so: checked too
    }


def pages(app, ids: dict) -> dict[str, list[str]]:
    """Every GET page by who sees it: guests (auth), admins (admin), shoppers (the rest)."""
    faces: dict[str, list[str]] = {face: [] for face in FACES}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if (
            "GET" not in rule.methods
            or rule.rule.startswith(NOT_PAGES)
            or rule.rule.endswith(".csv")
        ):
            continue
        url = rule.rule
        for name, value in ids.items():
            url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        assert "<" not in url, f"no value for an argument of {rule.rule}"
        face = {"auth": "guest", "admin": "admin"}.get(blueprint, "shopper")
        faces[face].append(url)
    return {face: sorted(set(urls)) for face, urls in faces.items()}


@contextmanager
def signed_in(browser, base_url: str, face: str, viewport: dict):
    """A page in a fresh context, logged in as the face's user (a guest is not)."""
    context = browser.new_context(base_url=base_url, viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        if face != "guest":
            log_in(
                page,
                ADMIN if face == "admin" else SHOPPER,
                ADMIN_PASSWORD if face == "admin" else CUSTOMER_PASSWORD,
            )
        yield page
    finally:
        context.close()


def visit_each(browser, live_server, live_app, in_app, face: str, viewport: dict):
    """Every HTML page of the URL map the face may see, one after another, in a page
    signed in as that face: yields ``(page, url)`` once each has answered (not a 5xx)
    and shown its main content."""
    from playwright.sync_api import expect

    ids = in_app(set_up)
    urls = pages(live_app, ids)[face]
    assert urls
    with signed_in(browser, live_server.url, face, viewport) as page:
        for url in urls:
            response = page.goto(url)
            assert response.status < 500, url
            expect(page.locator("main")).to_be_visible()
            yield page, url
