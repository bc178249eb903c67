"""gunicorn's settings for the store: ``gunicorn wsgi:app`` reads this file from the
repository root (or name it with ``-c gunicorn.conf.py``). Command-line options win.
"""


def post_worker_init(worker):
    # Requests gunicorn refuses itself (431, 400, 414) are answered by the app:
    # problem JSON under /api, the store's error page elsewhere.
    from storefront.server import answer_refusals_with_the_app

    answer_refusals_with_the_app(worker)
