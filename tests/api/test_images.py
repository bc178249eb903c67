"""POST /api/products/{id}/image with real files made here with Pillow."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.api.conftest import assert_problem, error_fields


def image_bytes(fmt: str, size=(640, 480), **save_args) -> bytes:
    img = Image.new("RGB", size, (200, 30, 60))
    img.paste((20, 120, 220), (0, 0, size[0] // 2, size[1] // 3))
    out = io.BytesIO()
    img.save(out, fmt, **save_args)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG: hundreds of megapixels in a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def media_root(app) -> Path:
    return Path(app.config["MEDIA_ROOT"])


def upload(client, headers, product_id, content: bytes, filename="photo.jpg", mimetype=None):
    return client.post(
        f"/api/products/{product_id}/image",
        data={"image": (io.BytesIO(content), filename, mimetype or "application/octet-stream")},
        content_type="multipart/form-data",
        headers=headers,
    )


def stored(media_root: Path) -> list[str]:
    folder = media_root / "products"
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_each_accepted_format_is_stored_with_a_thumbnail(
    client, as_admin, make_product, media_root, fmt, ext
):
    product = make_product()
    response = upload(client, as_admin, product.id, image_bytes(fmt), filename=f"x.{ext}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["image_url"].startswith("/media/products/")  # no PUBLIC_BASE_URL: site-relative
    assert body["image_url"].endswith(f".{ext}")
    assert body["thumbnail_url"].endswith(f"_thumb.{ext}")
    image = client.get(body["image_url"])
    assert image.status_code == 200
    with Image.open(io.BytesIO(image.data)) as img:
        assert img.format == fmt
    with Image.open(io.BytesIO(client.get(body["thumbnail_url"]).data)) as thumb:
        assert max(thumb.size) <= 400
    # The image, its thumbnail and a 320 px wide copy (the next width, 640, is not narrower).
    assert len(stored(media_root)) == 3


def test_content_decides_not_the_name_or_declared_type(client, as_admin, make_product):
    product = make_product()
    response = upload(
        client, as_admin, product.id, image_bytes("PNG"), filename="a.gif", mimetype="image/gif"
    )
    assert response.status_code == 200
    assert response.get_json()["image_url"].endswith(".png")


def test_a_text_file_named_jpg_is_422(client, as_admin, make_product, media_root):
    product = make_product()
    response = upload(
        client, as_admin, product.id, b"hello, I am text\n" * 50, "x.jpg", "image/jpeg"
    )
    assert error_fields(response) == {"image"}
    assert stored(media_root) == []


def test_a_file_over_the_limit_is_413(make_app, make_user, make_product):
    app = make_app(MAX_IMAGE_BYTES=50_000)
    with app.app_context():
        from tests.conftest import ADMIN_PASSWORD

        client = app.test_client()
        admin = make_user("admin", email="big@example.com")
        token = client.post(
            "/api/auth/login", json={"email": admin.email, "password": ADMIN_PASSWORD}
        ).get_json()["access_token"]
        product = make_product()
        noise = os.urandom(60_000)  # over MAX_IMAGE_BYTES, under MAX_CONTENT_LENGTH
        response = upload(client, {"Authorization": f"Bearer {token}"}, product.id, noise)
        assert_problem(response, 413)
        # Far over even the request limit: refused before the body is read.
        huge = upload(client, {"Authorization": f"Bearer {token}"}, product.id, b"\0" * 400_000)
        assert_problem(huge, 413)


def test_a_decompression_bomb_is_422(client, as_admin, make_product, media_root):
    product = make_product()
    response = upload(client, as_admin, product.id, png_bomb(20_000, 20_000), "bomb.png")
    assert error_fields(response) == {"image"}
    assert stored(media_root) == []


def test_gps_exif_is_gone_after_upload(client, as_admin, make_product):
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (23.0, 48.0, 0.0), 3: "E", 4: (90.0, 24.0, 0.0)}  # GPSInfo
    content = image_bytes("JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get_ifd(0x8825)
    body = upload(client, as_admin, make_product().id, content).get_json()
    for url in (body["image_url"], body["thumbnail_url"]):
        raw = client.get(url).data
        with Image.open(io.BytesIO(raw)) as img:
            assert not img.getexif().get_ifd(0x8825)
            assert dict(img.getexif()) == {}
        assert b"Exif" not in raw and b"Camera Maker" not in raw


def test_a_dot_dot_file_name_is_never_used_as_a_path(
    client, as_admin, make_product, media_root, tmp_path
):
    response = upload(client, as_admin, make_product().id, image_bytes("PNG"), "../../evil.png")
    assert response.status_code == 200
    assert "evil" not in response.get_json()["image_url"]
    assert not (media_root.parent / "evil.png").exists()
    assert all("evil" not in name for name in stored(media_root))


def test_replacing_removes_the_old_files(client, as_admin, make_product, media_root):
    product = make_product()
    first = upload(client, as_admin, product.id, image_bytes("PNG")).get_json()
    second = upload(client, as_admin, product.id, image_bytes("JPEG")).get_json()
    assert first["image_url"] != second["image_url"]
    assert len(stored(media_root)) == 3  # the second image, its thumbnail, 320 px wide
    assert client.get(first["image_url"]).status_code == 404


def test_upload_refusals(client, as_admin, as_customer, make_product):
    product = make_product()
    assert_problem(upload(client, as_customer, product.id, image_bytes("PNG")), 403)
    assert_problem(upload(client, {}, product.id, image_bytes("PNG")), 401)
    assert_problem(upload(client, as_admin, 987654, image_bytes("PNG")), 404)
    missing = client.post(
        f"/api/products/{product.id}/image", data={"other": "x"}, headers=as_admin
    )
    assert_problem(missing, 415)  # a urlencoded form is not an upload
    missing = client.post(
        f"/api/products/{product.id}/image",
        data={"picture": (io.BytesIO(image_bytes("PNG")), "a.png")},
        content_type="multipart/form-data",
        headers=as_admin,
    )
    assert error_fields(missing) == {"image"}
    as_json = client.post(
        f"/api/products/{product.id}/image", json={"image": "x"}, headers=as_admin
    )
    assert_problem(as_json, 415)
