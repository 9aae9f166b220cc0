"""``GET /api/v1/docs``: the API's guide, an HTML page rendered on the server from the generated OpenAPI document.

Not part of the OpenAPI document itself (a plain Flask blueprint): it *describes* the document. Every path and
method with its parameters, request and response schemas and the scope it needs is read from
``app.extensions["portal_api"].spec``, so the page cannot drift from the code; the chapters around it (tokens,
errors, paging, rate limits, webhooks, versioning) are written here in the site's ten languages. No script, no
third-party asset. The language comes from ``?lang=`` (the page has no ``/<locale>/`` prefix: its address is the
one the problems' ``type`` URIs point to), else the browser's.

Rendered once per process and language (``core/page_cache.py``): the document is fixed for a process's life.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import refresh

from portal.api.problems import PROBLEMS
from portal.api.tokens import MAX_LIFETIME_DAYS, SCOPE_LABELS, Scope
from portal.api.webhook_delivery import BACKOFF, MAX_FAILURES, REPLAY_WINDOW
from portal.api.webhooks import EVENT_LABELS, WebhookEvent
from portal.core.i18n import LOCALES, negotiate_locale
from portal.core.page_cache import cached_page

api_docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


@api_docs.before_request
def _language() -> None:
    wanted = request.args.get("lang", "")
    g.locale = wanted if wanted in LOCALES else negotiate_locale()
    refresh()  # flask-babel may have chosen a language before this hook ran


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> dict[str, str | None]:
    """A field's type as text, and the schema it links to (an object or a list of objects), if any."""
    if "$ref" in schema:
        return {"text": _name(schema["$ref"]), "link": _name(schema["$ref"])}
    kind = schema.get("type", "any")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = " | ".join(kind)
    if "array" in str(kind) and "items" in schema:
        inner = type_of(schema["items"])
        return {"text": f"array of {inner['text']}", "link": inner["link"]}
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind = f"{kind}: {', '.join(str(value) for value in schema['enum'] if value is not None)}"
    return {"text": str(kind), "link": None}


def fields_of(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {"name": name, **type_of(field), "required": name in required, "description": field.get("description", "")}
        for name, field in schema.get("properties", {}).items()
    ]


def _body(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"media_type": media_type, **type_of(body.get("schema", {}))} for media_type, body in content.items()]


def scope_of(path: str, method: str) -> str | None:
    """The scope the view needs, as ``tokens.require`` marked it; None for a public endpoint."""
    flask_path = path.replace("{", "<").replace("}", ">")
    for rule in current_app.url_map.iter_rules():
        if method.upper() in (rule.methods or ()) and _bare(rule.rule) == _bare(flask_path):
            view = current_app.view_functions[rule.endpoint]
            return getattr(view, "required_scope", None)
    return None


def _bare(rule: str) -> str:
    """``/a/<int:x>`` -> ``/a/<x>``: converters are not in the OpenAPI path."""
    return "/".join(f"<{part.split(':')[-1]}" if part.startswith("<") else part for part in rule.split("/"))


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            scope = scope_of(path, method)
            found.append(
                {
                    "anchor": f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}",
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": scope,
                    "scope_label": SCOPE_LABELS.get(Scope(scope)) if scope else None,
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            **type_of(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in item.get("parameters", []) + operation.get("parameters", [])
                    ],
                    "request": _body(operation.get("requestBody", {}).get("content", {})),
                    "responses": [
                        {
                            "status": status,
                            "description": answer.get("description", ""),
                            "bodies": _body(answer.get("content", {})),
                        }
                        for status, answer in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return found


@api_docs.get("/docs")
def docs_page():
    def render() -> str:
        spec = current_app.extensions["portal_api"].spec.to_dict()
        schemas = spec.get("components", {}).get("schemas", {})
        return render_template(
            "api/docs.html",
            spec=spec,
            operations=operations(spec),
            schemas=[
                (name, schema.get("description", ""), fields_of(schema)) for name, schema in sorted(schemas.items())
            ],
            problems=[(status, slug, title) for status, (slug, title) in sorted(PROBLEMS.items())],
            scopes=[(scope.value, SCOPE_LABELS[scope]) for scope in Scope],
            max_days=MAX_LIFETIME_DAYS,
            tolerance=int(REPLAY_WINDOW.total_seconds() // 60),
            webhook_events=[(event.value, EVENT_LABELS[event]) for event in WebhookEvent],
            backoff=", ".join(str(int(wait.total_seconds() // 60)) for wait in BACKOFF),
            max_failures=MAX_FAILURES,
            rate_limit=current_app.config["API_RATE_LIMIT"],
            languages=LOCALES.values(),
        )

    return cached_page(render)
