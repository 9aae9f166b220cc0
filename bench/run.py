"""``make bench``: the portal under load, as ratios against a bare Flask baseline served the same way.

Seeds BENCH_CASES synthetic cases (default 100,000; encrypted as in production), serves the portal and the
baseline with gunicorn (2 workers) on loopback ports, drives each endpoint with wrk (16 connections, after a
warm-up), and writes ``bench/results.json`` plus a Markdown table. SQLite by default; PostgreSQL when
BENCH_DATABASE_URL is set. Needs ``wrk`` (Debian: ``apt-get install wrk``).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import urlopen

from bench.walk import walk_load

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
CASES = int(os.environ.get("BENCH_CASES", "100000"))
# gunicorn's shape, the same for portal and baseline: threads > 1 means the gthread worker (gunicorn.conf.py).
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_THREADS", "1")
# The growth check compares the pages at SMALL and at CASES (issue 17: 10k → 100k, and 100k → 1M on PostgreSQL).
SMALL = min(int(os.environ.get("BENCH_SMALL", "10000")), CASES)
# BENCH_SCALE_ONLY=1 measures only the pages of the growth check (a 1M-case run spends its time seeding).
SCALE_ONLY = os.environ.get("BENCH_SCALE_ONLY") == "1"
BUDGETS = {  # ratio of requests/s to the baseline's, in the same run
    "landing": 0.40,
    "form": 0.40,  # the complaint form's first step; its other steps have the same budget
    "form_what": 0.40,
    "form_kind": 0.40,
    "form_where": 0.40,
    "form_wish": 0.40,
    "form_contact": 0.40,
    "follow_up": 0.25,
    "staff_case": 0.15,
    "staff_list": 0.10,
    "staff_search": 0.10,
    "dashboard": 0.10,
    "staff_alerts": 0.15,  # the desk's alert list: 50 open alerts, each checked against the reader's recusals
    "register_list": 0.20,
    "register_case": 0.20,
    "api_register": 0.15,  # GET /api/v1/register, the default page: JSON kept per address and register version
    "org_cases": 0.10,  # an organisation's own cases: like the staff list
    "org_tracker": 0.10,  # a theme tracker: the register's list, a count by month and the changes since last visit
    "api_org_cases": 0.15,  # GET /api/v1/org/cases with a member's token: the org_cases query, as JSON
    "statistics": 0.40,
    "review_public": 0.20,  # an adopted annual review: its frozen figures, no query over the cases
    "org_home": 0.15,  # an organisation's home page (/org/): its members, verification, the filing button
    "company_case": 0.15,  # the liaison's case page (issue 15): like the staff case page
    "message_templates": 0.15,  # the secretariat's template page: forty templates, one query
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn (BENCH_WORKERS, BENCH_THREADS) on a loopback port; the same settings for portal and baseline."""

    def __init__(self, app: str, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", WORKERS, "--threads", THREADS, "--bind",
             f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level",
             "warning", app],
            cwd=ROOT, env=env,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urlopen(self.url + "/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{app} did not start")

    def worker_peak_mb(self) -> float:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        peaks = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url: str, env: dict | None = None, cookie: str | None = None,
        after_warmup=None, header: str | None = None) -> dict:  # fmt: skip
    headers = (["-H", f"Cookie: {cookie}"] if cookie else []) + (["-H", header] if header else [])
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", "-s", str(ROOT / "bench" / "report.lua"), *headers, url]
    subprocess.run([*command[:3], f"-d{WARMUP}s", *command[3:]], capture_output=True, check=True, env=env)
    if after_warmup:
        after_warmup()
    output = subprocess.run([*command[:3], f"-d{DURATION}s", *command[3:]], capture_output=True, text=True,
                            check=True, env=env).stdout  # fmt: skip
    return figures(json.loads(output.split("RESULT ", 1)[1].splitlines()[0]))


def figures(result: dict) -> dict:
    """wrk's (or bench/walk.py's) raw counts as requests per second and milliseconds."""
    seconds = result["duration_us"] / 1e6
    return {
        "requests_per_s": round(result["requests"] / seconds, 1),
        "requests": result["requests"],
        "errors": result["errors"],
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p95_ms": round(result["p95_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        **({"filed": result["filed"], "filed_per_s": round(result["filed"] / seconds, 1)} if "filed" in result else {}),
    }


def _api_token(db, user_id: int) -> str:
    """A fresh org:read token of the bench NGO's member (api_org_cases); the rate limits are off in the bench."""
    from portal.api.tokens import issue
    from portal.users.models import User

    _, secret = issue(db.session.get(User, user_id), "bench", ["org:read"], 1)
    db.session.commit()
    return secret


def fresh_database(db, staff_email: str) -> None:
    """The newest schema, empty (PostgreSQL: its ``public`` schema replaced), with a secretariat account and the
    bench NGO (for ``make bench`` and ``bench.profile``)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.users.models import User

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    upgrade()
    db.session.add(User(email=staff_email, name="Bench", role="secretariat", password_hash="-"))
    _bench_ngo(db)
    db.session.commit()


def _bench_ngo(db) -> None:
    """The bench NGO and its 12 members (bench-org0 is its admin), made with the database."""
    from portal.organisations.models import Organisation
    from portal.users.models import User

    ngo = Organisation(name="Bench NGO", kind="ngo", verified=True)
    db.session.add(ngo)
    db.session.flush()
    db.session.add_all(
        User(email=f"bench-org{n}@example.org", name=f"Member {n}", role="organisation",
             organisation_id=ngo.id, organisation_admin=n == 0, password_hash="-")
        for n in range(12)
    )  # fmt: skip


def _organisation(db) -> tuple[int, int]:
    """The bench NGO (made with the database: 12 members) files one case in a hundred and follows child labour in
    Congo (org_home, org_cases, org_tracker)."""
    from sqlalchemy import select, update

    from portal.cases.models import Case
    from portal.orgs.trackers import Tracker
    from portal.users.models import User

    member = db.session.scalar(select(User).where(User.email == "bench-org0@example.org"))
    if db.session.scalar(select(Tracker.id).where(Tracker.organisation_id == member.organisation_id)) is None:
        db.session.add(Tracker(organisation_id=member.organisation_id, name="Child labour in Congo",
                               category="child_labour", country="CD"))  # fmt: skip
        db.session.flush()
    db.session.execute(update(Case).where(Case.id % 100 == 0).values(filed_by_organisation_id=member.organisation_id))
    db.session.commit()
    tracker_id = db.session.scalar(select(Tracker.id).where(Tracker.organisation_id == member.organisation_id))
    return member.id, tracker_id


def prepare(env: dict, cases: int, fresh: bool) -> dict:
    """Seed (in this process) and mint the cookies the load needs: a staff login, a receipt holder, a form."""
    os.environ.update(env)
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import func, insert, select, text

    from bench.seed import seed
    from portal import create_app
    from portal.cases.models import Case, CaseEntry
    from portal.extensions import db
    from portal.users.models import User

    app = create_app()
    with app.app_context():
        if fresh:
            fresh_database(db, "bench@example.org")
        have = db.session.scalar(select(func.count()).select_from(Case))
        started = time.perf_counter()
        seed(cases - have, seed_value=have + 1, receipts_path=None)
        seeded_seconds = time.perf_counter() - started
        user_id = db.session.scalar(select(User.id).where(User.email == "bench@example.org"))
        org_user_id = db.session.scalar(select(User.id).where(User.email == "bench-org0@example.org"))
        case = db.session.get(Case, 1)
        missing = 10 - db.session.scalar(select(func.count()).where(CaseEntry.case_id == 1))
        if missing > 0:
            body = case.description_encrypted
            db.session.execute(
                insert(CaseEntry),
                [{"case_id": 1, "kind": "to_complainant", "visibility": "complainant", "body_encrypted": body,
                  "created_at": case.created_at} for _ in range(missing)],
            )  # fmt: skip
            db.session.commit()
        _seed_alerts(db)
        reference = case.reference
        entries = db.session.scalar(select(func.count()).select_from(CaseEntry))
        if db.engine.dialect.name == "postgresql":
            size_bytes = db.session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            size_bytes = Path(db.engine.url.database).stat().st_size
        assessment = db.session.scalar(select(func.count()).where(Case.state == "assessment"))
        from portal.transparency.queries import public_condition

        public_reference = db.session.scalar(select(Case.reference).where(public_condition()).limit(1))
        org_user_id, tracker_id = _organisation(db)
        api_token = _api_token(db, org_user_id)
        # The seed writes rows without the signals: build the statistics as `flask portal refresh-statistics` does.
        from portal.transparency.statistics import refresh

        started = time.perf_counter()
        refresh()
        db.session.commit()
        statistics_seconds = time.perf_counter() - started
        # The annual review of the seeded cases' year, adopted once at full size (compute() over every case).
        review_year, review_seconds = case.created_at.year, None
        if not fresh:
            from portal.transparency import review as annual
            from portal.transparency.review_models import AnnualReview

            if db.session.scalar(select(AnnualReview.id).where(AnnualReview.year == review_year)) is None:
                # The seed's signing chair (bench/seed.py) adopts it.
                chair = db.session.scalar(select(User).where(User.email == "bench-chair@example.org"))
                started = time.perf_counter()
                annual.adopt(review_year, chair)
                db.session.commit()
                review_seconds = round(time.perf_counter() - started, 2)
        company_reference, liaison_id = company_side()
    serializer = app.session_interface.get_signing_serializer(app)
    now = int(time.time())
    with app.test_request_context("/en/report"):
        token = generate_csrf()
        form_cookie = "session=" + serializer.dumps(dict(session))
    return {
        "seeded_seconds": round(seeded_seconds, 1),
        "entries": entries,
        "database_mb": round(size_bytes / 2**20),
        "statistics_seconds": round(statistics_seconds, 2),
        "staff_cookie": "session="
        + serializer.dumps(
            {"_user_id": str(user_id), "_fresh": True, "staff_generation": 0, "staff_login_at": now, "staff_seen": now}
        ),
        "org_cookie": "session="
        + serializer.dumps(
            {
                "_user_id": str(org_user_id),
                "_fresh": True,
                "staff_generation": 0,
                "staff_login_at": now,
                "staff_seen": now,
            }
        ),
        "liaison_cookie": "session="
        + serializer.dumps(
            {"_user_id": str(liaison_id), "_fresh": True, "staff_generation": 0, "staff_login_at": now}
            | {"staff_seen": now}
        ),
        "company_reference": company_reference,
        "api_token": api_token,
        "holder_cookie": "session="
        + serializer.dumps({"receipt_holder": {"case": 1, "sid": "bench", "since": now, "seen": now}}),
        "form_cookie": form_cookie,
        "tracker_id": tracker_id,
        "csrf_token": token,
        "reference": reference,
        "public_reference": public_reference,
        "deep_page": max(assessment // 13 // 50, 1),
        "review_year": review_year,
        "review_seconds": review_seconds,
    }


def company_side() -> tuple[str, int]:
    """A liaison of the respondent of one case the company sees, and the default message templates (issue 15)."""
    from sqlalchemy import select

    from portal.cases.access import COMPANY_VISIBLE_STATES
    from portal.cases.message_templates import seed_defaults
    from portal.cases.models import Case
    from portal.extensions import db
    from portal.organisations.models import Organisation, OrganisationKind
    from portal.users.models import User

    liaison = db.session.scalar(select(User).where(User.email == "liaison@example.org"))
    if liaison is None:
        company = Organisation(name="Bench Company", kind=OrganisationKind.COMPANY)
        liaison = User(email="liaison@example.org", name="Liaison", role="company", password_hash="-")
        liaison.organisation = company
        db.session.add_all([company, liaison])
        db.session.flush()
    case = db.session.scalar(
        select(Case).where(Case.state.in_(COMPANY_VISIBLE_STATES), Case.id != 1).order_by(Case.id).limit(1)
    )
    case.respondent_organisation_id = liaison.organisation_id
    seed_defaults()
    db.session.commit()
    return case.reference, liaison.id


def _seed_alerts(db, count: int = 50) -> None:
    """The desk's alert list needs alerts: ``count`` open pattern alerts of three cases each (the bench seeds cases
    directly, so no signal raised any)."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from portal.cases.alert_models import Alert, AlertCase
    from portal.cases.models import Case

    if db.session.scalar(select(func.count()).select_from(Alert)):
        return
    cases = db.session.scalars(select(Case).order_by(Case.id).limit(count * 3)).all()
    for number in range(min(count, len(cases) // 3)):
        group = cases[number * 3 : number * 3 + 3]
        first = group[0]
        alert = Alert(
            kind="pattern", group_key=f"pattern:other:{first.commodity}:{first.country}:{number}", category="other",
            commodity=first.commodity, country=first.country, status="open", first_case_at=first.created_at,
            last_case_at=first.created_at + timedelta(days=1),
        )  # fmt: skip
        alert.case_rows = [AlertCase(case_id=case.id, joined_at=first.created_at) for case in group]
        db.session.add(alert)
    db.session.commit()


def count_cases(env: dict) -> tuple[int, int]:
    from sqlalchemy import distinct, func, select

    from portal import create_app
    from portal.cases.models import Case
    from portal.extensions import db

    time.sleep(1)  # let requests still in flight when wrk stopped finish first
    with create_app().app_context():
        total, distinct_references = db.session.execute(
            select(func.count(), func.count(distinct(Case.reference))).select_from(Case)
        ).one()
        return total, distinct_references


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("make bench needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ, "PORTAL_INSTANCE_PATH": str(workdir), "DATABASE_URL": database, "RATELIMIT_ENABLED": "0",
        "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": f"{os.cpu_count()} cores, "
               f"{platform.machine()}, Python {platform.python_version()}", "database": database.split(":")[0],
               "cases": CASES, "connections": CONNECTIONS, "duration_s": DURATION, "endpoints": {}}  # fmt: skip

    baseline = Server("bench.baseline:app", env)
    try:
        results["baseline"] = wrk(baseline.url + "/")
        results["baseline"]["peak_worker_mb"] = round(baseline.worker_peak_mb(), 1)
    finally:
        baseline.stop()

    scaling = {}
    for stage, cases in (("small", SMALL), ("large", CASES)):
        data = prepare(env, cases, fresh=stage == "small")
        results[f"seeded_{stage}_seconds"] = data["seeded_seconds"]
        results[f"database_{stage}"] = {"cases": cases, "entries": data["entries"], "mb": data["database_mb"]}
        portal = Server("wsgi:app", env)
        try:
            staff_list = "/staff/cases?state=assessment&category=child_labour"
            scaling[stage] = {
                "staff_list": wrk(portal.url + staff_list, cookie=data["staff_cookie"]),
                "follow_up": wrk(portal.url + "/en/follow-up/case", cookie=data["holder_cookie"]),
                "dashboard": wrk(portal.url + "/staff/", cookie=data["staff_cookie"]),
            }
            if stage == "large" and SCALE_ONLY:
                results["portal_peak_worker_mb"] = round(portal.worker_peak_mb(), 1)
            elif stage == "large":
                endpoints = results["endpoints"]
                endpoints["landing"] = wrk(portal.url + "/en/")
                endpoints["form"] = wrk(portal.url + "/en/report")
                endpoints["follow_up"] = scaling["large"]["follow_up"]
                endpoints["staff_list"] = scaling["large"]["staff_list"]
                endpoints["dashboard"] = scaling["large"]["dashboard"]
                endpoints["staff_list_deep"] = wrk(
                    portal.url + f"{staff_list}&page={data['deep_page']}", cookie=data["staff_cookie"]
                )
                endpoints["staff_case"] = wrk(
                    portal.url + f"/staff/cases/{data['reference']}", cookie=data["staff_cookie"]
                )
                endpoints["staff_search"] = wrk(portal.url + "/staff/cases?q=ghana", cookie=data["staff_cookie"])
                # The CSV of a filtered list (every row of it, streamed); measured, no budget: it is a download.
                endpoints["staff_export"] = wrk(
                    portal.url + f"/staff/cases.csv?{staff_list.split('?')[1]}", cookie=data["staff_cookie"]
                )
                endpoints["staff_alerts"] = wrk(portal.url + "/staff/alerts", cookie=data["staff_cookie"])
                endpoints["healthz"] = wrk(portal.url + "/healthz")
                endpoints["org_home"] = wrk(portal.url + "/org/", cookie=data["org_cookie"])
                endpoints["company_case"] = wrk(
                    portal.url + f"/company/cases/{data['company_reference']}", cookie=data["liaison_cookie"]
                )
                endpoints["message_templates"] = wrk(
                    portal.url + "/staff/message-templates", cookie=data["staff_cookie"]
                )
                endpoints["register_list"] = wrk(portal.url + "/en/register?country=CD&category=child_labour")
                endpoints["register_case"] = wrk(portal.url + f"/en/register/{data['public_reference']}")
                endpoints["api_register"] = wrk(portal.url + "/api/v1/register")
                endpoints["org_cases"] = wrk(portal.url + "/org/cases", cookie=data["org_cookie"])
                endpoints["org_tracker"] = wrk(
                    portal.url + f"/org/trackers/{data['tracker_id']}", cookie=data["org_cookie"]
                )
                endpoints["api_org_cases"] = wrk(
                    portal.url + "/api/v1/org/cases", header=f"Authorization: Bearer {data['api_token']}"
                )
                endpoints["statistics"] = wrk(portal.url + "/en/statistics")
                results["statistics_build_seconds"] = data["statistics_seconds"]
                endpoints["review_public"] = wrk(portal.url + f"/en/reviews/{data['review_year']}")
                results["review_adopt_seconds"] = data["review_seconds"]
                for step in ("what", "kind", "where", "wish", "contact"):  # unanswered: cached per locale
                    endpoints[f"form_{step}"] = wrk(portal.url + f"/en/report/{step}")
                counted = {}
                # Complaints walked step by step and sent, 16 clients at once (bench/walk.py).
                endpoints["submit"] = figures(
                    walk_load(
                        portal.url, CONNECTIONS, DURATION, WARMUP,
                        after_warmup=lambda counted=counted: counted.update(before=count_cases(env)[0]),
                    )
                )  # fmt: skip
                after, distinct = count_cases(env)
                endpoints["submit"]["rows_added"] = after - counted["before"]
                endpoints["submit"]["unique_references"] = distinct == after
                results["portal_peak_worker_mb"] = round(portal.worker_peak_mb(), 1)
        finally:
            portal.stop()
    results["scaling"] = scaling
    report(results)
    shutil.rmtree(workdir, ignore_errors=True)


def report(results: dict) -> None:
    base = results["baseline"]["requests_per_s"]
    rows = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | ratio | budget | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows.append(f"| baseline | {base} | {results['baseline']['p50_ms']} | {results['baseline']['p95_ms']} | "
                f"{results['baseline']['p99_ms']} | 1.00 | | {results['baseline']['errors']} |")  # fmt: skip
    verdicts = {}
    for name, measured in results["endpoints"].items():
        ratio = measured["requests_per_s"] / base
        measured["ratio"] = round(ratio, 2)
        budget = BUDGETS.get(name)
        verdict = "" if budget is None else ("met" if ratio >= budget else "MISSED")
        if budget is not None:
            verdicts[name] = verdict
        rows.append(f"| {name} | {measured['requests_per_s']} | {measured['p50_ms']} | {measured['p95_ms']} | "
                    f"{measured['p99_ms']} | {ratio:.2f} | {f'≥ {budget:.2f} {verdict}' if budget else ''} | "
                    f"{measured['errors']} |")  # fmt: skip
    submit = results["endpoints"].get("submit")
    if submit is not None:  # absent with BENCH_SCALE_ONLY: the growth check alone
        submit_ok = (
            submit["requests_per_s"] >= 100 and submit["errors"] == 0
            # Every complaint sent was stored (more rows than counted: walks in flight when the clock stopped).
            and submit["rows_added"] >= submit["filed"] and submit["unique_references"]
        )  # fmt: skip
        verdicts["complaint form requests ≥ 100/s while filing, none lost"] = "met" if submit_ok else "MISSED"

    def answered(measured: dict) -> bool:
        # A page that answered nothing within the run has no p50 (wrk prints 0): that is a miss, never growth 0.
        return measured["requests"] > 0 and measured["errors"] == 0

    growth: dict[str, float | None] = {}
    for key in ("staff_list", "follow_up", "dashboard"):
        small, large = results["scaling"]["small"][key], results["scaling"]["large"][key]
        both = answered(small) and answered(large)
        growth[key] = round(large["p50_ms"] / max(small["p50_ms"], 0.01), 2) if both else None
    results["p50_growth_small_to_large"] = growth
    for key, name in (("staff_list", "staff list"), ("follow_up", "follow-up"), ("dashboard", "dashboard")):
        found = growth[key]
        verdicts[f"{name} p50 growth ≤ 1.5x"] = (
            "MISSED (no answer, or errors, within the run)" if found is None else "met" if found <= 1.5 else "MISSED"
        )
    verdicts["peak RSS ≤ 150 MB per worker"] = "met" if results["portal_peak_worker_mb"] <= 150 else "MISSED"
    results["verdicts"] = verdicts
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{results['date']} · {results['machine']} · {results['database']} · {results['cases']} cases · "
          f"gunicorn {WORKERS} workers, {THREADS} threads each")  # fmt: skip
    print("\n".join(rows))
    for stage in ("small", "large"):
        size = results[f"database_{stage}"]
        print(
            f"{stage}: {size['cases']:,} cases, {size['entries']:,} timeline entries, database {size['mb']:,} MB; "
            + ", ".join(f"{key} p50 {m['p50_ms']} ms" for key, m in results["scaling"][stage].items())
        )
    if submit is not None:
        print(f"\nsubmissions: {submit['filed']} complaints walked and sent ({submit['filed_per_s']}/s, "
          f"{submit['requests']} requests), {submit['rows_added']} stored, "
          f"unique references: {submit['unique_references']}")  # fmt: skip
    shown = {key: "no answer" if value is None else f"x{value}" for key, value in growth.items()}
    print(f"p50 growth {SMALL} → {CASES} cases: staff list {shown['staff_list']}, follow-up {shown['follow_up']}, "
          f"dashboard {shown['dashboard']}")  # fmt: skip
    print(f"peak RSS per worker: portal {results['portal_peak_worker_mb']} MB, baseline "
          f"{results['baseline']['peak_worker_mb']} MB")  # fmt: skip
    print(f"seeding: {results['seeded_small_seconds']} s for {SMALL}, {results['seeded_large_seconds']} s for the rest")
    if "statistics_build_seconds" in results:
        print(f"statistics built in {results['statistics_build_seconds']} s at {CASES} cases (once per change)")
    for name, verdict in verdicts.items():
        print(f"- {name}: {verdict}")


if __name__ == "__main__":
    main()
