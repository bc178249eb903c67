"""The JSON API under /api. (Filled in by the API issue.)"""

from flask import Flask


def register_api(app: Flask) -> None:
    pass
