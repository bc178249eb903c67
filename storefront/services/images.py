"""Product images: check an upload, re-encode it, store it in several sizes; the gallery.

An upload is judged by its content, never by its name or declared type: Pillow
must recognise it as JPEG, PNG or WebP, its header must declare at most
``MAX_IMAGE_PIXELS`` pixels (checked before any pixel is decoded), it must pass
``verify()`` and then decode completely.

Storage layout, under ``MEDIA_ROOT`` or in the bucket of ``MEDIA_STORAGE``
(``storefront/storage.py``)::

    products/<32 hex>.<ext>         the image, re-encoded
    products/<32 hex>_thumb.<ext>   its thumbnail, at most 400x400
    products/<32 hex>_w<N>.<ext>    N pixels wide, for each N of RESPONSIVE_WIDTHS
                                    narrower than the image (``srcset``)

The name is the content's address: the first 32 hex digits of the SHA-256 of
the re-encoded image. The same picture uploaded twice is one set of files, a
name is never reused for other content, so a file can be cached for a year.
A file is removed only when no gallery row and no product refers to it.

The format is kept (JPEG stays JPEG at quality 85 in RGB, PNG stays PNG, WebP
stays WebP at quality 85) so that a transparent PNG keeps its transparency and
a photo is not made bigger. Re-encoding a clean copy of the pixels drops every
piece of metadata (EXIF with GPS position, XMP, comments, ICC profiles: colours
are first converted to sRGB when a profile is present).

A product's gallery is its ``product_images`` rows, ordered by ``position``
(0..n-1, kept dense here); position 0 is the cover, and ``Product.image_path``
is a copy of the cover's path written in the same transaction as any change to
the gallery (so the catalog's listing needs no join). An image's ``alt`` left
empty means "the product's name" wherever it is shown.

This module knows nothing of HTTP: it raises ``ImageTooLarge`` (API: 413) and
``InvalidImage`` (API: 422, field ``image``), naming the file when several
were sent.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import struct
import warnings
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from flask import current_app
from PIL import Image, ImageOps
from sqlalchemy import select, update

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without LittleCMS: profiles are just dropped
    ImageCms = None

from ..extensions import db
from ..models import MAX_ALT, Product, ProductImage, utcnow
from ..storage import LocalStorage, StorageError, media_storage
from . import catalog
from ._tx import transactional, write_transaction
from .errors import DomainError, NotFound, ValidationError
from .inventory import lock_product_variants

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 40_000_000
THUMBNAIL_SIZE = (400, 400)
JPEG_QUALITY = 85
WEBP_QUALITY = 85
PRODUCT_DIR = "products"
THUMB_SUFFIX = "_thumb"
WIDTH_SUFFIX = "_w"
# Narrower copies for ``srcset``, made for each width below the image's own.
RESPONSIVE_WIDTHS = (320, 640, 1024)
MAX_IMAGES_PER_PRODUCT = 20
MAX_IMAGES_PER_UPLOAD = 10
_OUT_OF_THE_WAY = 1_000_000  # added to positions while a gallery is renumbered
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


def media_path(relative: str) -> str:
    """The absolute path of a file under ``MEDIA_ROOT``; ``ValueError`` if it would escape."""
    return LocalStorage(current_app.config["MEDIA_ROOT"]).path(relative)


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


# --- the files -------------------------------------------------------------------


def width_path(image_path: str, width: int) -> str:
    """``products/ab12.jpg``, 320 -> ``products/ab12_w320.jpg``."""
    base, ext = posixpath.splitext(image_path)
    return f"{base}{WIDTH_SUFFIX}{width}{ext}"


def responsive_widths(width: int | None) -> tuple[int, ...]:
    """The widths stored beside an image that many pixels wide (none when unknown)."""
    if not width:
        return ()
    return tuple(w for w in RESPONSIVE_WIDTHS if w < width)


@dataclass(frozen=True)
class StoredImage:
    path: str  # relative to MEDIA_ROOT (or the bucket's prefix)
    width: int
    height: int
    created: tuple[str, ...]  # the files this call wrote (none when the content was stored)


def _resized(img: Image.Image, width: int) -> Image.Image:
    height = max(1, round(img.height * width / img.width))
    return img.resize((width, height), Image.Resampling.LANCZOS)


def store_image(data: bytes | BinaryIO) -> StoredImage:
    """Check, re-encode and store an upload with its thumbnail and narrower copies.

    ``data`` is the upload's bytes or a readable binary stream (a werkzeug
    ``FileStorage`` works). The main file is written last, so its presence
    means its companions are there: content already stored is not written again.
    """
    raw = _read_limited(data, current_app.config["MAX_IMAGE_BYTES"])
    img, ext = _decode(raw)
    try:
        main = _clean(img, ext)
        del img
        main_bytes = _encode(main, ext)
    except (OSError, ValueError) as exc:  # a pixel mode we cannot convert
        raise InvalidImage() from exc
    relative = f"{PRODUCT_DIR}/{hashlib.sha256(main_bytes).hexdigest()[:32]}.{ext}"
    width, height = main.size
    storage = media_storage()
    if storage.exists(relative):  # a store that fails raises StorageError
        return StoredImage(relative, width, height, ())
    try:
        thumb = main.copy()
        thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        companions = [(thumbnail_path(relative), _encode(thumb, ext))]
        for w in responsive_widths(width):
            companions.append((width_path(relative, w), _encode(_resized(main, w), ext)))
    except (OSError, ValueError) as exc:  # a pixel mode we cannot convert
        raise InvalidImage() from exc

    written: list[str] = []
    try:
        for path, content in [*companions, (relative, main_bytes)]:
            storage.put(path, content)  # each one whole or not at all
            written.append(path)
    except BaseException:
        _remove_files(relative, written)
        raise
    return StoredImage(relative, width, height, tuple(written))


def save_image(data: bytes | BinaryIO) -> str:
    """Store an upload (``store_image``) and return its path relative to ``MEDIA_ROOT``."""
    return store_image(data).path


def _remove_files(main: str, companions) -> None:
    """Remove an image's files as far as the store lets us, its main file first.

    The main file's presence means its companions are there (``store_image`` skips
    content whose main file it finds), so when the main file cannot be removed its
    companions are left too; past it, every companion is tried. Each failure is
    logged and none is raised: the caller has the failure that matters (a refusal,
    the store's own 503), or has committed already. A path that would leave the
    store still raises ``ValueError``.
    """
    storage = media_storage()
    try:
        storage.delete(main)
    except StorageError:
        log.warning("could not remove %r (its other sizes are kept with it)", main, exc_info=True)
        return
    for relative in companions:
        if relative == main:
            continue
        try:
            storage.delete(relative)
        except StorageError:
            log.warning("could not remove %r", relative, exc_info=True)


def delete_image(image_path: str | None) -> None:
    """Remove an image and every size of it; missing files are fine, escaping paths are not."""
    if not image_path:
        return
    _remove_files(
        image_path,
        [thumbnail_path(image_path), *(width_path(image_path, w) for w in RESPONSIVE_WIDTHS)],
    )


def _referenced(paths) -> set[str]:
    paths = [p for p in set(paths) if p]
    if not paths:
        return set()
    in_galleries = select(ProductImage.path).where(ProductImage.path.in_(paths))
    as_covers = select(Product.image_path).where(Product.image_path.in_(paths))
    return set(db.session.scalars(in_galleries.union(as_covers)))


def remove_unreferenced(paths) -> None:
    """After a commit: remove the files of each path no row refers to any more.

    Call it after the change committed, outside any service's transaction. A
    stale file is not worth failing for once the change is committed.
    """
    paths = [p for p in set(paths) if p]
    if not paths:
        return
    try:
        still_used = _referenced(paths)
        for path in paths:
            if path not in still_used:
                delete_image(path)
    except ValueError:  # a path that would leave the store (a store's failure is logged)
        log.warning("could not remove unreferenced images %r", paths, exc_info=True)


# --- the gallery -----------------------------------------------------------------


class Upload(NamedTuple):
    filename: str  # as the client named it: only used to say which file was refused
    stream: BinaryIO | bytes


def _named(exc: DomainError, filename: str, count: int) -> DomainError:
    """The same refusal, saying which file it is about when several were sent."""
    if count == 1 or not filename:
        return exc
    name = filename if len(filename) <= 80 else filename[:77] + "..."
    message = f"{name}: {exc.message}"
    if isinstance(exc, ImageTooLarge):
        return ImageTooLarge(message)
    return InvalidImage(message)


def _gallery(product_id: int) -> list[ProductImage]:
    return list(
        db.session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id == product_id)
            .order_by(ProductImage.position)
        )
    )


def _locked(product_id: int) -> tuple[Product, list[ProductImage]]:
    # Variants first, then the product (the store's lock order): a gallery change
    # writes the variants' image_path.
    product, _variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    return product, _gallery(product_id)


def _arrange(product: Product, ordered: list[ProductImage]) -> None:
    """Give ``ordered`` positions 0..n-1 and make the product's cover copy match.

    Positions are unique per product in the database, so the rows are first
    moved out of the way (no reordering of single UPDATEs could swap two).
    """
    changed = [img for i, img in enumerate(ordered) if img.position != i]
    if changed:
        db.session.execute(
            update(ProductImage)
            .where(ProductImage.id.in_([img.id for img in changed]))
            .values(position=ProductImage.position + _OUT_OF_THE_WAY)
            .execution_options(synchronize_session="fetch")
        )
        for i, img in enumerate(ordered):
            img.position = i
    cover = ordered[0].path if ordered else None
    if product.image_path != cover:
        product.image_path = cover
    # Each variant's picture: the first image tied to it, or none (then the cover).
    for variant in product.variants:
        tied = next((img.path for img in ordered if img.variant_id == variant.id), None)
        if variant.image_path != tied:
            variant.image_path = tied
    # The product page and the API's product show the gallery: the product changed.
    product.updated_at = utcnow()
    db.session.flush()


UNCHANGED = object()  # update_image: leave the image's variant as it is


def _check_alt(alt) -> str:
    alt = (alt or "").strip()
    if len(alt) > MAX_ALT:
        raise ValidationError(f"Alt text has at most {MAX_ALT} characters.", field="alt")
    return alt


def list_images(product_id: int) -> list[ProductImage]:
    """A product's gallery, cover first."""
    return _gallery(product_id)


def get_image(product_id: int, image_id: int) -> ProductImage:
    """One image of a product's gallery; ``NotFound`` for another product's or none."""
    return _find(_gallery(product_id), image_id)


def _check_variant(product: Product, variant_id) -> int | None:
    """A variant of this product (its id), or None for the product as a whole."""
    if variant_id in (None, "", 0):
        return None
    if not any(v.id == variant_id for v in product.variants):
        raise NotFound("No such variant of this product.", field="variant_id")
    return variant_id


@transactional
def _attach(
    product_id: int, stored: list[StoredImage], alt: str, variant_id: int | None = None
) -> list[ProductImage]:
    product, gallery = _locked(product_id)
    variant_id = _check_variant(product, variant_id)
    if len(gallery) + len(stored) > MAX_IMAGES_PER_PRODUCT:
        room = MAX_IMAGES_PER_PRODUCT - len(gallery)
        raise ValidationError(
            f"A product has at most {MAX_IMAGES_PER_PRODUCT} images; "
            f"there is room for {room} more.",
            field="image",
        )
    added = []
    for offset, item in enumerate(stored):
        image = ProductImage(
            product_id=product.id,
            path=item.path,
            alt=alt,
            position=len(gallery) + offset,
            width=item.width,
            height=item.height,
            variant_id=variant_id,
        )
        db.session.add(image)
        added.append(image)
    db.session.flush()
    _arrange(product, gallery + added)
    return added


def store_uploads(uploads: list[Upload]) -> list[StoredImage]:
    """Check and store several uploads: all of them, or none (a refusal names the file).

    Pair with ``discard`` when the change that would use them fails.
    """
    if not uploads:
        raise InvalidImage("Choose at least one image.")
    if len(uploads) > MAX_IMAGES_PER_UPLOAD:
        raise ValidationError(
            f"Upload at most {MAX_IMAGES_PER_UPLOAD} images at once.", field="image"
        )
    stored: list[StoredImage] = []
    try:
        for upload in uploads:
            try:
                stored.append(store_image(upload.stream))
            except (InvalidImage, ImageTooLarge) as exc:
                raise _named(exc, upload.filename, len(uploads)) from exc
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(stored: list[StoredImage]) -> None:
    """After a failure, remove the files these uploads wrote (content stored before
    belongs to others), as far as the store lets us (``_remove_files``)."""
    for item in stored:
        if item.created:
            _remove_files(item.path, item.created)


def attach_images(product_id: int, stored: list[StoredImage], alt: str = "") -> list[ProductImage]:
    """Add stored images at the end of a product's gallery, in a service's transaction."""
    return _attach(product_id, stored, _check_alt(alt))


def add_images(
    product_id: int, uploads: list[Upload], alt: str = "", variant_id: int | None = None
) -> list[ProductImage]:
    """Add images at the end of a product's gallery (the first one added to none is its cover).

    All or nothing: every file goes through the checks first; one refused file
    refuses the request with a message naming it, and nothing is kept.
    """
    alt = _check_alt(alt)
    catalog.get_product(product_id, include_inactive=True)  # 404 before any work
    stored = store_uploads(uploads)
    try:
        return _attach(product_id, stored, alt, variant_id)
    except BaseException:
        discard(stored)
        raise


def create_product_with_images(uploads: list[Upload], **fields) -> Product:
    """``catalog.create_product`` and its first images, in one transaction.

    The files are checked and stored first; a refused file or field creates nothing.
    """
    stored = store_uploads(uploads) if uploads else []
    try:
        with write_transaction():
            product = catalog.create_product(**fields)
            if stored:
                _attach(product.id, stored, "")
    except BaseException:
        discard(stored)
        raise
    return product


@transactional
def _replace_cover(product_id: int, item: StoredImage) -> tuple[Product, str | None]:
    product, gallery = _locked(product_id)
    old = None
    if gallery:
        cover = gallery[0]
        old = cover.path
        cover.path, cover.width, cover.height, cover.alt = item.path, item.width, item.height, ""
    else:
        old = product.image_path  # a cover no gallery row held (set before galleries)
        cover = ProductImage(
            product_id=product.id,
            path=item.path,
            alt="",
            position=0,
            width=item.width,
            height=item.height,
        )
        db.session.add(cover)
        db.session.flush()
        gallery = [cover]
    _arrange(product, gallery)
    return product, old


def replace_product_image(product_id: int, data: bytes | BinaryIO) -> Product:
    """Set a product's cover to a new image, replacing the cover it had (if any).

    The files are written first; if pointing the product at them fails (no
    such product, database error), the ones written are removed again. The
    old files are removed once the change is committed, if nothing refers to them.
    """
    item = store_image(data)
    try:
        product, old_path = _replace_cover(product_id, item)
    except BaseException:
        discard([item])
        raise
    if old_path and old_path != item.path:
        remove_unreferenced([old_path])
    return product


def _find(gallery: list[ProductImage], image_id: int) -> ProductImage:
    for image in gallery:
        if image.id == image_id:
            return image
    raise NotFound("No such image of this product.")


@transactional
def update_image(
    product_id: int,
    image_id: int,
    *,
    alt: str | None = None,
    position: int | None = None,
    variant_id=UNCHANGED,
) -> ProductImage:
    """Change an image's alt text, the variant it shows (None: the whole product),
    and/or move it to ``position`` (0 makes it the cover)."""
    product, gallery = _locked(product_id)
    image = _find(gallery, image_id)
    if alt is not None:
        image.alt = _check_alt(alt)
    if variant_id is not UNCHANGED:
        image.variant_id = _check_variant(product, variant_id)
    if position is not None:
        if isinstance(position, bool) or not isinstance(position, int):
            raise ValidationError("A position is a whole number.", field="position")
        if not 0 <= position < len(gallery):
            raise ValidationError(
                f"A position is from 0 (the cover) to {len(gallery) - 1}.", field="position"
            )
        gallery.remove(image)
        gallery.insert(position, image)
    _arrange(product, gallery)
    return image


@transactional
def move_image(product_id: int, image_id: int, steps: int) -> ProductImage:
    """Move an image ``steps`` places (negative: towards the cover), stopping at the ends."""
    product, gallery = _locked(product_id)
    image = _find(gallery, image_id)
    target = min(max(gallery.index(image) + steps, 0), len(gallery) - 1)
    gallery.remove(image)
    gallery.insert(target, image)
    _arrange(product, gallery)
    return image


def set_cover(product_id: int, image_id: int) -> ProductImage:
    return update_image(product_id, image_id, position=0)


@transactional
def _remove_row(product_id: int, image_id: int) -> str:
    product, gallery = _locked(product_id)
    image = _find(gallery, image_id)
    gallery.remove(image)
    db.session.delete(image)
    db.session.flush()
    _arrange(product, gallery)
    return image.path


def remove_image(product_id: int, image_id: int) -> None:
    """Take an image out of a product's gallery; the next one becomes the cover if needed.

    Its files are removed once that is committed, unless another row uses them.
    """
    path = _remove_row(product_id, image_id)
    remove_unreferenced([path])
