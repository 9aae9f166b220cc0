"""The background queue: SQLite in the instance folder with nothing configured, Redis for a redis:// URL; tasks queued
only after a commit; and the real worker (``flask portal task-worker``, a process of its own that creates the app)
delivering a webhook queued in the SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import select

from portal.api import webhooks
from portal.api.webhooks import DELIVER_TASK, DeliveryStatus, WebhookDelivery, WebhookSubscription
from portal.core import tasks
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User
from tests.api.webhook_receiver import Receiver

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
RAN: list[tuple[str, bool]] = []


@tasks.task("test-record")
def _record(word: str) -> None:
    from flask import has_app_context

    RAN.append((word, has_app_context()))


def test_a_web_process_loads_the_queue_library_only_when_it_first_queues(tmp_path):
    """Huey's storage imports the Redis and PostgreSQL clients (15 MB per worker): not before a task is queued."""
    script = (
        "import sys\n"
        "from portal import create_app\n"
        "app = create_app()\n"
        "print('huey' in sys.modules)\n"
        "from portal.core import tasks\n"
        "tasks.queue_of(app).huey\n"
        "print('huey' in sys.modules)\n"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "PORTAL_INSTANCE_PATH": str(tmp_path),
        "TASK_QUEUE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_the_queue_follows_task_queue_url(tmp_path):
    default = tasks.make_huey({"TASK_QUEUE_URL": "", "INSTANCE_PATH": tmp_path})
    assert isinstance(default, SqliteHuey) and default.storage.filename == str(tmp_path / "tasks.sqlite3")
    assert isinstance(
        tasks.make_huey({"TASK_QUEUE_URL": "redis://127.0.0.1:6379/1", "INSTANCE_PATH": tmp_path}), RedisHuey
    )
    assert isinstance(tasks.make_huey({"TASK_QUEUE_URL": "memory://", "INSTANCE_PATH": tmp_path}), MemoryHuey)
    with pytest.raises(ValueError):
        tasks.make_huey({"TASK_QUEUE_URL": "amqp://elsewhere", "INSTANCE_PATH": tmp_path})


def test_a_task_is_queued_after_the_commit_and_never_after_a_rollback(app):
    RAN.clear()
    queue = tasks.queue_of(app)
    with app.app_context():
        tasks.enqueue_after_commit(db.session, "test-record", "rolled back")
        db.session.execute(select(1))
        db.session.rollback()
        assert queue.huey.pending_count() == 0
        db.session.execute(select(1))  # a transaction of its own
        tasks.enqueue_after_commit(db.session, "test-record", "committed")
        assert queue.huey.pending_count() == 0  # not before the commit
        db.session.commit()
        assert queue.huey.pending_count() == 1
    assert queue.run_pending() == 1
    assert RAN == [("committed", True)]  # in an app context of its own


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_redis_carries_tasks(app, tmp_path):
    RAN.clear()
    saved = app.config["TASK_QUEUE_URL"]
    app.config["TASK_QUEUE_URL"] = os.environ["TEST_REDIS_URL"]
    try:
        queue = tasks.TaskQueue(app)
        queue.huey.flush()
        queue.enqueue("test-record", "through redis")
        assert queue.run_pending() == 1
    finally:
        app.config["TASK_QUEUE_URL"] = saved
        queue.huey.flush()
    assert RAN == [("through redis", True)]


def test_the_worker_process_delivers_from_the_sqlite_queue(app, make_user):
    """The production path with nothing installed: the delivery is queued into <instance>/tasks.sqlite3 and
    ``flask portal task-worker``, started as its own process, creates the app and posts it."""
    receiver = Receiver().start()
    saved = app.config["TASK_QUEUE_URL"]
    app.config["TASK_QUEUE_URL"] = ""
    queue = tasks.TaskQueue(app)  # the SQLite file in the instance folder, as in a default deployment
    queue.huey.flush()
    app.config["TASK_QUEUE_URL"] = saved
    with app.app_context():
        organisation = Organisation(name="Worker test NGO", kind=OrganisationKind.NGO, verified=True)
        db.session.add(organisation)
        db.session.commit()
        organisation_id = organisation.id
    admin = make_user(Role.ORGANISATION, "worker@ngo.test", organisation_id, organisation_admin=True)
    with app.app_context():
        subscription, _ = webhooks.subscribe(db.session.get(User, admin.id), receiver.url, ["case.message"])
        delivery = webhooks.send_test(db.session.get(WebhookSubscription, subscription.id), None)
        db.session.commit()
        delivery_id = delivery.id
    queue.enqueue(DELIVER_TASK, delivery_id)
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_INSTANCE_PATH": str(app.config["INSTANCE_PATH"]),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TASK_QUEUE_URL": "",
        "WEBHOOK_ALLOW_LOOPBACK": "1",
    }
    env.pop("ENCRYPTION_KEYS", None)  # the instance folder's key ring, as the app's
    process = subprocess.Popen(
        [BIN / "flask", "portal", "task-worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not receiver.received and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, errors = process.communicate()
        receiver.stop()
        queue.huey.flush()
    assert receiver.received, errors.decode(errors="replace")[-2000:]
    assert receiver.received[0].headers["Portal-Delivery"] == str(delivery_id)
    with app.app_context():
        stored = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
        assert stored.status == DeliveryStatus.DELIVERED
