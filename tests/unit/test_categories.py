"""Managed categories: unique names in any case, two levels, order, archive, and the
catalog's view of them (a parent's filter and page include its subcategories)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.models import Category
from storefront.services import catalog, categories
from storefront.services.categories import DuplicateCategory, ParentArchived
from storefront.services.errors import NotFound, ValidationError


def tree_names(include_archived=False) -> list[str]:
    return [
        ("  " if n.parent_id else "") + n.name
        for n in categories.flatten(categories.category_tree(include_archived=include_archived))
    ]


def test_a_category_gets_a_slug_once_and_keeps_it_when_renamed(app):
    shoes = categories.create_category("  Shoes &   Boots ", description=" For feet. ")
    assert (shoes.name, shoes.slug, shoes.description) == (
        "Shoes & Boots",
        "shoes-boots",
        "For feet.",
    )
    renamed = categories.update_category(shoes.id, name="Footwear")
    assert (renamed.name, renamed.slug) == ("Footwear", "shoes-boots")
    # A new category whose name makes the same slug gets another one.
    assert categories.create_category("Shoes, boots").slug == "shoes-boots-2"


@pytest.mark.parametrize("other", ["shoes", "SHOES", " Shoes "])
def test_a_name_is_unique_whatever_its_case(app, other):
    shoes = categories.create_category("Shoes")
    with pytest.raises(DuplicateCategory) as info:
        categories.create_category(other)
    assert info.value.field == "name"
    bags = categories.create_category("Bags")
    with pytest.raises(DuplicateCategory):
        categories.update_category(bags.id, name=other)
    # Renaming a category to its own name in another case is fine.
    assert categories.update_category(shoes.id, name="SHOES").name == "SHOES"


def test_the_database_refuses_a_name_in_another_case(app):
    """The unique index on lower(name), not only the service's look-up."""
    categories.create_category("Shoes")
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO categories (name, slug, description, position, is_archived) "
                "VALUES ('sHoEs', 'other-slug', '', 0, :no)"
            ),
            {"no": False},
        )
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE categories SET parent_id = id"))
    db.session.rollback()


@pytest.mark.parametrize("word", ["Shoes", "Slug pellets"])  # "slug" in the database's message
def test_two_admins_creating_shoes_and_shoes_at_once_make_one(app, word):
    names = [word, word.lower(), word.upper(), word.swapcase()] * 3
    start = threading.Barrier(len(names))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create(name: str) -> None:
        with app.app_context():
            start.wait()
            try:
                categories.create_category(name)
                outcome = "created"
            except DuplicateCategory:
                outcome = "duplicate"
            except BaseException as exc:
                with lock:
                    errors.append(exc)
                return
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["created"] + ["duplicate"] * (len(names) - 1)
    assert db.session.scalar(select(func.count(Category.id))) == 1


def test_two_levels_at_most(app):
    clothing = categories.create_category("Clothing")
    shirts = categories.create_category("Shirts", parent_id=clothing.id)
    with pytest.raises(ValidationError) as info:
        categories.create_category("Polo shirts", parent_id=shirts.id)
    assert "two levels" in info.value.errors["parent_id"]
    shoes = categories.create_category("Shoes")
    with pytest.raises(ValidationError) as info:  # a parent cannot get a parent
        categories.update_category(clothing.id, parent_id=shoes.id)
    assert "has subcategories" in info.value.errors["parent_id"]
    with pytest.raises(ValidationError):
        categories.update_category(shoes.id, parent_id=shoes.id)
    with pytest.raises(ValidationError):
        categories.create_category("Ghost", parent_id=424242)
    # Moving a subcategory to the top level, and a leaf under another parent, are fine.
    assert categories.update_category(shirts.id, parent_id=None).parent_id is None
    assert categories.update_category(shirts.id, parent_id=shoes.id).parent_id == shoes.id
    assert tree_names() == ["Clothing", "Shoes", "  Shirts"]


def test_siblings_are_reordered_by_moving_or_by_position(app):
    a, b, c = (categories.create_category(n) for n in ("A", "B", "C"))
    assert tree_names() == ["A", "B", "C"]
    categories.move_category(c.id, "up")
    assert tree_names() == ["A", "C", "B"]
    categories.move_category(a.id, "down")
    assert tree_names() == ["C", "A", "B"]
    categories.move_category(c.id, "up")  # already first: nothing moves
    categories.move_category(b.id, "down")  # already last
    assert tree_names() == ["C", "A", "B"]
    categories.update_category(b.id, position=0)
    assert tree_names() == ["B", "C", "A"]
    categories.update_category(b.id, position=99)
    assert tree_names() == ["C", "A", "B"]
    with pytest.raises(ValidationError):
        categories.move_category(a.id, "sideways")
    child = categories.create_category("Child", parent_id=a.id)
    assert child.position == 0  # positions count among siblings only


def test_archiving_hides_a_category_and_its_subcategories_but_keeps_products(make_product):
    clothing = categories.create_category("Clothing")
    shirts = categories.create_category("Shirts", parent_id=clothing.id)
    shirt = make_product(name="Shirt", category="Shirts")
    categories.archive_category(clothing.id)
    assert tree_names() == []
    assert tree_names(include_archived=True) == ["Clothing", "  Shirts"]
    with pytest.raises(NotFound):
        categories.category_page("shirts")
    assert catalog.search_products(category="clothing").total == 0
    # The product stays on sale, in its category.
    assert catalog.get_product(shirt.id).category_id == shirts.id
    assert catalog.search_products(q="shirt").total == 1
    # A subcategory cannot come back before its parent; nothing can be put under it.
    with pytest.raises(ParentArchived):
        categories.restore_category(shirts.id)
    with pytest.raises(ValidationError):
        categories.create_category("Socks", parent_id=clothing.id)
    categories.restore_category(clothing.id)
    assert tree_names() == ["Clothing"]  # the parent only: Shirts is restored on its own
    categories.restore_category(shirts.id)
    assert tree_names() == ["Clothing", "  Shirts"]
    assert db.session.scalar(select(func.count(Category.id))) == 2  # nothing was deleted


def test_a_parent_filter_and_page_include_its_subcategories(make_product):
    clothing = categories.create_category("Clothing")
    categories.create_category("Shirts", parent_id=clothing.id)
    make_product(name="Coat", category="Clothing")
    make_product(name="Polo", category="Shirts")
    make_product(name="Mug", category="Kitchen")
    names = lambda **kw: sorted(p.name for p in catalog.search_products(**kw).items)  # noqa: E731
    assert names(category="clothing") == ["Coat", "Polo"]
    assert names(category="CLOTHING") == ["Coat", "Polo"]  # by name, any case
    assert names(category="shirts") == ["Polo"]
    page = categories.category_page("clothing")
    assert (page.category.name, page.parent, [c.name for c in page.subcategories]) == (
        "Clothing", None, ["Shirts"]
    )  # fmt: skip
    assert categories.category_page("shirts").parent.name == "Clothing"
    counts = {c.name: c.product_count for c in catalog.list_categories()}
    assert counts == {"Clothing": 2, "Shirts": 1, "Kitchen": 1}


def test_a_product_is_put_in_an_existing_category_only(make_product):
    kitchen = categories.create_category("Kitchen")
    product = catalog.create_product(name="Pot", price="5", category="KITCHEN")
    assert product.category_id == kitchen.id
    with pytest.raises(ValidationError) as info:
        catalog.create_product(name="Pan", price="5", category="Cookware")
    assert set(info.value.errors) == {"category"}
    with pytest.raises(ValidationError) as info:
        catalog.create_product(name="Pan", price="5", category_id=424242)
    assert set(info.value.errors) == {"category_id"}
    with pytest.raises(ValidationError):
        catalog.create_product(name="Pan", price="5", category="Kitchen", category_id=kitchen.id)
    assert db.session.scalar(select(func.count(Category.id))) == 1  # none created


def test_an_archived_category_takes_no_new_products_but_keeps_its_own(make_product):
    pot = make_product(name="Pot", category="Kitchen")
    categories.archive_category(pot.category_id)
    with pytest.raises(ValidationError):
        catalog.create_product(name="Pan", price="5", category_id=pot.category_id)
    # Saving the product with its current (archived) category is allowed.
    assert catalog.update_product(pot.id, category_id=pot.category_id, price="6").price == 6
    assert catalog.update_product(pot.id, category_id=None).category is None


def test_related_products_are_four_others_in_stock_from_the_category(make_product):
    lamp = make_product(name="Lamp", category="Light")
    others = [make_product(name=f"Lamp {n}", category="Light") for n in range(5)]
    make_product(name="Sold out", category="Light", stock=0)
    make_product(name="Hidden", category="Light", active=False)
    make_product(name="Mug", category="Kitchen")
    related = categories.related_products(lamp)
    assert [p.name for p in related] == [p.name for p in reversed(others)][:4]
    assert categories.related_products(make_product(name="Alone", category=None)) == []


def test_category_input_is_checked(app):
    with pytest.raises(ValidationError) as info:
        categories.create_category(" ", description="x" * 10_001)
    assert set(info.value.errors) == {"name", "description"}
    shoes = categories.create_category("Shoes")
    with pytest.raises(ValidationError):
        categories.update_category(shoes.id, position=-1)
    with pytest.raises(NotFound):
        categories.update_category(424242, name="Ghost")
    with pytest.raises(NotFound):
        categories.archive_category(2**40)


@pytest.mark.parametrize("round_", range(3))
def test_two_admins_cannot_build_a_third_level_between_them(app, round_):
    """X under Y and Y under Z at once: one wins, the other is refused; never three levels."""
    x, y, z = (categories.create_category(n).id for n in ("X", "Y", "Z"))
    db.session.remove()
    start = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def put_under(child: int, parent: int) -> None:
        with app.app_context():
            start.wait()
            try:
                categories.update_category(child, parent_id=parent)
                outcome = "moved"
            except ValidationError:
                outcome = "refused"
            except BaseException as exc:  # anything else fails the test
                outcome = repr(exc)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=put_under, args=args) for args in ((x, y), (y, z))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["moved", "refused"]
    parents = dict(db.session.execute(select(Category.id, Category.parent_id)).all())
    assert not any(parents.get(p) for p in parents.values() if p is not None)


@pytest.mark.parametrize("word", ["Shoes", "Slug pellets"])
def test_the_index_refusal_is_a_duplicate_not_an_error(app, monkeypatch, word):
    """When the service's look-up misses a racing twin, the unique index decides."""
    categories.create_category(word)
    monkeypatch.setattr(categories, "_name_taken", lambda *args, **kwargs: False)
    with pytest.raises(DuplicateCategory):
        categories.create_category(word.upper())
    other = categories.create_category("Bags")
    with pytest.raises(DuplicateCategory):
        categories.update_category(other.id, name=word.lower())
    assert db.session.scalar(select(func.count(Category.id))) == 2
