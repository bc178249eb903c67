"""The bucket of MEDIA_STORAGE failing under a request: the back office's upload form
gets an HTML 503, a delete still deletes (the files are orphaned, and that is logged),
and an upload the store fails part-way leaves neither rows nor objects behind."""

from __future__ import annotations

import io
import logging

import pytest

from storefront.extensions import db
from storefront.models import Product
from storefront.services import images
from storefront.storage import StorageError, media_storage
from tests.api.conftest import assert_problem
from tests.gallery_helpers import COLOURS, picture, send_images
from tests.media.test_s3_storage import post_images, sizes
from tests.processes import free_port
from tests.web.test_admin_access import log_in


def cut_off(app) -> None:
    """The same bucket, at an address where nothing answers any more."""
    app.config.update(S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")


def gallery_of(product_id: int) -> list[tuple[int, str, int]]:
    db.session.rollback()
    return [(image.id, image.path, image.position) for image in images.list_images(product_id)]


def cover_of(product_id: int) -> str | None:
    db.session.rollback()
    return db.session.get(Product, product_id).image_path


class FailsFromPut:
    """The app's S3 storage, except that from its ``fail_on``-th put on, a put fails
    as a store that stops answering does; everything else goes to the real bucket."""

    def __init__(self, real, fail_on: int):
        self.real, self.fail_on = real, fail_on
        self.puts = 0
        self.written: list[str] = []  # what really landed in the bucket

    def __getattr__(self, name):
        return getattr(self.real, name)

    def put(self, relative: str, content: bytes) -> None:
        self.puts += 1
        if self.puts >= self.fail_on:
            raise StorageError(f"put_object {self.real.key(relative)}: the store stopped answering")
        self.real.put(relative, content)
        self.written.append(relative)


@pytest.fixture
def failing_puts(app, monkeypatch):
    """Make the app's storage fail from the Nth put on: the object the app keeps
    (``media_storage()``) is swapped, in the app, for a ``FailsFromPut`` around it."""

    def install(fail_on: int) -> FailsFromPut:
        real = media_storage()
        (name,) = [name for name, value in app.extensions.items() if value is real]
        double = FailsFromPut(real, fail_on)
        monkeypatch.setitem(app.extensions, name, double)
        assert media_storage() is double
        return double

    return install


def test_an_admin_upload_while_the_bucket_is_unreachable_is_an_html_503(
    app, client, admin, make_product
):
    product = make_product(name="Teapot")
    images.add_images(product.id, [images.Upload("old.png", io.BytesIO(picture(COLOURS[0])))])
    before, cover = gallery_of(product.id), cover_of(product.id)
    assert len(before) == 1 and cover == before[0][1]
    log_in(client, admin)

    cut_off(app)
    files = [(io.BytesIO(picture(COLOURS[i], (600 + i, 400))), f"{i}.png") for i in (1, 2)]
    response = client.post(
        f"/admin/products/{product.id}/images",
        data={"images": files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert "try again" in response.get_data(as_text=True).lower()
    assert gallery_of(product.id) == before
    assert cover_of(product.id) == cover


def test_an_api_delete_while_the_bucket_is_unreachable_deletes_and_logs_the_orphan(
    app, client, as_admin, make_product, objects, caplog
):
    product = make_product()
    body = post_images(client, as_admin, product.id, picture(COLOURS[0]), picture(COLOURS[1]))
    gone, kept = body["images"]
    path = gone["url"].removeprefix("/media/")
    stored = objects()

    cut_off(app)
    with caplog.at_level(logging.WARNING, logger="storefront.services.images"):
        response = client.delete(
            f"/api/products/{product.id}/images/{gone['id']}", headers=as_admin
        )
    assert response.status_code == 204
    # The row went (the next image is the cover now); its files stay in the bucket...
    assert [(i, p) for i, p, _ in gallery_of(product.id)] == [
        (kept["id"], kept["url"].removeprefix("/media/"))
    ]
    assert cover_of(product.id) == kept["url"].removeprefix("/media/")
    assert objects() == stored and set(sizes(path, widths=(320, 640))) <= set(stored)
    # ... and the log says which ones could not be removed.
    warnings = [
        r for r in caplog.records if r.levelno >= logging.WARNING and path in r.getMessage()
    ]
    assert warnings, caplog.text


@pytest.mark.parametrize(
    "fail_on",
    [2, 6, 8],
    ids=["in-the-first-file", "in-the-second-file", "at-the-second-files-image"],
)
def test_an_upload_the_bucket_fails_part_way_leaves_no_objects_and_no_rows(
    app, client, as_admin, make_product, objects, failing_puts, fail_on
):
    product = make_product()
    post_images(client, as_admin, product.id, picture(COLOURS[0]))
    before, cover, stored = gallery_of(product.id), cover_of(product.id), objects()

    # Each 700x500 picture is 4 objects (thumbnail, 320 and 640 wide, the image last).
    storage = failing_puts(fail_on)
    files = [(f"p{i}.png", picture(COLOURS[i], (700, 500))) for i in (1, 2, 3)]
    response = send_images(client, as_admin, product.id, files)
    assert_problem(response, 503, "media_storage_unavailable")
    assert response.headers["Retry-After"]
    assert len(storage.written) == fail_on - 1  # these did land in the bucket...
    assert objects() == stored  # ... and went again; the gallery's own are still there
    assert gallery_of(product.id) == before
    assert cover_of(product.id) == cover
    shown = client.get(f"/api/products/{product.id}").get_json()["images"]
    assert [image["id"] for image in shown] == [image_id for image_id, _, _ in before]
