"""The catalog: search, filters, sorts, paging, categories and product edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.services import catalog
from storefront.services.errors import NotFound, ValidationError


@pytest.fixture
def shelf(make_product):
    """A small catalog, created oldest first in this order."""
    products = {
        "red": make_product(
            name="Red Apple", description="Crisp and sweet", category="Fruit", price="1.00", stock=5
        ),
        "green": make_product(
            name="Green Apple", description="Sour", category="Fruit", price="2.50", stock=0
        ),
        "pie": make_product(
            name="Apple Pie", description="Baked with CINNAMON", category="Bakery", price="5.00"
        ),
        "juice": make_product(
            name="100% Orange Juice", description="Fresh", category="Drinks", price="3.00"
        ),
        "mug": make_product(
            name="snake_case Mug", description="For programmers", category="Home", price="7.00"
        ),
        "plain": make_product(name="Mug", description="Plain white", category="Home", price="4.00"),
        "old": make_product(name="Old Apple", category="Fruit", price="0.50", active=False),
    }
    return {key: p.id for key, p in products.items()}


def names(page) -> list[str]:
    return [p.name for p in page.items]


def found(shelf, **kwargs) -> set[str]:
    ids = {p.id for p in catalog.search_products(per_page=100, **kwargs).items}
    return {key for key, pid in shelf.items() if pid in ids}


# --- text search -------------------------------------------------------------------


def test_search_matches_the_name_in_any_case_and_hides_archived_products(shelf):
    assert found(shelf, q="apple") == {"red", "green", "pie"}
    assert found(shelf, q="APPLE") == {"red", "green", "pie"}


def test_search_matches_description_and_category_name(shelf):
    assert found(shelf, q="cinnamon") == {"pie"}
    assert found(shelf, q="bakery") == {"pie"}
    assert found(shelf, q="drinks") == {"juice"}


def test_every_word_must_match_somewhere(shelf):
    assert found(shelf, q="apple red") == {"red"}
    assert found(shelf, q="  fruit   sour ") == {"green"}
    assert found(shelf, q="apple drinks") == set()


def test_percent_and_underscore_are_literal(shelf):
    assert found(shelf, q="%") == {"juice"}
    assert found(shelf, q="100%") == {"juice"}
    assert found(shelf, q="_") == {"mug"}
    assert found(shelf, q="snake_case") == {"mug"}
    assert found(shelf, q="e_c") == {"mug"}  # "_" is not "any one character"
    assert found(shelf, q="p%e") == set()
    assert found(shelf, q="\\") == set()


def test_blank_search_lists_every_active_product(shelf):
    assert found(shelf, q="   ") == set(shelf) - {"old"}


def test_admins_may_include_archived_products(shelf):
    assert "old" in found(shelf, q="apple", include_inactive=True)
    assert found(shelf, include_inactive=True, active=False) == {"old"}


# --- filters -------------------------------------------------------------------------


def test_category_is_found_by_slug_or_by_name_in_any_case(shelf):
    assert found(shelf, category="home") == {"mug", "plain"}
    assert found(shelf, category="HOME") == {"mug", "plain"}
    assert found(shelf, category="Fruit") == {"red", "green"}
    assert found(shelf, category="no-such-category") == set()


def test_price_range_includes_both_ends(shelf):
    assert found(shelf, min_price="2.50", max_price="5.00") == {"green", "pie", "juice", "plain"}
    assert found(shelf, min_price="7") == {"mug"}
    assert found(shelf, max_price=Decimal("1.00")) == {"red"}
    assert found(shelf, min_price="", max_price=None) == set(shelf) - {"old"}


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [("5", "2", "min_price"), ("-1", None, "min_price"), (None, "abc", "max_price")],
)
def test_a_bad_price_range_is_refused(shelf, low, high, field):
    with pytest.raises(ValidationError) as info:
        catalog.search_products(min_price=low, max_price=high)
    assert field in info.value.errors


def test_in_stock_leaves_out_sold_out_products(shelf):
    assert found(shelf, q="apple", in_stock=True) == {"red", "pie"}


def test_filters_combine(shelf):
    assert found(shelf, q="apple", category="fruit", max_price="2", in_stock=True) == {"red"}


# --- sorting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Red Apple", "Green Apple", "100% Orange Juice", "Mug", "Apple Pie"]),
        ("price_desc", ["snake_case Mug", "Apple Pie", "Mug", "100% Orange Juice", "Green Apple"]),
        ("name", ["100% Orange Juice", "Apple Pie", "Green Apple", "Mug", "Red Apple"]),
        ("newest", ["Mug", "snake_case Mug", "100% Orange Juice", "Apple Pie", "Green Apple"]),
    ],
)
def test_each_sort_orders_the_products(shelf, sort, expected):
    assert names(catalog.search_products(sort=sort, per_page=5)) == expected


def test_newest_first_is_the_default_without_a_query(shelf):
    assert names(catalog.search_products(per_page=1)) == ["Mug"]


def test_relevance_puts_exact_then_leading_matches_first(shelf):
    assert names(catalog.search_products(q="mug")) == ["Mug", "snake_case Mug"]
    assert names(catalog.search_products(q="apple"))[0] == "Apple Pie"


def test_an_unknown_sort_is_refused(shelf):
    with pytest.raises(ValidationError) as info:
        catalog.search_products(sort="cheapest")
    assert info.value.field == "sort"


# --- paging ---------------------------------------------------------------------------


def test_pages_split_the_results_and_count_them(shelf):
    first = catalog.search_products(sort="name", per_page=2, page=1)
    third = catalog.search_products(sort="name", per_page=2, page=3)
    assert (first.total, first.pages, first.has_prev, first.has_next) == (6, 3, False, True)
    assert names(first) == ["100% Orange Juice", "Apple Pie"]
    assert names(third) == ["Red Apple", "snake_case Mug"]
    assert (third.has_prev, third.has_next) == (True, False)


@pytest.mark.parametrize("number", [3, 50, 10**18, 10**30])
def test_a_page_past_the_end_is_empty_not_an_error(shelf, number):
    page = catalog.search_products(per_page=5, page=number)
    assert page.items == []
    assert (page.total, page.pages, page.has_next) == (6, 2, False)
    assert catalog.search_products(per_page=5, page=2).total == 6  # the session still works


@pytest.mark.parametrize(
    ("page", "per_page", "field"),
    [
        (0, 20, "page"),
        (-1, 20, "page"),
        ("2", 20, "page"),
        (1.5, 20, "page"),
        (1, 0, "per_page"),
        (1, 101, "per_page"),
        (1, True, "per_page"),
    ],
)
def test_bad_paging_is_refused(shelf, page, per_page, field):
    with pytest.raises(ValidationError) as info:
        catalog.search_products(page=page, per_page=per_page)
    assert field in info.value.errors
    with pytest.raises(ValidationError):  # even when nothing could match
        catalog.search_products(category="no-such-category", page=page, per_page=per_page)


# --- categories -------------------------------------------------------------------------


def test_categories_count_only_active_products(shelf, make_product):
    make_product(name="Archived Tea", category="Tea", active=False)
    counts = {(c.name, c.slug): c.product_count for c in catalog.list_categories()}
    assert counts == {
        ("Bakery", "bakery"): 1,
        ("Drinks", "drinks"): 1,
        ("Fruit", "fruit"): 2,
        ("Home", "home"): 2,
        ("Tea", "tea"): 0,
    }
    # In the admins' order: new categories go last (storefront/services/categories.py).
    assert [c.name for c in catalog.list_categories()] == [
        "Fruit",
        "Bakery",
        "Drinks",
        "Home",
        "Tea",
    ]


def test_a_category_named_in_another_case_is_the_same_category(make_product):
    make_product(category="Home & Garden")
    make_product(category="  home & garden ")
    (only,) = catalog.list_categories()
    assert (only.name, only.slug, only.product_count) == ("Home & Garden", "home-garden", 2)


# --- product edits ----------------------------------------------------------------------


def test_create_product_checks_its_fields(app):
    with pytest.raises(ValidationError) as info:
        catalog.create_product(name=" ", price="-1", stock_quantity=-2)
    assert set(info.value.errors) == {"name", "price", "stock_quantity"}
    assert catalog.search_products(include_inactive=True).total == 0


def test_update_product_changes_name_slug_price_and_category(make_product):
    product = make_product(name="Tea Pot", price="10.00", category="Kitchen")
    make_product(category="Tea")
    updated = catalog.update_product(product.id, name="Glass Tea Pot", price="12.5", category="Tea")
    assert (updated.name, updated.slug, updated.price) == (
        "Glass Tea Pot",
        "glass-tea-pot",
        Decimal("12.50"),
    )
    assert updated.category.name == "Tea"
    with pytest.raises(NotFound):
        catalog.update_product(product.id + 1000, name="Ghost")


def test_archived_products_are_hidden_from_shoppers_until_restored(make_product):
    product = make_product()
    catalog.archive_product(product.id)
    with pytest.raises(NotFound):
        catalog.get_product(product.id)
    assert catalog.get_product(product.id, include_inactive=True).is_active is False
    catalog.restore_product(product.id)
    assert catalog.get_product(product.id).is_active is True
