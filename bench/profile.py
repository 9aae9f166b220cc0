"""In-process profile of one page: SQL statements per request and milliseconds per request (test client).

    python -m bench.profile --cases 10000 --page staff_case --requests 200 [--pyinstrument]

Seeds a throw-away SQLite database (or uses BENCH_DATABASE_URL), signs in a secretariat account through the
session, and requests the page repeatedly after a warm-up. No network and no gunicorn: this isolates the cost of
our own code from the server's, which ``make bench`` measures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

PAGES = {
    "staff_case": "/staff/cases/{reference}",
    "staff_list": "/staff/cases?state=assessment",
    "dashboard": "/staff/",  # with its section counts and the four workload charts
    "staff_search": "/staff/cases?q=ghana",  # a country by name: about 1 case in 16
    "staff_search_reference": "/staff/cases?q={reference}",
    "staff_export": "/staff/cases.csv?state=assessment&category=child_labour",
    "staff_alerts": "/staff/alerts",
    "follow_up": "/en/follow-up/case",
    "landing": "/en/",
    "register_list": "/en/register",
    "register_filtered": "/en/register?country=CD&category=child_labour",
    "register_case": "/en/register/{public_reference}",
    "statistics": "/en/statistics",
    "form_what": "/en/report/what",
    "healthz": "/healthz",
    "staff_message_templates": "/staff/message-templates",
    "org_cases": "/org/cases",  # the bench NGO files one case in a hundred
    "org_tracker": "/org/trackers/{tracker_id}",
    "api_org_cases": "/api/v1/org/cases",  # with an org:read token of the NGO's member
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--page", choices=sorted(PAGES), default="staff_case")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pyinstrument", action="store_true", help="print a pyinstrument profile (pip install it)")
    parser.add_argument("--keep", metavar="FOLDER", help="seed into FOLDER once and reuse it on later runs (SQLite)")
    args = parser.parse_args()

    folder = Path(args.keep or tempfile.mkdtemp(prefix="portal-profile-"))
    folder.mkdir(parents=True, exist_ok=True)
    reuse = args.keep is not None and (folder / "p.sqlite3").exists()
    os.environ.setdefault("PORTAL_INSTANCE_PATH", str(folder))
    os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'p.sqlite3'}")
    os.environ.setdefault("RATELIMIT_ENABLED", "0")

    from sqlalchemy import event, select

    from bench.seed import seed
    from portal import create_app
    from portal.cases.models import Case
    from portal.extensions import db
    from portal.users.models import User

    app = create_app()
    with app.app_context():
        from bench.run import _api_token, _organisation, _seed_alerts, fresh_database

        if not reuse:
            fresh_database(db, "profile@example.org")
            seed(args.cases, receipts_path=None)
            _seed_alerts(db)
        member_id, tracker_id = _organisation(db)
        token = _api_token(db, member_id)
        user_id = db.session.scalar(select(User.id).where(User.email == "profile@example.org"))
        reference = db.session.scalar(select(Case.reference).where(Case.id == 1))
        from portal.transparency.queries import public_condition

        public_reference = db.session.scalar(select(Case.reference).where(public_condition()).limit(1))
        if args.page == "statistics":  # what a change of the register costs the first reader after it
            from portal.transparency.statistics import refresh

            started = time.perf_counter()
            refresh()
            db.session.commit()
            print(f"statistics built in {time.perf_counter() - started:.2f} s at {args.cases} cases")

        statements = []
        parameters_of = []

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)
            parameters_of.append(parameters)

    from portal.users.sessions import stamp

    client = app.test_client()
    now = int(time.time())
    with app.app_context(), client.session_transaction() as session:
        if args.page.startswith(("staff", "dashboard")):  # the complainant's pages are read without a staff login
            stamp(session, db.session.get(User, user_id))
        elif args.page.startswith("org"):
            stamp(session, db.session.get(User, member_id))
        session["receipt_holder"] = {"case": 1, "sid": "profile", "since": now, "seen": now}
    url = PAGES[args.page].format(reference=reference, public_reference=public_reference, tracker_id=tracker_id)
    if args.page.startswith("api_"):
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    for _ in range(10):
        assert client.get(url).status_code == 200, url
    statements.clear()
    parameters_of.clear()
    client.get(url)
    per_request = len(statements)
    # Python function calls per request: unlike milliseconds, the same from run to run on a noisy machine, so a
    # change's effect shows even when the timings' spread is larger than the change.
    import cProfile
    import pstats

    counter = cProfile.Profile()
    counter.runcall(client.get, url)
    calls = pstats.Stats(counter).total_calls  # type: ignore[attr-defined]
    if os.environ.get("PROFILE_CALLS"):  # where those calls go: the functions called most, with their own time
        stats = pstats.Stats(counter).sort_stats(os.environ["PROFILE_CALLS"])
        stats.print_stats(int(os.environ.get("PROFILE_CALLS_TOP", 40)))
        by_package: dict[str, int] = {}
        for (filename, _line, _name), (_cc, calls_of, *_rest) in stats.stats.items():  # type: ignore[attr-defined]
            package = (
                filename.split("site-packages/")[-1].split("/")[0]
                if "site-packages" in filename
                else (
                    "portal templates" if "/templates/" in filename else "portal" if "/portal/" in filename else "other"
                )
            )
            by_package[package] = by_package.get(package, 0) + calls_of
        print("calls by package:", sorted(by_package.items(), key=lambda item: -item[1]))
        if os.environ.get("PROFILE_CALLEES"):  # e.g. process_response: what one function's time is made of
            stats.print_callees(os.environ["PROFILE_CALLEES"])
        if os.environ.get("PROFILE_CALLERS"):  # e.g. gettext: who calls it, how often
            stats.print_callers(os.environ["PROFILE_CALLERS"])
    if os.environ.get("PROFILE_SQL"):  # the statements of one request, to find repeated or avoidable round trips
        for statement in statements:
            print(" ".join(statement.split())[: int(os.environ.get("PROFILE_SQL_WIDTH", 200))])
    if os.environ.get("PROFILE_PLAN"):  # SQLite's plan of each statement: a SCAN of a big table is a missing index
        with app.app_context():
            connection = db.engine.raw_connection()
            for statement, parameters in zip(list(statements), list(parameters_of), strict=True):
                plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters or ())]
                if any(step.startswith("SCAN") for step in plan):
                    print(" ".join(statement.split())[:300], "\n    ", " | ".join(plan))
            connection.close()
    timings = []
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    cpu_timings = []  # this process's CPU time: what another busy process on the machine does not inflate
    for _ in range(args.requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
    if profiler:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))))
    print(
        f"{args.page}: {per_request} SQL statements and {calls:,} Python calls per request; "
        f"median {statistics.median(timings):.2f} ms (CPU {statistics.median(cpu_timings):.2f} ms), "
        f"p90 {statistics.quantiles(timings, n=10)[-1]:.2f} ms "
        f"over {args.requests} requests at {args.cases} cases"
    )


if __name__ == "__main__":
    main()
