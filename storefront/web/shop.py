"""Shopper pages: home, catalog, product; and the helpers every template uses."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..extensions import csrf
from ..media import image_urls
from ..ratelimit import STOCK_ALERTS, count_auth_request
from ..services import cart as cart_service
from ..services import catalog as catalog_service
from ..services import categories as categories_service
from ..services import inventory as inventory_service
from ..services import payments, stock_alerts
from ..services import variants as variant_service
from ..services.errors import ValidationError
from ..services.money import display_money
from . import guest_cart, page_cache
from .forms import (
    ALL_CATEGORIES,
    SORT_CHOICES,
    AddToCartForm,
    CatalogFilterForm,
    ConfirmForm,
    SelectChoice,
    StockAlertForm,
    add_service_errors,
    page_number,
    query_args,
)
from .gallery import product_gallery

bp = Blueprint("shop", __name__)

CATALOG_PER_PAGE = 20
HOME_NEWEST = 8
# The catalog's query parameters, in the API's names; nothing else is kept in links.
CATALOG_ARGS = ("q", "category", "min_price", "max_price", "in_stock", "sort")


@bp.get("/")
@page_cache.cached_page
def home():
    newest = catalog_service.search_products(in_stock=True, sort="newest", per_page=HOME_NEWEST)
    categories = [c for c in catalog_service.list_categories() if c.parent_id is None]
    return render_template("shop/home.html", categories=categories, newest=newest.items)


def _listing(form: CatalogFilterForm, *, category_ids: list[int] | None = None):
    """The catalog's search for a filter form: (results, status). Results are None
    when the filters were refused (the form then holds the errors)."""
    # Relevance only means something with a search; without one, newest first.
    if not form.q.data:
        form.sort.choices = [c for c in SORT_CHOICES if c.value != "relevance"]
    form.sort.data = form.sort.data or ("relevance" if form.q.data else "newest")
    results = None
    if form.validate():
        try:
            results = catalog_service.search_products(
                q=form.q.data,
                category=None if category_ids is not None else (form.category.data or None),
                category_ids=category_ids,
                min_price=form.min_price.data or None,  # MoneyField strips it
                max_price=form.max_price.data or None,
                in_stock=form.in_stock.data,
                sort=form.sort.data,
                page=page_number(),
                per_page=CATALOG_PER_PAGE,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return results, (200 if results is not None else 422)


@bp.get("/products")
@page_cache.cached_page
def catalog():
    categories = catalog_service.list_categories()
    form = CatalogFilterForm(request.args)
    form.category.choices = [ALL_CATEGORIES] + [
        SelectChoice(c.slug, ("– " if c.parent_id else "") + f"{c.name} ({c.product_count})")
        for c in categories
    ]
    args = {k: request.args[k] for k in CATALOG_ARGS if request.args.get(k)}
    results, status = _listing(form)
    return (
        render_template(
            "shop/catalog.html",
            form=form,
            results=results,
            categories=categories,
            current_category=next((c for c in categories if c.slug == form.category.data), None),
            args=args,
        ),
        status,
    )


@bp.get("/c/<slug>")
@page_cache.cached_page
def category(slug: str):
    """A category's page: its products and its subcategories', filtered like the catalog."""
    page = categories_service.category_page(slug)
    if slug != page.category.slug:  # /c/Shoes: one address per page
        return redirect(url_for("shop.category", slug=page.category.slug, **query_args()), 301)
    form = CatalogFilterForm(request.args)
    args = {k: request.args[k] for k in CATALOG_ARGS if request.args.get(k) and k != "category"}
    results, status = _listing(form, category_ids=page.category_ids)
    return (
        render_template("shop/category.html", page=page, form=form, results=results, args=args),
        status,
    )


@bp.get("/products/<int:product_id>")
@bp.get("/products/<int:product_id>-<slug>")
@page_cache.cached_page
def product(product_id: int, slug: str | None = None):
    item = catalog_service.get_product(product_id)
    if slug != item.slug:
        return redirect(product_url(item), code=301)
    form = AddToCartForm(product_id=item.id, next=product_url(item))
    return render_template(
        "shop/product.html",
        product=item,
        form=form,
        alert_form=StockAlertForm(),
        related=categories_service.related_products(item),
        gallery=product_gallery(item, request.args.get("image")),
    )


@bp.post("/products/<int:product_id>/stock-alert")
def subscribe_stock_alert(product_id: int):
    """Email me when it's back: a guest gives an email, a signed-in shopper one click."""
    form = StockAlertForm()
    item = catalog_service.get_product(product_id)
    if form.validate_on_submit():
        count_auth_request(STOCK_ALERTS)
        user_id = current_user.id if current_user.is_authenticated else None
        try:
            alert = stock_alerts.subscribe(product_id, form.email.data or None, user_id)
        except stock_alerts.InStock:
            flash(f"{item.name} is back in stock: you can buy it now.", "info")
            return redirect(product_url(item), code=303)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash(f"We will email {alert.email} once when {item.name} is back.", "success")
            return redirect(product_url(item), code=303)
    add_form = AddToCartForm(product_id=item.id, next=product_url(item))
    return (
        render_template(
            "shop/product.html",
            product=item,
            form=add_form,
            alert_form=form,
            related=categories_service.related_products(item),
            gallery=product_gallery(item),
        ),
        422,
    )


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """The unsubscribe link of a back-in-stock email: a page with one button."""
    try:
        email = stock_alerts.email_of_unsubscribe_token(token)
    except stock_alerts.InvalidUnsubscribeLink:
        abort(404)
    return render_template("shop/unsubscribe.html", email=email, token=token, form=ConfirmForm())


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: mail providers POST here with no token; the signed link is the proof
def unsubscribe_confirmed(token: str):
    try:
        email = stock_alerts.email_of_unsubscribe_token(token)
        stock_alerts.unsubscribe(token)
    except stock_alerts.InvalidUnsubscribeLink:
        abort(404)
    return render_template("shop/unsubscribe.html", email=email, done=True)


def render_product_with_errors(product_id: int, form: AddToCartForm, exc, status: int):
    """The product page again, with the cart's refusal next to the quantity."""
    item = catalog_service.get_product(product_id)
    if exc is not None:
        add_service_errors(form, exc)
    return (
        render_template(
            "shop/product.html",
            product=item,
            form=form,
            alert_form=StockAlertForm(),
            related=categories_service.related_products(item),
            gallery=product_gallery(item),
        ),
        status,
    )


# --- helpers for every template ----------------------------------------------


def product_url(product, **kwargs) -> str:
    return url_for("shop.product", product_id=product.id, slug=product.slug, **kwargs)


@dataclass(frozen=True)
class ProductImages:
    full: str
    thumb: str
    placeholder: bool


def product_images(product) -> ProductImages:
    full, thumb = image_urls(product)
    if not full:
        placeholder = url_for("static", filename="img/placeholder.svg")
        return ProductImages(placeholder, placeholder, True)
    return ProductImages(full, thumb or full, False)


@dataclass(frozen=True)
class StockState:
    level: str  # "in", "low" or "out"
    label: str


def stock_state(product) -> StockState:
    level = inventory_service.stock_level(product)
    if level == "out":
        return StockState("out", "Out of stock")
    if level == "low":
        return StockState("low", f"Only {product.stock_quantity} left")
    return StockState("in", "In stock")


def price_label(product) -> str:
    """The product's price as a card shows it: "From ৳ 12.00" when its variants differ."""
    low, high = variant_service.price_range(product)
    amount = display_money(low, current_app.config["CURRENCY"])
    return f"From {amount}" if high != low else amount


@dataclass(frozen=True)
class VariantChoice:
    """What the product page's picker needs: each option's values, the value
    chosen for each (the form's, else the first variant in stock's), and every
    variant on sale with its price and availability (for the table and the script)."""

    options: list
    chosen: dict
    variants: list


def variant_picker(product) -> VariantChoice | None:
    if not product.options:
        return None
    on_sale = [v for v in product.variants if v.is_active]
    if request.method == "POST":
        chosen = {
            o.name: request.form.get(f"option-{n}", "") for n, o in enumerate(product.options)
        }
    else:
        first = next((v for v in on_sale if v.stock_quantity > 0), on_sale[0] if on_sale else None)
        chosen = first.options if first else {}
    currency = current_app.config["CURRENCY"]
    return VariantChoice(
        options=list(product.options),
        chosen=chosen,
        variants=[
            {
                "id": v.id,
                "values": list(v.option_values),
                "label": v.label,
                "sku": v.sku,
                "price": display_money(v.unit_price, currency),
                "stock": stock_state(v).label,
                "level": stock_state(v).level,
                # Its own picture (the red one shows red), for the script to show.
                "image": image_urls(v)[0] if v.image_path else None,
            }
            for v in on_sale
        ],
    )


def header_cart_count() -> int:
    """Items in the visitor's cart: one query for a customer, none for a guest."""
    if current_user.is_authenticated:
        return cart_service.cart_item_count(current_user.id)
    return guest_cart.count()


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use (money, currency, cart count)."""

    @app.template_filter("money")
    def money_filter(amount) -> str:
        return display_money(amount, app.config["CURRENCY"])

    app.jinja_env.globals.update(
        product_url=product_url,
        product_images=product_images,
        stock_state=stock_state,
        price_label=price_label,
        payment_label=payments.label,
        variant_picker=variant_picker,
        header_cart_count=header_cart_count,
        page_hole=page_cache.hole,
    )
