"""Pattern alerts (portal/cases/alerts.py): grievances about one site reach the threshold within the window, the
secretariat is told on the dashboard and by mail (real SMTP), the downstream covenant members are named, later
cases join, a dismissed alert stays dismissed, and nobody learns of a case they are recused from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.audit.models import AuditEntry
from portal.cases.alert_models import Alert, AlertKind, AlertStatus
from portal.cases.models import Case
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake.operations import GrievanceInput, submit_grievance
from portal.organisations.models import (
    EntityKind,
    EntityRelation,
    Organisation,
    OrganisationKind,
    RelationKind,
    SupplyChainEntity,
)
from portal.users.models import Affiliation

# Different categories on purpose: only the site groups these grievances (the category pattern is tested apart).
CATEGORIES = [["child_labour"], ["wages_hours"], ["environment"], ["land"], ["corruption"], ["discrimination"]]


@dataclass
class Registry:
    site: int
    operator: int
    members: dict  # name -> id of the covenant members downstream, within the hops
    outsiders: dict  # name -> id of organisations that must not be named


def grievance(description: str = "Night shifts without pay at the depot.", **fields) -> GrievanceInput:
    values = dict(
        filer_type="affected_person", anonymous=True, identity={}, share_identity_with_company=False,
        categories=["wages_hours"], country="CD", commodity="cobalt", place=None, companies=None,
        incident_date=None, incident_period=None, ongoing=False, description=description, people_affected=None,
        children_involved=False, retaliation_risk=False, desired_remedy=None, locale="en",
    )  # fmt: skip
    values.update(fields)
    return GrievanceInput(**values)


def file(app, days_ago: int = 0, **fields) -> str:
    """File a grievance through the intake operation (its signals run), dated ``days_ago``; returns its reference."""
    with app.app_context():
        case, _ = submit_grievance(grievance(**fields), files=[])
        reference = case.reference
        db.session.commit()
        if days_ago:
            db.session.execute(
                update(Case).where(Case.id == case.id).values(created_at=utcnow() - timedelta(days=days_ago))
            )
            db.session.commit()
        return reference


def build_registry(app) -> Registry:
    """Kolwezi depot (run by Acme) supplies Fria smelter (SmeltCo), which supplies Carmaker (owned by Holding) and
    a refinery run by a non-member; the refinery supplies a plant (FarCo, 3 hops), which supplies a port (TooFar,
    4 hops: beyond ALERT_DOWNSTREAM_HOPS)."""
    with app.app_context():
        orgs = {
            name: Organisation(name=name, kind=OrganisationKind.COMPANY, covenant_party=party)
            for name, party in [
                ("Acme", True), ("SmeltCo", True), ("Carmaker", True), ("Holding", True), ("NonMember", False),
                ("FarCo", True), ("TooFar", True), ("Bystander", True),
            ]
        }  # fmt: skip
        db.session.add_all(orgs.values())
        db.session.flush()

        def site(name, kind, operator):
            row = SupplyChainEntity(name=name, kind=kind, country="CD", operator_organisation_id=orgs[operator].id)
            db.session.add(row)
            return row

        depot = site("Kolwezi depot", EntityKind.DEPOT, "Acme")
        smelter = site("Fria smelter", EntityKind.SMELTER, "SmeltCo")
        refinery = site("Likasi refinery", EntityKind.REFINERY, "NonMember")
        plant = site("Far plant", EntityKind.MANUFACTURER, "FarCo")
        port = site("Far port", EntityKind.PORT, "TooFar")
        other = site("Unrelated mine", EntityKind.MINE, "Bystander")
        db.session.flush()
        relations = [
            (RelationKind.SUPPLIES, depot, smelter),
            (RelationKind.SUPPLIES, smelter, orgs["Carmaker"]),
            (RelationKind.OWNED_BY, orgs["Carmaker"], orgs["Holding"]),
            (RelationKind.SUPPLIES, smelter, refinery),
            (RelationKind.SUPPLIES, refinery, plant),
            (RelationKind.SUPPLIES, plant, port),
            (RelationKind.SUPPLIES, other, depot),  # upstream of the depot: never named
        ]
        for relation, subject, object_ in relations:
            row = EntityRelation(relation=relation)
            if isinstance(subject, Organisation):
                row.subject_organisation_id = subject.id
            else:
                row.subject_entity_id = subject.id
            if isinstance(object_, Organisation):
                row.object_organisation_id = object_.id
            else:
                row.object_entity_id = object_.id
            db.session.add(row)
        db.session.commit()
        return Registry(
            site=depot.id,
            operator=orgs["Acme"].id,
            members={name: orgs[name].id for name in ("SmeltCo", "Carmaker", "Holding", "FarCo")},
            outsiders={name: orgs[name].id for name in ("Acme", "NonMember", "TooFar", "Bystander")},
        )


@pytest.fixture
def registry(app) -> Registry:
    return build_registry(app)


@pytest.fixture
def staff(app, make_user, login_as, registry):
    """A secretariat member, a chair, and a secretariat member tied to Acme (recused from the depot's cases)."""
    officer = make_user("secretariat", name="Officer")
    chair = make_user("chair", name="Chair", nomination="independent")
    tied = make_user("secretariat", name="Tied")
    with app.app_context():
        db.session.add(Affiliation(user_id=tied.id, organisation_id=registry.operator))
        db.session.commit()

    def client_for(user):
        return login_as(app.test_client(), user)

    return {"officer": officer, "chair": chair, "tied": tied, "client": client_for}


def link(staff, reference: str, site_id: int):
    response = staff["client"](staff["officer"]).post(
        f"/staff/cases/{reference}/links", data={"respondent": "", "entities": [str(site_id)]}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def all_alerts(app) -> list[Alert]:
    with app.app_context():
        alerts = list(db.session.scalars(select(Alert).order_by(Alert.id)))
        for alert in alerts:
            alert.case_ids  # noqa: B018 (load before the context ends)
            [row.organisation.name for row in alert.member_rows]
        return alerts


def ids_of(app, references) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Case.id).where(Case.reference.in_(references))))


def test_three_grievances_at_one_site_over_sixty_days_raise_one_alert_naming_the_downstream_members(
    app, registry, staff, smtp_server
):
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((60, 30, 0))]
    for reference in references[:2]:
        link(staff, reference, registry.site)
    assert all_alerts(app) == []  # two are below the threshold
    link(staff, references[2], registry.site)

    alerts = all_alerts(app)
    assert len(alerts) == 1, alerts  # not also one for Acme, the site's operator: the site's alert holds them
    alert = alerts[0]
    assert alert.kind == AlertKind.SITE and alert.entity_id == registry.site and alert.status == AlertStatus.OPEN
    assert alert.case_ids == ids_of(app, references)
    with app.app_context():
        members = {row.organisation_id: row.hops for row in db.session.get(Alert, alert.id).member_rows}
    assert set(members) == set(registry.members.values())
    assert members[registry.members["SmeltCo"]] == 1 and members[registry.members["FarCo"]] == 3
    assert not set(members) & set(registry.outsiders.values())

    # The secretariat is told by mail (through the real SMTP server), the tied officer is not.
    mails = alert_mails(smtp_server, staff["officer"])
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Pattern alert: 3 grievances about Kolwezi depot"
    body = mails[0].get_content()
    for name in ("SmeltCo", "Carmaker", "Holding", "FarCo"):
        assert name in body
    assert "TooFar" not in body and "NonMember" not in body
    assert f"/staff/alerts/{alert.id}" in body
    assert not any(reference in body for reference in references)  # no reference, no case content
    assert alert_mails(smtp_server, staff["tied"]) == []

    # On the dashboard, and on the alert page with the members and the cases.
    officer = staff["client"](staff["officer"])
    dashboard = officer.get("/staff/").get_data(as_text=True)
    assert f"/staff/alerts/{alert.id}" in dashboard and "Kolwezi depot" in dashboard
    page = officer.get(f"/staff/alerts/{alert.id}").get_data(as_text=True)
    assert all(reference in page for reference in references)
    assert "Carmaker" in page and "TooFar" not in page


def alert_mails(mailbox, user) -> list:
    return [mail for mail in mailbox.to(user.email) if mail["Subject"].startswith("Pattern alert")]


def test_a_fourth_grievance_joins_the_open_alert(app, registry, staff, smtp_server):
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((60, 30, 10))]
    for reference in references:
        link(staff, reference, registry.site)
    fourth = file(app, 0, categories=CATEGORIES[3])
    link(staff, fourth, registry.site)

    alerts = all_alerts(app)
    assert len(alerts) == 1
    assert alerts[0].case_ids == ids_of(app, [*references, fourth])
    assert len(alert_mails(smtp_server, staff["officer"])) == 1  # raised once; a case joining sends no second mail
    with app.app_context():
        joined = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "alert-changed")).all()
        assert [json.loads(entry.data)["change"] for entry in joined] == ["case_joined"]
        assert joined[0].target == f"alert:{alerts[0].id}"


def test_a_dismissed_alert_stays_dismissed_until_the_window_has_moved_on(app, registry, staff):
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((200, 190, 180))]
    for reference in references:
        link(staff, reference, registry.site)
    (alert,) = all_alerts(app)
    officer = staff["client"](staff["officer"])
    assert officer.post(f"/staff/alerts/{alert.id}/dismiss").status_code == 302

    # A new case within the window of the dismissed one: recorded in it, still dismissed, nothing new raised
    # (neither for the site nor for its operator, whose cases are the same).
    late = file(app, 150, categories=CATEGORIES[3])
    link(staff, late, registry.site)
    (again,) = all_alerts(app)
    assert again.id == alert.id and again.status == AlertStatus.DISMISSED
    assert ids_of(app, [late]) <= again.case_ids
    assert f"/staff/alerts/{alert.id}" not in officer.get("/staff/").get_data(as_text=True)
    assert officer.post(f"/staff/alerts/{alert.id}/acknowledge").status_code == 302  # refused, said so
    assert all_alerts(app)[0].status == AlertStatus.DISMISSED

    # The dismissal is audited, with who did it.
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "alert-changed")).one()
        assert json.loads(entry.data)["change"] == "dismissed" and entry.actor_id == staff["officer"].id

    # Once the window has moved past it, three new grievances count afresh: a new alert with only them.
    fresh = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((40, 20, 0))]
    for reference in fresh:
        link(staff, reference, registry.site)
    alerts = all_alerts(app)
    assert len(alerts) == 2
    assert alerts[1].status == AlertStatus.OPEN and alerts[1].case_ids == ids_of(app, fresh)


def test_acknowledging_is_audited_and_a_new_case_opens_the_alert_again(app, registry, staff):
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((50, 40, 30))]
    for reference in references:
        link(staff, reference, registry.site)
    (alert,) = all_alerts(app)
    chair = staff["client"](staff["chair"])
    assert chair.post(f"/staff/alerts/{alert.id}/acknowledge").status_code == 302
    assert all_alerts(app)[0].status == AlertStatus.ACKNOWLEDGED
    assert f"/staff/alerts/{alert.id}" not in chair.get("/staff/").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "alert-changed")).one()
        assert entry.actor_id == staff["chair"].id and json.loads(entry.data)["status"] == "acknowledged"
    link(staff, file(app, 0, categories=CATEGORIES[3]), registry.site)
    assert all_alerts(app)[0].status == AlertStatus.OPEN


def test_the_same_harm_metal_and_country_raise_a_pattern_alert_at_filing(app, registry, staff):
    for days in (20, 10):
        file(app, days, categories=["forced_labour"], country="ZM", commodity="copper")
    file(app, 0, categories=["forced_labour"], country="ZM", commodity="nickel")  # another metal: not counted
    assert all_alerts(app) == []
    file(app, 0, categories=["forced_labour", "land"], country="ZM", commodity="copper")
    (alert,) = all_alerts(app)
    assert (alert.kind, alert.category, alert.commodity, alert.country) == ("pattern", "forced_labour", "copper", "ZM")
    page = staff["client"](staff["officer"]).get(f"/staff/alerts/{alert.id}").get_data(as_text=True)
    assert "Forced labour · Copper · Zambia" in page


def test_cases_outside_the_window_do_not_count_and_the_threshold_is_configurable(app, registry, staff):
    for i, days in enumerate((200, 100, 0)):  # each more than 90 days from the next
        link(staff, file(app, days, categories=CATEGORIES[i]), registry.site)
    assert all_alerts(app) == []
    app.config["ALERT_THRESHOLD"] = 2
    try:
        link(staff, file(app, 50, categories=CATEGORIES[3]), registry.site)
    finally:
        app.config["ALERT_THRESHOLD"] = 3
    (alert,) = all_alerts(app)
    assert len(alert.case_ids) == 2


def test_a_recused_person_sees_no_case_through_an_alert(app, registry, staff):
    # A pattern alert of three cases; one of them is about Acme's depot, from which "tied" is recused.
    references = [file(app, days, categories=["health_safety"], country="ZM") for days in (30, 20, 10)]
    (alert,) = all_alerts(app)
    link(staff, references[0], registry.site)
    tied = staff["client"](staff["tied"])
    page = tied.get(f"/staff/alerts/{alert.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert references[0] not in html and references[1] in html and references[2] in html

    # An alert all of whose cases they are recused from does not exist for them.
    site_cases = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((9, 8, 7))]
    for reference in site_cases:
        link(staff, reference, registry.site)
    site_alert = next(a for a in all_alerts(app) if a.kind == AlertKind.SITE)
    assert tied.get(f"/staff/alerts/{site_alert.id}").status_code == 404
    assert tied.post(f"/staff/alerts/{site_alert.id}/dismiss").status_code == 404
    for path in ("/staff/", "/staff/alerts", f"/staff/registry/entities/{registry.site}"):
        html = tied.get(path).get_data(as_text=True)
        assert f"/staff/alerts/{site_alert.id}" not in html, path
        assert not any(reference in html for reference in site_cases), path
    officer_page = staff["client"](staff["officer"]).get(f"/staff/registry/entities/{registry.site}")
    html = officer_page.get_data(as_text=True)
    assert f"/staff/alerts/{site_alert.id}" in html and all(reference in html for reference in site_cases)


def test_committee_members_and_administrators_have_no_alert_pages(app, registry, staff, make_user):
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((3, 2, 1))]
    for reference in references:
        link(staff, reference, registry.site)
    (alert,) = all_alerts(app)
    for role in ("member", "admin"):
        client = staff["client"](make_user(role))
        assert client.get(f"/staff/alerts/{alert.id}").status_code == 403
        assert client.get("/staff/alerts").status_code == 403


def test_the_dashboard_keeps_its_alerts_only_until_one_changes(app, registry, staff):
    """The dashboard's alert list is kept between requests (cases/workload.kept): an alert raised shows at once,
    and once dismissed is gone at once, in the same minute and process."""
    officer = staff["client"](staff["officer"])
    assert "No open alerts." in officer.get("/staff/").get_data(as_text=True)
    references = [file(app, days, categories=CATEGORIES[i]) for i, days in enumerate((50, 40, 30))]
    for reference in references:
        link(staff, reference, registry.site)
    (alert,) = all_alerts(app)
    dashboard = officer.get("/staff/").get_data(as_text=True)
    assert f"/staff/alerts/{alert.id}" in dashboard and "3 grievances" in dashboard
    assert officer.post(f"/staff/alerts/{alert.id}/dismiss").status_code == 302
    dashboard = officer.get("/staff/").get_data(as_text=True)
    assert f"/staff/alerts/{alert.id}" not in dashboard and "No open alerts." in dashboard
