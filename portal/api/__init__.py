"""The JSON API, version 1 (``/api/v1``): the register, statistics, decisions and entities for anyone; an
organisation's own cases and trackers, and staff reading, for holders of a scoped token.

Built with flask-smorest, which generates the OpenAPI 3.1 document from the views' marshmallow schemas (served at
``/api/v1/openapi.json``; the readable page at ``/api/v1/docs`` is rendered from that document on the server).
Chosen over APIFlask because it is an extension of a plain Flask app (APIFlask wants its own app class), so the
portal's app factory, error pages and extensions stay as they are.

- ``setup.py``     the Api object, its settings and ``init_api`` (called by the composition root)
- ``problems.py``  every error as ``application/problem+json`` (RFC 9457) with a stable type
- ``tokens.py``    scoped personal tokens: model, issuing and revoking, authentication, per-token rate limits
- ``org.py``       an organisation's cases, replies, evidence, filing on behalf of people, trackers (``org_schemas``)
- ``idempotency.py`` the ``Idempotency-Key`` of filing: one case per organisation and key, also under a race
- ``staff.py``     staff reading: cases list and case as the token's owner may see them, recusals applied
- ``pages.py``     the account page's tokens (HTML, CSRF): list, create (shown once), revoke; ``forms.py`` its form
"""
