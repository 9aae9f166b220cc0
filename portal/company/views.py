from __future__ import annotations

from flask import Blueprint

company = Blueprint("company", __name__, url_prefix="/company")
