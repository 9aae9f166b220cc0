"""``GET /api/v1/me``: the token in use and its owner's role, so an integration can check its setup."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from portal.api.schemas import problems
from portal.api.tokens import Scope, require

api_me = Blueprint("api_me", __name__, url_prefix="/api/v1", description="The token in use")


class MeSchema(Schema):
    token_name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    expires_at = fields.DateTime(required=True)
    role = fields.String(required=True)
    organisation_id = fields.Integer(allow_none=True)


@api_me.route("/me")
@api_me.doc(security=[{"token": []}])
@api_me.response(200, MeSchema)
@problems(api_me, 401, 403, 429)
@require(Scope.PUBLIC_READ)
def me():
    token = g.api_token
    return {
        "token_name": token.name,
        "scopes": sorted(token.scope_set),
        "expires_at": token.expires_at,
        "role": token.user.role,
        "organisation_id": token.user.organisation_id,
    }
