"""Products: the table, the forms, archive and restore, the stock ledger (gallery: gallery.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...services import catalog, categories, images, inventory, reporting, stock_alerts
from ...services.errors import Conflict, ValidationError
from ...services.images import ImageTooLarge
from ..confirm import Confirmation, confirmation_page
from ..forms import ConfirmForm, SelectChoice, add_service_errors, confirm_or_400
from . import bp, page_number
from .forms import (
    NewProductForm,
    ProductForm,
    StockAdjustmentForm,
)
from .gallery_panel import CHOOSE_AGAIN, gallery_panel, image_refusal, uploads_of

PER_PAGE = 20
SORTS = {"newest": "Newest", "name": "Name", "price_asc": "Price", "price_desc": "Price"}
STATES = {"all": None, "active": True, "archived": False}


@bp.get("/products")
def products():
    filters = {
        "q": request.args.get("q", "").strip(),
        "category": request.args.get("category", "").strip(),
        "state": request.args.get("state", "all"),
        "low_stock": request.args.get("low_stock") == "1",
        "sort": request.args.get("sort", "newest"),
    }
    if filters["state"] not in STATES:
        filters["state"] = "all"
    if filters["sort"] not in SORTS:
        filters["sort"] = "newest"
    threshold = inventory.low_stock_threshold()
    try:
        results = catalog.search_products(
            q=filters["q"] or None,
            category=filters["category"] or None,
            sort=filters["sort"],
            page=page_number(),
            per_page=PER_PAGE,
            include_inactive=True,
            active=STATES[filters["state"]],
            low_stock_below=threshold if filters["low_stock"] else None,
        )
    except ValidationError as exc:
        abort(400, exc.message)
    return render_template(
        "admin/products.html",
        results=results,
        filters=filters,
        categories=catalog.list_categories(),
        threshold=threshold,
        section="products",
    )


def category_choices(current=None) -> list[SelectChoice]:
    """The product form's categories: top level, each parent's subcategories in a
    group under its name; an archived current category stays choosable."""
    choices = [SelectChoice("", "None")]
    for root in categories.category_tree():
        group = root.name if root.children else None
        choices.append(SelectChoice(root.id, root.name, optgroup=group))
        choices += [SelectChoice(c.id, c.name, optgroup=group) for c in root.children]
    if current is not None and current.is_archived:
        choices.append(SelectChoice(current.id, f"{current.name} (archived)"))
    return choices


def _form_page(form, *, product=None, status=200, **gallery):
    form.category_id.choices = category_choices(product.category if product else None)
    return (
        render_template(
            "admin/product_form.html",
            form=form,
            product=product,
            confirm=ConfirmForm(),
            waiting_alerts=stock_alerts.waiting_count(product.id) if product is not None else 0,
            archive=_archive_confirmation(product) if product is not None else None,
            gallery=gallery_panel(product, **gallery) if product is not None else None,
            section="products",
        ),
        status,
    )


def edit_page(product_id: int, *, status: int = 200, **gallery):
    """The edit page with the product's saved fields (another form on it was refused)."""
    product = catalog.get_product(product_id, include_inactive=True)
    form = ProductForm(formdata=None, obj=product)
    form.price.data = str(product.price)
    return _form_page(form, product=product, status=status, **gallery)


def _archive_confirmation(product) -> Confirmation:
    return Confirmation(
        question=f"Archive “{product.name}”?",
        detail="It is hidden from the shop and cannot be bought; orders keep it. "
        "You can restore it later.",
        page_url=url_for("admin.archive_product", product_id=product.id),
        back_url=url_for("admin.edit_product", product_id=product.id),
        confirm_label="Yes, archive it",
        cancel_label="No, keep it in the shop",
    )


@bp.get("/products/<int:product_id>/archive")
def confirm_archive_product(product_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    return confirmation_page(_archive_confirmation(product), admin=True, section="products")


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    form = NewProductForm()
    chosen = uploads_of(form.images) if form.is_submitted() else []
    if form.validate_on_submit():
        try:
            product = images.create_product_with_images(
                chosen,
                name=form.name.data,
                price=form.price.data,
                stock_quantity=form.stock_quantity.data,
                description=form.description.data or "",
                category_id=form.category_id.data,
                is_active=form.is_active.data,
                actor_id=current_user.id,
            )
        except (ValidationError, ImageTooLarge) as exc:
            refusal = image_refusal(exc)
            if refusal:
                form.images.errors = [refusal]
            else:
                add_service_errors(form, exc)
        else:
            added = f" with {len(chosen)} image{'s' if len(chosen) != 1 else ''}" if chosen else ""
            flash(f"Product “{product.name}” created{added}.", "success")
            return redirect(url_for("admin.edit_product", product_id=product.id))
    if chosen:
        form.images.errors = [*form.images.errors, CHOOSE_AGAIN]
    return _form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    form = ProductForm(obj=product)
    if request.method == "GET":
        form.price.data = str(product.price)
    if form.validate_on_submit():
        try:
            product = catalog.update_product(
                product_id,
                actor_id=current_user.id,
                name=form.name.data,
                price=form.price.data,
                description=form.description.data or "",
                category_id=form.category_id.data,
                is_active=form.is_active.data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash(f"Product “{product.name}” saved.", "success")
            return redirect(url_for("admin.edit_product", product_id=product.id))
    return _form_page(form, product=product, status=422 if form.is_submitted() else 200)


def _set_active(product_id: int, active: bool):
    confirm_or_400()
    change = catalog.restore_product if active else catalog.archive_product
    product = change(product_id, actor_id=current_user.id)
    if active:
        flash(f"“{product.name}” is back in the shop.", "success")
    else:
        flash(f"“{product.name}” is archived: hidden from the shop, kept in orders.", "success")
    return redirect(url_for("admin.edit_product", product_id=product_id))


@bp.post("/products/<int:product_id>/archive")
def archive_product(product_id: int):
    return _set_active(product_id, False)


@bp.post("/products/<int:product_id>/restore")
def restore_product(product_id: int):
    return _set_active(product_id, True)


@bp.route("/products/<int:product_id>/stock", methods=["GET", "POST"])
def product_stock(product_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    form = StockAdjustmentForm()
    form.variant_id.choices = [
        (v.id, f"{v.label or product.name} ({v.sku}): {v.stock_quantity} in stock")
        for v in product.variants
    ]
    if len(product.variants) == 1:
        form.variant_id.data = product.variants[0].id
    if form.validate_on_submit():
        try:
            product = inventory.adjust_stock(
                product_id,
                form.delta.data,
                form.note.data,
                actor_id=current_user.id,
                variant_id=form.variant_id.data,
            )
        except (ValidationError, Conflict) as exc:  # InsufficientStock is a Conflict
            add_service_errors(form, exc)
        else:
            flash(f"Stock of “{product.name}” is now {product.stock_quantity}.", "success")
            return redirect(url_for("admin.product_stock", product_id=product_id))
    ledger = inventory.list_movements(product_id, page=page_number(), per_page=PER_PAGE)
    actors = reporting.people(m.actor_id for m in ledger.items)
    return (
        render_template(
            "admin/stock.html",
            product=product,
            form=form,
            ledger=ledger,
            actors=actors,
            variant_labels={v.id: v.label or v.sku for v in product.variants},
            section="products",
        ),
        422 if form.is_submitted() else 200,
    )
