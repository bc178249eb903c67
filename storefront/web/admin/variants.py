"""A product's options and variants: what it comes in, each variant's SKU, price and stock.

Two forms on one page, both plain POSTs that work without JavaScript: the
options (up to three names, each with its values separated by commas), and
the variants table. A refused form comes back with what was typed and the
errors next to the fields; nothing is changed.
"""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from ...services import catalog, catalog_csv, variants
from ...services.errors import Conflict, DomainError, ValidationError
from . import bp
from .forms import ImportForm

OPTION_ROWS = variants.MAX_OPTIONS


def _typed_options(product) -> list[dict]:
    """The option rows as the form shows them: what was typed, else the product's."""
    if request.method == "POST" and request.endpoint == "admin.product_options":
        rows = [
            {
                "name": request.form.get(f"option-{n}-name", ""),
                "values": request.form.get(f"option-{n}-values", ""),
            }
            for n in range(OPTION_ROWS)
        ]
    else:
        rows = [{"name": o.name, "values": ", ".join(o.values)} for o in product.options]
    return rows + [{"name": "", "values": ""}] * (OPTION_ROWS - len(rows))


def _render(product, *, errors=None, typed_variants=None, status=200):
    return (
        render_template(
            "admin/variants.html",
            product=product,
            option_rows=_typed_options(product),
            errors=errors or {},
            typed=typed_variants or {},
            section="products",
        ),
        status,
    )


@bp.get("/products/<int:product_id>/variants")
def product_variants(product_id: int):
    return _render(catalog.get_product(product_id, include_inactive=True))


def _field_errors(exc: DomainError) -> dict[str, str]:
    errors = dict(getattr(exc, "errors", None) or {})
    if not errors:
        errors[exc.field or "form"] = exc.message
    return errors


@bp.post("/products/<int:product_id>/options")
def product_options(product_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    options = [
        {
            "name": request.form.get(f"option-{n}-name", ""),
            "values": request.form.get(f"option-{n}-values", ""),
        }
        for n in range(OPTION_ROWS)
    ]
    try:
        product = variants.set_options(product_id, options, actor_id=current_user.id)
    except (ValidationError, Conflict) as exc:
        return _render(product, errors=_field_errors(exc), status=422)
    count = len(product.variants)
    flash(f"Options saved: “{product.name}” has {count} variant{'s' * (count != 1)}.", "success")
    return redirect(url_for("admin.product_variants", product_id=product_id), code=303)


def _parse_stock(raw: str):
    raw = raw.strip().replace(",", "")
    return int(raw) if raw.isdigit() else raw  # the service refuses what is not a number


@bp.post("/products/<int:product_id>/variants")
def update_product_variants(product_id: int):
    product = catalog.get_product(product_id, include_inactive=True)
    changes: dict[int, dict] = {}
    typed: dict[str, str] = {}
    for variant in product.variants:
        prefix = f"variant-{variant.id}-"
        if prefix + "sku" not in request.form:
            continue
        fields = {
            "sku": request.form.get(prefix + "sku", ""),
            "price": request.form.get(prefix + "price", "").strip(),
            "stock_quantity": _parse_stock(request.form.get(prefix + "stock", "")),
            "is_active": request.form.get(prefix + "active") == "on",
        }
        changes[variant.id] = fields
        for key in ("sku", "price", "stock", "active"):
            typed[prefix + key] = request.form.get(prefix + key, "")
    try:
        variants.update_variants(product_id, changes, actor_id=current_user.id)
    except (ValidationError, Conflict) as exc:
        return _render(product, errors=_field_errors(exc), typed_variants=typed, status=422)
    flash(f"Variants of “{product.name}” saved.", "success")
    return redirect(url_for("admin.product_variants", product_id=product_id), code=303)


# --- CSV import and export -------------------------------------------------------

SHOWN_ROWS = 500  # the rows a report lists: refused first, then changes


@bp.get("/products/export.csv")
def export_products():
    response = Response(stream_with_context(catalog_csv.export_csv()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="products.csv"'
    return response


@bp.route("/products/import", methods=["GET", "POST"])
def import_products():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        dry_run = request.form.get("action") != "import"
        try:
            report = catalog_csv.import_products(
                form.file.data.stream, dry_run=dry_run, actor_id=current_user.id
            )
        except DomainError as exc:
            form.file.errors = [exc.message]
            status = 422
        else:
            if report.applied:
                counts = report.summary
                flash(
                    f"Imported: {counts['create']} created, {counts['update']} updated, "
                    f"{counts['unchanged']} unchanged.",
                    "success",
                )
                return redirect(url_for("admin.products"), code=303)
            status = 422 if report.refused else 200
    elif form.is_submitted():
        status = 422
    shown = []
    if report is not None:
        order = {"refuse": 0, "create": 1, "update": 1, "unchanged": 2}
        shown = sorted(report.rows, key=lambda r: (order[r.action], r.line))[:SHOWN_ROWS]
        shown = [r for r in shown if r.action != "unchanged"]
    return (
        render_template(
            "admin/import.html",
            form=form,
            report=report,
            shown=shown,
            dry_run=request.form.get("action") != "import",
            section="products",
        ),
        status,
    )
