"""Ending a user's API sessions: the revocation of their token families.

Its own module so that accounts (a password change, a deactivation) and
tokens (logout, refresh-token reuse) both depend on it, and neither on the
other for it: tokens -> accounts -> api_sessions, one way.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import TokenFamily, utcnow
from ._tx import transactional


@transactional
def end_api_sessions(user_id: int, fids: set[str] | None = None) -> int:
    """Revoke a user's live token families (all, or those in ``fids``).

    Called inside another service (a password change, a deactivation), it joins
    that transaction: the change and the end of the API sessions commit together.
    """
    stmt = select(TokenFamily).where(
        TokenFamily.user_id == user_id, TokenFamily.revoked_at.is_(None)
    )
    if fids is not None:
        stmt = stmt.where(TokenFamily.fid.in_(fids))
    families = db.session.scalars(stmt).all()
    now = utcnow()
    for family in families:
        family.revoked_at = now
    db.session.flush()
    return len(families)
