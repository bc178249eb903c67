"""The date range a back-office page shows, read from its query string.

One reading for every page (the dashboard, the order list): the rules are
``reporting.parse_date_range``; this adds what a page needs to show the
form again, with what was typed and a message for each field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request

from ...services import reporting
from ...services.errors import ValidationError


@dataclass
class RangeChoice:
    range: reporting.DateRange | None  # what the page shows (the default when refused)
    typed: dict[str, str]  # the form's from/to: as typed, or the shown range's days
    errors: dict[str, str] = field(default_factory=dict)
    refused: bool = False

    @property
    def presets(self) -> dict[str, tuple[str, int]]:
        return reporting.PRESETS

    @property
    def max_days(self) -> int:
        return reporting.MAX_RANGE_DAYS


def range_choice(default: str | None = reporting.DEFAULT_PRESET) -> RangeChoice:
    """The range asked for by ``range``/``from``/``to``; when refused, ``default``'s
    range (or none) with the errors, and the form keeps what was typed."""
    today = reporting.shop_today()
    try:
        chosen = reporting.parse_date_range(request.args, today=today, default=default)
    except ValidationError as exc:
        return RangeChoice(
            range=reporting.preset_range(default, today) if default else None,
            typed={name: request.args.get(name, "") for name in ("from", "to")},
            errors=exc.errors,
            refused=True,
        )
    typed = (
        {"from": chosen.first.isoformat(), "to": chosen.last.isoformat()}
        if chosen
        else {"from": "", "to": ""}
    )
    return RangeChoice(range=chosen, typed=typed)
