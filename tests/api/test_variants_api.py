"""Variants through the API: the product shape, adding a variant, lines, admin edits."""

from __future__ import annotations

from tests.unit.test_variants import make_tee, variant_of


def add(client, headers, **body):
    return client.post("/api/cart/items", json={"quantity": 1, **body}, headers=headers)


def test_the_product_shape_has_options_and_variants(client, make_product):
    tee = make_tee(make_product, stock_each=2, price="10.00")
    body = client.get(f"/api/products/{tee.id}").get_json()
    assert body["options"] == [
        {"name": "Size", "values": ["S", "M", "L"]},
        {"name": "Colour", "values": ["Red", "Blue"]},
    ]
    assert len(body["variants"]) == 6 and body["stock_quantity"] == 12
    blue = next(v for v in body["variants"] if v["options"] == {"Size": "M", "Colour": "Blue"})
    assert set(blue) == {
        "id", "sku", "options", "price", "stock_quantity", "in_stock", "is_active", "image_url"
    }  # fmt: skip
    assert blue["price"] == "10.00" and blue["stock_quantity"] == 2 and blue["in_stock"]
    listed = client.get("/api/products").get_json()["items"][0]
    assert listed["variants"] == body["variants"]


def test_adding_a_variant_and_the_lines_and_order_carry_it(client, as_customer, make_product):
    tee = make_tee(make_product, stock_each=2)
    blue = variant_of(tee, "M / Blue")
    response = add(client, as_customer, variant_id=blue.id, quantity=2)
    assert response.status_code == 201
    (line,) = response.get_json()["items"]
    assert line["variant_id"] == blue.id and line["product_id"] == tee.id
    assert line["sku"] == blue.sku and line["options"] == {"Size": "M", "Colour": "Blue"}
    order = client.post(
        "/api/orders", json={"shipping_address": "1 Road"}, headers=as_customer
    ).get_json()
    (item,) = order["items"]
    assert (item["variant_id"], item["sku"], item["options"]) == (
        blue.id,
        blue.sku,
        {"Size": "M", "Colour": "Blue"},
    )
    short = add(client, as_customer, variant_id=blue.id, quantity=1)
    assert short.status_code == 409  # none left of that one


def test_a_product_id_of_a_product_with_several_variants_is_422_variant_required(
    client, as_customer, make_product
):
    tee = make_tee(make_product)
    response = add(client, as_customer, product_id=tee.id)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["code"] == "variant_required"
    mug = make_product(name="Mug")
    assert add(client, as_customer, product_id=mug.id).status_code == 201
    assert add(client, as_customer, variant_id=10**6).status_code == 404


def test_an_admin_sets_options_and_changes_a_variant(client, as_admin, make_product):
    mug = make_product(name="Mug", stock=3)
    response = client.put(
        f"/api/products/{mug.id}/options",
        json={"options": [{"name": "Colour", "values": ["White", "Black"]}]},
        headers=as_admin,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [v["options"] for v in body["variants"]] == [{"Colour": "White"}, {"Colour": "Black"}]
    black = body["variants"][1]
    response = client.patch(
        f"/api/products/{mug.id}/variants/{black['id']}",
        json={"sku": "MUG-BLACK", "price": "12.00", "stock_quantity": 4},
        headers=as_admin,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["stock_quantity"] == 7 and body["price"] == "10.00"  # the lowest
    assert body["variants"][1]["sku"] == "MUG-BLACK" and body["variants"][1]["price"] == "12.00"
    taken = client.patch(
        f"/api/products/{mug.id}/variants/{body['variants'][0]['id']}",
        json={"sku": "mug-black"},
        headers=as_admin,
    )
    assert taken.status_code == 422 and taken.content_type == "application/problem+json"
    stock = client.post(
        f"/api/products/{mug.id}/stock", json={"delta": 1, "note": "found"}, headers=as_admin
    )
    assert stock.status_code == 422 and stock.get_json()["code"] == "variant_required"


def test_customers_cannot_change_options_or_variants(client, as_customer, make_product):
    mug = make_product()
    variant_id = mug.variants[0].id
    assert client.put(f"/api/products/{mug.id}/options", json={"options": []}).status_code == 401
    assert (
        client.put(
            f"/api/products/{mug.id}/options", json={"options": []}, headers=as_customer
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/products/{mug.id}/variants/{variant_id}",
            json={"sku": "X"},
            headers=as_customer,
        ).status_code
        == 403
    )


def test_a_variant_of_another_product_is_404_and_changes_nothing(client, as_admin, make_product):
    tee = make_tee(make_product, stock_each=2)
    mug = make_product(name="Mug", stock=3)
    other = variant_of(tee, "M / Blue")
    patch = client.patch(
        f"/api/products/{mug.id}/variants/{other.id}",
        json={"stock_quantity": 9},
        headers=as_admin,
    )
    assert patch.status_code == 404 and patch.content_type == "application/problem+json"
    stock = client.post(
        f"/api/products/{mug.id}/stock",
        json={"delta": 1, "note": "wrong one", "variant_id": other.id},
        headers=as_admin,
    )
    assert stock.status_code == 404
    body = client.get(f"/api/products/{tee.id}").get_json()
    assert next(v for v in body["variants"] if v["id"] == other.id)["stock_quantity"] == 2
    assert client.get(f"/api/products/{mug.id}").get_json()["stock_quantity"] == 3
