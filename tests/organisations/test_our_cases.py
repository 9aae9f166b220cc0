"""'Our cases' (/org/cases): an organisation's own cases with their next step, unread messages and questions; the
case page where a member does what the complainant can, through the same operations; the CSV export."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.models import Case, CaseEntry, EntryKind
from portal.cases.workflow import State
from portal.extensions import db
from portal.organisations.models import EntityKind, SupplyChainEntity
from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import SECRET, ask, count_statements, file_for


def test_the_dashboard_shows_next_step_unread_and_the_question(app, orgs, file_grievance, member_client):
    ours = file_for(app, file_grievance, orgs.ngo, description=SECRET)
    other = file_for(app, file_grievance, orgs.union)
    ask(app, ours, orgs.secretariat)
    html = member_client(orgs.members["ngo"]).get("/org/cases").get_data(as_text=True)
    assert ours in html and other not in html
    assert "Une question attend votre réponse" in html or "A question waits for your answer" in html
    row = html.split(ours, 2)[2].split("</tr>", 1)[0]
    assert '<td class="unread">1</td>' in row
    # A fresh case: the confirmation is due within 7 days, said with its date.
    fresh = file_for(app, file_grievance, orgs.ngo)
    html = member_client(orgs.members["ngo"]).get("/org/cases").get_data(as_text=True)
    with app.app_context():
        due = db.session.scalar(select(Case.acknowledge_due_at).where(Case.reference == fresh))
    row = html.split(fresh, 2)[2].split("</tr>", 1)[0]
    assert str(due.year) in row and 'class="next"' in row and row.split('class="next">')[1].strip()[:3] != "</t"
    # Reading the case marks its messages read.
    assert member_client(orgs.members["ngo"]).get(f"/org/cases/{ours}").status_code == 200
    html = member_client(orgs.members["ngo"]).get("/org/cases").get_data(as_text=True)
    assert '<td class="unread">0</td>' in html.split(ours, 2)[2].split("</tr>", 1)[0]
    # ... for that member only.
    html = member_client(orgs.members["ngo2"]).get("/org/cases").get_data(as_text=True)
    assert '<td class="unread">1</td>' in html.split(ours, 2)[2].split("</tr>", 1)[0]


def test_a_member_answers_the_question_and_the_committee_sees_it(app, orgs, file_grievance, member_client, login_as):
    reference = file_for(app, file_grievance, orgs.ngo)
    ask(app, reference, orgs.secretariat)
    member = member_client(orgs.members["ngo"])
    page = member.get(f"/org/cases/{reference}").get_data(as_text=True)
    assert "How many children work at the pit?" in page and 'id="question"' in page
    response = member.post(f"/org/cases/{reference}", data={"message": "Eleven children, aged 9 to 14."})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.state == State.ACKNOWLEDGED  # the answer returned the case to where it was
        reply = db.session.scalar(
            select(CaseEntry).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.FROM_COMPLAINANT)
        )
        assert reply.author_id == orgs.members["ngo"].id
        actors = {
            entry.action: entry.actor_id
            for entry in db.session.scalars(
                select(AuditEntry).where(AuditEntry.target == f"case:{case.id}").order_by(AuditEntry.id)
            )
        }
    assert actors["complainant-replied"] == orgs.members["ngo"].id
    assert actors["case-state-changed"] == orgs.members["ngo"].id
    staff = login_as(app.test_client(), orgs.secretariat)
    assert "Eleven children, aged 9 to 14." in staff.get(f"/staff/cases/{reference}").get_data(as_text=True)
    # An empty answer is refused in words, and nothing is lost.
    assert member.post(f"/org/cases/{reference}", data={"message": ""}).status_code == 400


def test_another_organisations_case_answers_404(app, orgs, file_grievance, member_client, login_as):
    theirs = file_for(app, file_grievance, orgs.union, description=SECRET)
    unfiled = file_for(app, file_grievance, None)
    member = member_client(orgs.members["ngo"])
    for reference in (theirs, unfiled, "MC-2026-99999", "nonsense"):
        assert member.get(f"/org/cases/{reference}").status_code == 404
        assert member.post(f"/org/cases/{reference}", data={"message": "x"}).status_code == 404
        assert member.post(f"/org/cases/{reference}/review", data={"reasons": "x"}).status_code == 404
    assert SECRET not in member.get("/org/cases").get_data(as_text=True)
    # Not a member: 403; nobody signed in: to the login page.
    staff = login_as(app.test_client(), orgs.secretariat)
    assert staff.get("/org/cases").status_code == 403
    assert app.test_client().get("/org/cases").status_code == 302


def test_filters_and_paging(app, orgs, file_grievance, member_client):
    cobalt = file_for(app, file_grievance, orgs.ngo, commodity="cobalt", country="CD")
    nickel = file_for(app, file_grievance, orgs.ngo, commodity="nickel", country="ID", categories=["wages_hours"])
    member = member_client(orgs.members["ngo"])
    html = member.get("/org/cases?commodity=nickel").get_data(as_text=True)
    assert nickel in html and cobalt not in html
    html = member.get("/org/cases?country=cd").get_data(as_text=True)
    assert cobalt in html and nickel not in html
    html = member.get("/org/cases?category=wages_hours").get_data(as_text=True)
    assert nickel in html and cobalt not in html
    ask(app, cobalt, orgs.secretariat)
    html = member.get("/org/cases?state=info_requested").get_data(as_text=True)
    assert cobalt in html and nickel not in html
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == nickel))
        case.next_due_at = case.next_due_at.replace(year=2020)
        db.session.commit()
    html = member.get("/org/cases?overdue=y").get_data(as_text=True)
    assert nickel in html and cobalt not in html
    assert "days overdue" in html or "jours" in html
    assert member.get("/org/cases?state=nonsense&page=99999999").status_code == 200


def test_the_dashboard_runs_a_fixed_number_of_statements(app, orgs, file_grievance, member_client):
    member = member_client(orgs.members["ngo"])
    for _ in range(2):
        ask(app, file_for(app, file_grievance, orgs.ngo), orgs.secretariat)
    member.get("/org/cases")
    with count_statements(app) as few:
        assert member.get("/org/cases").status_code == 200
    for _ in range(4):
        ask(app, file_for(app, file_grievance, orgs.ngo), orgs.secretariat)
    with count_statements(app) as more:
        html = member.get("/org/cases").get_data(as_text=True)
    assert html.count('<td class="unread">1</td>') == 6
    assert more.count == few.count, (few.count, more.count)


def test_csv_export_holds_exactly_our_cases_and_is_audited(app, orgs, file_grievance, member_client):
    ours = [file_for(app, file_grievance, orgs.ngo, description=SECRET) for _ in range(2)]
    theirs = file_for(app, file_grievance, orgs.union)
    response = member_client(orgs.members["ngo"]).get("/org/cases.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(row["reference"] for row in rows) == sorted(ours)
    assert theirs not in response.get_data(as_text=True) and SECRET not in response.get_data(as_text=True)
    assert {row["commodity"] for row in rows} and all(row["next_step_by"] for row in rows)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "org-cases-exported"))
        ids = set(db.session.scalars(select(Case.id).where(Case.reference.in_(ours))))
    assert entry.actor_id == orgs.members["ngo"].id and entry.target == f"organisation:{orgs.ngo}"
    assert set(json.loads(entry.data)["case_ids"]) == ids


def test_the_state_filter_says_the_complainants_words_even_after_the_staff_list(
    app, orgs, member_client, make_user, login_as
):
    """Both lists keep their select's options per key (core/forms.QuickSelect): the organisation's state filter has
    its own key, so the staff list's internal state names, rendered first in the same process, never show here."""
    staff = app.test_client()
    login_as(staff, make_user("secretariat"))
    assert ">Admissibility assessment</option>" in staff.get("/staff/cases?state=assessment").get_data(as_text=True)
    page = member_client(orgs.members["union"]).get("/org/cases?state=assessment").get_data(as_text=True)
    assert "Being assessed</option>" in page and "Admissibility assessment" not in page


def _chosen(html: str, value: str) -> bool:
    option = re.search(rf'<option[^>]*value="{value}"[^>]*>', html)
    return option is not None and "selected" in option.group(0)


def test_the_kept_filters_follow_the_choice_each_readers_language_and_a_new_site(app, orgs, member_client):
    """The filter form is rendered once per language and choice of filters (core/page_cache.cached_fragment): the
    chosen metal stays chosen when another is chosen, a site registered since shows at once, and the French member
    reads French, the English one English, whoever rendered it first."""
    english, french = member_client(orgs.members["union"]), member_client(orgs.members["ngo"])
    page = english.get("/org/cases?commodity=nickel").get_data(as_text=True)
    assert _chosen(page, "nickel") and not _chosen(page, "cobalt") and ">Metal or mineral<" in page
    page = english.get("/org/cases?commodity=cobalt").get_data(as_text=True)
    assert _chosen(page, "cobalt") and not _chosen(page, "nickel")
    assert "Métal ou minerai" in french.get("/org/cases?commodity=cobalt").get_data(as_text=True)
    with app.app_context():
        site = SupplyChainEntity(name="Kipushi Tailings Depot", kind=EntityKind.DEPOT, country="CD")
        db.session.add(site)
        db.session.commit()
        site_id = site.id
    page = english.get("/org/cases?commodity=cobalt").get_data(as_text=True)
    assert "Kipushi Tailings Depot</option>" in page and _chosen(page, "cobalt")
    assert _chosen(english.get(f"/org/cases?entity={site_id}").get_data(as_text=True), str(site_id))
