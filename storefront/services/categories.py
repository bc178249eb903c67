"""Managed categories: a tree of two levels, ordered, archived rather than deleted.

Rules kept here (docs/catalog.md tells the why):

- A name is unique whatever its case; the database's unique index on
  ``lower(name)`` decides when two admins create "Shoes" and "shoes" at once,
  and the loser gets ``DuplicateCategory`` (409 on ``name``), never a 500.
- Two levels: a category with a parent is a subcategory; a subcategory cannot
  be a parent, and a category with subcategories cannot get a parent. The
  rows involved are locked (ascending id) before the check, so two admins
  cannot build a third level between them.
- The slug is chosen once, at creation: renaming keeps it, so /c/<slug> links
  already handed out keep working.
- Nothing is deleted: archiving hides a category (and its subcategories, which
  are archived with it) from the shop; its products stay where they are and stay
  on sale. A subcategory cannot be restored under an archived parent.
- ``position`` orders siblings; moving renumbers them 0..n-1.

Every change flushes a ``Category``, so the catalog version is bumped in the
same transaction (storefront/services/catalog_version.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Category, Product
from ._sql import is_storable_id
from ._tx import transactional
from .errors import Conflict, NotFound, ValidationError

MAX_NAME = 100
SLUG_SHAPE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?")
MAX_DESCRIPTION = 10_000
MAX_SLUG = 110
MAX_POSITION = 1_000_000
RELATED_PRODUCTS = 4


class DuplicateCategory(Conflict):
    """Another category already has this name (in any case)."""

    field = "name"

    def __init__(self, name: str):
        super().__init__(f"A category named “{name}” already exists.")


class ParentArchived(Conflict):
    """A subcategory cannot come back while its parent is archived."""

    field = "parent_id"


def slugify(text: str, max_length: int) -> str:
    from .catalog import slugify as catalog_slugify  # one slug rule for products and categories

    return catalog_slugify(text, max_length)


# --- reading -------------------------------------------------------------------------


@dataclass
class CategoryNode:
    """A category as a list shows it, with its active products counted.

    ``product_count`` of a top-level category includes its subcategories'
    products: it is what its page and the catalog's filter show.
    """

    id: int
    name: str
    slug: str
    description: str
    parent_id: int | None
    position: int
    is_archived: bool
    product_count: int
    children: list[CategoryNode] = field(default_factory=list)
    own_product_count: int = 0

    @property
    def depth(self) -> int:
        return 0 if self.parent_id is None else 1


def _tree_order(nodes: list[CategoryNode]) -> list[CategoryNode]:
    """Top-level categories by position then name, each with its children so ordered."""
    key = lambda n: (n.position, n.name.lower(), n.id)  # noqa: E731
    by_id = {n.id: n for n in nodes}
    roots = []
    for node in sorted(nodes, key=key):
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        if node.parent_id is None:
            roots.append(node)
        elif parent is not None:
            parent.children.append(node)
        # A child whose parent is not in the list (archived) is not shown at all.
    for root in roots:
        root.product_count = root.own_product_count + sum(
            c.own_product_count for c in root.children
        )
    return roots


def category_tree(*, include_archived: bool = False) -> list[CategoryNode]:
    """The categories as a tree (top level, each with its subcategories), in shop order.

    One query. Without ``include_archived``, what the shop shows.
    """
    count = func.count(Product.id)
    stmt = (
        select(
            Category.id,
            Category.name,
            Category.slug,
            Category.description,
            Category.parent_id,
            Category.position,
            Category.is_archived,
            count,
        )
        .outerjoin(Product, (Product.category_id == Category.id) & Product.is_active.is_(True))
        .group_by(Category.id)
    )
    if not include_archived:
        stmt = stmt.where(Category.is_archived.is_(False))
    nodes = []
    for row in db.session.execute(stmt):
        *fields_, own = row
        nodes.append(CategoryNode(*fields_, product_count=own, own_product_count=own))
    return _tree_order(nodes)


def flatten(tree: list[CategoryNode]) -> list[CategoryNode]:
    """The tree as one list: each parent followed by its children."""
    return [n for root in tree for n in (root, *root.children)]


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id) if is_storable_id(category_id) else None
    if category is None:
        raise NotFound("No such category.")
    return category


@dataclass(frozen=True)
class CategoryPage:
    """What /c/<slug> shows besides the products: where it sits, what it holds."""

    category: Category
    parent: Category | None
    subcategories: list[Category]

    @property
    def category_ids(self) -> list[int]:
        return [self.category.id, *(c.id for c in self.subcategories)]


def category_page(slug: str) -> CategoryPage:
    """A shown category by its slug, with its parent and its shown subcategories.

    Archived (or unknown): NotFound. One query.
    """
    slug = (slug or "").strip().lower()
    if not SLUG_SHAPE.fullmatch(slug):  # nothing else can be a slug (nor reach the query)
        raise NotFound("No such category.")
    target = select(Category.id).where(Category.slug == slug).scalar_subquery()
    parent = select(Category.parent_id).where(Category.slug == slug).scalar_subquery()
    rows = db.session.scalars(
        select(Category).where(
            Category.is_archived.is_(False),
            or_(Category.slug == slug, Category.parent_id == target, Category.id == parent),
        )
    ).all()
    category = next((c for c in rows if c.slug == slug), None)
    if category is None:
        raise NotFound("No such category.")
    subcategories = sorted(
        (c for c in rows if c.parent_id == category.id),
        key=lambda c: (c.position, c.name.lower(), c.id),
    )
    parent_row = next((c for c in rows if c.id == category.parent_id), None)
    return CategoryPage(category, parent_row, subcategories)


def category_scope(ref: str, *, include_archived: bool = False) -> list[int] | None:
    """The ids a catalog ``category`` filter covers: the category a slug or name
    (any case) names, and its subcategories. None when it names no shown category
    (with ``include_archived``, for the back office: no category at all).

    One query: a slug match wins over a name match.
    """
    ref = (ref or "").strip().lower()
    if not ref:
        return None
    shown = True if include_archived else Category.is_archived.is_(False)
    named = or_(Category.slug == ref, func.lower(Category.name) == ref)
    matches = select(Category.id).where(named, shown)
    rows = db.session.execute(
        select(Category.id, Category.parent_id, Category.slug, func.lower(Category.name)).where(
            shown, or_(Category.id.in_(matches), Category.parent_id.in_(matches))
        )
    ).all()
    chosen = next((r for r in rows if r.slug == ref), None) or next(
        (r for r in rows if r[3] == ref), None
    )
    if chosen is None:
        return None
    return [chosen.id, *(r.id for r in rows if r.parent_id == chosen.id)]


def related_products(product: Product, limit: int = RELATED_PRODUCTS) -> list[Product]:
    """Up to ``limit`` other active, in-stock products of the product's category.

    Newest first; two queries (the cards' category comes with the products, their
    variants, for the price range a card shows, in a second).
    """
    if product.category_id is None:
        return []
    from sqlalchemy.orm import contains_eager, selectinload

    stmt = (
        select(Product)
        .join(Product.category)
        .options(contains_eager(Product.category), selectinload(Product.variants))
        .where(
            Product.category_id == product.category_id,
            Product.id != product.id,
            Product.is_active.is_(True),
            Product.stock_quantity > 0,
        )
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# --- checking input ------------------------------------------------------------------


def _clean(fields: dict) -> dict:
    clean, errors = {}, {}
    if "name" in fields:
        name = " ".join((fields["name"] or "").split())
        if not name or len(name) > MAX_NAME:
            errors["name"] = f"A category name has 1 to {MAX_NAME} characters."
        clean["name"] = name
    if "description" in fields:
        description = (fields["description"] or "").strip()
        if len(description) > MAX_DESCRIPTION:
            errors["description"] = f"A description has at most {MAX_DESCRIPTION} characters."
        clean["description"] = description
    if "parent_id" in fields:
        parent_id = fields["parent_id"]
        if parent_id is not None and not is_storable_id(parent_id):
            errors["parent_id"] = "No such parent category."
        clean["parent_id"] = parent_id
    if "position" in fields:
        position = fields["position"]
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not 0 <= position <= MAX_POSITION
        ):
            errors["position"] = "A position is a whole number, 0 or more."
        clean["position"] = position
    if "is_archived" in fields:
        clean["is_archived"] = bool(fields["is_archived"])
    if errors:
        raise ValidationError("Invalid category.", errors=errors)
    return clean


def _lock(ids) -> dict[int, Category]:
    """Lock categories in ascending id order (PostgreSQL); SQLite's writers are serialized."""
    ids = sorted({i for i in ids if is_storable_id(i)})
    if not ids:
        return {}
    stmt = (
        select(Category)
        .where(Category.id.in_(ids))
        .order_by(Category.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {c.id: c for c in db.session.scalars(stmt)}


def _has_children(category_id: int) -> bool:
    return (
        db.session.scalar(select(Category.id).where(Category.parent_id == category_id).limit(1))
        is not None
    )


def _check_parent(category: Category | None, parent: Category | None, parent_id: int) -> None:
    """Refuse a parent that would make a third level, a loop, or hang under an archive."""
    if parent is None:
        raise ValidationError("No such parent category.", field="parent_id")
    if category is not None and parent.id == category.id:
        raise ValidationError("A category cannot be its own parent.", field="parent_id")
    if parent.parent_id is not None:
        raise ValidationError(
            f"“{parent.name}” is a subcategory: categories go two levels deep at most.",
            field="parent_id",
        )
    if parent.is_archived:
        raise ValidationError(f"“{parent.name}” is archived: restore it first.", field="parent_id")
    if category is not None and _has_children(category.id):
        raise ValidationError(
            f"“{category.name}” has subcategories, so it cannot be put under another.",
            field="parent_id",
        )


def _name_taken(name: str, except_id: int | None = None) -> bool:
    stmt = select(Category.id).where(func.lower(Category.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(Category.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _next_position(parent_id: int | None) -> int:
    stmt = select(func.max(Category.position)).where(
        Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    )
    highest = db.session.scalar(stmt)
    return 0 if highest is None else min(highest + 1, MAX_POSITION)


def _free_slug(name: str) -> str:
    base = slugify(name, MAX_SLUG)
    taken = set(
        db.session.scalars(
            select(Category.slug).where(or_(Category.slug == base, Category.slug.like(f"{base}-%")))
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _save(category: Category, name: str) -> None:
    """Flush, turning the unique indexes' refusal into DuplicateCategory.

    The SAVEPOINT keeps the caller's transaction usable after a clash.
    """
    try:
        with db.session.begin_nested():
            db.session.add(category)
            db.session.flush()
    except IntegrityError as exc:
        # By the constraint's name (PostgreSQL) or column (SQLite), never the message's
        # values: a category may well be called "Slug pellets".
        text = str(exc.orig).split("\n")[0].lower()
        if "uq_categories_name" in text or "categories.name" in text:
            raise DuplicateCategory(name) from None
        raise  # a slug taken since _free_slug looked: create_category chooses again


# --- writing -------------------------------------------------------------------------


@transactional
def create_category(name: str, description: str = "", parent_id: int | None = None) -> Category:
    """A new category at the end of its siblings."""
    clean = _clean({"name": name, "description": description, "parent_id": parent_id})
    if clean["parent_id"] is not None:
        parent = _lock([clean["parent_id"]]).get(clean["parent_id"])
        _check_parent(None, parent, clean["parent_id"])
    if _name_taken(clean["name"]):
        raise DuplicateCategory(clean["name"])
    for _attempt in range(3):
        category = Category(
            name=clean["name"],
            slug=_free_slug(clean["name"]),
            description=clean["description"],
            parent_id=clean["parent_id"],
            position=_next_position(clean["parent_id"]),
            is_archived=False,
        )
        try:
            _save(category, clean["name"])
        except IntegrityError:
            continue  # another admin took the slug meanwhile: choose again
        return category
    raise Conflict("The category could not be given a free address; try again.")


@transactional
def update_category(category_id: int, **fields) -> Category:
    """Change any of ``name``, ``description``, ``parent_id``, ``position``,
    ``is_archived``, all or nothing.

    Renaming keeps the slug. A new parent puts the category last among its new
    siblings; ``position`` moves it to that place (0 is first) among them.
    ``is_archived`` archives or restores it as the functions below do.
    """
    clean = _clean(fields)
    if not is_storable_id(category_id):
        raise NotFound("No such category.")
    new_parent = clean.get("parent_id")
    ids = [category_id] + ([new_parent] if new_parent is not None else [])
    locked = _lock(ids)
    category = locked.get(category_id)
    if category is None:
        raise NotFound("No such category.")
    if "parent_id" in clean and new_parent != category.parent_id:
        if new_parent is not None:
            _check_parent(category, locked.get(new_parent), new_parent)
        category.parent_id = new_parent
        category.position = _next_position(new_parent)
    if "name" in clean and clean["name"] != category.name:
        if _name_taken(clean["name"], except_id=category.id):
            raise DuplicateCategory(clean["name"])
        category.name = clean["name"]
    if "description" in clean:
        category.description = clean["description"]
    _save(category, category.name)
    if "position" in clean:
        _place(category, clean["position"])
    if clean.get("is_archived") is True:
        archive_category(category.id)
    elif clean.get("is_archived") is False:
        restore_category(category.id)
    return category


def _siblings(category: Category) -> list[Category]:
    parent = category.parent_id
    stmt = select(Category).where(
        Category.parent_id.is_(None) if parent is None else Category.parent_id == parent
    )
    rows = db.session.scalars(stmt.with_for_update()).all()
    return sorted(rows, key=lambda c: (c.position, c.name.lower(), c.id))


def _place(category: Category, index: int) -> None:
    siblings = [c for c in _siblings(category) if c.id != category.id]
    siblings.insert(min(index, len(siblings)), category)
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
    db.session.flush()


@transactional
def move_category(category_id: int, direction: str) -> Category:
    """One place up (earlier) or down (later) among its siblings."""
    if direction not in ("up", "down"):
        raise ValidationError("Move a category up or down.", field="direction")
    category = _lock([category_id]).get(category_id)
    if category is None:
        raise NotFound("No such category.")
    siblings = _siblings(category)
    index = next(i for i, c in enumerate(siblings) if c.id == category.id)
    _place(category, max(0, index - 1) if direction == "up" else index + 1)
    return category


@transactional
def archive_category(category_id: int) -> Category:
    """Hide a category (and its subcategories) from the shop; its products stay."""
    if not is_storable_id(category_id):
        raise NotFound("No such category.")
    category = _lock([category_id]).get(category_id)
    if category is None:
        raise NotFound("No such category.")
    category.is_archived = True
    children = db.session.scalars(
        select(Category).where(Category.parent_id == category.id).with_for_update()
    ).all()
    for child in children:
        child.is_archived = True
    db.session.flush()
    return category


@transactional
def restore_category(category_id: int) -> Category:
    """Show an archived category again (its subcategories stay as they are)."""
    if not is_storable_id(category_id):
        raise NotFound("No such category.")
    category = _lock([category_id]).get(category_id)
    if category is None:
        raise NotFound("No such category.")
    if category.parent_id is not None:
        parent = _lock([category.parent_id])[category.parent_id]
        if parent.is_archived:
            raise ParentArchived(
                f"“{parent.name}” is archived: restore it first, or move "
                f"“{category.name}” under another category."
            )
    category.is_archived = False
    db.session.flush()
    return category


def ensure_category(name: str, parent_id: int | None = None) -> Category:
    """The category of that name (any case), created if new: for seeding and tests,
    never for what a shopper or an admin types."""
    same_name = select(Category).where(func.lower(Category.name) == " ".join(name.split()).lower())
    existing = db.session.scalar(same_name)
    if existing is not None:
        return existing
    try:
        return create_category(name, parent_id=parent_id)
    except DuplicateCategory:  # created by another process since we looked (rolled back)
        return db.session.scalar(same_name.execution_options(populate_existing=True))


# --- a product's category -----------------------------------------------------------


def category_for_product(
    *, category_id=None, name=None, by_id: bool, current_id: int | None = None
) -> Category | None:
    """The category a product is put in: chosen by id, or named (any case).

    Either must be an existing category that is not archived (the product's
    current category may stay, archived or not). None: no category.
    Flushes nothing.
    """
    field_name = "category_id" if by_id else "category"
    if by_id:
        if category_id is None:
            return None
        category = db.session.get(Category, category_id) if is_storable_id(category_id) else None
        if category is None:
            raise ValidationError("No such category.", field=field_name)
    else:
        name = " ".join((name or "").split())
        if not name:
            return None
        category = db.session.scalar(
            select(Category).where(func.lower(Category.name) == name.lower())
        )
        if category is None:
            raise ValidationError(
                f"No category is named “{name[:100]}”: choose an existing one.",
                field=field_name,
            )
    if category.is_archived and category.id != current_id:
        raise ValidationError(
            f"“{category.name}” is archived: choose another category.", field=field_name
        )
    return category
