"""The image service and /media: real files made with Pillow, no mocks."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from types import SimpleNamespace

import pytest
from PIL import Image, ImageFile
from werkzeug.datastructures import FileStorage

from storefront.media import image_urls
from storefront.services import images
from storefront.services.errors import NotFound, ValidationError
from storefront.services.images import (
    ImageTooLarge,
    InvalidImage,
    delete_image,
    media_path,
    replace_product_image,
    save_image,
    thumbnail_path,
    width_path,
)

STORED_NAME = re.compile(r"^products/[0-9a-f]{32}\.(jpg|png|webp)$")


@pytest.fixture
def media_root(app, tmp_path):
    root = tmp_path / "media"
    app.config["MEDIA_ROOT"] = str(root)
    return root


def image_bytes(fmt: str, size=(1200, 900), mode="RGB", **save_args) -> bytes:
    img = Image.new(mode, size, (200, 30, 60) if mode == "RGB" else None)
    if mode == "RGB":
        img.paste((20, 120, 220), (0, 0, size[0] // 2, size[1] // 3))
    out = io.BytesIO()
    img.save(out, fmt, **save_args)
    return out.getvalue()


def stored_files(root) -> list[str]:
    products = root / "products"
    return sorted(os.listdir(products)) if products.exists() else []


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of all-black rows: huge in pixels, tiny on disk."""
    chunk = _png_chunk
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- accepted uploads ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "ext", "pillow_format"),
    [("JPEG", "jpg", "JPEG"), ("PNG", "png", "PNG"), ("WEBP", "webp", "WEBP")],
)
def test_each_accepted_format_round_trips_with_a_small_thumbnail(
    media_root, fmt, ext, pillow_format
):
    path = save_image(image_bytes(fmt))

    assert STORED_NAME.match(path) and path.endswith("." + ext)
    with Image.open(media_root / path) as stored:
        assert stored.format == pillow_format
        assert stored.size == (1200, 900)
    with Image.open(media_root / thumbnail_path(path)) as thumb:
        assert thumb.format == pillow_format
        assert max(thumb.size) <= 400
        assert thumb.size == (400, 300)


def test_a_png_keeps_its_transparency(media_root):
    img = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    img.paste((255, 0, 0, 255), (10, 10, 20, 20))
    out = io.BytesIO()
    img.save(out, "PNG")

    path = save_image(out.getvalue())

    with Image.open(media_root / path) as stored:
        assert stored.mode == "RGBA"
        assert stored.getpixel((0, 0))[3] == 0
        assert stored.getpixel((15, 15)) == (255, 0, 0, 255)


def test_an_upload_stream_is_accepted(media_root):
    upload = FileStorage(io.BytesIO(image_bytes("PNG")), filename="x.png")

    assert STORED_NAME.match(save_image(upload))


# --- refused uploads -------------------------------------------------------------


def test_a_text_file_named_jpg_is_refused(media_root):
    upload = FileStorage(
        io.BytesIO(b"just some text, honest"), filename="photo.jpg", content_type="image/jpeg"
    )

    with pytest.raises(InvalidImage) as refused:
        save_image(upload)

    assert isinstance(refused.value, ValidationError)
    assert refused.value.field == "image"
    assert "image" in refused.value.errors
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(image_bytes("GIF", mode="P"), id="gif"),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="svg"
        ),
        pytest.param(image_bytes("PNG")[:-400], id="truncated-png"),
        pytest.param(image_bytes("JPEG")[:2000], id="truncated-jpeg"),
        pytest.param(b"", id="empty"),
    ],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_refused(media_root, content):
    with pytest.raises(InvalidImage):
        save_image(content)
    assert stored_files(media_root) == []


def test_an_upload_over_the_byte_limit_is_too_large(app, media_root):
    app.config["MAX_IMAGE_BYTES"] = 1000
    content = image_bytes("PNG", size=(300, 300), compress_level=0)
    assert len(content) > 1000

    with pytest.raises(ImageTooLarge):
        save_image(content)
    with pytest.raises(ImageTooLarge):
        save_image(io.BytesIO(content))
    assert stored_files(media_root) == []


def test_an_endless_stream_is_read_only_up_to_the_limit(app, media_root):
    app.config["MAX_IMAGE_BYTES"] = 10_000

    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"\xff" * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(ImageTooLarge):
        save_image(stream)
    assert stream.served <= 10_001


@pytest.fixture
def decoded(monkeypatch):
    """The images whose pixels Pillow decoded (``ImageFile.load``), by size."""
    sizes = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return sizes


@pytest.mark.parametrize(
    "size",
    [(20_000, 20_000), (7_000, 7_000)],  # 400 megapixels (past Pillow's own guard); 49 (within)
    ids=["400 MP", "49 MP"],
)
def test_a_decompression_bomb_is_refused_without_decoding_a_pixel(media_root, decoded, size):
    bomb = png_bomb(*size)
    assert len(bomb) < 200_000

    with pytest.raises(InvalidImage, match="pixels"):
        save_image(bomb)

    assert decoded == []  # refused from the header: speed is bench/'s business, not a test's
    assert stored_files(media_root) == []


def test_the_decoding_spy_sees_a_real_decode(media_root, decoded):
    save_image(image_bytes("PNG"))
    assert (1200, 900) in decoded


def test_an_image_just_over_40_megapixels_is_refused(media_root):
    over = png_bomb(6400, 6251)  # 40,006,400 pixels, below Pillow's own bomb limit

    with pytest.raises(InvalidImage, match="megapixels"):
        save_image(over)


def test_the_pixel_count_is_refused_from_the_header_before_any_decoding(media_root):
    # The header promises 8000x6000 RGBA (192 MB decoded) but no pixel data
    # follows: refusing for its size rather than for truncation shows that the
    # size was judged before a single pixel was decoded or allocated.
    header_only = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 8000, 6000, 8, 6, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + _png_chunk(b"IEND", b"")
    )

    with pytest.raises(InvalidImage, match="megapixels"):
        save_image(header_only)


# --- what is stored ----------------------------------------------------------------


def test_gps_exif_is_dropped_and_orientation_applied(media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (23.0, 48.0, 0.0), 3: "E", 4: (90.0, 24.0, 0.0)}  # GPSInfo
    content = image_bytes("JPEG", size=(600, 300), exif=exif.tobytes())
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get_ifd(0x8825)  # the fixture really has a position

    path = save_image(content)

    with Image.open(media_root / path) as stored:
        assert "exif" not in stored.info
        assert dict(stored.getexif()) == {}
        assert stored.size == (300, 600)  # turned upright, not just tagged
    with open(media_root / path, "rb") as fh:
        raw = fh.read()
    assert b"Exif" not in raw and b"Camera Maker" not in raw


def test_comments_and_colour_profiles_are_not_kept(media_root):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = image_bytes("JPEG", comment=b"secret note", icc_profile=srgb)

    path = save_image(content)

    with Image.open(media_root / path) as stored:
        assert "comment" not in stored.info
        assert "icc_profile" not in stored.info


def test_the_clients_file_name_is_never_used_and_files_stay_under_media_root(media_root):
    upload = FileStorage(
        io.BytesIO(image_bytes("JPEG")), filename="../../evil name.jpg", content_type="image/jpeg"
    )

    path = save_image(upload)

    assert STORED_NAME.match(path)
    assert "evil" not in path
    for relative in (path, thumbnail_path(path)):
        full = os.path.realpath(media_root / relative)
        assert full.startswith(os.path.realpath(media_root) + os.sep)
        assert os.path.isfile(full)
    # The image, its thumbnail and its narrower copies (1200 px wide: 320, 640, 1024).
    expected = [path, thumbnail_path(path), *(width_path(path, w) for w in (320, 640, 1024))]
    assert stored_files(media_root) == sorted(p.split("/")[1] for p in expected)


def test_a_name_is_the_contents_address(media_root):
    content = image_bytes("PNG")

    first = save_image(content)
    files = stored_files(media_root)
    assert save_image(content) == first  # the same picture: the same files, not written twice
    assert stored_files(media_root) == files
    assert save_image(image_bytes("PNG", size=(1200, 901))) != first


def test_thumbnail_path_sits_next_to_the_image():
    assert thumbnail_path("products/abc.jpg") == "products/abc_thumb.jpg"


# --- replacing and deleting -------------------------------------------------------


def test_replacing_an_image_deletes_the_old_files(media_root, make_product):
    product = make_product()

    first = replace_product_image(product.id, image_bytes("JPEG")).image_path
    updated = replace_product_image(product.id, image_bytes("PNG"))
    second = updated.image_path

    assert updated.id == product.id
    assert first != second and STORED_NAME.match(second)
    assert not (media_root / first).exists()
    assert not (media_root / thumbnail_path(first)).exists()
    assert (media_root / second).exists()
    assert (media_root / thumbnail_path(second)).exists()


def test_a_failed_replacement_leaves_no_new_files(media_root):
    with pytest.raises(NotFound):
        replace_product_image(999_999, image_bytes("PNG"))

    assert stored_files(media_root) == []


def test_an_invalid_replacement_keeps_the_current_image(media_root, make_product):
    product = make_product()
    current = replace_product_image(product.id, image_bytes("PNG")).image_path

    with pytest.raises(InvalidImage):
        replace_product_image(product.id, b"not an image")

    assert (media_root / current).exists()
    assert images.catalog.get_product(product.id).image_path == current


def test_delete_image_removes_both_files_and_ignores_missing_ones(media_root):
    path = save_image(image_bytes("PNG"))

    delete_image(path)
    delete_image(path)
    delete_image(None)

    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "path",
    ["../secret_key", "products/../../secret_key", "/etc/passwd", "..", "", "products\\..\\x"],
)
def test_delete_image_refuses_paths_outside_media_root(media_root, tmp_path, path):
    secret = tmp_path / "secret_key"
    secret.write_text("do not delete")

    if path:
        with pytest.raises(ValueError):
            delete_image(path)
    with pytest.raises(ValueError):
        media_path(path)
    assert secret.read_text() == "do not delete"


def test_media_path_refuses_a_symlink_out_of_media_root(media_root, tmp_path):
    (media_root / "products").mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(b"x")
    os.symlink(tmp_path / "outside.png", media_root / "products" / "link.png")

    with pytest.raises(ValueError):
        media_path("products/link.png")


# --- /media -------------------------------------------------------------------------


def test_media_serves_a_stored_image_with_long_cache_headers(client, media_root):
    path = save_image(image_bytes("PNG"))

    response = client.get(f"/media/{path}")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.cache_control.max_age == 365 * 24 * 60 * 60
    assert response.cache_control.public
    assert response.data == (media_root / path).read_bytes()
    assert client.get(f"/media/{thumbnail_path(path)}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/media/../secret_key",
        "/media/../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/products/../../secret.png",
        "/media/..%2fsecret.png",
        "/media/products/missing.png",
    ],
)
def test_media_does_not_escape_media_root(client, media_root, tmp_path, url):
    (media_root / "products").mkdir(parents=True)
    (tmp_path / "secret_key").write_text("TOP-SECRET")
    (tmp_path / "secret.png").write_text("TOP-SECRET")

    response = client.get(url)

    assert response.status_code == 404
    assert b"TOP-SECRET" not in response.data


def test_image_urls_point_at_the_media_route(app, make_app):
    pictured = SimpleNamespace(image_path="products/ab.jpg")
    assert image_urls(pictured) == ("/media/products/ab.jpg", "/media/products/ab_thumb.jpg")
    assert image_urls(pictured, public=True) == image_urls(pictured)  # no PUBLIC_BASE_URL
    assert image_urls(SimpleNamespace(image_path=None)) == (None, None)
    with make_app(PUBLIC_BASE_URL="https://shop.example.com").app_context():
        assert (
            image_urls(pictured, public=True)[0] == "https://shop.example.com/media/products/ab.jpg"
        )
        assert image_urls(pictured) == ("/media/products/ab.jpg", "/media/products/ab_thumb.jpg")


class DeletesRefused:
    """The app's folder storage, except that deleting the named files fails as a store
    that stops answering does."""

    def __init__(self, real, refused):
        self.real, self.refused = real, set(refused)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def delete(self, relative: str) -> None:
        from storefront.storage import StorageError

        if relative in self.refused:
            raise StorageError(f"delete {relative}: the store stopped answering")
        self.real.delete(relative)


def test_a_main_file_that_cannot_be_removed_keeps_its_other_sizes(
    app, media_root, monkeypatch, caplog
):
    # Its presence says the image is complete: an upload of the same picture would
    # find it and not write the other sizes again, so they must not go without it.
    stored = images.store_image(image_bytes("JPEG"))
    before = stored_files(media_root)
    real = images.media_storage()
    monkeypatch.setattr(images, "media_storage", lambda: DeletesRefused(real, [stored.path]))
    images.discard([stored])
    assert stored_files(media_root) == before
    assert stored.path in caplog.text


def test_a_size_that_cannot_be_removed_does_not_keep_the_others(
    app, media_root, monkeypatch, caplog
):
    stored = images.store_image(image_bytes("JPEG"))
    thumbnail = images.thumbnail_path(stored.path)
    real = images.media_storage()
    monkeypatch.setattr(images, "media_storage", lambda: DeletesRefused(real, [thumbnail]))
    images.delete_image(stored.path)  # after a commit: logged, not raised
    assert stored_files(media_root) == [thumbnail.rsplit("/", 1)[1]]
    assert thumbnail in caplog.text
