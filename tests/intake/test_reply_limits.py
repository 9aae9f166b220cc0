"""A receipt holder cannot flood a case: replies are limited per case and per client, stored files per case are
capped, and what they typed comes back when a reply is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.cases.models import Attachment, CaseEntry, EntryKind
from portal.extensions import db
from tests.samples import upload, wav_voice_note


@pytest.fixture
def settings(app, monkeypatch):
    def set_(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)

    return set_


def replies(app) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(CaseEntry).where(CaseEntry.kind == EntryKind.FROM_COMPLAINANT)
        return db.session.scalar(stmt)


def reply(client, text: str, files=None, locale: str = "en"):
    data = {"message": text, **({"evidence": files} if files else {})}
    return client.post(f"/{locale}/follow-up/case", data=data, content_type="multipart/form-data")


def test_replies_to_one_case_are_limited_across_browsers_and_the_text_stays(
    app, client, file_grievance, open_case, settings
):
    settings(RATELIMIT_REPLY_CASE="3 per hour")
    _, _, receipt = file_grievance()
    open_case(receipt)
    assert [reply(client, f"Message number {i}").status_code for i in range(3)] == [302] * 3
    refused = reply(client, "A fourth message that must come back to me.", locale="fr")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "A fourth message that must come back to me." in html
    assert 'id="message-error"' in html and 'lang="fr"' in html
    # Another browser with the same receipt shares the case's limit.
    other = app.test_client()
    other.post("/en/follow-up", data={"receipt": receipt})
    assert reply(other, "From another phone.").status_code == 429
    assert replies(app) == 3


def test_replies_from_one_client_are_limited_across_cases(app, client, file_grievance, open_case, settings):
    settings(RATELIMIT_REPLY_CLIENT="4 per hour")
    _, _, first = file_grievance()
    _, _, second = file_grievance()
    for receipt in (first, second):
        open_case(receipt)
        assert [reply(client, "Two messages to this case.").status_code for _ in range(2)] == [302, 302]
    assert reply(client, "One too many from this client.").status_code == 429
    assert replies(app) == 4


def test_stored_files_per_case_are_capped_and_the_text_stays(app, client, file_grievance, open_case, settings):
    note = wav_voice_note()
    settings(CASE_STORAGE_CAP_MB=(2.5 * len(note)) / (1024 * 1024))
    _, _, receipt = file_grievance(files=[upload(note, "first.wav")])
    open_case(receipt)
    assert reply(client, "Second recording.", [upload(note, "second.wav")]).status_code == 302
    refused = reply(client, "Third recording, too much.", [upload(note, "third.wav")], locale="sw")
    assert refused.status_code == 413
    html = refused.get_data(as_text=True)
    assert "Third recording, too much." in html and 'id="evidence-error"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 2
    assert replies(app) == 1
    # Without files the message still goes through.
    assert reply(client, "Third recording, too much.").status_code == 302
    assert replies(app) == 2
