"""Shopper pages: home, catalog, product; and the helpers every template uses."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..media import image_urls
from ..services import cart as cart_service
from ..services import catalog as catalog_service
from ..services import inventory as inventory_service
from ..services.errors import NotFound, ValidationError
from ..services.money import display_money
from . import guest_cart
from .forms import (
    ALL_CATEGORIES,
    SORT_CHOICES,
    AddToCartForm,
    CatalogFilterForm,
    SelectChoice,
    add_service_errors,
    page_number,
)

bp = Blueprint("shop", __name__)

CATALOG_PER_PAGE = 20
HOME_NEWEST = 8
# The catalog's query parameters, in the API's names; nothing else is kept in links.
CATALOG_ARGS = ("q", "category", "min_price", "max_price", "in_stock", "sort")


@bp.get("/")
def home():
    newest = catalog_service.search_products(in_stock=True, sort="newest", per_page=HOME_NEWEST)
    return render_template(
        "shop/home.html", categories=catalog_service.list_categories(), newest=newest.items
    )


@bp.get("/products")
def catalog():
    categories = catalog_service.list_categories()
    form = CatalogFilterForm(request.args)
    form.category.choices = [ALL_CATEGORIES] + [
        SelectChoice(c.slug, f"{c.name} ({c.product_count})") for c in categories
    ]
    # Relevance only means something with a search; without one, newest first.
    if not form.q.data:
        form.sort.choices = [c for c in SORT_CHOICES if c.value != "relevance"]
    form.sort.data = form.sort.data or ("relevance" if form.q.data else "newest")
    args = {k: request.args[k] for k in CATALOG_ARGS if request.args.get(k)}
    results = None
    status = 200
    if form.validate():
        try:
            results = catalog_service.search_products(
                q=form.q.data,
                category=form.category.data or None,
                min_price=(form.min_price.data or "").strip() or None,
                max_price=(form.max_price.data or "").strip() or None,
                in_stock=form.in_stock.data,
                sort=form.sort.data,
                page=page_number(),
                per_page=CATALOG_PER_PAGE,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if results is None:
        status = 422
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


@bp.get("/products/<int:product_id>")
@bp.get("/products/<int:product_id>-<slug>")
def product(product_id: int, slug: str | None = None):
    try:
        item = catalog_service.get_product(product_id)
    except NotFound:
        abort(404)
    if slug != item.slug:
        return redirect(product_url(item), code=301)
    form = AddToCartForm(product_id=item.id, next=product_url(item))
    return render_template("shop/product.html", product=item, form=form)


def render_product_with_errors(product_id: int, form: AddToCartForm, exc, status: int):
    """The product page again, with the cart's refusal next to the quantity."""
    try:
        item = catalog_service.get_product(product_id)
    except NotFound:
        abort(404)
    if exc is not None:
        add_service_errors(form, exc)
    return render_template("shop/product.html", product=item, form=form), status


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
        header_cart_count=header_cart_count,
    )
