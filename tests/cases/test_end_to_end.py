"""From submission to monitoring and closure, through the real pages, with the complainant's view checked in
their language at every step and the emails caught by a real SMTP server on localhost."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from portal.cases.labels import STATE_FOR_COMPLAINANT
from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core.db import utcnow
from portal.extensions import db
from tests.cases.conftest import SECRET_DESCRIPTION
from tests.conftest import walk_steps


def _complainant_sees(app, client, state: State) -> str:
    html = client.get("/fr/follow-up/case").get_data(as_text=True)
    with app.test_request_context(), force_locale("fr"):
        expected = str(STATE_FOR_COMPLAINANT[state][0])
    assert f'aria-current="step">{expected}</li>' in html, state  # the current stage on the road of stages
    return html


def _case(app, reference) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def test_from_submission_to_closure(app, client, smtp_server, make_user, login_as, open_case):
    from tests.cases.conftest import _user  # noqa: F401 - the world helpers share the model imports

    # People and organisations.
    with app.app_context():
        from portal.organisations.models import Organisation, OrganisationKind

        century = Organisation(name="Century Aluminum Vlissingen B.V.", kind=OrganisationKind.COMPANY)
        db.session.add(century)
        db.session.commit()
        century_id = century.id
    officer = make_user("secretariat", locale="nl")
    chair = make_user("chair", nomination="independent")
    industry = make_user("member", nomination="industry")
    union = make_user("member", nomination="civil_society")
    liaison = make_user("company", organisation_id=century_id)
    staff = app.test_client()
    login_as(staff, officer)
    chair_client = login_as(app.test_client(), chair)
    company = login_as(app.test_client(), liaison)

    # 1. A worker files in French and leaves an email address.
    response = walk_steps(
        client,
        "fr",
        {
            "filer_type": "affected_person", "anonymous": "no", "name": "Amani", "email": "amani@example.org",
            "preferred_language": "fr", "categories": ["health_safety"], "country": "NL", "commodity": "aluminium",
            "description": SECRET_DESCRIPTION, "consent": "y",
        },
    )  # fmt: skip
    page = response.get_data(as_text=True)
    reference = re.search(r"MC-\d{4}-\d{5}", page).group(0)
    receipt = re.search(r'<span dir="ltr">([\d ]+)</span>', page).group(1)
    assert open_case(receipt, locale="fr").status_code == 302
    _complainant_sees(app, client, State.SUBMITTED)
    base = f"/staff/cases/{reference}"

    # 2. The secretariat acknowledges.
    assert staff.post(f"{base}/actions/acknowledge").status_code == 302
    _complainant_sees(app, client, State.ACKNOWLEDGED)

    # 3. It asks a question; the clocks pause.
    question = "Depuis quand les enfants travaillent-ils de nuit ?"
    assert staff.post(f"{base}/actions/request_info", data={"request_info-message": question}).status_code == 302
    html = _complainant_sees(app, client, State.INFO_REQUESTED)
    assert str(escape(question)) in html
    paused = _case(app, reference)
    assert paused.paused_at is not None and paused.info_request_due_at is not None

    # 4. The worker answers; the case returns to where it was and its clocks run again, time kept.
    client.post("/fr/follow-up/case", data={"message": "Depuis mars, chaque nuit."})
    resumed = _case(app, reference)
    assert resumed.state == State.ACKNOWLEDGED and resumed.paused_at is None
    assert resumed.admissibility_due_at >= paused.admissibility_due_at
    _complainant_sees(app, client, State.ACKNOWLEDGED)
    assert "Depuis mars, chaque nuit." in staff.get(base).get_data(as_text=True)

    # 5. Assessment by a panel with quorum; the company and the summary are named.
    assert staff.post(f"{base}/actions/open_assessment").status_code == 302
    _complainant_sees(app, client, State.ASSESSMENT)
    for user, seat in [(chair, "chair"), (industry, "industry"), (union, "civil_society")]:
        assert (
            staff.post(f"{base}/panel", data={"user_id": user.id, "seat": seat, "panel": "original"}).status_code == 302
        )
    assert staff.post(f"{base}/links", data={"respondent": century_id}).status_code == 302
    summary = "Night work by children is reported at a depot supplying the smelter."
    assert staff.post(f"{base}/company-summary", data={"summary": summary}).status_code == 302

    # 6. The chair admits, with reasons and the panel's votes.
    votes = {f"vote-{user.id}": "for" for user in (chair, industry, union)}
    response = chair_client.post(f"{base}/actions/admit", data={"admit-reasons": "Within scope.", **votes})
    assert response.status_code == 302
    _complainant_sees(app, client, State.COMPANY_RESPONSE)
    assert summary in company.get(f"/company/cases/{reference}").get_data(as_text=True)

    # 7. The company needs more time; before its deadline it takes its one extension, with a reason, which adds
    # 14 days to the original deadline.
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        original_due = utcnow() + timedelta(days=1)
        case.company_response_due_at = original_due
        db.session.commit()
    extension = {"reason": "Our auditor visits the site next week."}
    assert company.post(f"/company/cases/{reference}/extension", data=extension).status_code == 302
    extended = _case(app, reference)
    assert extended.company_extension_used
    assert abs(extended.company_response_due_at - (original_due + timedelta(days=14))) < timedelta(seconds=1)
    assert company.post(f"/company/cases/{reference}/extension", data=extension).status_code == 409  # refused
    assert _case(app, reference).company_response_due_at == extended.company_response_due_at
    assert company.post(f"/company/cases/{reference}/response", data={"response": "We will pay."}).status_code == 302
    assert "We will pay." in staff.get(base).get_data(as_text=True)

    # 8. Dialogue, then a settlement the chair records with reasons in French for the complainant.
    assert staff.post(f"{base}/actions/start_dialogue").status_code == 302
    _complainant_sees(app, client, State.DIALOGUE)
    reasons_fr = "L'entreprise versera les salaires et arrêtera le travail de nuit des enfants."
    response = chair_client.post(
        f"{base}/actions/settle",
        data={"settle-reasons": "The company will pay wages.", "settle-reasons_translation": reasons_fr, **votes},
    )
    assert response.status_code == 302
    html = _complainant_sees(app, client, State.DECIDED)
    assert str(escape(reasons_fr)) in html and "/fr/follow-up/review" in html  # the review window is offered

    # 9. Monitoring, a check-in, and closure.
    assert staff.post(f"{base}/actions/start_monitoring").status_code == 302
    _complainant_sees(app, client, State.MONITORING)
    assert staff.post(f"{base}/monitoring", data={"note": "Wages paid."}).status_code == 302
    assert _case(app, reference).monitoring_due_at is not None
    response = staff.post(f"{base}/actions/close", data={"close-reasons": "Remedy delivered."})
    assert response.status_code == 302, re.findall(r"error-summary.*?</div>", response.get_data(as_text=True), re.S)
    _complainant_sees(app, client, State.CLOSED)
    assert _case(app, reference).next_due_at is None

    # The complainant's emails: generic, in French, never the case content.
    to_complainant = [mail for mail in smtp_server.messages if "amani@example.org" in mail["To"]]
    assert len(to_complainant) >= 8
    for mail in to_complainant:
        body = mail.get_content()
        assert SECRET_DESCRIPTION not in body and "Amani" not in body and question not in body
        assert "/fr/follow-up" in body
    # The company heard of the admission; the officer of the complainant's answer.
    assert any(liaison.email in mail["To"] for mail in smtp_server.messages)
