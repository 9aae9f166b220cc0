"""The weekly digest: each member in their own language, through the real SMTP server, once per week."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import SECRET, admit, file_for


def test_the_weekly_digest_goes_out_in_french_and_swahili_once(app, orgs, file_grievance, member_client, smtp_server):
    member_client(orgs.members["ngo"]).post(
        "/org/trackers", data={"name": "Travail des enfants", "commodity": "cobalt"}
    )
    news = file_for(app, file_grievance, orgs.union, description=SECRET)
    admit(app, news, orgs.chair)
    quiet = file_for(app, file_grievance, orgs.union, commodity="nickel")  # outside the theme
    admit(app, quiet, orgs.chair)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "send-digests"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    with app.app_context():
        with force_locale("fr"):
            french = _("This week in the themes you follow")
        with force_locale("sw"):
            swahili = _("This week in the themes you follow")
    assert len({french, swahili, "This week in the themes you follow"}) == 3
    (fr,) = smtp_server.to("amina@ngo.test")
    (sw,) = smtp_server.to("juma@ngo.test")
    assert fr["Subject"] == french and sw["Subject"] == swahili
    for mail in (fr, sw):
        body = mail.get_content()
        assert news in body and quiet not in body and SECRET not in body
        assert "/org/trackers/" in body
    assert smtp_server.to("paul@union.test") == []  # the union follows no theme
    again = runner.invoke(args=["portal", "send-digests"])
    assert again.exit_code == 0 and "sent 0" in again.output
    assert len(smtp_server.to("amina@ngo.test")) == 1 and len(smtp_server.to("juma@ngo.test")) == 1
