"""One page of a query's results, in the shape the pages and the API show."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from ..extensions import db
from .errors import ValidationError

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_paging(page: int, per_page: int) -> None:
    errors = {}
    if not _whole(page) or page < 1:
        errors["page"] = "Must be a whole number, 1 or more."
    if not _whole(per_page) or not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = f"Must be a whole number between 1 and {MAX_PER_PAGE}."
    if errors:
        raise ValidationError("Invalid paging.", errors=errors)


def paginate(stmt: Select, page: int, per_page: int, *, scalars: bool = True) -> Page[Any]:
    """Run ``stmt`` for one page, with a count of the whole result."""
    check_paging(page, per_page)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    offset = (page - 1) * per_page
    if offset >= (total or 0):
        # Past the end: nothing to fetch, and an offset beyond 64 bits (?page=1e19)
        # would be a database error rather than an empty page.
        return Page(items=[], page=page, per_page=per_page, total=total or 0)
    rows = db.session.execute(stmt.limit(per_page).offset(offset))
    items = list(rows.scalars().unique()) if scalars else list(rows)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
