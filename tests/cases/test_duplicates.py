"""Duplicate suggestions (portal/cases/duplicates.py): computed when a case is filed, a true duplicate ranks first
among 200 seeded cases, the reasons are stored but never the text, a dismissed pair is never suggested again, a
merge goes through the ordinary merge action, and a recused person sees no suggestion of a case hidden from them."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from sqlalchemy import select, text

from portal.audit.models import AuditEntry
from portal.cases.alert_models import DuplicateSuggestion, SuggestionStatus
from portal.cases.duplicates import dice, shingles, suggest, suggestions_for
from portal.cases.models import Case
from portal.extensions import db
from portal.intake.operations import submit_grievance
from portal.users.models import Affiliation, User
from tests.cases.test_alerts import build_registry, grievance

ORIGINAL = (
    "On the night of 3 March the security guards at the Kolwezi depot beat two young diggers who asked for their "
    "unpaid wages, and the supervisor threatened to call the police if we complain again."
)
DUPLICATE = (
    "On 4 March at night the guards of Kolwezi depot beat two young diggers who had asked for the wages they "
    "were never paid; the supervisor said he would call the police if anyone complains again."
)
WORDS = [
    "water",
    "dust",
    "river",
    "mine",
    "children",
    "school",
    "wages",
    "night",
    "shift",
    "guards",
    "police",
    "fence",
    "village",
    "farm",
    "fields",
    "cobalt",
    "copper",
    "trucks",
    "road",
    "sacks",
    "pay",
    "union",
    "meeting",
    "fired",
    "injured",
    "hospital",
    "smoke",
    "fish",
    "land",
    "fence",
    "soldiers",
    "chief",
    "contract",
    "overtime",
    "pit",
    "collapse",
    "rain",
    "pump",
    "acid",
    "well",
    "cattle",
    "market",
    "women",
    "men",
    "boss",
    "camp",
    "tax",
    "permit",
]
CATEGORY_CHOICES = ["security_violence", "wages_hours", "child_labour", "environment", "land", "health_safety"]


def seed(app, count: int = 200, original_at: int = 20) -> dict[str, int]:
    """``count`` open cases through the intake operation: varied texts, categories, places and dates, many from the
    same country and with the same categories and dates as the original (decoys), one of them the original."""
    rng = random.Random(15)
    ids = {}
    with app.app_context():
        for number in range(count):
            if number == original_at:
                fields = dict(
                    description=ORIGINAL, categories=["security_violence", "wages_hours"], place="Kolwezi depot",
                    incident_date=date(2026, 3, 3),
                )  # fmt: skip
            else:
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 45)))
                decoy = number % 4 == 0  # same harm, same place and dates as the original, another story
                fields = dict(
                    description=words.capitalize() + ".",
                    categories=["security_violence", "wages_hours"] if decoy else rng.sample(CATEGORY_CHOICES, 2),
                    place="Kolwezi depot" if decoy else rng.choice(["Likasi", "Fungurume", "Kambove", None]),
                    incident_date=date(2026, 3, rng.randint(1, 9)) if decoy else None,
                )
            case, _ = submit_grievance(grievance(country="CD", **fields), files=[])
            if number == original_at:
                ids["original"] = case.id
        db.session.commit()
    return ids


def file_duplicate(app) -> int:
    with app.app_context():
        case, _ = submit_grievance(
            grievance(
                description=DUPLICATE, categories=["security_violence"], place="the Kolwezi depot",
                incident_date=date(2026, 3, 4), country="CD",
            ),
            files=[],
        )  # fmt: skip
        db.session.commit()
        return case.id


@pytest.fixture
def seeded(app):
    """Two hundred cases, the original among them, then its duplicate filed."""
    saved = app.config["DUPLICATE_CANDIDATES"]
    app.config["DUPLICATE_CANDIDATES"] = 250  # every seeded case is compared (the default takes the newest 50)
    try:
        ids = seed(app)
        ids["new"] = file_duplicate(app)
    finally:
        app.config["DUPLICATE_CANDIDATES"] = saved
    return ids


@pytest.fixture
def few(app):
    """Thirty cases, the original among them, then its duplicate filed: for what does not need the full set."""
    ids = seed(app, 30, original_at=11)
    ids["new"] = file_duplicate(app)
    return ids


def reference_of(app, case_id: int) -> str:
    with app.app_context():
        return db.session.get(Case, case_id).reference


def test_similarity_works_in_every_script():
    assert dice(shingles("Les gardes ont frappé deux mineurs."), shingles("les gardes ont frappé 2 mineurs")) > 0.7
    assert dice(shingles("保安在夜里打了两个年轻矿工"), shingles("夜里保安打了两个年轻的矿工")) > 0.4
    assert dice(shingles("保安在夜里打了两个年轻矿工"), shingles("河水被酸污染了")) < 0.1
    assert dice(shingles(""), shingles("anything")) == 0


def test_a_true_duplicate_ranks_first_among_two_hundred_cases(app, seeded, make_user):
    with app.app_context():
        rows = db.session.scalars(
            select(DuplicateSuggestion)
            .where(
                (DuplicateSuggestion.first_case_id == seeded["new"])
                | (DuplicateSuggestion.second_case_id == seeded["new"])
            )
            .order_by(DuplicateSuggestion.score.desc())
        ).all()
        assert rows, "the filing stored suggestions"
        best = rows[0]
        assert best.other(seeded["new"]) == seeded["original"]
        assert best.score > rows[1].score if len(rows) > 1 else True
        assert best.reason_keys[0] == "text"
        assert {"text", "category", "dates", "place"} <= set(best.reason_keys)
        assert len(rows) <= app.config["DUPLICATE_MAX_SUGGESTIONS"]

    # The staff case page shows them, best first, with the reasons in words.
    client = _login(app, make_user("secretariat"))
    section = duplicates_section(client.get(f"/staff/cases/{reference_of(app, seeded['new'])}").get_data(as_text=True))
    assert section.index(reference_of(app, seeded["original"])) < section.index("</li>")
    assert "similar description" in section and "incident dates close together" in section


def duplicates_section(html: str) -> str:
    if 'id="duplicates"' not in html:
        return ""
    return html.split('id="duplicates"', 1)[1].split("</section>", 1)[0]


def _login(app, user):
    from portal.users.sessions import stamp

    client = app.test_client()
    with app.app_context(), client.session_transaction() as session:
        stamp(session, db.session.get(User, user.id))
        session["_fresh"] = True
    return client


def test_suggestions_store_no_text(app, few):
    with app.app_context():
        dump = " ".join(
            " ".join(str(value) for value in row)
            for row in db.session.execute(text("SELECT * FROM duplicate_suggestions")).all()
        ).lower()
    for word in ("guards", "kolwezi", "diggers", "wages", "supervisor", "police"):
        assert word not in dump


def test_a_dismissed_suggestion_is_audited_and_never_suggested_again(app, few, make_user):
    officer = make_user("secretariat")
    client = _login(app, officer)
    new, original = reference_of(app, few["new"]), reference_of(app, few["original"])
    with app.app_context():
        suggestion = db.session.scalar(
            select(DuplicateSuggestion).where(
                DuplicateSuggestion.first_case_id == few["original"],
                DuplicateSuggestion.second_case_id == few["new"],
            )
        )
        suggestion_id = suggestion.id
    response = client.post(f"/staff/cases/{new}/duplicates/{suggestion_id}/dismiss")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(DuplicateSuggestion, suggestion_id)
        assert row.status == SuggestionStatus.DISMISSED and row.dismissed_by_id == officer.id
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "duplicate-dismissed")).one()
        assert entry.actor_id == officer.id and json.loads(entry.data)["suggestion_id"] == suggestion_id
        # Computed again (as when the case is linked), from either side: the pair stays dismissed.
        suggest(db.session.get(Case, few["new"]))
        suggest(db.session.get(Case, few["original"]))
        db.session.commit()
        pairs = db.session.scalars(
            select(DuplicateSuggestion).where(
                DuplicateSuggestion.first_case_id == few["original"],
                DuplicateSuggestion.second_case_id == few["new"],
            )
        ).all()
        assert [(pair.id, pair.status) for pair in pairs] == [(suggestion_id, SuggestionStatus.DISMISSED)]
    html = client.get(f"/staff/cases/{new}").get_data(as_text=True)
    assert original not in html
    assert client.post(f"/staff/cases/{new}/duplicates/{suggestion_id}/dismiss").status_code == 404


def test_merging_from_a_suggestion_uses_the_merge_action(app, few, make_user):
    client = _login(app, make_user("secretariat"))
    new, original = reference_of(app, few["new"]), reference_of(app, few["original"])
    page = client.get(f"/staff/cases/{new}").get_data(as_text=True)
    assert f'name="merge-merge_target" value="{original}"' in page
    response = client.post(
        f"/staff/cases/{new}/actions/merge",
        data={"merge-merge_target": original, "merge-reasons": "The same beating, told twice."},
    )
    assert response.status_code == 302
    with app.app_context():
        case = db.session.get(Case, few["new"])
        assert case.state == "merged" and case.merged_into_id == few["original"]
    assert new not in duplicates_section(client.get(f"/staff/cases/{original}").get_data(as_text=True))


def test_a_recused_person_sees_no_suggestion_of_a_hidden_case(app, few, make_user):
    registry = build_registry(app)
    officer, tied = make_user("secretariat"), make_user("secretariat")
    with app.app_context():
        db.session.add(Affiliation(user_id=tied.id, organisation_id=registry.operator))
        db.session.commit()
    # The original is about Acme's depot: "tied" is recused from it.
    response = _login(app, officer).post(
        f"/staff/cases/{reference_of(app, few['original'])}/links",
        data={"respondent": "", "entities": [str(registry.site)]},
    )
    assert response.status_code == 302
    new, original = reference_of(app, few["new"]), reference_of(app, few["original"])
    assert original in _login(app, officer).get(f"/staff/cases/{new}").get_data(as_text=True)
    html = _login(app, tied).get(f"/staff/cases/{new}").get_data(as_text=True)
    assert original not in html
    with app.app_context():
        new_case = db.session.get(Case, few["new"])
        seen_by_officer = suggestions_for(new_case, db.session.get(User, officer.id))
        seen_by_tied = suggestions_for(new_case, db.session.get(User, tied.id))
        assert seen_by_officer[0][1].id == few["original"]
        assert few["original"] not in {other.id for _, other in seen_by_tied}
        suggestion_id = seen_by_officer[0][0].id
    assert _login(app, tied).post(f"/staff/cases/{new}/duplicates/{suggestion_id}/dismiss").status_code == 404
