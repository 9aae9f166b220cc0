"""Theme trackers (/org/trackers): another organisation's admitted case with public fields only; never a case the
register would not show; counts by month; the changes since the member's last visit."""

from __future__ import annotations

import io

from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.orgs.trackers import Tracker
from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import NAME, SECRET, admit, count_statements, file_for
from tests.samples import PDF_BYTES


def _follow(client, **theme) -> str:
    response = client.post("/org/trackers", data={"name": "Child labour in cobalt", **theme})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_the_tracker_lists_public_fields_only(app, orgs, file_grievance, member_client):
    listed = file_for(
        app, file_grievance, orgs.union, description=SECRET, anonymous="no", name=NAME, email="neema@example.org",
        files=[(io.BytesIO(PDF_BYTES), "kasulo-pit-evidence.pdf")],
    )  # fmt: skip
    waiting = file_for(app, file_grievance, orgs.union)  # not admitted
    opted_out = file_for(app, file_grievance, orgs.union, register_listed="no")
    flagged = file_for(app, file_grievance, orgs.union, retaliation_risk="y")
    for reference in (listed, opted_out, flagged):
        admit(app, reference, orgs.chair)
    with app.app_context():
        for reference in (opted_out, flagged):
            case = db.session.scalar(select(Case).where(Case.reference == reference))
            case.register_listed = reference != opted_out
            case.retaliation_risk = reference == flagged
        db.session.commit()
    member = member_client(orgs.members["ngo"])
    page_url = _follow(member, category="child_labour", commodity="cobalt")
    html = member.get(page_url).get_data(as_text=True)
    assert listed in html
    for hidden in (waiting, opted_out, flagged):
        assert hidden not in html
    assert 'id="theme-counts"' in html  # the chart, with its table
    links = [f"/en/register/{listed}", *(part.split('"')[0] for part in html.split('href="')[1:])]
    for link in {link for link in links if "/register/" in link}:
        reached = member.get(link)
        assert reached.status_code == 200
        body = reached.get_data()
        for secret in (SECRET, NAME, "neema@example.org", "kasulo-pit-evidence.pdf"):
            assert secret.encode() not in body, (link, secret)
        assert PDF_BYTES[:200] not in body
    for secret in (SECRET, NAME, "kasulo-pit-evidence.pdf"):
        assert secret not in html
    # The tracker list page too.
    assert SECRET not in member.get("/org/trackers").get_data(as_text=True)


def test_changes_since_the_last_visit(app, orgs, file_grievance, member_client):
    member = member_client(orgs.members["ngo"])
    page_url = _follow(member, commodity="cobalt")
    first = file_for(app, file_grievance, orgs.union)
    admit(app, first, orgs.chair)
    html = member.get(page_url).get_data(as_text=True)
    changes = html.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert first in changes
    html = member.get(page_url).get_data(as_text=True)
    assert first not in html.split('id="changes"', 1)[1].split("</section>", 1)[0]  # seen already
    second = file_for(app, file_grievance, orgs.union)
    admit(app, second, orgs.chair, outcome="founded")
    changes = member.get(page_url).get_data(as_text=True).split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert second in changes and first not in changes
    # Another member of the organisation has not been there yet: both are news to them.
    changes = member_client(orgs.members["ngo2"]).get(page_url).get_data(as_text=True)
    assert first in changes and second in changes


def test_a_theme_is_read_once_per_version_of_the_register(app, orgs, file_grievance, member_client):
    """Everyone following a theme shares its changes, counts and first page until the register changes."""
    first = file_for(app, file_grievance, orgs.union)
    admit(app, first, orgs.chair)
    ngo = member_client(orgs.members["ngo"])
    union = member_client(orgs.members["union"])
    ngo_page, union_page = _follow(ngo, commodity="cobalt"), _follow(union, commodity="cobalt")
    app.config["TRACKER_CACHE_SECONDS"] = 0
    with count_statements(app) as uncached:
        assert first in ngo.get(ngo_page).get_data(as_text=True)
    app.config["TRACKER_CACHE_SECONDS"] = 60
    ngo.get(ngo_page)  # reads the theme once
    with count_statements(app) as cached:
        assert first in union.get(union_page).get_data(as_text=True)  # another organisation, the same theme
    assert cached.count <= uncached.count - 4  # the listing with its categories, two change queries, the counts
    second = file_for(app, file_grievance, orgs.union)
    admit(app, second, orgs.chair)  # a new version of the register: shown at once
    assert second in union.get(union_page).get_data(as_text=True)


def test_a_theme_needs_a_name_and_something_to_follow(app, orgs, member_client):
    member = member_client(orgs.members["ngo"])
    response = member.post("/org/trackers", data={"name": "Everything"})
    assert response.status_code == 400
    assert "Choose at least one" in response.get_data(as_text=True) or "au moins" in response.get_data(as_text=True)
    assert member.post("/org/trackers", data={"name": "", "commodity": "cobalt"}).status_code == 400
    assert member.post("/org/trackers", data={"name": "x", "commodity": "gold"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Tracker.id)) is None


def test_another_organisations_tracker_answers_404(app, orgs, member_client):
    page_url = _follow(member_client(orgs.members["union"]), country="CD")
    other = member_client(orgs.members["ngo"])
    assert other.get(page_url).status_code == 404
    assert other.post(page_url + "/delete").status_code == 404
    assert other.get("/org/trackers/2147483647").status_code == 404
    assert "Child labour in cobalt" not in other.get("/org/trackers").get_data(as_text=True)
    owner = member_client(orgs.members["union"])
    assert owner.post(page_url + "/delete").status_code == 302
    assert owner.get(page_url).status_code == 404
