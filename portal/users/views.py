from __future__ import annotations

from flask import Blueprint

users = Blueprint("users", __name__, url_prefix="/staff")
