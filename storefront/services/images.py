"""Product images: check an upload, re-encode it, store it with a thumbnail.

An upload is judged by its content, never by its name or declared type: Pillow
must recognise it as JPEG, PNG or WebP, its header must declare at most
``MAX_IMAGE_PIXELS`` pixels (checked before any pixel is decoded), it must pass
``verify()`` and then decode completely.

Storage layout, all under ``MEDIA_ROOT``::

    products/<32 hex>.<ext>         the image, re-encoded
    products/<32 hex>_thumb.<ext>   its thumbnail, at most 400x400

The format is kept (JPEG stays JPEG at quality 85 in RGB, PNG stays PNG, WebP
stays WebP at quality 85) so that a transparent PNG keeps its transparency and
a photo is not made bigger. Re-encoding a clean copy of the pixels drops every
piece of metadata (EXIF with GPS position, XMP, comments, ICC profiles: colours
are first converted to sRGB when a profile is present). ``Product.image_path``
stores the main image's relative path; the thumbnail's is derived from it.

This module knows nothing of HTTP: it raises ``ImageTooLarge`` (API: 413) and
``InvalidImage`` (API: 422, field ``image``).
"""

from __future__ import annotations

import io
import logging
import os
import posixpath
import random
import secrets
import struct
import tempfile
import warnings
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image, ImageDraw, ImageFont, ImageOps

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without LittleCMS: profiles are just dropped
    ImageCms = None

from ..models import Product
from . import catalog
from .errors import DomainError, ValidationError

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 40_000_000
THUMBNAIL_SIZE = (400, 400)
JPEG_QUALITY = 85
WEBP_QUALITY = 85
PRODUCT_DIR = "products"
THUMB_SUFFIX = "_thumb"
_READ_CHUNK = 64 * 1024

# Pillow's format name -> the extension we store it under. Pillow opens a JPEG
# carrying several pictures (common from phone cameras) as "MPO".
_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
_OPENERS = ["JPEG", "PNG", "WEBP"]

# What Pillow raises on hostile or broken input. MemoryError is left alone.
_PILLOW_ERRORS = (
    OSError,  # includes UnidentifiedImageError and "image file is truncated"
    SyntaxError,  # PNG chunk and CRC errors from verify()
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)


class ImageTooLarge(DomainError):
    """The upload has more bytes than ``MAX_IMAGE_BYTES`` (API: 413)."""

    field = "image"


class InvalidImage(ValidationError):
    """Not a JPEG, PNG or WebP that decodes, or too many pixels (API: 422)."""

    def __init__(self, message: str = "Upload a JPEG, PNG or WebP image."):
        super().__init__(message, field="image")


# --- paths -------------------------------------------------------------------


def media_root() -> str:
    return os.path.realpath(current_app.config["MEDIA_ROOT"])


def media_path(relative: str) -> str:
    """The absolute path of a file under ``MEDIA_ROOT``; ``ValueError`` if it would escape."""
    if not relative or "\0" in relative or "\\" in relative or relative.startswith("/"):
        raise ValueError(f"not a media path: {relative!r}")
    root = media_root()
    full = os.path.realpath(os.path.join(root, *relative.split("/")))
    if full == root or os.path.commonpath([root, full]) != root:
        raise ValueError(f"media path escapes MEDIA_ROOT: {relative!r}")
    return full


def thumbnail_path(image_path: str) -> str:
    """``products/ab12.jpg`` -> ``products/ab12_thumb.jpg``."""
    base, ext = posixpath.splitext(image_path)
    return f"{base}{THUMB_SUFFIX}{ext}"


# --- checking and re-encoding --------------------------------------------------


def _read_limited(data: bytes | bytearray | memoryview | BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of the upload; ``ImageTooLarge`` if there are more."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > limit:
            raise ImageTooLarge(f"An image may have at most {limit} bytes.")
        return raw
    buffer = bytearray()
    while len(buffer) <= limit:
        chunk = data.read(min(_READ_CHUNK, limit + 1 - len(buffer)))
        if not chunk:
            return bytes(buffer)
        buffer += chunk
    raise ImageTooLarge(f"An image may have at most {limit} bytes.")


def _open(raw: bytes) -> Image.Image:
    """Open lazily (header only) and refuse too many pixels before any decoding."""
    img = Image.open(io.BytesIO(raw), formats=_OPENERS)
    if img.format not in _FORMATS:
        raise InvalidImage()
    width, height = img.size
    limit = current_app.config.get("MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)
    if width < 1 or height < 1 or width * height > limit:
        raise InvalidImage(f"An image may have at most {limit // 1_000_000} megapixels.")
    return img


def _decode(raw: bytes) -> tuple[Image.Image, str]:
    """Check the upload thoroughly and return its decoded first frame and extension."""
    try:
        # A bomb warning becomes an error (our own pixel limit is lower anyway).
        # Note: catch_warnings changes process-wide filters; the explicit size
        # check in _open is what actually protects us, this is a second belt.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(raw) as img:
                img.verify()
            img = _open(raw)
            ext = _FORMATS[img.format]
            img.load()
            img = ImageOps.exif_transpose(img)
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage("The image has too many pixels.") from exc
    except _PILLOW_ERRORS as exc:
        raise InvalidImage() from exc
    return img, ext


def _to_srgb(img: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile so colours survive its removal."""
    icc = img.info.get("icc_profile")
    if not icc or ImageCms is None or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        out_mode = "RGBA" if img.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            img,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode=out_mode,
        )
        return converted if converted is not None else img
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return img  # a broken profile: keep the pixels as they are


def _clean(img: Image.Image, ext: str) -> Image.Image:
    """A copy of the pixels in a mode the format stores, with no metadata at all."""
    img = _to_srgb(img)
    has_alpha = "A" in img.getbands() or "transparency" in img.info
    if ext == "jpg":
        mode = "RGB"
    elif ext == "png" and img.mode in ("1", "L", "LA", "RGB", "RGBA"):
        mode = img.mode
    else:
        mode = "RGBA" if has_alpha else "RGB"
    if img.mode != mode:
        if ext == "jpg" and has_alpha:
            # Flatten on white rather than letting transparent pixels turn black.
            rgba = img.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            img = flat
        else:
            img = img.convert(mode)
    else:
        img = img.copy()
    img.info = {}
    return img


def _encode(img: Image.Image, ext: str) -> bytes:
    out = io.BytesIO()
    if ext == "jpg":
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif ext == "png":
        img.save(out, "PNG", optimize=True)
    else:
        img.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def _write_atomically(path: str, content: bytes) -> None:
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # readable by a front web server serving MEDIA_ROOT
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the service ---------------------------------------------------------------


def save_image(data: bytes | BinaryIO) -> str:
    """Check, re-encode and store an upload with its thumbnail.

    ``data`` is the upload's bytes or a readable binary stream (a werkzeug
    ``FileStorage`` works). Returns the stored image's path relative to
    ``MEDIA_ROOT``, e.g. ``products/<32 hex>.jpg``.
    """
    raw = _read_limited(data, current_app.config["MAX_IMAGE_BYTES"])
    img, ext = _decode(raw)
    try:
        main = _clean(img, ext)
        thumb = main.copy()
        thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        main_bytes, thumb_bytes = _encode(main, ext), _encode(thumb, ext)
    except (OSError, ValueError) as exc:  # a pixel mode we cannot convert
        raise InvalidImage() from exc

    relative = f"{PRODUCT_DIR}/{secrets.token_hex(16)}.{ext}"
    main_file, thumb_file = media_path(relative), media_path(thumbnail_path(relative))
    os.makedirs(os.path.dirname(main_file), exist_ok=True)
    try:
        _write_atomically(thumb_file, thumb_bytes)
        _write_atomically(main_file, main_bytes)
    except BaseException:
        delete_image(relative)
        raise
    return relative


def delete_image(image_path: str | None) -> None:
    """Remove an image and its thumbnail; missing files are fine, escaping paths are not."""
    if not image_path:
        return
    paths = [media_path(image_path), media_path(thumbnail_path(image_path))]
    for path in paths:
        Path(path).unlink(missing_ok=True)


def replace_product_image(product_id: int, data: bytes | BinaryIO) -> Product:
    """Store a new image for a product and remove the one it replaces.

    The files are written first; if pointing the product at them fails (no
    such product, database error), they are removed again. The old files are
    removed only once the new path is committed.
    """
    new_path = save_image(data)
    try:
        product, old_path = catalog.set_product_image(product_id, new_path)
    except BaseException:
        delete_image(new_path)
        raise
    if old_path and old_path != new_path:
        try:
            delete_image(old_path)
        except (OSError, ValueError):
            # The new image is committed; a stale file is not worth failing for.
            log.warning("could not delete replaced image %r", old_path, exc_info=True)
    return product


# --- demo catalog --------------------------------------------------------------


def demo_image(label: str, seed: int) -> bytes:
    """An 800x800 PNG with shapes in colours drawn from ``seed`` and ``label`` written on it."""
    rng = random.Random(seed)
    size = 800
    background = tuple(rng.randint(40, 215) for _ in range(3))
    img = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        x0, y0 = rng.randint(-100, size - 100), rng.randint(-100, size - 250)
        x1, y1 = x0 + rng.randint(120, 400), y0 + rng.randint(120, 400)
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    try:
        font = ImageFont.load_default(size=56)
    except (TypeError, OSError):
        font = ImageFont.load_default()
    band_top = size - 180
    draw.rectangle((0, band_top, size, size), fill=(255, 255, 255))
    text = label if len(label) <= 24 else label[:21] + "..."
    draw.text((size // 2, band_top + 90), text, fill=(30, 30, 30), font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()
