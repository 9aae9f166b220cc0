"""Extensions, created unbound; ``create_app`` binds them to an app."""

from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.core.db import Base
from portal.core.i18n import PortalBabel
from portal.core.security import limiter_client_key

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = PortalBabel()  # Flask-Babel, with its catalogue looked up once per request (core/i18n.py)
compress = Compress()
# default_limits_exempt_when etc. come from config; the key never holds a raw client address.
limiter = Limiter(key_func=limiter_client_key)
