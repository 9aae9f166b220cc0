from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from portal.cases.models import Case
from portal.extensions import db
from tests.conftest import REFERENCE_PATTERN, VALID_GRIEVANCE, walk_steps
from tests.intake.test_resend import TOKEN


def test_200_concurrent_submissions_get_200_distinct_references(app):
    # Each browser answers the steps first; the 200 sends (where references are taken) happen at once.
    browsers = []
    for i in range(200):
        client = app.test_client()
        data = {**VALID_GRIEVANCE, "description": f"Grievance number {i} about the cobalt depot at night."}
        token = TOKEN.search(walk_steps(client, "en", data, send=False).get_data(as_text=True)).group(1)
        browsers.append((client, token))

    def submit(i: int) -> tuple[int, str | None]:
        client, token = browsers[i]
        data = {"consent": "y", "submission_token": token}
        response = client.post("/en/report/check", data=data, follow_redirects=True)
        match = REFERENCE_PATTERN.search(response.get_data(as_text=True))
        return response.status_code, match.group(0) if match else None

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(submit, range(200)))
    assert [status for status, _ in results] == [200] * 200
    references = [reference for _, reference in results]
    assert len(set(references)) == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 200
        stored = set(db.session.scalars(select(Case.reference)))
        assert stored == set(references)
        descriptions = {case.description for case in db.session.scalars(select(Case))}
        assert len(descriptions) == 200  # nothing lost, nothing mixed up
