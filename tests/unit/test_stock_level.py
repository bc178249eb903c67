"""One definition of low stock for the shop's badge and the admin's lists."""

import pytest

from storefront.services import inventory


@pytest.mark.parametrize(
    ("stock", "active", "level"),
    [(0, True, "out"), (1, True, "low"), (5, True, "low"), (6, True, "in"), (9, False, "out")],
)
def test_stock_level_at_the_default_threshold(make_product, stock, active, level):
    assert inventory.stock_level(make_product(stock=stock, active=active)) == level


def test_the_threshold_comes_from_the_settings(app, make_product):
    app.config["LOW_STOCK_THRESHOLD"] = 10
    assert inventory.low_stock_threshold() == 10
    assert inventory.stock_level(make_product(stock=8)) == "low"
