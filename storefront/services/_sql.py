"""Small SQL helpers shared by the services."""

LIKE_ESCAPE = "\\"
# Ids are PostgreSQL ``integer`` columns: a bigger number names nothing, and as
# a query parameter it is a database error (SQLite's driver refuses past 2**63).
MAX_ID = 2**31 - 1


def is_storable_id(value) -> bool:
    """Whether ``value`` could be a row's id; anything else names no row."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def escape_like(text: str) -> str:
    """Make ``%`` and ``_`` literal in a LIKE pattern (used with ``escape=LIKE_ESCAPE``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    return f"%{escape_like(text.lower())}%"
