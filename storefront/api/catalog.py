"""/api/categories and /api/products: the catalog, its images and its stock."""

from __future__ import annotations

from flask import Response, stream_with_context, url_for

from .. import ratelimit
from ..services import catalog, catalog_csv, categories, images, inventory, stock_alerts, variants
from ..services.errors import NotFound
from ..services.images import InvalidImage
from . import ApiBlueprint
from .catalog_cache import answer_from_cache, cached_json
from .errors import problem
from .fast import product_detail_dict, product_page_dict
from .schemas import (
    CategoryCreateSchema,
    CategoryListQuery,
    CategorySchema,
    CategoryUpdateSchema,
    CsvUploadSchema,
    ImagesUploadSchema,
    ImageUpdateSchema,
    ImageUploadSchema,
    ImportQuery,
    ImportReportSchema,
    OptionsInputSchema,
    PagingQuery,
    ProductCreateSchema,
    ProductDetailSchema,
    ProductListQuery,
    ProductPageSchema,
    ProductSearchQuery,
    ProductUpdateSchema,
    StockAdjustmentSchema,
    StockAlertSchema,
    StockMovementPageSchema,
    VariantUpdateSchema,
)
from .security import accepts, admin_only, authenticated, current_user

categories_blp = ApiBlueprint(
    "api_categories",
    __name__,
    url_prefix="/api/categories",
    tag="Categories",
    description="Categories, two levels deep (a top-level category and its "
    "subcategories), with their count of active products. Admins create, change, "
    "reorder and archive them; nothing is deleted.",
)

blp = ApiBlueprint(
    "api_products",
    __name__,
    url_prefix="/api/products",
    tag="Products",
    description="The catalog: anyone reads it; admins change it.",
)
blp.before_request(answer_from_cache)

MULTIPART = "multipart/form-data"
LOCATION_HEADER = {
    "Location": {"description": "The URL of the new resource.", "schema": {"type": "string"}}
}


@categories_blp.route("", methods=["GET"])
@authenticated(categories_blp, optional=True)
@categories_blp.arguments(CategoryListQuery, location="query")
@categories_blp.response(200, CategorySchema(many=True))
def list_categories(args):
    """Every category

    In shop order: each top-level category (by `position`) followed by its
    subcategories (by theirs). `product_count` counts active products; a
    top-level category's includes its subcategories'. Archived categories are
    left out, except for an admin who asks with `include_archived=true`.
    """
    user = current_user()
    if args["include_archived"] and user and user.is_admin:
        return categories.flatten(categories.category_tree(include_archived=True))
    return catalog.list_categories()


def _described(category_id: int):
    """A category as the list shows it (with its count), archived or not."""
    node = next(
        (
            n
            for n in categories.flatten(categories.category_tree(include_archived=True))
            if n.id == category_id
        ),
        None,
    )
    if node is None:  # a subcategory of an archived parent is archived too: listed above
        raise NotFound("No such category.")
    return node


@categories_blp.route("/<id:category_id>", methods=["GET"])
@authenticated(categories_blp, optional=True)
@categories_blp.response(200, CategorySchema)
@categories_blp.alt_response(
    404, response="NOT_FOUND", description="No such category, or archived."
)
def get_category(category_id):
    """One category

    An archived category is 404, except to an admin.
    """
    node = _described(category_id)
    user = current_user()
    if node.is_archived and not (user and user.is_admin):
        raise NotFound("No such category.")
    return node


@categories_blp.route("", methods=["POST"], endpoint="create_category")
@admin_only(categories_blp)
@categories_blp.arguments(
    CategoryCreateSchema,
    example={"name": "Sneakers", "description": "Canvas and leather.", "parent_id": 3},
)
@categories_blp.response(201, CategorySchema, headers=LOCATION_HEADER)
@categories_blp.alt_response(
    409, response="CONFLICT", description="A category of that name exists, in any case."
)
@categories_blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_category(args):
    """Create a category (admin)

    Names are unique whatever their case: a second "shoes" beside "Shoes" is
    409 with `field: "name"`, also when two requests race. The slug is made
    from the name once. A `parent_id` must be a top-level category that is not
    archived (two levels at most). It goes last among its siblings.
    """
    category = categories.create_category(**args)
    return (
        _described(category.id),
        201,
        {"Location": url_for(".get_category", category_id=category.id)},
    )


@categories_blp.route("/<id:category_id>", methods=["PUT"], endpoint="update_category")
@admin_only(categories_blp)
@categories_blp.arguments(CategoryUpdateSchema, example={"name": "Footwear", "position": 0})
@categories_blp.response(200, CategorySchema)
@categories_blp.alt_response(404, response="NOT_FOUND")
@categories_blp.alt_response(
    409,
    response="CONFLICT",
    description="The name is taken (in any case), or restoring under an archived parent.",
)
@categories_blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_category(args, category_id):
    """Change a category (admin)

    Any subset of the fields. Renaming keeps the slug, so links to its page
    keep working. A new `parent_id` puts it last among its new siblings; a
    category with subcategories cannot get a parent. `position` moves it to
    that place among its siblings. `is_archived: true` archives it (and its
    subcategories), `false` restores it.
    """
    categories.update_category(category_id, **args)
    return _described(category_id)


@categories_blp.route("/<id:category_id>", methods=["DELETE"], endpoint="delete_category")
@admin_only(categories_blp)
@categories_blp.response(204)
@categories_blp.alt_response(404, response="NOT_FOUND")
def delete_category(category_id):
    """Archive a category (admin)

    Categories are never deleted: this archives it and its subcategories
    (hidden from the shop, their pages 404). Its products stay in it and stay
    on sale. `PUT` with `is_archived: false` restores it.
    """
    categories.archive_category(category_id)


@blp.route("", methods=["GET"])
@blp.arguments(ProductListQuery, location="query")
@blp.response(200, ProductPageSchema)
def list_products(args):
    """List products

    Archived products are never listed. `category` is a slug or a name;
    prices are inclusive.
    """
    return cached_json(lambda: product_page_dict(catalog.search_products(**args)))


@blp.route("/search", methods=["GET"])
@blp.arguments(ProductSearchQuery, location="query")
@blp.response(200, ProductPageSchema)
def search_products(args):
    """Search products

    As the list, with `q` required; ordered by relevance unless `sort` says
    otherwise.
    """
    return cached_json(lambda: product_page_dict(catalog.search_products(**args)))


@blp.route("/<id:product_id>", methods=["GET"])
@authenticated(blp, optional=True)
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such product, or archived.")
def get_product(product_id):
    """One product

    An archived product is 404, except to an admin.
    """
    user = current_user()
    admin = bool(user and user.is_admin)
    return cached_json(
        lambda: product_detail_dict(catalog.get_product(product_id, include_inactive=admin)),
        shared=not admin,
    )


@blp.route("", methods=["POST"], endpoint="create_product")
@admin_only(blp)
@blp.arguments(
    ProductCreateSchema,
    example={
        "name": "Ceramic Mug",
        "description": "Stoneware, 350 ml.",
        "price": "12.50",
        "stock_quantity": 10,
        "category": "Home & Kitchen",
    },
)
@blp.response(201, ProductDetailSchema, headers=LOCATION_HEADER)
def create_product(args):
    """Create a product (admin)

    The category is chosen by `category_id`, or by `category` (an existing
    category's name, in any case); an unknown or archived one is 422 on that
    field: categories are made with `POST /api/categories`, never here. Opening
    stock is written to the stock ledger as an `initial` movement.
    """
    product = catalog.create_product(actor_id=current_user().id, **args)
    product = catalog.get_product(product.id, include_inactive=True)
    return product, 201, {"Location": url_for(".get_product", product_id=product.id)}


@blp.route("/<id:product_id>", methods=["PUT"], endpoint="update_product")
@admin_only(blp)
@blp.arguments(ProductUpdateSchema, example={"price": "11.00", "stock_quantity": 25})
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def update_product(args, product_id):
    """Change a product (admin)

    Any subset of the fields. A new `stock_quantity` writes an `adjustment`
    movement for the difference; `is_active: false` archives.
    """
    return catalog.update_product(product_id, actor_id=current_user().id, **args)


@blp.route("/<id:product_id>", methods=["DELETE"], endpoint="delete_product")
@admin_only(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def delete_product(product_id):
    """Delete a product (admin)

    A product that any order refers to is archived instead, so orders keep it.
    """
    catalog.delete_product(product_id)


@blp.route("/<id:product_id>/image", methods=["POST"], endpoint="upload_image")
@accepts(MULTIPART)
@admin_only(blp)
@blp.arguments(ImageUploadSchema, location="files")
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE", description="Over MAX_IMAGE_BYTES.")
def upload_image(files, product_id):
    """Set a product's cover image (admin)

    Multipart field `image`: a JPEG, PNG or WebP judged by its content (not
    its name or declared type), at most `MAX_IMAGE_BYTES` (413) and 40
    megapixels (422). It is re-encoded without metadata and stored under a
    name made from its content, with a thumbnail and narrower copies. It
    replaces the gallery's cover (or becomes it); the old files are removed
    unless another image uses them. `POST .../images` adds to the gallery.
    """
    upload = files.get("image")
    if upload is None or not hasattr(upload, "stream"):
        raise InvalidImage("Upload a file in the multipart field 'image'.")
    return images.replace_product_image(product_id, upload.stream)


@blp.route("/<id:product_id>/images", methods=["POST"], endpoint="add_images")
@accepts(MULTIPART)
@admin_only(blp)
@blp.arguments(ImagesUploadSchema, location="multipart")
@blp.response(201, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    413, response="REQUEST_ENTITY_TOO_LARGE", description="A file over MAX_IMAGE_BYTES."
)
def add_images(args, product_id):
    """Add images to a product's gallery (admin)

    Multipart: the field `image` repeated, one file each (at most 10 at once,
    20 per product), and optionally `alt` for all of them. Each file is
    checked as the cover's upload is; one refused file refuses them all, the
    message naming it, and nothing is stored. They are added after the
    gallery's last image; a product without images gets its cover. Answers
    the product with its gallery.
    """
    uploads = [
        images.Upload(getattr(f, "filename", "") or "", f.stream)
        for f in args["image"]
        if hasattr(f, "stream")
    ]
    if len(uploads) != len(args["image"]):
        raise InvalidImage("Upload files in the multipart field 'image'.")
    images.add_images(
        product_id, uploads, alt=args.get("alt", ""), variant_id=args.get("variant_id")
    )
    return catalog.get_product(product_id, include_inactive=True), 201


@blp.route("/<id:product_id>/images/<id:image_id>", methods=["PUT"], endpoint="update_image")
@admin_only(blp)
@blp.arguments(ImageUpdateSchema, example={"alt": "The mug from above", "position": 0})
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such product, or image of it.")
def update_image(args, product_id, image_id):
    """Change an image's alt text or position (admin)

    `position` 0 makes it the cover (the others shift down); a position past
    the last image is 422. Answers the product with its gallery.
    """
    changes = {"variant_id": args["variant_id"]} if "variant_id" in args else {}
    images.update_image(
        product_id, image_id, alt=args.get("alt"), position=args.get("position"), **changes
    )
    return catalog.get_product(product_id, include_inactive=True)


@blp.route("/<id:product_id>/images/<id:image_id>", methods=["DELETE"], endpoint="delete_image")
@admin_only(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND", description="No such product, or image of it.")
def delete_image(product_id, image_id):
    """Remove an image from a product's gallery (admin)

    The next image becomes the cover if it was the cover. Its files are
    removed unless another image uses the same content.
    """
    images.remove_image(product_id, image_id)


@blp.route("/<id:product_id>/stock", methods=["POST"], endpoint="adjust_stock")
@admin_only(blp)
@blp.arguments(StockAdjustmentSchema)
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    409,
    response="CONFLICT",
    description="The stock would go below zero, or above 1,000,000,000.",
)
def adjust_stock(args, product_id):
    """Adjust stock (admin)

    A signed, non-zero `delta` with a `note` saying why; written to the ledger.
    """
    return inventory.adjust_stock(
        product_id,
        args["delta"],
        args["note"],
        current_user().id,
        variant_id=args.get("variant_id"),
    )


@blp.route("/<id:product_id>/options", methods=["PUT"], endpoint="set_options")
@admin_only(blp)
@blp.arguments(
    OptionsInputSchema,
    example={
        "options": [
            {"name": "Size", "values": ["S", "M", "L"]},
            {"name": "Colour", "values": ["Red", "Blue"]},
        ]
    },
)
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="A variant to remove still has stock.")
def set_options(args, product_id):
    """Set a product's options (admin)

    Its variants become one per combination of the values (at most 100): a
    combination that has a variant keeps it; a product without options gives
    its one variant, stock and all, to the first combination; new ones start
    with no stock and the product's price. A variant whose combination is gone
    is deleted, or archived when an order or the ledger names it; one with
    stock is refused (409). `{"options": []}` goes back to one variant.
    """
    return variants.set_options(product_id, args["options"], actor_id=current_user().id)


@blp.route(
    "/<id:product_id>/variants/<id:variant_id>", methods=["PATCH"], endpoint="update_variant"
)
@admin_only(blp)
@blp.arguments(VariantUpdateSchema, example={"sku": "TEE-M-BLUE", "price": "15.00"})
@blp.response(200, ProductDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The stock would go out of range.")
def update_variant(args, product_id, variant_id):
    """Change a variant (admin)

    Any of `sku` (unique), `price` (null: the product's), `stock_quantity` (a
    new figure writes an `adjustment` movement) and `is_active`.
    """
    return variants.update_variants(product_id, {variant_id: args}, actor_id=current_user().id)


@blp.route("/<id:product_id>/stock-movements", methods=["GET"], endpoint="stock_movements")
@admin_only(blp)
@blp.arguments(PagingQuery, location="query")
@blp.response(200, StockMovementPageSchema)
@blp.alt_response(404, response="NOT_FOUND")
def stock_movements(args, product_id):
    """A product's stock ledger (admin)

    Newest first.
    """
    return inventory.list_movements(product_id, **args)


@blp.route("/<id:product_id>/stock-alerts", methods=["POST"], endpoint="subscribe_stock_alert")
@ratelimit.limit_requests(ratelimit.STOCK_ALERTS)
@authenticated(blp, optional=True)
@blp.arguments(StockAlertSchema, example={"email": "asha@example.com"})
@blp.response(202, description="Subscribed (or already was); the body is empty.")
@blp.alt_response(404, response="NOT_FOUND", description="No such product, or archived.")
@blp.alt_response(409, response="CONFLICT", description="The product is in stock.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def subscribe_stock_alert(args, product_id):
    """Email me when it's back

    Anyone, for an out-of-stock product: one email when its stock comes back,
    then the subscription ends. A signed-in customer may leave out `email`.
    202 whether or not the address was already waiting. Rate limited per
    client address with login.
    """
    user = current_user()
    stock_alerts.subscribe(product_id, args.get("email"), user.id if user else None)
    return Response(status=202)


@blp.route("/export.csv", methods=["GET"], endpoint="export_csv")
@admin_only(blp)
@blp.response(
    200,
    content_type="text/csv",
    description="A header, then one row per variant (docs/variants.md: CSV).",
)
def export_csv():
    """Export the catalog as CSV (admin)

    One row per variant, products in id order: the product's fields, the
    variant's options, SKU, price, stock and state, the product's image files.
    Importing it unchanged changes nothing.
    """
    response = Response(stream_with_context(catalog_csv.export_csv()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="products.csv"'
    return response


@blp.route("/import", methods=["POST"], endpoint="import_csv")
@accepts(MULTIPART)
@admin_only(blp)
@blp.arguments(ImportQuery, location="query")
@blp.arguments(CsvUploadSchema, location="files")
@blp.response(200, ImportReportSchema)
@blp.alt_response(
    422, response="UNPROCESSABLE_ENTITY", description="A refused row (`rows`), or a bad file."
)
def import_csv(query, files):
    """Import a catalog CSV (admin)

    The export's columns. With `dry_run=true`, every row is checked and
    reported (create, update, unchanged, refuse, with reasons) and nothing
    changes. Without, nothing is applied when any row is refused (422 with the
    rows); otherwise everything is applied in one transaction, stock changes as
    `import` movements in the ledger.
    """
    upload = files.get("file")
    if upload is None or not hasattr(upload, "stream"):
        return problem(
            422,
            "Upload a CSV file in the multipart field 'file'.",
            code="validation_failed",
            errors=[{"field": "file", "message": "Upload a CSV file."}],
        )
    report = catalog_csv.import_products(
        upload.stream, dry_run=query["dry_run"], actor_id=current_user().id
    )
    body = ImportReportSchema().dump(report)
    if report.refused and not query["dry_run"]:
        return problem(
            422,
            f"Nothing was imported: {len(report.refused)} row(s) refused.",
            code="import_refused",
            rows=body["rows"],
            summary=body["summary"],
        )
    return body
