"""/api/products/{id}/images: add several, change alt and position, delete; the product's images."""

from __future__ import annotations

import io

import pytest

from tests.api.conftest import assert_problem, error_fields
from tests.gallery_helpers import COLOURS, picture


@pytest.fixture(autouse=True)
def media_root(app, tmp_path):
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")


def post_images(client, headers, product_id, files, alt=None):
    data = {"image": [(io.BytesIO(content), name, "image/png") for name, content in files]}
    if alt is not None:
        data["alt"] = alt
    return client.post(
        f"/api/products/{product_id}/images",
        data=data,
        content_type="multipart/form-data",
        headers=headers,
    )


def pictures(count: int) -> list[tuple[str, bytes]]:
    return [(f"p{i}.png", picture(COLOURS[i], (500 + i, 400))) for i in range(count)]


def test_several_images_are_added_and_the_product_shows_them(client, as_admin, make_product):
    product = make_product(name="Teapot")
    response = post_images(client, as_admin, product.id, pictures(3))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [image["position"] for image in body["images"]] == [0, 1, 2]
    assert {image["alt"] for image in body["images"]} == {"Teapot"}  # none written: the name
    cover = body["images"][0]
    assert body["image_url"] == cover["url"] and body["thumbnail_url"] == cover["thumbnail_url"]
    for image in body["images"]:
        assert client.get(image["url"]).status_code == 200
        assert client.get(image["thumbnail_url"]).status_code == 200
    # The product answers the same gallery; the list's items carry the cover only.
    assert client.get(f"/api/products/{product.id}").get_json()["images"] == body["images"]
    (item,) = client.get("/api/products").get_json()["items"]
    assert "images" not in item and item["image_url"] == cover["url"]


def test_alt_given_with_the_upload(client, as_admin, make_product):
    product = make_product()
    body = post_images(client, as_admin, product.id, pictures(2), alt="On the shelf").get_json()
    assert [image["alt"] for image in body["images"]] == ["On the shelf"] * 2


def test_one_bad_file_refuses_all_naming_it(client, as_admin, make_product):
    product = make_product()
    files = pictures(2) + [("scan.gif", b"GIF89a....")]
    response = post_images(client, as_admin, product.id, files)
    problem = assert_problem(response, 422)
    assert "scan.gif" in problem["detail"] or "scan.gif" in str(problem.get("errors"))
    assert client.get(f"/api/products/{product.id}").get_json()["images"] == []


def test_change_alt_and_position_then_delete(client, as_admin, make_product):
    product = make_product(name="Lamp")
    images = post_images(client, as_admin, product.id, pictures(3)).get_json()["images"]
    first, second, third = (image["id"] for image in images)
    url = f"/api/products/{product.id}/images"

    response = client.put(f"{url}/{third}", json={"position": 0, "alt": "Lit"}, headers=as_admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [image["id"] for image in body["images"]] == [third, first, second]
    assert body["images"][0]["alt"] == "Lit"
    assert body["image_url"] == body["images"][0]["url"]

    response = client.put(f"{url}/{third}", json={"alt": ""}, headers=as_admin)
    assert response.get_json()["images"][0]["alt"] == "Lamp"

    assert error_fields(client.put(f"{url}/{first}", json={"position": 3}, headers=as_admin)) == {
        "position"
    }
    assert error_fields(client.put(f"{url}/{first}", json={"colour": "red"}, headers=as_admin))

    assert client.delete(f"{url}/{third}", headers=as_admin).status_code == 204
    body = client.get(f"/api/products/{product.id}").get_json()
    assert [image["id"] for image in body["images"]] == [first, second]
    assert [image["position"] for image in body["images"]] == [0, 1]
    assert body["image_url"] == body["images"][0]["url"]
    assert_problem(client.delete(f"{url}/{third}", headers=as_admin), 404)


def test_an_image_of_another_product_is_404(client, as_admin, make_product):
    mine, other = make_product(), make_product()
    (image,) = post_images(client, as_admin, mine.id, pictures(1)).get_json()["images"]
    url = f"/api/products/{other.id}/images/{image['id']}"
    assert_problem(client.put(url, json={"alt": "x"}, headers=as_admin), 404)
    assert_problem(client.delete(url, headers=as_admin), 404)
    assert_problem(post_images(client, as_admin, 987654, pictures(1)), 404)


def test_the_old_upload_sets_the_cover_of_the_gallery(client, as_admin, make_product):
    product = make_product()
    images = post_images(client, as_admin, product.id, pictures(2)).get_json()["images"]
    response = client.post(
        f"/api/products/{product.id}/image",
        data={"image": (io.BytesIO(picture((9, 9, 9))), "new.png")},
        content_type="multipart/form-data",
        headers=as_admin,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [image["id"] for image in body["images"]] == [images[0]["id"], images[1]["id"]]
    assert body["images"][0]["url"] != images[0]["url"]
    assert body["image_url"] == body["images"][0]["url"]
    assert client.get(images[0]["url"]).status_code == 404  # the replaced files are gone


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/images", {"data": {"image": (io.BytesIO(b"x"), "a.png")},
                             "content_type": "multipart/form-data"}),
        ("put", "/images/1", {"json": {"alt": "x"}}),
        ("delete", "/images/1", {}),
    ],
)  # fmt: skip
def test_only_admins_change_a_gallery(client, as_customer, make_product, method, path, kwargs):
    product = make_product()
    url = f"/api/products/{product.id}{path}"
    assert_problem(getattr(client, method)(url, **kwargs), 401)
    if "data" in kwargs:
        kwargs["data"] = {"image": (io.BytesIO(b"x"), "a.png")}
    assert_problem(getattr(client, method)(url, headers=as_customer, **kwargs), 403)


def test_a_json_body_is_not_an_upload(client, as_admin, make_product):
    product = make_product()
    response = client.post(
        f"/api/products/{product.id}/images", json={"image": "x"}, headers=as_admin
    )
    assert_problem(response, 415)
    missing = client.post(
        f"/api/products/{product.id}/images",
        data={"alt": "no file"},
        content_type="multipart/form-data",
        headers=as_admin,
    )
    assert error_fields(missing) == {"image"}


def test_a_media_folder_that_cannot_be_written_is_503_and_nothing_changes(
    app, client, as_admin, make_product, tmp_path
):
    """A full disk or a lost mount under MEDIA_ROOT is the store's outage, as a bucket's
    is: 503 and nothing kept, not a 500."""
    product = make_product(name="Teapot")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    app.config["MEDIA_ROOT"] = str(blocked)
    response = post_images(client, as_admin, product.id, pictures(2))
    assert_problem(response, 503)
    assert response.get_json()["code"] == "media_storage_unavailable"
    assert response.headers["Retry-After"]
    detail = client.get(f"/api/products/{product.id}").get_json()
    assert detail["images"] == []
