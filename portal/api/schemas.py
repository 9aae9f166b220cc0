"""Marshmallow schemas shared by the API's blueprints (flask-smorest turns them into the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457: ``type`` is stable; ``title`` names the kind; ``detail`` explains this occurrence."""

    type = fields.String(required=True, metadata={"example": "/api/v1/docs#problem-not-found"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={"description": "422: field -> messages"})


def problems(blueprint, *statuses: int):
    """Document ``statuses`` as problem answers of a view (schemathesis checks every answer against them)."""

    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_MEDIA_TYPE)(view)
        return view

    return decorate
