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


# Past this offset a page cannot hold anything we store, and a bigger number
# (?page=1e19) would be a database error rather than an empty page.
MAX_OFFSET = 2**53


def paginate(stmt: Select, page: int, per_page: int, *, scalars: bool = True) -> Page[Any]:
    """Run ``stmt`` for one page, with a count of the whole result.

    One round trip: the count rides along as an uncorrelated scalar subquery
    (evaluated once by PostgreSQL and SQLite), so the page's query keeps its
    index-ordered ``LIMIT``. Only an empty page past the first asks again, for
    the total alone.
    """
    check_paging(page, per_page)
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    offset = (page - 1) * per_page
    if offset >= MAX_OFFSET:
        total = db.session.scalar(count) or 0
        return Page(items=[], page=page, per_page=per_page, total=total)
    counted = stmt.add_columns(count.scalar_subquery().label("_page_total"))
    result = db.session.execute(counted.limit(per_page).offset(offset))
    rows = list(result.unique()) if scalars else list(result)
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:  # past the end: the total alone
        total = db.session.scalar(count) or 0
    items = [row[0] for row in rows] if scalars else [row[:-1] for row in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)
