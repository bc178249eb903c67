"""The dashboard's SVG chart: any range from one day to 366, labelled to be read."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from storefront.web.admin.charts import MAX_DAY_LABELS, nice_ceiling, revenue_chart

LAST = date(2026, 11, 28)


def _points(days: int, revenue: str = "0.00"):
    return [(LAST - timedelta(days=days - 1 - n), Decimal(revenue), 0) for n in range(days)]


def test_one_day_is_a_chart_of_one_point():
    svg = str(revenue_chart(_points(1), "BDT"))
    assert ">Daily revenue, 28 Nov 2026</title>" in svg
    assert "1 day without revenue." in svg
    assert svg.count('class="chart-point"') == 1


@pytest.mark.parametrize("days", [7, 30, 90, 180, 366])
def test_day_labels_stay_few_and_the_last_day_is_always_labelled(days):
    svg = str(revenue_chart(_points(days, "10.00"), "BDT"))
    labels = re.findall(r'<text class="chart-tick"[^>]*text-anchor="middle">([^<]+)</text>', svg)
    assert 1 <= len(labels) <= MAX_DAY_LABELS
    assert labels[-1] == "28 Nov"
    assert svg.count('class="chart-point"') == days
    radius = "4" if days <= 92 else "2.5"
    assert f'r="{radius}"' in svg


def test_the_axis_tops_at_a_nice_amount():
    assert nice_ceiling(Decimal("0")) == 1
    assert nice_ceiling(Decimal("1700.00")) == 2000
    assert nice_ceiling(Decimal("2340")) == Decimal("2500")
