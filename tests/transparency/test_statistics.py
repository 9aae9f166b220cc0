"""The public statistics page (portal/transparency/statistics.py): figures computed again here from the raw rows,
no unlisted case in any cell, small counts hidden, and figures that follow the cases as they change."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from statistics import median

import pytest
from sqlalchemy import select

from portal.cases.commitments import Commitment, CommitmentCheck
from portal.cases.committee import Decision
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.operations import take_action
from portal.cases.workflow import Action, DecisionKind, State
from portal.core.roles import Role
from portal.extensions import db
from portal.transparency import operations, statistics
from portal.transparency.aggregates import StatisticsSnapshot
from portal.transparency.suppression import is_small
from portal.users.models import User

YEARS = (2024, 2025)


def listed_by_the_rule(case: Case) -> bool:
    """The register's rule, written again from the raw rows (docs/architecture.md §8)."""
    admitted = db.session.scalar(
        select(Decision.id).where(
            Decision.case_id == case.id, Decision.kind == DecisionKind.ADMISSIBILITY, Decision.admissible.is_(True)
        )
    )
    flagged = case.retaliation_risk or case.children_involved or "retaliation" in case.categories
    released = case.state == State.CLOSED and case.register_released_at is not None
    return (
        admitted is not None
        and case.register_listed
        and case.state not in (State.WITHDRAWN, State.MERGED)
        and (not flagged or released)
    )


def expected_counts() -> dict[tuple, int]:
    counts: Counter[tuple] = Counter()
    for case in db.session.scalars(select(Case)):
        if not listed_by_the_rule(case):
            continue
        created = case.created_at.astimezone(UTC)
        counts["total",] += 1
        counts["year", str(created.year)] += 1
        counts["quarter", str(created.year), (created.month - 1) // 3 + 1] += 1
        counts["commodity", case.commodity] += 1
        counts["country", case.country] += 1
        for category in case.categories:
            counts["category", category] += 1
    return counts


def published_counts(found: dict) -> dict[tuple, int | None]:
    shown: dict[tuple, int | None] = {("total",): found["total"]}
    shown.update({("year", year): value for year, value in found["years"]})
    shown.update({("quarter", year, quarter): value for year, quarter, value in found["quarters"]})
    shown.update({("commodity", key): value for key, value in found["commodities"]})
    shown.update({("country", key): value for key, value in found["countries"]})
    shown.update({("category", key): value for key, value in found["categories"]})
    return shown


def seed_mixed(make_case) -> None:
    """Listed cases across two years, three metals and countries, and unlisted ones that must count nowhere."""
    spread = [
        ("cobalt", "CD", ("child_labour",)),
        ("copper", "ZM", ("wages_hours",)),
        ("tin", "ID", ("wages_hours", "health_safety")),
    ]
    for index in range(23):
        commodity, country, categories = spread[index % 3] if index < 21 else ("nickel", "PE", ("land",))
        created = datetime(YEARS[index % 2], 1 + (index * 5) % 12, 10, tzinfo=UTC)
        make_case(commodity=commodity, country=country, categories=categories, created=created)
    # Never listed: their metal, country and category are used by no listed case.
    make_case(admitted=False, state=State.ASSESSMENT, commodity="zinc", country="BO", categories=("other",))
    make_case(register_listed=False, commodity="zinc", country="BO", categories=("other",))
    make_case(retaliation_risk=True, commodity="zinc", country="BO", categories=("other",))
    make_case(state=State.WITHDRAWN, commodity="zinc", country="BO", categories=("other",))


@pytest.mark.usefixtures("world")
def test_the_figures_match_counts_made_from_the_raw_rows(app, make_case):
    with app.app_context():
        seed_mixed(make_case)
        found = statistics.refresh()
        db.session.commit()
        expected = expected_counts()
        shown = published_counts(found)
        assert expected["total",] == shown["total",] >= 23
        for key, count in expected.items():
            assert key in shown, key
            if is_small(count):
                assert shown[key] is None, (key, count)  # fewer than 5: never the number
            else:
                assert shown[key] in (count, None), (key, count, shown[key])  # the number, or hidden as complement
        for key, value in shown.items():
            assert value in (None, expected.get(key, 0)), key  # nothing counted that the rows do not have
        assert shown["commodity", "cobalt"] == expected["commodity", "cobalt"] >= 7
        assert shown["country", "ZM"] == expected["country", "ZM"]
        assert shown["category", "wages_hours"] == expected["category", "wages_hours"] == 14
        assert shown["commodity", "nickel"] is None  # 2 cases


@pytest.mark.usefixtures("world")
def test_a_case_not_admitted_opted_out_flagged_or_withdrawn_is_in_no_cell(app, make_case):
    with app.app_context():
        seed_mixed(make_case)
        found = statistics.refresh()
        db.session.commit()
        shown = published_counts(found)
        # Four unlisted zinc cases from Bolivia about "other": counted, any of them would make a hidden 1 to 4.
        assert shown["commodity", "zinc"] == 0
        assert shown["category", "other"] == 0
        assert ("country", "BO") not in shown
        assert "BO" not in {code for code, _ in found["countries"]}


def _entry(case_id: int, state: str, at: datetime, kind: str = EntryKind.STATE_CHANGE) -> CaseEntry:
    return CaseEntry(
        case_id=case_id, kind=kind, visibility=Visibility.COMPLAINANT if kind != EntryKind.COMPANY_RESPONSE
        else Visibility.COMPANY, new_state=state if kind == EntryKind.STATE_CHANGE else None, created_at=at,
    )  # fmt: skip


def test_stages_clocks_outcomes_and_commitments_match_the_raw_rows(app, world, make_case, case):
    """Six listed cases with known timelines: medians, shares, outcomes and check-ins computed again here."""
    case.register_listed = False  # the world's case has a timeline of its own: leave it out of these figures
    db.session.commit()
    acknowledged_after = [1, 2, 3, 6, 9, 12]  # days: four within 7
    answered_after = [10, 20, 27, 30, 35, 40]  # days in company_response: three within 28
    start = datetime(2025, 2, 1, tzinfo=UTC)
    ids = []
    for index, (ack, answer) in enumerate(zip(acknowledged_after, answered_after, strict=True)):
        reference = make_case(
            created=start,
            state=State.CLOSED,
            outcome="settled",
            closed_at=start + timedelta(days=200 if index else 100),
        )
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        ids.append(case_id)
        admitted_at = start + timedelta(days=ack + 5)
        answered_at = admitted_at + timedelta(days=answer)
        db.session.add_all(
            [
                _entry(case_id, State.ACKNOWLEDGED, start + timedelta(days=ack)),
                _entry(case_id, State.ASSESSMENT, start + timedelta(days=ack)),
                _entry(case_id, State.COMPANY_RESPONSE, admitted_at),
                _entry(case_id, None, answered_at, kind=EntryKind.COMPANY_RESPONSE),
                _entry(case_id, State.DIALOGUE, answered_at + timedelta(days=1)),
                _entry(case_id, State.CLOSED, start + timedelta(days=200 if index else 100)),
            ]
        )
        commitment = Commitment(case_id=case_id, due_on=start.date(), created_by_id=world.users["chair"])
        commitment.what = "A secret promise"
        if index % 2:
            commitment.amount_minor, commitment.currency = 1000, "USD"
        db.session.add(commitment)
        db.session.flush()
        db.session.add(CommitmentCheck(commitment_id=commitment.id, status="met", checked_by_id=world.users["chair"]))
        second = "missed" if index == 0 else "met"
        db.session.add(CommitmentCheck(commitment_id=commitment.id, status=second, checked_by_id=world.users["chair"]))
    db.session.commit()

    found = statistics.refresh()
    db.session.commit()
    assert found["total"] == 6
    funnel = dict(found["funnel"])
    assert funnel["received"] == funnel["acknowledged"] == funnel["company_response"] == funnel["closed"] == 6
    assert funnel["decision"] == funnel["monitoring"] == 0
    days = dict(found["stage_days"])
    assert days["received"] == round(median(acknowledged_after), 1)
    assert days["admissibility"] == 5.0
    assert days["company_response"] == round(median(a + 1 for a in answered_after), 1)
    assert days["decision"] is None  # no case went through it: fewer than 5
    clocks = dict(found["clocks"])
    assert clocks["acknowledge"] == round(100 * 4 / 6)
    assert clocks["company_response"] == round(100 * 3 / 6)
    # Closed after 200 days with nothing said since day ~80 (more than 90 days of silence), except the first.
    assert clocks["feedback"] == round(100 * 1 / 6)
    assert found["decided"] == 6 and dict(found["outcomes"])["settled"] == 6
    assert dict(found["remedies"]) == {"payment": None, "action": None}  # three each: fewer than 5
    six, twelve = found["implementation"]
    assert six == ["6", 6, [["met", 6], ["partly_met", 0], ["missed", 0]]]
    # One commitment missed at 12 months: hidden, and so is "met" (5), or 6 - 5 would give the 1 back.
    assert twelve == ["12", 6, [["met", None], ["partly_met", 0], ["missed", None]]]


def test_a_change_of_a_case_reaches_the_figures_and_the_page_without_a_rebuild(app, client, world, make_case, case):
    """The incremental path: an operation audits its signal, the register's version moves, the next reader gets
    figures of the new version (the page included), with no command run."""
    app.config["STATISTICS_RECHECK_SECONDS"] = 0  # ask for the register's version on every request
    for _ in range(4):
        make_case(commodity=case.commodity)
    statistics.refresh()
    db.session.commit()

    def commodity_cell() -> str:
        page = client.get("/en/statistics").get_data(as_text=True)
        section = page[page.index('id="by-commodity"') :]
        return re.search(r'<th scope="row">Cobalt</th><td>([^<]+)</td>', section).group(1)

    assert case.commodity == "cobalt"
    assert dict(statistics.figures()["commodities"])["cobalt"] == 5
    assert commodity_cell() == "5"
    snapshots_before = db.session.scalar(select(StatisticsSnapshot.version))

    operations.set_register_choice(case, False)  # the complainant says no: the case leaves every cell
    db.session.commit()
    assert dict(statistics.figures()["commodities"])["cobalt"] is None  # 4 now: fewer than 5
    assert commodity_cell() == "fewer than 5"
    assert db.session.scalar(select(StatisticsSnapshot.version)) != snapshots_before  # stored, shared by servers

    operations.set_register_choice(case, True)
    db.session.commit()
    assert commodity_cell() == "5"
    funnel = dict(statistics.figures()["funnel"])
    assert funnel["dialogue"] == 0
    take_action(case, Action.START_DIALOGUE, db.session.get(User, world.users["secretariat"]), Role.SECRETARIAT,
                reasons="Both sides agree to talk.")  # fmt: skip
    db.session.commit()
    assert dict(statistics.figures()["funnel"])["dialogue"] is None  # one case reached it: fewer than 5


def test_the_page_asks_for_the_version_at_most_once_per_interval(app, client, world, make_case, case):
    for _ in range(4):
        make_case(commodity=case.commodity)
    statistics.refresh()
    db.session.commit()
    app.config["STATISTICS_RECHECK_SECONDS"] = 3600
    assert '<th scope="row">Cobalt</th><td>5</td>' in client.get("/en/statistics").get_data(as_text=True)
    operations.set_register_choice(case, False)
    db.session.commit()
    assert '<th scope="row">Cobalt</th><td>5</td>' in client.get("/en/statistics").get_data(as_text=True)  # not yet
    app.config["STATISTICS_RECHECK_SECONDS"] = 0
    assert '<th scope="row">Cobalt</th><td>5</td>' not in client.get("/en/statistics").get_data(as_text=True)


def test_the_command_rebuilds_after_rows_changed_without_signals(app, world, make_case):
    with app.app_context():
        for _ in range(5):
            make_case(commodity="tin", country="ID")
            make_case(commodity="copper", country="ID")  # the world's one cobalt case hides 5 copper, not tin
        make_case(commodity="tin", country="ID")
        runner = app.test_cli_runner()
        result = runner.invoke(args=["portal", "refresh-statistics"])
        assert result.exit_code == 0, result.output
        assert dict(statistics.figures()["commodities"])["tin"] == 6
        make_case(commodity="tin", country="ID")  # a bulk import: no signal, the version does not move
        assert dict(statistics.figures()["commodities"])["tin"] == 6
        assert runner.invoke(args=["portal", "refresh-statistics"]).exit_code == 0
        assert dict(statistics.figures()["commodities"])["tin"] == 7


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_page_publishes_the_rule_names_countries_and_stays_small(app, client, world, make_case, locale):
    with app.app_context():
        seed_mixed(make_case)
        statistics.refresh()
        db.session.commit()
    response = client.get(f"/{locale}/statistics")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page.split("</head>", 1)[1]  # no JavaScript in the body: the charts are SVG
    assert page.count("<svg") >= 10 and page.count('class="list chart-table"') >= 10
    assert len(gzip.compress(response.get_data())) <= 40 * 1024
    if locale == "en":
        assert "fewer than 5" in page and "A number from 1 to 4 could point to a person" in page
        assert '<th scope="row">Zambia</th>' in page and '<th scope="row">ZM</th>' not in page
    else:
        assert 'dir="rtl"' in page and '<th scope="row">زامبيا</th>' in page
        assert "fewer than 5" not in page  # translated


def test_the_register_and_every_public_page_link_to_the_statistics(client, world):
    assert 'href="/en/statistics"' in client.get("/en/register").get_data(as_text=True)
    assert 'href="/en/statistics"' in client.get("/en/").get_data(as_text=True)


def test_two_readers_after_a_change_build_the_figures_once(app, world, make_case, monkeypatch):
    """PostgreSQL: the second reader waits on the advisory lock until the first has committed its snapshot."""
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite is one machine")
    import threading

    builds = []
    real_build = statistics.build
    monkeypatch.setattr(statistics, "build", lambda version: builds.append(version) or real_build(version))
    with app.app_context():
        make_case()
        statistics.refresh()
        db.session.commit()
        builds.clear()
        operations.set_register_choice(db.session.scalar(select(Case)), False)  # a change: a new version
        db.session.commit()
    app.extensions.pop(statistics.CACHE, None)
    found = []

    def reader():
        with app.app_context():
            found.append(statistics.figures()["version"])
            db.session.commit()  # as the request's end does

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(found) == 2 and found[0] == found[1]
    assert len(builds) == 1
