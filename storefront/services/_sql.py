"""Small SQL helpers shared by the services."""

LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """Make ``%`` and ``_`` literal in a LIKE pattern (used with ``escape=LIKE_ESCAPE``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    return f"%{escape_like(text.lower())}%"
