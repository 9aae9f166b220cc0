from portal import create_app
from portal.config import TestConfig


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'portal.sqlite3'}"
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, SQLALCHEMY_DATABASE_URI=unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
