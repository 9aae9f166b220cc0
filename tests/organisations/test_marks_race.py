"""Two requests of one member at once (two tabs, a double click, a client retrying) both record a first visit of a
tracker or a first read of a case: the second must not fail on the row's key. The bench found it as a 500 on the
tracker page under 16 concurrent connections.

The race is made certain, not left to timing: the first transaction writes and holds its row uncommitted while the
second writes the same row, which waits on PostgreSQL's unique index until the first commits (a read-then-insert
then fails on the key; one upsert statement does not). SQLite lets one writer in at a time, so it has no race."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from portal.cases.models import Case, CaseEntry
from portal.core.db import utcnow
from portal.extensions import db
from portal.orgs.cases import OrgCaseRead, mark_read
from portal.orgs.trackers import Tracker, TrackerVisit, mark_seen
from portal.users.models import User
from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import file_for


def _at_once(app, write) -> list[BaseException]:
    """``write()`` in two transactions: the second starts while the first holds its row, uncommitted."""
    failures: list[BaseException] = []
    first_wrote = threading.Event()

    def first():
        with app.app_context():
            try:
                write()
                first_wrote.set()
                time.sleep(0.5)  # the second is now waiting on this row
                db.session.commit()
            except BaseException as error:  # reported to the test
                failures.append(error)
                first_wrote.set()

    def second():
        first_wrote.wait(10)
        with app.app_context():
            try:
                write()
                db.session.commit()
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return failures


@pytest.fixture
def postgresql_only(app):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("SQLite serialises writers: no race to lose")


def test_two_first_visits_of_a_tracker_at_once_both_succeed(app, orgs, postgresql_only):
    member_id = orgs.members["ngo"].id
    with app.app_context():
        tracker = Tracker(organisation_id=orgs.ngo, name="Cobalt in Congo", commodity="cobalt", country="CD")
        db.session.add(tracker)
        db.session.commit()
        tracker_id = tracker.id

    def visit():
        mark_seen(member_id, db.session.get(Tracker, tracker_id), utcnow())

    assert _at_once(app, visit) == []
    with app.app_context():
        assert db.session.scalar(select(TrackerVisit.seen_at).where(TrackerVisit.user_id == member_id)) is not None


def test_two_first_reads_of_a_case_at_once_both_succeed_and_the_mark_never_goes_back(
    app, orgs, file_grievance, postgresql_only
):
    reference = file_for(app, file_grievance, orgs.ngo)
    member_id = orgs.members["ngo"].id
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        entries = list(db.session.scalars(select(CaseEntry).where(CaseEntry.case_id == case_id)))
    newest = max(entry.id for entry in entries)

    def read(shown):
        mark_read(db.session.get(Case, case_id), shown, db.session.get(User, member_id))

    assert _at_once(app, lambda: read(entries)) == []
    with app.app_context():  # a page rendered before the newest entries, read late, does not undo the newer mark
        read([])
        db.session.commit()
    with app.app_context():
        marks = db.session.scalars(select(OrgCaseRead.last_entry_id).where(OrgCaseRead.user_id == member_id)).all()
    assert marks == [newest]
