"""The catalog cache: a repeated request is answered from memory, and the next
request after any kind of change to the catalog sees the change."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from storefront.api.fast import product_detail_dict, product_page_dict
from storefront.extensions import db
from storefront.models import CatalogVersion
from storefront.services import cart, catalog, categories, images, inventory, orders
from storefront.services.errors import DomainError
from tests.api.conftest import bearer
from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import count_queries


def version() -> int:
    db.session.rollback()
    return db.session.scalar(select(CatalogVersion.version))


@pytest.fixture
def mug(make_product):
    return make_product(name="Ceramic Mug", price="12.50", stock=5, category="Kitchen")


def fresh_list(**kwargs) -> bytes:
    """What the list answers when built now from the database (no cache)."""
    from flask import current_app

    db.session.rollback()
    return current_app.json.response(product_page_dict(catalog.search_products(**kwargs))).data


def fresh_product(product_id: int) -> bytes:
    from flask import current_app

    db.session.rollback()
    return current_app.json.response(product_detail_dict(catalog.get_product(product_id))).data


def test_a_repeated_request_costs_one_small_query(client, mug):
    first = client.get("/api/products?per_page=100")
    with count_queries() as statements:
        again = client.get("/api/products?per_page=100")
    assert again.get_data() == first.get_data()
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 1 and "catalog_version" in queries[0], statements
    # One round trip on PostgreSQL: the version is read outside a transaction.
    assert statements.began_transaction == [], statements.began_transaction


def test_an_admin_token_is_never_answered_from_the_shared_cache(client, mug, make_user):
    catalog.archive_product(mug.id)
    assert client.get(f"/api/products/{mug.id}").status_code == 404
    admin = make_user("admin", email="cache-admin@example.com")
    token = client.post(
        "/api/auth/login", json={"email": admin.email, "password": ADMIN_PASSWORD}
    ).get_json()["access_token"]
    seen = client.get(f"/api/products/{mug.id}", headers=bearer(token))
    assert seen.status_code == 200 and seen.get_json()["is_active"] is False
    assert client.get(f"/api/products/{mug.id}").status_code == 404


def _place_order(make_user, product_id):
    buyer = make_user("customer")
    cart.add_to_cart(buyer.id, product_id, 2)
    return orders.place_order(buyer.id, "1 Test Road").order


CHANGES = {
    "price": lambda mug, **_: catalog.update_product(mug.id, price="11.00"),
    "name": lambda mug, **_: catalog.update_product(mug.id, name="Big Mug"),
    "description": lambda mug, **_: catalog.update_product(mug.id, description="Now blue."),
    "stock adjustment": lambda mug, **_: inventory.adjust_stock(mug.id, -1, "broken", None),
    "category": lambda mug, **_: catalog.update_product(
        mug.id, category_id=categories.create_category("Tableware").id
    ),
    "category renamed": lambda mug, **_: categories.update_category(mug.category_id, name="Cups"),
    "category archived": lambda mug, **_: categories.archive_category(mug.category_id),
    "image": lambda mug, **_: catalog.set_product_image(mug.id, "products/new.jpg"),
    "archive": lambda mug, **_: catalog.archive_product(mug.id),
    "new product": lambda mug, make_product, **_: make_product(name="Teapot"),
    "delete": lambda mug, make_product, **_: catalog.delete_product(make_product(name="Doomed").id),
    "order": lambda mug, make_user, **_: _place_order(make_user, mug.id),
    "order cancelled": lambda mug, make_user, **_: orders.cancel_order(
        (o := _place_order(make_user, mug.id)).id, o.user_id
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_next_request_after_a_change_sees_it(client, mug, make_product, make_user, change):
    urls = ["/api/products", "/api/products?per_page=100", "/api/products/search?q=mug"]
    for url in urls:  # warm the cache
        client.get(url)
    client.get(f"/api/products/{mug.id}")
    before = version()
    CHANGES[change](mug, make_product=make_product, make_user=make_user)
    assert version() > before
    assert client.get("/api/products").get_data() == fresh_list()
    assert client.get("/api/products?per_page=100").get_data() == fresh_list(per_page=100)
    assert client.get("/api/products/search?q=mug").get_data() == fresh_list(q="mug")
    answer = client.get(f"/api/products/{mug.id}")
    if change == "archive":
        assert answer.status_code == 404
    else:
        assert answer.get_data() == fresh_product(mug.id)


GALLERY_CHANGES = {
    "alt of an image that is not the cover": lambda mug, second: images.update_image(
        mug.id, second, alt="From the side"
    ),
    "order": lambda mug, second: images.move_image(mug.id, second, -1),
    "removal": lambda mug, second: images.remove_image(mug.id, second),
}


@pytest.mark.parametrize("change", list(GALLERY_CHANGES))
def test_the_next_request_after_a_gallery_change_sees_it(app, client, mug, tmp_path, change):
    from tests.gallery_helpers import uploads

    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    _, second = images.add_images(mug.id, uploads(2))
    second_id = second.id
    client.get(f"/api/products/{mug.id}")  # warm the cache
    before = version()
    GALLERY_CHANGES[change](mug, second_id)
    assert version() > before
    assert client.get(f"/api/products/{mug.id}").get_data() == fresh_product(mug.id)


def test_a_refused_change_rolls_back_with_its_bump(client, mug):
    before = version()
    with pytest.raises(DomainError):
        inventory.adjust_stock(mug.id, -100, "too many", None)
    assert version() == before


def test_reads_do_not_bump(client, mug):
    before = version()
    client.get("/api/products")
    client.get(f"/products/{mug.id}-{mug.slug}")
    catalog.search_products(q="mug")
    assert version() == before


def test_another_process_sees_a_change_made_through_this_one(make_app, mug):
    # Two apps on one database stand for two processes (or hosts), each with its cache.
    one, two = make_app().test_client(), make_app().test_client()
    assert one.get("/api/products").get_json()["items"][0]["price"] == "12.50"
    assert two.get("/api/products").get_json()["items"][0]["price"] == "12.50"
    catalog.update_product(mug.id, price="9.99")
    assert two.get("/api/products").get_json()["items"][0]["price"] == "9.99"
    assert one.get("/api/products").get_json()["items"][0]["price"] == "9.99"


@pytest.mark.postgres_only
def test_concurrent_changes_each_bump_the_version(app, make_product):
    products = [make_product(name=f"Racer {i}", stock=100) for i in range(8)]
    before = version()
    errors = []
    start = threading.Barrier(len(products))

    def adjust(product_id):
        with app.app_context():
            try:
                start.wait()
                for _ in range(5):
                    inventory.adjust_stock(product_id, 1, "restock", None)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=adjust, args=(p.id,)) for p in products]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert version() == before + len(products) * 5


def test_a_kept_answer_is_the_answer_the_view_gives(client, mug):
    """A kept answer is sent before the view runs: the same status, headers and body."""
    for url in (
        "/api/products?per_page=100",
        "/api/products/search?q=mug",
        f"/api/products/{mug.id}",
    ):
        built, kept = client.get(url), client.get(url)
        assert kept.status_code == built.status_code == 200, url
        assert kept.get_data() == built.get_data(), url
        headers = {k: v for k, v in built.headers if k != "X-Request-ID"}
        assert {k: v for k, v in kept.headers if k != "X-Request-ID"} == headers, url
        assert kept.headers["ETag"] and "Authorization" in kept.headers["Vary"]


def test_a_token_is_still_checked_when_the_answer_is_kept(client, mug):
    url = f"/api/products/{mug.id}"
    client.get(url), client.get(url)  # kept
    refused = client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"


def test_a_bad_query_is_refused_though_a_good_one_is_kept(client, mug):
    client.get("/api/products?per_page=100"), client.get("/api/products?per_page=100")
    refused = client.get("/api/products?per_page=100000")
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"


def test_a_head_of_a_kept_answer_is_the_gets_without_the_body(client, mug):
    for url in (f"/api/products/{mug.id}", "/api/products?per_page=100"):
        got, got_again = client.get(url), client.get(url)
        head = client.head(url)
        assert head.status_code == 200 and head.get_data() == b""
        assert head.headers["ETag"] == got.headers["ETag"] == got_again.headers["ETag"]
        assert head.headers["Content-Length"] == got.headers["Content-Length"]
