"""The annual effectiveness review: its indicators match figures computed here from the seeded rows, the command
writes HTML and CSV, only the chair adopts (audited), and the public page exists only once adopted."""

from __future__ import annotations

import csv
import io
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from portal.audit.models import AuditEntry
from portal.cases.commitments import Commitment, CommitmentCheck
from portal.cases.committee import Decision
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.workflow import DecisionKind, State
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.organisations.models import Organisation, OrganisationKind
from portal.transparency import review
from portal.transparency.review_models import AnnualReview, Answerer, ReviewStatus
from portal.transparency.satisfaction import record_answer

YEAR = 2024
NOW = datetime(2025, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass
class Seeded:
    """What was put in the tables, as plain numbers: the test computes the expected indicators from these."""

    created: datetime
    commodity: str
    country: str
    by_org: bool
    retaliation: bool
    ack_days: float
    message_days: float | None
    decision_days: float
    admissible: bool
    referred: bool
    company_days: float | None = None
    closed_days: float | None = None
    outcome: str | None = None
    reopened: bool = False
    checks: list[list[str]] = field(default_factory=list)
    answers: dict | None = None


def _entry(case: Case, at: datetime, state: str) -> None:
    db.session.add(
        CaseEntry(
            case_id=case.id, kind=EntryKind.STATE_CHANGE, visibility=Visibility.COMPLAINANT, new_state=state,
            created_at=at,
        )
    )  # fmt: skip


def seed_year(world) -> list[Seeded]:
    """Twenty grievances received in 2024 with known dates, as rows; satisfaction through the real operation."""
    rng = random.Random(14)
    union = Organisation(name="Miners' Union", kind=OrganisationKind.UNION)
    db.session.add(union)
    db.session.flush()
    chair = world.users["chair"]
    seeded = []
    for i in range(20):
        created = datetime(YEAR, 1, 5, 8, tzinfo=UTC) + i * 9 * DAY
        spec = Seeded(
            created=created,
            commodity="cobalt" if i % 2 else "copper",
            country="CD" if i < 18 else "ZM",  # two in Zambia: suppressed
            by_org=i % 4 == 0,
            retaliation=i % 7 == 0,
            ack_days=round(rng.uniform(1, 12), 2),
            message_days=round(rng.uniform(15, 40), 2) if i % 2 == 0 else None,
            decision_days=round(rng.uniform(20, 60), 2),
            admissible=i % 5 != 0,
            referred=i % 10 == 0,
        )
        case = Case(
            reference=f"MC-{YEAR}-{70000 + i:05d}", receipt_hash=receipt_hash(new_receipt()), state=State.SUBMITTED,
            filer_type="union" if spec.by_org else "affected_person", submission_locale="en",
            country=spec.country, commodity=spec.commodity, consented_at=created, rules_version="2026.1",
            created_at=created, retaliation_risk=spec.retaliation,
            filed_by_organisation_id=union.id if spec.by_org else None,
        )  # fmt: skip
        case.description = "secret"
        case.categories = ["wages_hours"] + (["land"] if i % 3 == 0 else [])
        db.session.add(case)
        db.session.flush()
        acknowledged = created + spec.ack_days * DAY
        _entry(case, acknowledged, State.ACKNOWLEDGED)
        _entry(case, acknowledged + 2 * DAY, State.ASSESSMENT)
        if spec.message_days is not None:
            db.session.add(
                CaseEntry(
                    case_id=case.id, kind=EntryKind.TO_COMPLAINANT, visibility=Visibility.COMPLAINANT,
                    author_id=world.users["secretariat"], created_at=created + spec.message_days * DAY,
                )
            )  # fmt: skip
        decided = created + spec.decision_days * DAY
        decision = Decision(
            case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=spec.admissible, signed_by_id=chair,
            referral="The labour inspectorate" if spec.referred else None, created_at=decided,
        )  # fmt: skip
        decision.reasons = "reasons"
        db.session.add(decision)
        if not spec.admissible:
            _entry(case, decided, State.INADMISSIBLE)
            spec.closed_days = spec.decision_days + 35
            _entry(case, created + spec.closed_days * DAY, State.CLOSED)
        else:
            _entry(case, decided, State.COMPANY_RESPONSE)
            spec.company_days = round(rng.uniform(10, 50), 2)
            dialogue = decided + spec.company_days * DAY
            _entry(case, dialogue, State.DIALOGUE)
            if i % 3 == 0:
                _entry(case, dialogue + 20 * DAY, State.DECIDED)
                _entry(case, dialogue + 25 * DAY, State.MONITORING)
                if i == 3:
                    spec.reopened = True
                    _entry(case, dialogue + 40 * DAY, State.DIALOGUE)
                    _entry(case, dialogue + 50 * DAY, State.DECIDED)
                    _entry(case, dialogue + 55 * DAY, State.MONITORING)
                closed_at = dialogue + 80 * DAY
                spec.closed_days = (closed_at - created) / DAY
                spec.outcome = "settled" if i % 2 else "founded"
                _entry(case, closed_at, State.CLOSED)
                if i != 9:  # one closed case without a remedy
                    spec.checks = [["met", "met"], ["missed" if i % 2 else "met", "met"]]
        if spec.closed_days is not None:
            case.state, case.closed_at, case.outcome = State.CLOSED, created + spec.closed_days * DAY, spec.outcome
        else:
            case.state = State.DIALOGUE if spec.admissible else State.INADMISSIBLE
        for statuses in spec.checks:
            commitment = Commitment(
                case_id=case.id, due_on=(created + 100 * DAY).date(), created_by_id=chair, owed_by_respondent=True
            )
            commitment.what = "Pay wages"
            db.session.add(commitment)
            db.session.flush()
            for status in statuses:
                db.session.add(CommitmentCheck(commitment_id=commitment.id, status=status, checked_by_id=chair))
        db.session.flush()
        if spec.closed_days is not None:
            spec.answers = {
                "fair": ["yes", "no", "partly", "prefer_not"][i % 4],
                "respected": None,
                "safe": "yes" if i % 5 else "no",
            }
            record_answer(case, Answerer.COMPLAINANT, spec.answers)
        seeded.append(spec)
    db.session.commit()
    return seeded


# --- the figures, computed here from what was seeded -----------------------------------------------------------------


def _median(values):
    return round(statistics.median(values), 1)


def _share(part, whole):
    return round(part / whole, 4)


def expected(seeded: list[Seeded]) -> dict:
    closed = [s for s in seeded if s.closed_days is not None and (s.created + s.closed_days * DAY).year == YEAR]
    company = [s for s in seeded if s.company_days is not None]
    checks = [c for s in closed for c in s.checks]
    answered = [s.answers for s in closed]
    fair = [a["fair"] for a in answered if a["fair"] in ("yes", "partly", "no")]
    safe = [a["safe"] for a in answered]
    return {
        "received": len(seeded),
        "by_organisation": _share(sum(s.by_org for s in seeded), len(seeded)),
        "ack_within_7": _share(sum(s.ack_days <= 7 for s in seeded), len(seeded)),
        "ack_median_days": _median([s.ack_days for s in seeded]),
        "first_reply_median_days": _median(
            [min(d for d in (s.message_days, s.decision_days) if d is not None) for s in seeded]
        ),
        "admissible_share": _share(sum(s.admissible for s in seeded), len(seeded)),
        "rejected": sum(not s.admissible for s in seeded),
        "stage_days_received": _median([s.ack_days for s in seeded]),
        "stage_days_acknowledged": 2.0,
        "stage_days_company_response": _median([s.company_days for s in company]),
        "company_reached": len(company),
        "company_deadline_missed": sum(s.company_days > 28 for s in company),
        "closed": len(closed),
        "closure_median_days": _median([s.closed_days for s in closed]),
        "closed_within_90": _share(sum(s.closed_days <= 90 for s in closed), len(closed)),
        "closed_within_180": _share(sum(s.closed_days <= 180 for s in closed), len(closed)),
        "outcome_settled": sum(s.outcome == "settled" for s in closed),
        "outcome_founded": sum(s.outcome == "founded" for s in closed),
        "outcome_none": sum(s.outcome is None for s in closed),
        "remedy_share": _share(sum(bool(s.checks) for s in closed), len(closed)),
        "commitments_met_6": _share(sum(c[0] == "met" for c in checks), len(checks)),
        "commitments_met_12": _share(sum(c[1] == "met" for c in checks), len(checks)),
        "answers": len(answered),
        "fair_yes": _share(sum(v == "yes" for v in fair), len(fair)),
        "safe_yes": _share(sum(v == "yes" for v in safe), len(safe)),
    }


@pytest.fixture
def seeded(app, world):
    with app.app_context():
        return seed_year(world)


def test_the_review_matches_the_figures_computed_from_the_rows(app, seeded):
    want = expected(seeded)
    with app.app_context():
        data = review.compute(YEAR, NOW)
    cells = data["groups"][0]["cells"]
    for key, value in want.items():
        shown = cells[key]["v"]
        hidden = isinstance(value, int) and 0 < value < 5
        if hidden:
            assert shown is None, key
        elif cells[key]["k"] == "share" and shown is None:
            assert cells[key]["why"] == "few", key  # part or rest under 5
        else:
            assert shown == value, (key, shown, value)
    # The figures that decide the test are not all hidden: it would pass on an empty review otherwise.
    assert cells["received"]["v"] == 20 and cells["ack_median_days"]["v"] == want["ack_median_days"]
    assert cells["stage_days_company_response"]["v"] == want["stage_days_company_response"]
    assert cells["closure_median_days"]["v"] == want["closure_median_days"]


def test_each_dimension_has_its_own_figures_and_small_groups_are_hidden(app, seeded):
    with app.app_context():
        data = review.compute(YEAR, NOW)
    groups = {(g["dimension"], g["key"]): g["cells"] for g in data["groups"]}
    cobalt = [s for s in seeded if s.commodity == "cobalt"]
    assert groups["commodity", "cobalt"]["received"]["v"] == len(cobalt) == 10
    assert groups["commodity", "cobalt"]["ack_median_days"]["v"] == _median([s.ack_days for s in cobalt])
    # Two grievances from Zambia: the count and every figure about them are hidden.
    assert groups["country", "ZM"]["received"] == {"k": "count", "v": None}
    assert groups["country", "ZM"]["ack_median_days"]["v"] is None
    # Congo's 18 is hidden too: the year's 20 minus 18 would give Zambia's 2 (complementary suppression).
    assert groups["country", "CD"]["received"]["v"] is None
    assert groups["all", ""]["received"]["v"] == 20
    land = [s for i, s in enumerate(seeded) if i % 3 == 0]
    assert groups["category", "land"]["received"]["v"] == len(land)
    assert groups["category", "wages_hours"]["received"]["v"] == 20
    assert groups["channel", "organisation"]["received"]["v"] == sum(s.by_org for s in seeded) == 5
    assert groups["channel", "online"]["received"]["v"] == 15
    # Satisfaction answers carry their own groups: closed cobalt cases' answers count under cobalt.
    closed_cobalt = [s for s in cobalt if s.answers]
    assert groups["commodity", "cobalt"]["answers"]["v"] == (len(closed_cobalt) if len(closed_cobalt) >= 5 else None)


def test_no_small_count_is_ever_stored_in_the_review(app, seeded):
    with app.app_context():
        data = review.compute(YEAR, NOW)
    for group in data["groups"]:
        for key, cell in group["cells"].items():
            if cell["k"] == "count" and cell["v"] is not None:
                assert cell["v"] == 0 or cell["v"] >= 5, (group["dimension"], group["key"], key)
    for row in data["entities"]:
        assert row["cases"]["v"] is None or row["cases"]["v"] >= 5


def test_the_command_writes_html_and_csv(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    csv_path, html_path = tmp_path / "review.csv", tmp_path / "review.html"
    result = runner.invoke(
        args=["portal", "annual-review", "--year", str(YEAR), "--format", "csv", "--output", str(csv_path)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    received = next(r for r in rows if r["dimension"] == "all" and r["indicator"] == "received")
    assert received["value"] == "20"
    zambia = next(r for r in rows if r["group"] == "ZM" and r["indicator"] == "received")
    assert zambia["value"] == "" and zambia["suppressed"] == "few"
    assert {r["dimension"] for r in rows} >= {"all", "commodity", "country", "category", "channel"}
    result = runner.invoke(args=["portal", "annual-review", "--year", str(YEAR), "--output", str(html_path)])
    assert result.exit_code == 0, result.output
    html = html_path.read_text()
    assert "Annual review 2024" in html and "<svg" in html and "@media print" in html
    assert "fewer than 5" in html
    result = runner.invoke(args=["portal", "annual-review", "--year", str(YEAR), "--locale", "ar", "--format", "html"])
    assert result.exit_code == 0 and 'dir="rtl"' in result.output


def test_staff_read_it_and_only_the_chair_adopts_it_audited(app, seeded, staff_client):
    for who in ("secretariat", "chair", "member_panel"):
        page = staff_client(who).get(f"/staff/reviews/{YEAR}")
        assert page.status_code == 200, who
        assert "Median days per stage" in page.get_data(as_text=True)
    assert staff_client("liaison").get(f"/staff/reviews/{YEAR}").status_code == 403
    assert staff_client("admin").get(f"/staff/reviews/{YEAR}").status_code == 403
    csv_response = staff_client("secretariat").get(f"/staff/reviews/{YEAR}/review.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    public = app.test_client()
    assert public.get(f"/en/reviews/{YEAR}").status_code == 404
    assert f"/en/reviews/{YEAR}" not in public.get("/en/reviews").get_data(as_text=True)

    written = staff_client("member_panel").post(
        f"/staff/reviews/{YEAR}/narrative", data={"locale": "en", "text": "We answered faster than last year."}
    )
    assert written.status_code == 302
    for who in ("secretariat", "member_panel"):
        assert staff_client(who).post(f"/staff/reviews/{YEAR}/adopt").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(AnnualReview.status)) == ReviewStatus.DRAFT
    assert public.get(f"/en/reviews/{YEAR}").status_code == 404

    assert staff_client("chair").post(f"/staff/reviews/{YEAR}/adopt").status_code == 302
    with app.app_context():
        adopted = db.session.scalar(select(AnnualReview))
        assert adopted.is_adopted and adopted.adopted_by_id is not None
        assert adopted.indicators["groups"][0]["cells"]["received"]["v"] == 20
        trail = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "annual-review-changed").order_by(AuditEntry.id)
        ).all()
    assert [entry.target for entry in trail] == [f"review:{YEAR}", f"review:{YEAR}"]
    assert '"change":"narrative"' in trail[0].data and '"change":"adopted"' in trail[1].data
    assert "faster" not in trail[0].data  # the words are not in the trail
    page = public.get(f"/en/reviews/{YEAR}")
    assert page.status_code == 200
    assert "no-store" not in page.headers.get("Cache-Control", "")  # the same for everyone: rendered once
    html = page.get_data(as_text=True)
    assert "We answered faster than last year." in html and "<svg" in html
    assert f"/en/reviews/{YEAR}" in public.get("/en/reviews").get_data(as_text=True)
    # Adopted is final: neither the narrative nor a second adoption changes it.
    assert staff_client("chair").post(f"/staff/reviews/{YEAR}/adopt").status_code == 409
    refused = staff_client("chair").post(f"/staff/reviews/{YEAR}/narrative", data={"locale": "en", "text": "Other"})
    assert refused.status_code == 409


def test_the_published_review_is_frozen_at_adoption(app, seeded, staff_client, make_case_in_2024):
    assert staff_client("chair").post(f"/staff/reviews/{YEAR}/adopt").status_code == 302
    make_case_in_2024()
    with app.app_context():
        assert review.compute(YEAR, NOW)["groups"][0]["cells"]["received"]["v"] == 21
    arabic = app.test_client().get(f"/ar/reviews/{YEAR}")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.get_data(as_text=True)
    csv_text = staff_client("secretariat").get(f"/staff/reviews/{YEAR}/review.csv").get_data(as_text=True)
    assert f"{YEAR},all,,received,count,20," in csv_text


def test_a_visit_of_the_published_review_reads_only_its_stamps(app, seeded, staff_client):
    """The figures (a large JSON) are read when the page is rendered, once per process and adoption, not per visit."""
    assert staff_client("chair").post(f"/staff/reviews/{YEAR}/adopt").status_code == 302
    public = app.test_client()
    first = public.get(f"/en/reviews/{YEAR}").get_data(as_text=True)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        again = public.get(f"/en/reviews/{YEAR}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert again == first
    read = [statement for statement in statements if "annual_reviews" in statement]
    assert len(read) == 1 and "indicators" not in read[0].split("WHERE")[0]


def test_bad_narrative_input_is_refused_and_kept(app, world, staff_client):
    response = staff_client("secretariat").post(
        f"/staff/reviews/{YEAR}/narrative", data={"locale": "xx", "text": "My careful words"}
    )
    assert response.status_code == 400
    assert "My careful words" in response.get_data(as_text=True)
    too_long = staff_client("secretariat").post(
        f"/staff/reviews/{YEAR}/narrative", data={"locale": "en", "text": "x" * (review.MAX_NARRATIVE + 1)}
    )
    assert too_long.status_code == 400
    assert app.test_client().get("/en/reviews/1999").status_code == 404
    assert staff_client("secretariat").get("/staff/reviews/3000").status_code == 404


@pytest.fixture
def make_case_in_2024(app):
    def make():
        with app.app_context():
            created = datetime(YEAR, 11, 1, tzinfo=UTC)
            case = Case(
                reference=f"MC-{YEAR}-79999", receipt_hash=receipt_hash(new_receipt()), state=State.SUBMITTED,
                filer_type="affected_person", submission_locale="en", country="CD", commodity="tin",
                consented_at=created, rules_version="2026.1", created_at=created,
            )  # fmt: skip
            case.description = "late"
            case.categories = ["other"]
            db.session.add(case)
            db.session.commit()

    return make


def test_a_hidden_group_count_cannot_be_recovered_from_the_years_total():
    """Received: 50 in the year; by commodity 20 + 27 + 3. Without complementary suppression the hidden 3 would be
    50 - 20 - 27: the next-smallest commodity is hidden too (and categories, which overlap, form no equation)."""
    from portal.transparency.review import _hide_complements, count_cell

    def group(dimension, key, count):
        return {"dimension": dimension, "key": key, "cells": {"received": count_cell(count)}}

    groups = [
        group("all", "", 50),
        group("commodity", "cobalt", 20),
        group("commodity", "copper", 27),
        group("commodity", "tin", 3),
        group("category", "child_labour", 12),
    ]
    _hide_complements(groups)
    shown = {(g["dimension"], g["key"]): g["cells"]["received"]["v"] for g in groups}
    assert shown == {
        ("all", ""): 50,
        ("commodity", "cobalt"): None,
        ("commodity", "copper"): 27,
        ("commodity", "tin"): None,
        ("category", "child_labour"): 12,
    }
