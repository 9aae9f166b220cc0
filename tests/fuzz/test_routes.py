"""Every route, every parameter, every role, bad values: never a 5xx (SECURITY.md, "malformed input").

The routes come from ``app.url_map`` (GET and POST), so a new page is fuzzed without touching this file. The
parameters of a route are its URL arguments, the query arguments the views read (``QUERY_ARGS`` and the fields of
every GET form that points at it) and the fields of every form that posts to it, found by GETting each page as each
role and parsing its ``<input>``, ``<select>`` and ``<textarea>`` names. Each parameter in turn gets each value of
``NASTY`` (the other parameters keep the page's own values), as a different role each time; then Hypothesis draws
further values (``derandomize=True``: the same requests on every run). Invalid UTF-8 goes out as raw
percent-escapes in paths, query strings and form bodies.
"""

from __future__ import annotations

import itertools
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.users.models import User
from portal.users.sessions import stamp
from tests.cases.conftest import build_world

ROLES = ["anonymous", "secretariat", "chair", "member_panel", "liaison", "admin", "holder"]
QUERY_ARGS = ["page", "target", "action", "next", "locale", "lang"]
RAW = "raw:"  # a value sent as written (percent-escapes included), not escaped again

# Bad values by kind: every parameter gets one of each kind (a different one from parameter to parameter).
NASTY = {
    "nul": ["\x00", "MC-2026-\x0000001", "a\x00b@example.org", "case:\x00"],
    "huge number": [
        "99999999999999999999",
        "9223372036854775808",
        "2147483648",
        "MC-2026-99999999999999999999",
        "case:99999999999999999999",
        "1e308",
    ],
    "negative or odd number": ["-1", "-99999999999999999999", "0", "NaN", "-0", "+1"],
    "invalid UTF-8": [RAW + "%C0%AF", RAW + "%FF", RAW + "%ED%A0%80", RAW + "%E0%80", RAW + "abc%FE%FF"],
    "absurd length": ["A" * 100_000, "9" * 100_000, "é" * 50_000],
    "unknown locale": ["xx", "zh_hans", "en-US", "../en", "EN"],
    "path traversal": [
        "../../../../etc/passwd",
        RAW + "..%2F..%2F..%2Fetc%2Fpasswd",
        "..\\..\\windows\\win.ini",
        "/etc/passwd",
        RAW + "%2e%2e%2f%2e%2e%2f",
    ],
    "odd text": ["MC-٢٠٢٦-٠٠٠٠١", "\u202egnp.exe", "' OR 1=1 --", "<script>alert(1)</script>", "", " ", "[]"],
}
ALL_NASTY = [value for values in NASTY.values() for value in values]

# ~8,300 requests: 2-5 minutes per database, depending on how busy the two cores are (two test workers share them).
# Counts bound the work; a wall-clock bound on the whole run measured the machine's load (CI once took 310 s), so the
# bound is on one request: it catches a runaway (a request that hangs or loops), whatever else the machine is doing.
WORST_REQUEST_SECONDS = 20


class FormParser(HTMLParser):
    """Every form of a page: action, method, enctype and its fields with the values the page gives them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").upper(),
                    "multipart": attrs.get("enctype") == "multipart/form-data",
                    "fields": {},
                    "files": [],
                }
            )
            return
        if not self.forms or not attrs.get("name"):
            return
        fields, name = self.forms[-1]["fields"], attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "file":
                self.forms[-1]["files"].append(name)
            elif kind in ("checkbox", "radio"):
                fields.setdefault(name, attrs.get("value") or "y")
            elif kind != "submit" or name not in fields:
                fields[name] = attrs.get("value") or _plausible(name)
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and not self.forms[-1]["fields"][self._select]:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            fields[name] = _plausible(name)
        elif tag == "button":
            fields.setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _plausible(name: str) -> str:
    if "email" in name:
        return "someone@example.org"
    if "password" in name:
        return "a long and careful passphrase"
    return "Children carry sacks of cobalt ore at the depot every night without any protection."


@dataclass
class Target:
    """One route and method with its parameters, learnt from the URL map and the pages."""

    rule: str
    endpoint: str
    method: str
    url_args: list[str]
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


@dataclass
class Tally:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)


def _encode(value: str) -> str:
    return value[len(RAW) :] if value.startswith(RAW) else quote(value, safe="")


def _body(values: dict[str, str]) -> str:
    return "&".join(f"{quote(key, safe='')}={_encode(value)}" for key, value in values.items())


class Fuzzer:
    def __init__(self, app, world, holder_case_id: int, login_as) -> None:
        self.app, self.world, self.holder_case_id, self.login_as = app, world, holder_case_id, login_as
        self.clients = {role: app.test_client() for role in ROLES}
        self.tally = Tally()
        self.cookies: dict = {}
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.longest: tuple[float, str] = (0.0, "")  # the slowest single request and what it was
        self.defaults = {
            "locale": "en",
            "reference": world.reference,
            "attachment_id": str(world.submission_attachment_id),
            "entry_id": str(world.company_entry_id),
            "user_id": str(world.users["liaison_other"]),  # the admin's edits fall on an account nobody fuzzes as
            "action": "acknowledge",
            "filename": "css/portal.css",
            "organisation_id": str(next(iter(world.organisations.values()))),
            "entity_id": str(world.site_id),
            "kind": "entities",
            "record_id": str(world.site_id),
            "relation_id": "1",
            "meeting_id": "1",
            "commitment_id": "1",
            "item": "summary",
            "publication_id": "1",
            "slug": "what",  # the complaint form's back links
            "year": "2025",  # the annual review
            "token": "an-invitation-that-does-not-exist",  # an organisation's invitation link
            "tracker_id": "1",  # a theme an organisation follows
            "subscription_id": "1",  # an organisation's webhook
            "alert_id": "1",
            "suggestion_id": "1",
            "tag_id": "1",  # a staff-defined tag
            "filter_id": "1",  # a saved filter
            "token_id": "1",  # an API token (the first created by a fuzzed account, or none)
        }

    # Sessions ----------------------------------------------------------------------------------------------------

    def client(self, role: str):
        """The role's client, its session cookie set again before every request (a fuzzed logout, leave or login
        must not change who the next request is)."""
        client = self.clients[role]
        if role not in self.cookies:
            with client.session_transaction() as session:
                session.clear()
                if role == "holder":
                    now = int(time.time())
                    holder = {"case": self.holder_case_id, "sid": f"fuzz-{now}", "since": now, "seen": now}
                    session["receipt_holder"] = holder
                elif role != "anonymous":
                    with self.app.app_context():
                        stamp(session, db.session.get(User, self.world.users[role]))
                    session["_fresh"] = True
            self.cookies[role] = client.get_cookie(self.cookie_name)
        client.delete_cookie(self.cookie_name)
        if self.cookies[role] is not None:
            client.set_cookie(self.cookie_name, self.cookies[role].value)
        return client

    # Discovery ---------------------------------------------------------------------------------------------------

    def url(self, target: Target, override: tuple[str, str] | None = None) -> str:
        path = target.rule
        if target.endpoint == "company.download":
            values = {**self.defaults, "attachment_id": str(self.world.company_attachment_id)}
        else:
            values = self.defaults
        for name in target.url_args:
            value = override[1] if override and override[0] == name else values[name]
            encoded = _encode(value) if value.startswith(RAW) or override else quote(value, safe="/")
            path = path.replace(f"<{name}>", encoded)
            for converter in ("int", "path"):
                path = path.replace(f"<{converter}:{name}>", encoded)
        return path

    def targets(self) -> list[Target]:
        targets = [
            Target(rule.rule, rule.endpoint, method, sorted(rule.arguments))
            for rule in self.app.url_map.iter_rules()
            for method in sorted(rule.methods & {"GET", "POST"})
        ]
        by_key = {(target.endpoint, target.method): target for target in targets}
        adapter = self.app.url_map.bind("localhost")
        for role, target in itertools.product(ROLES, targets):
            if target.method != "GET":
                continue
            response = self.client(role).get(self.url(target))
            self.count(response.status_code, role, "GET", self.url(target), "(discovery)", "")
            page = response.get_data(as_text=True) if "html" in (response.content_type or "") else ""
            response.close()
            parser = FormParser()
            parser.feed(page)
            for form in parser.forms:
                path = urlsplit(form["action"]).path or self.url(target)
                try:
                    endpoint, _ = adapter.match(path, method=form["method"])
                except Exception:  # a form pointing elsewhere (none do today)
                    continue
                found = by_key.get((endpoint, form["method"]))
                if found is None:
                    continue
                into = found.query if form["method"] == "GET" else found.form
                for name, value in form["fields"].items():
                    into.setdefault(name, value)
                found.files = sorted(set(found.files) | set(form["files"]))
        for target in targets:
            if target.method == "GET":
                for name in QUERY_ARGS:
                    target.query.setdefault(name, "")
        return targets

    # Requests ----------------------------------------------------------------------------------------------------

    def count(self, status: int, role: str, method: str, url: str, param: str, value: str) -> None:
        self.tally.requests += 1
        self.tally.by_status[status] += 1
        if status >= 500:
            self.tally.failures.append(f"{status} {role} {method} {url[:120]} {param}={value[:40]!r}")

    def send(self, role: str, target: Target, param: str, value: str) -> None:
        """One request: ``param`` (a URL argument, a query argument or a form field) set to ``value``."""
        url_override = (param, value) if param in target.url_args else None
        url = self.url(target, url_override)
        client = self.client(role)
        began = time.monotonic()
        try:
            if target.method == "GET":
                query = {**{k: v for k, v in target.query.items() if v}, **({param: value} if not url_override else {})}
                response = client.get(url, query_string=_body(query))
            elif target.files and param in target.files:
                form = {**target.form, param: (_pdf(), value.removeprefix(RAW) or "x.pdf")}
                response = client.post(url, data=form, content_type="multipart/form-data")
            else:
                form = {**target.form, **({param: value} if not url_override else {})}
                response = client.post(url, data=_body(form).encode(), content_type="application/x-www-form-urlencoded")
            status = response.status_code
            response.close()
        except Exception:
            status = 599  # an exception that escaped every handler
            value = f"{value[:40]!r} {traceback.format_exc(limit=-1).strip().splitlines()[-1]}"
        took = time.monotonic() - began
        self.seconds[target.endpoint, target.method] += took
        self.longest = max(self.longest, (took, f"{target.method} {target.endpoint} {param}"))
        self.count(status, role, target.method, url, param, value)

    def parameters(self, target: Target) -> list[str]:
        names = [*target.url_args, *target.files]
        names += list(target.query) if target.method == "GET" else list(target.form)
        return names or ["(none)"]


def _pdf():
    import io

    from tests.samples import PDF_BYTES

    return io.BytesIO(PDF_BYTES)


@pytest.fixture
def fuzzer(app, file_grievance, open_case, login_as):
    with app.app_context():
        world = build_world(file_grievance)
    _, reference, receipt = file_grievance()
    assert open_case(receipt).status_code in (200, 302)
    with app.app_context():
        holder_case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
    return Fuzzer(app, world, holder_case_id, login_as)


BAD_TEXT = st.one_of(
    st.sampled_from(ALL_NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=20).map(lambda t: t + "\x00"),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.binary(min_size=1, max_size=8).map(lambda b: RAW + "".join(f"%{byte:02X}" for byte in b)),
    st.integers(min_value=1_000, max_value=120_000).map(lambda n: "9" * n),
)


def test_no_route_answers_5xx_to_bad_input(app, fuzzer):
    started = time.monotonic()
    targets = fuzzer.targets()
    discovered = fuzzer.tally.requests
    assert {"staff.act", "intake.report", "users.login", "audit.trail", "staff.case_list"} <= {
        t.endpoint for t in targets
    }
    by_endpoint = {(t.endpoint, t.method): t for t in targets}
    # The discovery found the forms' fields (a page change that hides them would make this fuzz shallow).
    assert {"email", "password"} <= set(by_endpoint["users.login", "POST"].form)
    # The complaint form's steps: each page's own questions.
    assert {"filer_type"} <= set(by_endpoint["intake.report", "POST"].form)
    assert {"description"} <= set(by_endpoint["intake.report_what", "POST"].form)
    assert {"evidence", "voice_note", "photo"} <= set(by_endpoint["intake.report_what", "POST"].files)
    assert {"country", "place"} <= set(by_endpoint["intake.report_where", "POST"].form)
    assert {"country", "state", "sort", "page"} <= set(by_endpoint["staff.case_list", "GET"].query)
    assert "target" in by_endpoint["audit.trail", "GET"].query

    # Every parameter of every route gets a value of every bad kind, each time as the next role.
    roles, turn = itertools.cycle(ROLES), itertools.count()
    for target in targets:
        for param in fuzzer.parameters(target):
            n = next(turn)
            for values in NASTY.values():
                fuzzer.send(next(roles), target, param, values[n % len(values)])
    systematic = fuzzer.tally.requests - discovered

    # Then values Hypothesis draws, for any route, parameter and role.
    choices = [(t, p) for t in targets for p in fuzzer.parameters(t)]

    @settings(
        max_examples=500,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(choices), st.sampled_from(ROLES), BAD_TEXT)
    def drawn(choice, role, value):
        target, param = choice
        fuzzer.send(role, target, param, value)

    drawn()
    elapsed = time.monotonic() - started
    tally = fuzzer.tally
    print(
        f"\nfuzz [{app.config['DATABASE_KIND']}]: {tally.requests} requests "
        f"({discovered} discovery, {systematic} systematic, {tally.requests - discovered - systematic} drawn) "
        f"over {len(targets)} routes in {elapsed:.0f} s; 5xx: {len(tally.failures)}; "
        f"statuses: {dict(sorted(tally.by_status.items()))}"
    )
    slowest = sorted(fuzzer.seconds.items(), key=lambda kv: -kv[1])[:3]
    print(
        "slowest routes (s):", [(f"{method} {endpoint}", round(seconds, 1)) for (endpoint, method), seconds in slowest]
    )
    assert tally.failures == [], "\n".join(tally.failures[:40])
    assert tally.requests >= 2_500
    assert fuzzer.longest[0] < WORST_REQUEST_SECONDS, fuzzer.longest
