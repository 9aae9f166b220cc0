"""Organisation accounts: the secretariat verifies, the admin invites (a real mail, the invitee's language, a
one-time link to a password and the staff's TOTP enrolment) and removes; members see only their organisation."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.users.models import User

LINK = re.compile(r"https?://\S+/org/invitation/([\w-]+)")


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_secretariat_verifies_an_ngo_before_it_files(app, client, make_user, login_as, unverified_ngo):
    member = make_user(Role.ORGANISATION, "m@villages.example", unverified_ngo.id, organisation_admin=True)
    login_as(client, member)
    home = client.get("/org/").get_data(as_text=True)
    assert "has not verified your organisation yet" in home
    assert "File on behalf of people" not in home
    refused = client.post("/org/file")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/org/")

    secretariat = make_user(Role.SECRETARIAT)
    staff = app.test_client()
    login_as(staff, secretariat)
    detail = staff.get(f"/staff/registry/organisations/{unverified_ngo.id}").get_data(as_text=True)
    assert "Verify: it may file on behalf of people" in detail
    response = staff.post(f"/staff/organisations/{unverified_ngo.id}/verification", data={"value": "1"})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, unverified_ngo.id)
        assert organisation.verified and organisation.verified_by_id == secretariat.id
        assert organisation.verified_at is not None
    entry = _audit(app, "registry-changed")[-1]
    assert entry.actor_id == secretariat.id and '"change":"verified"' in entry.data

    home = client.get("/org/").get_data(as_text=True)
    assert "The secretariat verified your organisation." in home and "File on behalf of people" in home
    started = client.post("/org/file")
    assert started.status_code == 303 and started.headers["Location"].endswith("/en/report/behalf")


def test_only_the_secretariat_verifies(app, client, make_user, login_as, unverified_ngo, ngo_admin):
    login_as(client, ngo_admin)
    assert client.post(f"/staff/organisations/{unverified_ngo.id}/verification", data={"value": "1"}).status_code == 403
    with app.app_context():
        assert not db.session.get(Organisation, unverified_ngo.id).verified


def test_the_admin_invites_a_member_who_enrols_like_staff(app, client, login_as, ngo_admin, smtp_server):
    login_as(client, ngo_admin)
    response = client.post(
        "/org/members/invite",
        data={"name": "Amina Field", "email": "amina@bana.example", "locale": "sw", "admin": ""},
    )
    assert response.status_code == 302
    [mail] = smtp_server.to("amina@bana.example")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Bana ya Kolwezi Child Rights" in body
    assert "Your invitation" not in mail["Subject"]  # in Swahili, the invitee's language
    token = LINK.search(body).group(1)
    with app.app_context():
        invited = db.session.scalar(select(User).where(User.email == "amina@bana.example"))
        assert invited.role == Role.ORGANISATION and invited.organisation_id is not None
        assert not invited.organisation_admin and invited.invitation_hash and token not in invited.invitation_hash
    assert _audit(app, "user-changed")[-1].actor_id == ngo_admin.id

    newcomer = app.test_client()
    page = newcomer.get(f"/org/invitation/{token}")
    assert page.status_code == 200 and 'lang="sw"' in page.get_data(as_text=True)
    too_short = newcomer.post(f"/org/invitation/{token}", data={"new_password": "short", "new_password_again": "short"})
    assert too_short.status_code == 400
    chosen = "a long passphrase for amina"
    response = newcomer.post(f"/org/invitation/{token}", data={"new_password": chosen, "new_password_again": chosen})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/enrol")
    enrol = newcomer.get("/staff/enrol")
    assert enrol.status_code == 200
    with app.app_context():
        secret = db.session.scalar(select(User).where(User.email == "amina@bana.example")).totp_secret
    done = newcomer.post("/staff/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "/org/" in done.get_data(as_text=True)
    assert newcomer.get("/org/").status_code == 200
    # The link works once.
    assert app.test_client().get(f"/org/invitation/{token}").status_code == 404

    # Next time, the member signs in at the staff login with the password and a code.
    later = app.test_client()
    step = later.post("/staff/login", data={"email": "amina@bana.example", "password": chosen})
    assert step.headers["Location"].endswith("/staff/login/code")


def test_only_an_admin_invites_and_removes(client, login_as, ngo_member, ngo_admin):
    login_as(client, ngo_member)
    assert client.get("/org/members/invite").status_code == 403
    assert client.post(f"/org/members/{ngo_admin.id}/remove").status_code == 403


def test_the_admin_removes_a_member_whose_sessions_end(app, client, login_as, ngo_admin, ngo_member):
    member_client = login_as(app.test_client(), ngo_member)
    assert member_client.get("/org/").status_code == 200
    login_as(client, ngo_admin)
    assert "Jean Field" in client.get("/org/").get_data(as_text=True)
    assert client.post(f"/org/members/{ngo_member.id}/remove").status_code == 302
    with app.app_context():
        assert not db.session.get(User, ngo_member.id).active
    assert "field@bana.example" not in client.get("/org/").get_data(as_text=True)
    assert member_client.get("/org/").status_code == 302  # signed out
    entry = _audit(app, "user-changed")[-1]
    assert entry.actor_id == ngo_admin.id and "removed_from_organisation" in entry.data
    # The last admin stays.
    assert client.post(f"/org/members/{ngo_admin.id}/remove").status_code == 302
    with app.app_context():
        assert db.session.get(User, ngo_admin.id).active


def test_another_organisations_member_is_not_found(client, login_as, ngo_admin, union_member):
    login_as(client, ngo_admin)
    assert client.post(f"/org/members/{union_member.id}/remove").status_code == 404
    assert "Wati Rep" not in client.get("/org/").get_data(as_text=True)


def test_other_roles_do_not_open_the_organisation_pages(app, client, make_user, login_as):
    for role in (Role.SECRETARIAT, Role.CHAIR, Role.COMPANY, Role.ADMIN):
        login_as(client, make_user(role))
        assert client.get("/org/").status_code == 403
    assert app.test_client().get("/org/").status_code == 302  # to the login


def test_the_home_page_reads_its_members_in_one_query(app, client, make_user, login_as, ngo_admin, verified_ngo):
    from sqlalchemy import event

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get("/org/").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    login_as(client, ngo_admin)
    few = statements()
    for n in range(10):
        make_user(Role.ORGANISATION, f"m{n}@bana.example", verified_ngo.id)
    assert statements() == few  # no query per member
