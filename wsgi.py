"""The entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``."""

from storefront import create_app

app = create_app()
