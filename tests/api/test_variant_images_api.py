"""Tying an image to a variant through the API (admin)."""

from __future__ import annotations

from tests.unit.test_variant_images import picture
from tests.unit.test_variants import make_tee, variant_of


def test_admins_tie_images_to_variants_through_the_api_and_the_panel(
    client, as_admin, make_product
):
    tee = make_tee(make_product)
    red = variant_of(tee, "M / Red")
    response = client.post(
        f"/api/products/{tee.id}/images",
        data={"image": (picture("red"), "red.png"), "variant_id": str(red.id)},
        headers=as_admin,
    )
    assert response.status_code == 201
    (image,) = response.get_json()["images"]
    assert image["variant_id"] == red.id
    untie = client.put(
        f"/api/products/{tee.id}/images/{image['id']}", json={"variant_id": None}, headers=as_admin
    )
    assert untie.status_code == 200 and untie.get_json()["images"][0]["variant_id"] is None
    wrong = client.put(
        f"/api/products/{tee.id}/images/{image['id']}",
        json={"variant_id": 999999},
        headers=as_admin,
    )
    assert wrong.status_code == 404
