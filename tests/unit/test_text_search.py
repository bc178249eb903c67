"""Full-text search (migration c13a) behind the catalog's ``q``, on both databases:
substrings still match as the spec says, words are ranked name over description,
and the search index follows every change to a product."""

from __future__ import annotations

import pytest

from storefront.extensions import db
from storefront.services import catalog


def names(page) -> list[str]:
    return [p.name for p in page.items]


def found(**kwargs) -> set[str]:
    return set(names(catalog.search_products(per_page=100, **kwargs)))


@pytest.fixture
def shelf(make_product):
    make_product(name="Desk Lamp", description="A lamp for the desk, with a brass arm.")
    make_product(name="Brass Hook", description="Hangs a lamp or a coat.")
    make_product(name="Lamp Shade", description="Linen, with a brass rim.")
    make_product(name="Plain Box", description="Holds a brass lamp when it travels.")
    make_product(name="Coffee Mugs", description="A pair.")
    make_product(name="AA Battery", description="Alkaline.")


def test_a_word_is_found_inside_longer_words_and_short_words_too(shelf):
    assert found(q="mug") == {"Coffee Mugs"}
    assert found(q="ug") == {"Coffee Mugs"}  # shorter than a trigram: read as before
    assert found(q="AMP") == {"Desk Lamp", "Brass Hook", "Lamp Shade", "Plain Box"}
    assert found(q="offe") == {"Coffee Mugs"}


def test_every_word_must_match_somewhere(shelf):
    assert found(q="lamp linen") == {"Lamp Shade"}
    assert found(q="lamp nothing") == set()


def test_a_common_word_that_full_text_search_ignores_still_matches(shelf):
    # "with" is an English stop word: the full-text query is empty, the substring rule finds it.
    assert found(q="with") == {"Desk Lamp", "Lamp Shade"}


def test_relevance_ranks_a_word_in_the_name_above_one_in_the_description(shelf):
    ranked = names(catalog.search_products(q="brass lamp"))
    # All four hold both words. The lamp, the hook and the shade have one of them
    # in their name; the box has both, but only in its description.
    assert set(ranked[:3]) == {"Desk Lamp", "Brass Hook", "Lamp Shade"}
    assert ranked[3:] == ["Plain Box"]


def test_relevance_puts_the_name_that_is_the_query_first(shelf, make_product):
    make_product(name="Lamp", description="")
    assert names(catalog.search_products(q="lamp"))[0] == "Lamp"


def test_another_sort_replaces_relevance(shelf):
    assert names(catalog.search_products(q="lamp", sort="name")) == [
        "Brass Hook",
        "Desk Lamp",
        "Lamp Shade",
        "Plain Box",
    ]


@pytest.mark.parametrize(
    "q", ['"', 'lamp"', "'", "lamp:*", "a & b", "!lamp", "(lamp)", "la|mp", "NEAR(lamp)", "*"]
)
def test_query_syntax_in_a_word_is_taken_literally(shelf, q):
    # No product holds these characters: nothing matches, and nothing fails.
    assert catalog.search_products(q=q).total == 0


def test_punctuation_around_a_word_is_part_of_the_substring(shelf, make_product):
    make_product(name="Yoga Mat (27)")
    assert found(q="(27)") == {"Yoga Mat (27)"}


def test_the_search_follows_new_renamed_and_deleted_products(shelf, make_product):
    product = make_product(name="Teapot", description="Cast iron.")
    assert found(q="teapot") == {"Teapot"}
    assert found(q="cast iron") == {"Teapot"}
    catalog.update_product(product.id, name="Kettle", description="Enamel.")
    assert found(q="teapot") == set()
    assert found(q="iron") == set()
    assert found(q="kettle") == {"Kettle"}
    assert found(q="enamel") == {"Kettle"}
    catalog.delete_product(product.id)
    assert found(q="kettle") == set()
    db.session.commit()


def test_an_archived_product_is_not_found_by_shoppers(shelf, make_product):
    make_product(name="Hidden Teapot", active=False)
    assert found(q="teapot") == set()
    assert found(q="teapot", include_inactive=True) == {"Hidden Teapot"}


@pytest.mark.postgres_only
def test_postgresql_also_finds_other_forms_of_a_word(shelf):
    assert found(q="batteries") == {"AA Battery"}
    assert found(q="lamps shades") == {"Lamp Shade"}


def test_a_word_may_match_the_category_or_a_sku_while_another_matches_the_text(make_product):
    lamp = make_product(name="Desk Lamp", category="Lighting")
    make_product(name="Floor Lamp", category="Furniture")
    make_product(name="Ceiling Fan", category="Lighting")
    sku = lamp.variants[0].sku
    assert found(q="lighting lamp") == {"Desk Lamp"}
    assert found(q="lamp lighting") == {"Desk Lamp"}
    assert found(q=f"{sku.lower()} lamp") == {"Desk Lamp"}
    assert names(catalog.search_products(q="lighting")) == ["Ceiling Fan", "Desk Lamp"]
