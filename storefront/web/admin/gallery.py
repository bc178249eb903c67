"""A product's gallery in the back office: add several images, alt text, order, cover, delete.

Every change is a small POST form with its CSRF token, working without script;
the page is the product's edit page (``products._form_page``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for

from ...services import catalog, images
from ...services.errors import ValidationError
from ...services.images import ImageTooLarge
from ..confirm import confirmation_page
from ..forms import ConfirmForm, confirm_or_400
from . import bp
from .forms import GalleryUploadForm, ImageAltForm, ImageMoveForm
from .gallery_panel import CHOOSE_AGAIN, delete_confirmation, image_refusal, uploads_of
from .products import edit_page


def _edit(product_id: int):
    return redirect(url_for("admin.edit_product", product_id=product_id) + "#gallery-heading")


def _product_page_with(product_id: int, **context):
    return edit_page(product_id, status=422, **context)


@bp.post("/products/<int:product_id>/images")
def add_images(product_id: int):
    form = GalleryUploadForm()
    if form.validate_on_submit():
        uploads = uploads_of(form.images)
        if not uploads:
            form.images.errors = ["Choose one or more image files."]
        else:
            try:
                added = images.add_images(product_id, uploads)
            except (ValidationError, ImageTooLarge) as exc:
                message = image_refusal(exc) or exc.message
                form.images.errors = [message, CHOOSE_AGAIN]
            else:
                count = len(added)
                flash(f"{count} image{'s' if count != 1 else ''} added.", "success")
                return _edit(product_id)
    return _product_page_with(product_id, gallery_form=form)


@bp.post("/products/<int:product_id>/images/<int:image_id>/alt")
def image_alt(product_id: int, image_id: int):
    form = ImageAltForm()
    if form.validate_on_submit():
        changes = {}
        if "variant_id" in request.form:  # only products with options offer the choice
            raw = request.form["variant_id"]
            changes["variant_id"] = int(raw) if raw.isdigit() and len(raw) <= 10 else None
        try:
            images.update_image(product_id, image_id, alt=form.alt.data or "", **changes)
        except ValidationError as exc:
            form.alt.errors = [exc.message]
        else:
            flash("Alt text saved.", "success")
            return _edit(product_id)
    typed = {image_id: (form.alt.data or "", " ".join(form.alt.errors) or "Invalid alt text.")}
    return _product_page_with(product_id, alt_typed=typed)


@bp.post("/products/<int:product_id>/images/<int:image_id>/move")
def move_image(product_id: int, image_id: int):
    form = ImageMoveForm()
    if not form.validate_on_submit():
        abort(400)
    images.move_image(product_id, image_id, -1 if form.direction.data == "up" else 1)
    flash("Order saved.", "success")
    return _edit(product_id)


@bp.post("/products/<int:product_id>/images/<int:image_id>/cover")
def image_cover(product_id: int, image_id: int):
    confirm_or_400()
    images.set_cover(product_id, image_id)
    flash("Cover changed.", "success")
    return _edit(product_id)


@bp.route("/products/<int:product_id>/images/<int:image_id>/delete", methods=["GET", "POST"])
def delete_image(product_id: int, image_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    image = images.get_image(product_id, image_id)
    confirmation = delete_confirmation(product, image)
    if not ConfirmForm().validate_on_submit():
        return confirmation_page(confirmation, admin=True, section="products")
    images.remove_image(product_id, image_id)
    flash("Image deleted.", "success")
    return _edit(product_id)
