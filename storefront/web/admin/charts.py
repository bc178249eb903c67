"""Server-rendered SVG charts for the back office: no script, no library, no CDN.

Coordinates are computed with ``Decimal`` like the money they draw, and
written with one decimal place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

from ...services.money import display_money
from ...services.reporting import describe_days

WIDTH = 760
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 96, 24, 36, 64
TICKS = 4
_NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
# Days between two labelled days: the smallest that keeps at most MAX_DAY_LABELS labels.
_DAY_LABEL_STEPS = (1, 5, 7, 14, 30, 61)
MAX_DAY_LABELS = 13
DENSE_POINTS = 92  # more points than this are drawn smaller


def day_label_step(points: int) -> int:
    for step in _DAY_LABEL_STEPS:
        if -(-points // step) <= MAX_DAY_LABELS:
            return step
    return _DAY_LABEL_STEPS[-1]


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (value.adjusted())
    for step in _NICE_STEPS:
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - 10 x magnitude always suffices


def _n(value: Decimal) -> str:
    """A coordinate as text, one decimal place."""
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _amount(value: Decimal) -> str:
    """An axis label: thousands separators, decimals only when needed."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def revenue_chart(
    points: Sequence[tuple[date, Decimal, int]], currency: str, *, chart_id: str = "revenue-chart"
) -> Markup:
    """A line chart of daily revenue: ``points`` are (day, revenue, orders), oldest first."""
    if not points:
        raise ValueError("a chart needs at least one point")
    plot_w = Decimal(WIDTH - LEFT - RIGHT)
    plot_h = Decimal(HEIGHT - TOP - BOTTOM)
    bottom = Decimal(TOP) + plot_h
    highest = max(points, key=lambda p: (p[1], p[0]))
    top_value = nice_ceiling(highest[1])
    step_x = plot_w / (len(points) - 1) if len(points) > 1 else Decimal(0)
    total = sum((p[1] for p in points), Decimal("0.00"))

    def x_of(i: int) -> Decimal:
        return Decimal(LEFT) + step_x * i

    def y_of(value: Decimal) -> Decimal:
        return bottom - value / top_value * plot_h

    first, last = points[0][0], points[-1][0]
    title = f"Daily revenue, {describe_days(first, last)}"
    days = f"{len(points)} day{'' if len(points) == 1 else 's'}"
    if highest[1] > 0:
        summary = (
            f"{days}, {display_money(total, currency)} in all; the highest day is "
            f"{_day(highest[0])} with {display_money(highest[1], currency)}."
        )
    else:
        summary = f"{days} without revenue."

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]

    # Horizontal grid lines with the amount each one stands for.
    out.append('<g class="chart-grid">')
    for i in range(TICKS + 1):
        value = top_value * i / TICKS
        y = _n(y_of(value))
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(
            f'<text class="chart-tick" x="{LEFT - 8}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_amount(value))}</text>'
        )
    out.append("</g>")

    # Axes and their titles.
    out.append(
        f'<g class="chart-axis"><line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{_n(bottom)}"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(bottom)}" y2="{_n(bottom)}"/></g>'
    )
    middle_y = _n(Decimal(TOP) + plot_h / 2)
    out.append(
        f'<text class="chart-axis-title" x="16" y="{middle_y}" text-anchor="middle" '
        f'transform="rotate(-90 16 {middle_y})">Revenue ({escape(currency)})</text>'
    )
    out.append(
        f'<text class="chart-axis-title" x="{_n(Decimal(LEFT) + plot_w / 2)}" '
        f'y="{HEIGHT - 8}" text-anchor="middle">Day</text>'
    )

    # Day labels: every few days counting back from the last, so the last is always shown.
    label_step = day_label_step(len(points))
    out.append('<g class="chart-days">')
    for i, (day, _, _) in enumerate(points):
        if (len(points) - 1 - i) % label_step == 0:
            out.append(
                f'<text class="chart-tick" x="{_n(x_of(i))}" y="{_n(bottom + 20)}" '
                f'text-anchor="middle">{escape(_day(day))}</text>'
            )
    out.append("</g>")

    # The line, then one point per day with its figures as a tooltip.
    line = " ".join(f"{_n(x_of(i))},{_n(y_of(p[1]))}" for i, p in enumerate(points))
    out.append(f'<polyline class="chart-line" fill="none" points="{line}"/>')
    radius = 4 if len(points) <= DENSE_POINTS else 2.5
    out.append('<g class="chart-points">')
    for i, (day, revenue, orders) in enumerate(points):
        label = (
            f"{_day(day)} {day.year}: {display_money(revenue, currency)}, "
            f"{orders} order{'' if orders == 1 else 's'}"
        )
        out.append(
            f'<circle class="chart-point" cx="{_n(x_of(i))}" cy="{_n(y_of(revenue))}" r="{radius}" '
            f'data-day="{day.isoformat()}" data-revenue="{revenue}">'
            f"<title>{escape(label)}</title></circle>"
        )
    out.append("</g>")

    # The highest day, written out so it can be read without hovering.
    if highest[1] > 0:
        index = list(points).index(highest)
        anchor = "end" if index > len(points) / 2 else "start"
        dx = -8 if anchor == "end" else 8
        out.append(
            f'<text class="chart-max" x="{_n(x_of(index) + dx)}" '
            f'y="{_n(max(y_of(highest[1]) - 10, Decimal(TOP - 12)))}" text-anchor="{anchor}">'
            f"Max {escape(display_money(highest[1], currency))} ({escape(_day(highest[0]))})"
            "</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute above is escaped
