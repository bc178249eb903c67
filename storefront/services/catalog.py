"""The catalog: products and categories, search and filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, delete, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..extensions import db
from ..models import CartItem, Category, OrderItem, Product, ProductVariant, StockMovement
from . import categories
from . import variants as variant_service
from ._sql import LIKE_ESCAPE, contains_pattern, is_storable_id
from ._tx import transactional
from .errors import NotFound, ValidationError
from .inventory import MAX_STOCK, lock_product_variants, lock_products, record_movement
from .money import parse_money
from .pagination import Page, check_paging, paginate

SORTS = ("newest", "price_asc", "price_desc", "name", "relevance")
MAX_NAME = 200


def slugify(text: str, max_length: int = 200) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_length].strip("-") or "item"


def list_categories() -> list[categories.CategoryNode]:
    """The categories the shop shows, each parent followed by its subcategories,
    with how many active products each has (a parent's count includes its
    subcategories')."""
    return categories.flatten(categories.category_tree())


def _parse_price_filter(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return parse_money(value, field=field)


def search_products(
    q: str | None = None,
    category: str | None = None,
    min_price=None,
    max_price=None,
    in_stock: bool = False,
    sort: str | None = None,
    page: int = 1,
    per_page: int = 20,
    *,
    include_inactive: bool = False,
    active: bool | None = None,
    low_stock_below: int | None = None,
    category_ids: list[int] | None = None,
) -> Page[Product]:
    """The catalog query behind the shop's list, the API's list and the admin table.

    ``q`` matches name, description and category name, case-insensitively, as
    substrings (and, on PostgreSQL, as words in any English form: see
    ``_TextSearch``); every word must match somewhere, and the results are
    ranked (``relevance``) unless another sort is asked for. Shoppers never see archived
    products; admins may (``include_inactive``, optionally ``active``).
    ``category`` (a slug, or a name in any case) keeps the products of that
    category and of its subcategories; ``category_ids`` those of exactly these
    categories (a category page, which has resolved its slug already).
    """
    # One join: the category both filters (search) and fills product.category.
    stmt = (
        select(Product)
        .outerjoin(Product.category)
        .options(
            contains_eager(Product.category),
            selectinload(Product.options),
            selectinload(Product.variants),
        )
    )
    if not include_inactive:
        stmt = stmt.where(Product.is_active.is_(True))
    elif active is not None:
        stmt = stmt.where(Product.is_active.is_(active))

    terms = (q or "").split()
    search = _TextSearch(terms, db.engine.dialect.name) if terms else None
    for term in terms:
        pattern = contains_pattern(term)
        matches = search.word_matches(term, pattern)
        # Categories are few: find those the word names first, so that every arm
        # of the OR is a condition on products an index can answer.
        named_ids = list(
            db.session.scalars(
                select(Category.id).where(
                    func.lower(Category.name).like(pattern, escape=LIKE_ESCAPE),
                    Category.is_archived.is_(False),
                )
            )
        )
        if named_ids:
            matches.append(Product.category_id.in_(named_ids))
        # A word that is a variant's SKU (exactly, in any case) finds its product.
        sku_product_ids = list(
            db.session.scalars(
                select(ProductVariant.product_id).where(ProductVariant.sku == term.upper())
            )
        )
        if sku_product_ids:
            matches.append(Product.id.in_(sku_product_ids))
        if len(matches) == 1 and search.takes_alone(term):
            search.alone.append(term)  # one full-text query for all such words (below)
            continue
        stmt = stmt.where(or_(*matches))
    if category:
        scope = categories.category_scope(category, include_archived=include_inactive)
        if scope is None:
            check_paging(page, per_page)
            return Page(items=[], page=page, per_page=per_page, total=0)
        stmt = stmt.where(Product.category_id.in_(scope))
    if category_ids is not None:
        stmt = stmt.where(Product.category_id.in_(category_ids))
    low = _parse_price_filter(min_price, "min_price")
    high = _parse_price_filter(max_price, "max_price")
    if low is not None and high is not None and low > high:
        raise ValidationError("The lowest price is above the highest.", field="min_price")
    if low is not None:
        stmt = stmt.where(Product.min_price >= low)
    if high is not None:
        stmt = stmt.where(Product.min_price <= high)
    if in_stock:
        stmt = stmt.where(Product.stock_quantity > 0)
    if low_stock_below is not None:
        stmt = stmt.where(Product.stock_quantity <= low_stock_below)

    sort = sort or ("relevance" if terms else "newest")
    if sort not in SORTS:
        raise ValidationError(f"Sort by one of: {', '.join(SORTS)}.", field="sort")
    text_rank = []
    if search is not None:
        stmt, text_rank = search.apply(stmt, ranked=sort == "relevance")
    if sort == "relevance" and terms:
        phrase = " ".join(terms).lower()
        name = func.lower(Product.name)
        rank = case(
            (name == phrase, 0),
            (name.like(f"{contains_pattern(phrase)[1:]}", escape=LIKE_ESCAPE), 1),
            (name.like(contains_pattern(phrase), escape=LIKE_ESCAPE), 2),
            else_=3,
        )
        # Then the text search's rank (a word in the name outweighs one in the
        # description), then the newest.
        stmt = stmt.order_by(rank, *text_rank, Product.created_at.desc(), Product.id.desc())
    elif sort == "price_asc":
        stmt = stmt.order_by(Product.min_price.asc(), Product.id.asc())
    elif sort == "price_desc":
        stmt = stmt.order_by(Product.min_price.desc(), Product.id.desc())
    elif sort == "name":
        stmt = stmt.order_by(func.lower(Product.name).asc(), Product.id.asc())
    else:
        stmt = stmt.order_by(Product.created_at.desc(), Product.id.desc())
    return paginate(stmt, page, per_page)


# --- full-text search (migration c13a) ---------------------------------------------
#
# A word of the query matches a product when it is a substring of its name or
# description (any case: the spec's rule, kept), or, on PostgreSQL, when it
# matches one of their words as full-text search understands them.
#
# PostgreSQL: ``products.search_vector`` is the name (weight A) and description
# (weight B) parsed with the ``english`` configuration, under a GIN index. A
# word (three or more letters and digits) is searched as a prefix of a stemmed word
# (``to_tsquery('english', 'word:*')``): "mugs" then finds "Mug" and "batteries"
# finds "Battery", which no substring rule does; "mug" finds "Mugs" both ways.
# ``english`` rather than ``simple``: with ``simple`` every full-text match is
# also a substring match, so the index would add nothing the trigram indexes
# do not; ``english`` adds word forms. Its stop words ("with", "the") make an
# empty query that matches nothing, and the substring rule still finds them.
# pg_trgm's indexes on lower(name) and lower(description) (0005) answer the
# substrings of three characters or more; shorter words are read from the table.
# The words are built into the query in Python (``to_tsquery``, not
# ``websearch_to_tsquery``) because each must match on its own and a word with
# punctuation ("usb-c", "(27)") is left to the substring rule.
# Relevance: ``ts_rank`` of all the words against the weighted vector, so a
# word in the name outranks one in the description.
#
# SQLite: ``products_fts`` (FTS5, trigram tokenizer) indexes name and
# description; a word of three characters or more (the trigram minimum) is a
# phrase query there, which is a case-insensitive substring match, and shorter
# words use LIKE on the table. Relevance: ``bm25`` with the name weighted ten
# times the description.

SEARCH_CONFIG = "english"
TRIGRAM_MIN = 3
_FTS_WORD = re.compile(r"[^\W_]+")
_NAME_WEIGHT, _DESCRIPTION_WEIGHT = "10.0", "1.0"  # SQLite's bm25 column weights


class _TextSearch:
    """The text-search conditions and ranking of one query, for one database."""

    def __init__(self, terms: list[str], dialect: str):
        self.terms = terms
        self.dialect = dialect
        # SQLite: the words that only the FTS table can match (no category, no SKU),
        # searched together in one query that also ranks them.
        self.alone: list[str] = []

    # PostgreSQL --------------------------------------------------------------------
    @staticmethod
    def _vector():
        return literal_column("products.search_vector")

    @staticmethod
    def _tsquery(text_query: str):
        return func.to_tsquery(literal_column(f"'{SEARCH_CONFIG}'::regconfig"), text_query)

    @staticmethod
    def _full_text_word(term: str) -> bool:
        """Letters and digits, three or more: a shorter word is read from the table
        for its substrings anyway, where a full-text test on every row adds cost."""
        return len(term) >= TRIGRAM_MIN and bool(_FTS_WORD.fullmatch(term))

    # SQLite ------------------------------------------------------------------------
    @staticmethod
    def _phrases(terms: list[str]) -> str:
        return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)

    @staticmethod
    def _fts_matches(terms: list[str], ranked: bool):
        """A subquery of the products whose name or description holds every one of
        ``terms``, with their ``score`` when ``ranked``."""
        fts = literal_column("products_fts")
        columns = [literal_column("rowid").label("product_id")]
        if ranked:
            weights = literal_column(_NAME_WEIGHT), literal_column(_DESCRIPTION_WEIGHT)
            columns.append(func.bm25(fts, *weights).label("score"))
        return (
            select(*columns)
            .select_from(table("products_fts"))
            .where(fts.op("MATCH")(_TextSearch._phrases(terms)))
            .subquery("fts_matches")
        )

    def takes_alone(self, term: str) -> bool:
        return self.dialect == "sqlite" and len(term) >= TRIGRAM_MIN

    def word_matches(self, term: str, pattern: str) -> list:
        """The conditions on products any one of which makes ``term`` match."""
        name_like = func.lower(Product.name).like(pattern, escape=LIKE_ESCAPE)
        description_like = func.lower(Product.description).like(pattern, escape=LIKE_ESCAPE)
        if self.dialect == "postgresql":
            matches = [name_like, description_like]
            if self._full_text_word(term):
                matches.append(self._vector().bool_op("@@")(self._tsquery(f"{term.lower()}:*")))
            return matches
        if self.takes_alone(term):
            in_fts = select(self._fts_matches([term], ranked=False).c.product_id)
            return [Product.id.in_(in_fts)]
        return [name_like, description_like]

    def apply(self, stmt, *, ranked: bool):
        """``stmt`` with the words searched together, and the ORDER BY terms of the
        text rank when ``ranked``."""
        if self.dialect == "postgresql":
            words = [t.lower() for t in self.terms if self._full_text_word(t)]
            if not (ranked and words):
                return stmt, []
            query = self._tsquery(" | ".join(f"{w}:*" for w in words))
            # Only stop words ("with"): an empty query, nothing to rank. PostgreSQL
            # folds the test to a constant, so no row's vector is read for it.
            rank = case((func.numnode(query) == 0, 0.0), else_=func.ts_rank(self._vector(), query))
            return stmt, [rank.desc()]
        if self.dialect != "sqlite":
            return stmt, []
        if self.alone:
            found = self._fts_matches(self.alone, ranked)
            stmt = stmt.join(found, found.c.product_id == Product.id)
            # bm25 is negative: lower is better.
            return stmt, [found.c.score.asc()] if ranked else []
        long_terms = [t for t in self.terms if self.takes_alone(t)]
        if not (ranked and long_terms):
            return stmt, []
        scores = self._fts_matches(long_terms, ranked=True)
        stmt = stmt.outerjoin(scores, scores.c.product_id == Product.id)
        # A product matched through its category or SKU comes after the text matches.
        return stmt, [func.coalesce(scores.c.score, 0).asc()]


def get_product(product_id: int, *, include_inactive: bool = False) -> Product:
    if not is_storable_id(product_id):
        raise NotFound("No such product.")
    product = db.session.scalar(
        select(Product)
        .options(
            joinedload(Product.category),
            selectinload(Product.options),
            selectinload(Product.variants),
        )
        .where(Product.id == product_id)
    )
    if product is None or (not product.is_active and not include_inactive):
        raise NotFound("No such product.")
    return product


def _chosen_category(fields: dict, current_id: int | None = None) -> Category | None:
    if "category_id" in fields:
        return categories.category_for_product(
            category_id=fields["category_id"], by_id=True, current_id=current_id
        )
    return categories.category_for_product(
        name=fields.get("category"), by_id=False, current_id=current_id
    )


def _clean_fields(fields: dict) -> dict:
    """Check and normalise product fields given by a form or the API."""
    clean = {}
    errors = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name or len(name) > MAX_NAME:
            errors["name"] = f"A name has 1 to {MAX_NAME} characters."
        clean["name"] = name
    if "description" in fields:
        clean["description"] = (fields["description"] or "").strip()
    if "price" in fields:
        try:
            clean["price"] = parse_money(fields["price"], field="price")
        except ValidationError as exc:
            errors["price"] = exc.message
    if "stock_quantity" in fields:
        stock = fields["stock_quantity"]
        if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
            errors["stock_quantity"] = "Stock is a whole number, zero or more."
        clean["stock_quantity"] = stock
    if "is_active" in fields:
        clean["is_active"] = bool(fields["is_active"])
    if "category" in fields and "category_id" in fields:
        errors["category_id"] = "Choose the category by category_id or by name, not both."
    elif "category" in fields:
        clean["category"] = (fields["category"] or "").strip() or None
    elif "category_id" in fields:
        clean["category_id"] = fields["category_id"]
    if errors:
        raise ValidationError("Invalid product.", errors=errors)
    return clean


@transactional
def create_product(
    name: str,
    price,
    stock_quantity: int = 0,
    description: str = "",
    category: str | None = None,
    is_active: bool = True,
    actor_id: int | None = None,
    category_id: int | None = None,
    sku: str | None = None,
) -> Product:
    """A new product with its one variant (``sku``, or ``P<id>``); its opening stock
    is the ledger's ``initial`` movement.

    Its category is chosen by ``category_id``, or named by ``category`` (any
    case): an existing category that is not archived, never created here.
    """
    given = {
        "name": name,
        "price": price,
        "stock_quantity": stock_quantity,
        "description": description,
        "is_active": is_active,
    }
    if category is not None:
        given["category"] = category
    if category_id is not None:
        given["category_id"] = category_id
    fields = _clean_fields(given)
    product = Product(
        name=fields["name"],
        slug=slugify(fields["name"]),
        description=fields["description"],
        price=fields["price"],
        min_price=fields["price"],
        stock_quantity=0,
        is_active=fields["is_active"],
        category=_chosen_category(fields),
    )
    db.session.add(product)
    db.session.flush()
    variant = variant_service.create_default_variant(product, sku)
    if fields["stock_quantity"]:
        record_movement(variant, fields["stock_quantity"], "initial", actor_id=actor_id)
    db.session.flush()
    return product


@transactional
def update_product(product_id: int, actor_id: int | None = None, **fields) -> Product:
    """Change any of a product's fields; a new stock figure is an ``adjustment``
    (only for a product with one variant: others set stock per variant)."""
    clean = _clean_fields(fields)
    product, variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    if "stock_quantity" in clean and len(variants) != 1:
        raise ValidationError(
            "This product has several variants: set the stock of each variant.",
            field="stock_quantity",
        )
    if "name" in clean:
        product.name = clean["name"]
        product.slug = slugify(clean["name"])
    for key in ("description", "price", "is_active"):
        if key in clean:
            setattr(product, key, clean[key])
    if "category" in clean or "category_id" in clean:
        product.category = _chosen_category(clean, current_id=product.category_id)
    if "stock_quantity" in clean:
        delta = clean["stock_quantity"] - product.stock_quantity
        if delta:
            record_movement(
                variants[0], delta, "adjustment", actor_id=actor_id, note="Set by product update"
            )
    if "price" in clean:
        variant_service.refresh_price(product, variants)
    db.session.flush()
    return product


def archive_product(product_id: int, actor_id: int | None = None) -> Product:
    return update_product(product_id, actor_id=actor_id, is_active=False)


def restore_product(product_id: int, actor_id: int | None = None) -> Product:
    return update_product(product_id, actor_id=actor_id, is_active=True)


@transactional
def delete_product(product_id: int) -> str:
    """Delete a product no order refers to; archive one that an order does.

    Returns ``"deleted"`` or ``"archived"``.
    """
    product, variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    ordered = db.session.scalar(select(exists().where(OrderItem.product_id == product_id)))
    if ordered:
        product.is_active = False
        db.session.flush()
        return "archived"
    db.session.execute(delete(CartItem).where(CartItem.product_id == product_id))
    db.session.execute(delete(StockMovement).where(StockMovement.product_id == product_id))
    for variant in variants:
        db.session.delete(variant)
    db.session.flush()
    db.session.delete(product)
    db.session.flush()
    return "deleted"


@transactional
def set_product_image(product_id: int, image_path: str | None) -> tuple[Product, str | None]:
    """Point a product at a stored image; returns the product and the path it replaced."""
    product = lock_products([product_id]).get(product_id)
    if product is None:
        raise NotFound("No such product.")
    old = product.image_path
    product.image_path = image_path
    db.session.flush()
    return product, old


# A sitemap file holds at most 50,000 URLs (sitemaps.org); the newest products first.
SITEMAP_MAX_PRODUCTS = 49_000


@dataclass(frozen=True)
class SitemapEntry:
    id: int
    slug: str
    updated_at: datetime


def sitemap_products(limit: int = SITEMAP_MAX_PRODUCTS) -> list[SitemapEntry]:
    """The active products a search engine may list, newest change first, bounded."""
    rows = db.session.execute(
        select(Product.id, Product.slug, Product.updated_at)
        .where(Product.is_active.is_(True))
        .order_by(Product.updated_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return [SitemapEntry(*row) for row in rows]
