"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask import session
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from .models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class StoreLoginManager(LoginManager):
    """Flask-Login, with strong session protection only where there is a login to protect.

    Flask-Login judges any non-empty session: one holding only a CSRF token (a
    guest who has seen a form) fails the "strong" check on every request, is
    emptied and marked to clear the remember cookie, and so is written back
    with a new ``Set-Cookie`` each time, which makes every guest page
    uncacheable. A session without a user id carries no login to steal, so it
    is left alone; a logged-in session is checked exactly as before.
    """

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()

    def _load_user_from_remember_cookie(self, cookie):
        """Log in from the remember-me cookie, and bind the new session to this browser.

        Flask-Login puts the user id in the session but not the browser's
        fingerprint (``_id``), so under strong protection the very next request
        failed the check, logged the shopper out and deleted the cookie:
        "remember me" lasted one page.
        """
        user = super()._load_user_from_remember_cookie(cookie)
        if user is not None:
            session["_id"] = self._session_identifier_generator()
        return user


login_manager = StoreLoginManager()
csrf = CSRFProtect()
mail = Mail()  # storefront/mail.py sends through it
# Login and registration limits: storefront/ratelimit.py (the `limits` library).
