from __future__ import annotations

from flask import Blueprint

audit = Blueprint("audit", __name__, url_prefix="/staff/audit")
