"""Small pieces every view of both faces uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort

from ..services.errors import NotFound

T = TypeVar("T")


def or_404(fetch: Callable[..., T], *args, **kwargs) -> T:
    """``fetch(*args, **kwargs)``, or a 404 page when the service finds nothing."""
    try:
        return fetch(*args, **kwargs)
    except NotFound:
        abort(404)
