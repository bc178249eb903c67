"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from .models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()  # storefront/mail.py sends through it
# Login and registration limits: storefront/ratelimit.py (the `limits` library).
