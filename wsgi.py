"""The entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``.

Only here is a ``.env`` file read (variables already set in the environment win).
"""

from pathlib import Path

from dotenv import load_dotenv

load_dotenv(Path(__file__).resolve().parent / ".env")

from storefront import create_app  # noqa: E402

app = create_app()
