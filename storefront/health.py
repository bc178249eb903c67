"""Liveness and readiness probes.

``/healthz`` answers while the process runs. ``/readyz`` answers 503 when the
database does not answer (within its own short bound, see ``db_setup``), and
200 otherwise: ``status`` is ``degraded`` while the rate-limit store (Redis)
is away, since logins then go on with per-process counters.
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from . import ratelimit
from .db_setup import bounded
from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    body = {"status": "ok", "database": "ok"}
    limits = ratelimit.storage_status()
    if limits is not None:
        body["rate_limits"] = limits
        if limits != "ok":
            body["status"] = "degraded"
    try:
        with bounded(current_app.config["READINESS_TIMEOUT"]):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    except Exception:  # any failure to reach the database means "not ready"
        db.session.rollback()
        body.update(status="unavailable", database="unreachable")
        return jsonify(body), 503
    return jsonify(body)
