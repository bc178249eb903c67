"""A guest's cart: ``{product_id: quantity}`` kept in the signed session cookie.

Only ids and quantities are stored; prices and names always come from the
database through ``services.cart.guest_cart_view``.
"""

from __future__ import annotations

from flask import session

SESSION_KEY = "guest_cart"
MAX_GUEST_LINES = 50  # keeps the cookie far below browsers' 4 KB limit


def lines() -> dict[int, int]:
    raw = session.get(SESSION_KEY) or {}
    result: dict[int, int] = {}
    if not isinstance(raw, dict):
        return result
    for key, value in raw.items():
        try:
            product_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if product_id > 0 and quantity > 0:
            result[product_id] = quantity
    return result


def save(new_lines: dict[int, int]) -> None:
    kept = {str(pid): int(qty) for pid, qty in new_lines.items() if int(qty) > 0}
    if len(kept) > MAX_GUEST_LINES:
        raise TooManyLines(MAX_GUEST_LINES)
    if kept:
        session[SESSION_KEY] = kept
    else:
        session.pop(SESSION_KEY, None)


def remove(product_id: int) -> None:
    current = lines()
    current.pop(product_id, None)
    save(current)


def clear() -> None:
    session.pop(SESSION_KEY, None)


def count() -> int:
    return sum(lines().values())


class TooManyLines(Exception):
    def __init__(self, limit: int):
        super().__init__(f"A guest cart holds at most {limit} different products; log in for more.")
        self.message = str(self)
