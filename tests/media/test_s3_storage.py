"""Product images in an S3-compatible bucket (MEDIA_STORAGE=s3://bucket/prefix): stored,
served, removed after commit, and optionally fetched straight from the bucket."""

from __future__ import annotations

import io
import re

import pytest
import requests

from storefront.config import ConfigError, from_environment
from storefront.services import images
from storefront.storage import S3Storage
from tests.api.conftest import assert_problem
from tests.gallery_helpers import COLOURS, picture, send_images
from tests.processes import free_port
from tests.web.test_admin_access import log_in

YEAR = 365 * 24 * 60 * 60


def post_images(client, headers, product_id, *files: bytes):
    named = [(f"p{i}.png", content) for i, content in enumerate(files)]
    response = send_images(client, headers, product_id, named)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sizes(path: str, widths=(320, 640, 1024)) -> list[str]:
    """A stored image's objects: itself, its thumbnail and its narrower copies."""
    return sorted(
        [path, images.thumbnail_path(path), *(images.width_path(path, w) for w in widths)]
    )


def assert_cached_for_a_year(response) -> None:
    assert response.cache_control.max_age == YEAR
    assert response.cache_control.public and response.cache_control.immutable


def test_an_api_upload_lands_in_the_bucket_with_its_sizes_and_is_served_from_it(
    app, client, as_admin, make_product, objects, s3, bucket, tmp_path
):
    product = make_product()
    body = post_images(client, as_admin, product.id, picture(COLOURS[0], (1100, 600)))
    (image,) = body["images"]
    path = image["url"].removeprefix("/media/")

    assert objects() == sizes(path)
    stored = s3.client().head_object(Bucket=bucket, Key=f"media/{path}")
    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    assert not (tmp_path / "media").exists()  # nothing under MEDIA_ROOT

    response = client.get(image["url"])
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert_cached_for_a_year(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    content = s3.client().get_object(Bucket=bucket, Key=f"media/{path}")["Body"].read()
    assert response.data == content
    assert int(response.headers["Content-Length"]) == len(content)
    # A cache asking again is told it has the right bytes.
    again = client.get(image["url"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for url in (image["thumbnail_url"], f"/media/{images.width_path(path, 640)}"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/media/products/0123456789abcdef0123456789abcdef.png",  # no such object
        "/media/products/../products/x.png",
        "/media/..%2fsecret.png",
        "/media/products//x.png",
        "/media/products/x.txt",
    ],
)
def test_what_the_bucket_lacks_or_may_not_serve_is_404(client, s3, bucket, url):
    s3.client().put_object(Bucket=bucket, Key="media/products/x.txt", Body=b"TOP-SECRET")
    s3.client().put_object(Bucket=bucket, Key="secret.png", Body=b"TOP-SECRET")
    response = client.get(url)
    assert response.status_code == 404
    assert b"TOP-SECRET" not in response.data


def test_the_admin_pages_upload_lands_in_the_bucket(app, client, admin, objects):
    log_in(client, admin)
    form = {"name": "Brass Lamp", "price": "1,250.00", "stock_quantity": "4",
            "category": "Lighting", "description": "", "is_active": "y"}  # fmt: skip
    pictures = [(io.BytesIO(picture(COLOURS[i], (600 + i, 400))), f"{i}.png") for i in range(2)]
    response = client.post(
        "/admin/products/new", data={**form, "images": pictures}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    gallery = images.list_images(int(response.headers["Location"].rstrip("/").split("/")[-2]))
    assert len(gallery) == 2
    assert objects() == sorted(key for image in gallery for key in sizes(image.path, widths=(320,)))


def test_a_gallery_delete_removes_the_objects_once_nothing_uses_them(
    client, as_admin, make_product, objects
):
    one, two = make_product(), make_product()
    shared = picture(COLOURS[1], (500, 400))
    first = post_images(client, as_admin, one.id, shared, picture(COLOURS[2], (500, 400)))
    post_images(client, as_admin, two.id, shared)
    kept, dropped = (image["url"].removeprefix("/media/") for image in first["images"])

    for image in first["images"]:
        response = client.delete(f"/api/products/{one.id}/images/{image['id']}", headers=as_admin)
        assert response.status_code == 204
    # The shared picture stays for the other product; the other one is gone.
    assert objects() == sizes(kept, widths=(320,))
    assert client.get(f"/media/{dropped}").status_code == 404

    (image,) = client.get(f"/api/products/{two.id}").get_json()["images"]
    assert client.delete(f"/api/products/{two.id}/images/{image['id']}", headers=as_admin)
    assert objects() == []


def test_a_refused_change_leaves_no_objects(client, as_admin, make_product, objects, monkeypatch):
    product = make_product()
    # Refused inside the transaction, after the files were stored: they go again.
    monkeypatch.setattr(images, "MAX_IMAGES_PER_PRODUCT", 1)
    files = [("p.png", picture(c, (500, 400))) for c in COLOURS[:2]]
    response = send_images(client, as_admin, product.id, files)
    assert response.status_code == 422
    assert objects() == []
    # One bad file refuses the batch before anything is attached.
    files = [("p.png", picture()), ("x.gif", b"GIF89a...")]
    response = send_images(client, as_admin, product.id, files)
    assert response.status_code == 422
    assert objects() == []
    assert client.get(f"/api/products/{product.id}").get_json()["images"] == []


@pytest.mark.parametrize("public_url", [True])
def test_media_public_url_points_pages_and_api_at_the_bucket(
    app, client, as_admin, make_product, s3, bucket
):
    public = f"{s3.url}/{bucket}/media/"
    product = make_product(name="Kettle")
    body = post_images(client, as_admin, product.id, picture(COLOURS[3], (700, 500)))
    (image,) = body["images"]
    assert image["url"].startswith(public) and image["thumbnail_url"].startswith(public)
    assert body["image_url"] == image["url"]

    # Fetched from the bucket itself (public by its policy), with the stored headers.
    fetched = requests.get(image["url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == "image/png"
    assert fetched.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    path = image["url"].removeprefix(public)
    assert fetched.content == client.get(f"/media/{path}").data  # the store serves it too

    page = client.get(f"/products/{product.id}")
    if page.status_code in (301, 302, 308):
        page = client.get(page.headers["Location"])
    html = page.get_data(as_text=True)
    assert image["url"] in html
    assert not re.search(r'["\s,]/media/', html)  # no image left at the store's route
    assert f"img-src 'self' data: {s3.url};" in page.headers["Content-Security-Policy"]


def test_an_s3_path_is_always_a_plain_relative_key():
    storage = S3Storage("s3://shop-media/some/prefix")
    assert (storage.bucket, storage.prefix) == ("shop-media", "some/prefix")
    assert storage.key("products/a.png") == "some/prefix/products/a.png"
    for bad in ("", "/etc/x.png", "products/../x.png", "products//x.png", "a\\b.png", "./x.png"):
        with pytest.raises(ValueError):
            storage.key(bad)
    assert S3Storage("s3://shop-media").key("products/a.png") == "products/a.png"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEDIA_STORAGE", "/var/media"),
        ("MEDIA_STORAGE", "s3:///prefix"),
        ("MEDIA_STORAGE", "https://bucket.example.com/x"),
        ("MEDIA_PUBLIC_URL", "ftp://cdn.example.com"),
        ("MEDIA_PUBLIC_URL", "cdn.example.com/media"),
        ("MEDIA_PUBLIC_URL", "https://cdn.example.com/media#x"),
        ("MEDIA_PUBLIC_URL", "https://user@cdn.example.com/media"),
        ("S3_ENDPOINT_URL", "127.0.0.1:9000"),  # boto3 would fail at the first upload
        ("S3_ENDPOINT_URL", "ftp://storage.example.com"),
    ],
)
def test_a_wrong_media_setting_stops_the_store(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        from_environment(str(tmp_path))


def test_a_store_that_does_not_answer_is_503_and_nothing_changes(
    app, client, as_admin, make_product
):
    product = make_product()
    app.config.update(
        MEDIA_STORAGE="s3://gone-media/media", S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}"
    )
    response = send_images(client, as_admin, product.id, [("p.png", picture())])
    assert_problem(response, 503, "media_storage_unavailable")
    assert response.headers["Retry-After"]
    assert client.get(f"/api/products/{product.id}").get_json()["images"] == []
    assert client.get("/media/products/0123456789abcdef0123456789abcdef.png").status_code == 503
