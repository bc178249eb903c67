"""The ceiling: a bare Flask app answering one precomputed JSON body.

It runs on the same server (gunicorn, same workers) as the store, so the
store's figures can be read as a share of what Flask itself manages here.
``BENCH_CEILING_BODY`` names a file holding the body (the bench writes the
store's own 100-product page there).
"""

from __future__ import annotations

import os

from flask import Flask, Response

app = Flask(__name__)
with open(os.environ["BENCH_CEILING_BODY"], "rb") as _file:
    BODY = _file.read()


@app.get("/")
def body():
    return Response(BODY, mimetype="application/json")
