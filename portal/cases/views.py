from __future__ import annotations

from flask import Blueprint

staff = Blueprint("staff", __name__, url_prefix="/staff")
