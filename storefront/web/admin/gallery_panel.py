"""The product edit page's images panel, and what the product forms share about uploads."""

from __future__ import annotations

from flask import url_for
from werkzeug.datastructures import FileStorage

from ...media import media_url
from ...models import MAX_ALT
from ...services import images
from ...services.errors import DomainError, ValidationError
from ...services.images import ImageTooLarge, InvalidImage, thumbnail_path
from ..confirm import Confirmation
from .forms import GalleryUploadForm

# A browser cannot put files back into a file field, so a refused form says so.
CHOOSE_AGAIN = "Choose the images again: a browser cannot keep files after a refused form."


def uploads_of(field) -> list[images.Upload]:
    """The files a MultipleFileField received (an empty field sends one nameless part)."""
    return [
        images.Upload(f.filename or "", f.stream)
        for f in (field.data or [])
        if isinstance(f, FileStorage) and f.filename
    ]


def image_refusal(exc: DomainError) -> str | None:
    """The message of a refusal about the images, or None when it is about other fields."""
    if isinstance(exc, (InvalidImage, ImageTooLarge)):
        return exc.message
    if isinstance(exc, ValidationError) and "image" in exc.errors:
        return exc.errors["image"]
    return None


def delete_confirmation(product, image) -> Confirmation:
    return Confirmation(
        question=f"Delete image {image.position + 1} of “{product.name}”?",
        detail="It leaves the product's gallery"
        + (", and the next image becomes the cover." if image.position == 0 else ".")
        + " Orders are not affected.",
        page_url=url_for("admin.delete_image", product_id=product.id, image_id=image.id),
        back_url=url_for("admin.edit_product", product_id=product.id),
        confirm_label="Yes, delete the image",
        cancel_label="No, keep it",
    )


def gallery_panel(product, *, gallery_form=None, alt_typed=None) -> dict:
    """What the edit page's images panel shows: each image with its sizes and forms."""
    rows = []
    typed = alt_typed or {}
    for image in images.list_images(product.id):
        alt, error = typed.get(image.id, (image.alt, None))
        rows.append(
            {
                "image": image,
                "thumb_url": media_url(thumbnail_path(image.path)),
                "url": media_url(image.path),
                "alt": alt,
                "alt_error": error,
                "delete": delete_confirmation(product, image),
            }
        )
    return {"rows": rows, "form": gallery_form or GalleryUploadForm(), "max": MAX_ALT}
