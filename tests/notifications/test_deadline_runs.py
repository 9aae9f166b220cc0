"""`flask portal deadlines` from cron on every app server: one run at a time sends (docs/architecture.md §10).

Two servers running it at the same moment, with a real SMTP server, are in tests/test_two_servers.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from portal.cases.workflow import Clock
from portal.extensions import db
from portal.notifications.deadlines import RUN_LOCK_KEY
from tests.notifications.test_deadlines import _recorded, _run, _set_clock


def test_a_run_finding_another_in_progress_sends_nothing_and_the_next_sends_once(
    app, smtp, file_grievance, make_user, case_by_reference
):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite runs wait for the write lock")
    chair = make_user("chair")
    _, reference, _ = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-2))
    with app.app_context(), db.engine.connect() as other_run:
        other_run.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RUN_LOCK_KEY})
        assert _run(app) == "another run is sending the deadline notices: nothing to do"
        other_run.rollback()
    assert smtp.recipients == [] and _recorded(app) == 0
    assert _run(app) == "reminders: 0, escalations: 1"
    assert _run(app) == "reminders: 0, escalations: 0"
    assert smtp.recipients == [chair.email]
