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
    """Document ``statuses`` as problem answers of a view (schemathesis checks every answer against them), and 400
    on every view: ``core/routing.reject_malformed_input`` answers it to a NUL byte in any query string, form field
    or file name before the view, or its token, is looked at (schemathesis found one in a multipart field)."""

    def decorate(view):
        for status in sorted({400, *statuses}):
            view = blueprint.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_MEDIA_TYPE)(view)
        return view

    return decorate


# --- what the organisation and staff endpoints share ----------------------------------------------------------------


class Paged(Schema):
    """A numbered page of a list; ``next_page`` is null on the last one."""

    page = fields.Integer(required=True)
    next_page = fields.Integer(allow_none=True, required=True)


def numbered_page(cases: list[dict], page: int, more: bool) -> dict:
    """The body of a ``Paged`` list of cases."""
    return {"cases": cases, "page": page, "next_page": page + 1 if more else None}


class TimelineEntry(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    at = fields.DateTime(required=True)
    text = fields.String(allow_none=True, required=True)
    new_state = fields.String(allow_none=True, required=True)
    files = fields.Integer(required=True, metadata={"description": "how many files are attached"})


def entry_json(entry, text: str | None) -> dict:
    """A timeline entry as ``TimelineEntry``; ``text`` is what this reader may read of it."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "at": entry.created_at,
        "text": text,
        "new_state": entry.new_state,
        "files": len(entry.attachments),  # loaded with the entries (selectin), not once per entry
    }
