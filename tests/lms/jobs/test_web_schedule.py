"""Without Redis (``make run``), a request starts due schedules in a background thread."""

import threading
import time

from sqlalchemy import select

from lms.extensions import db
from lms.jobs.models import ScheduleRun
from lms.jobs.registry import SCHEDULES
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database


def running() -> bool:
    return any(t.name == "atlas-schedule" and t.is_alive() for t in threading.enumerate())


def test_a_request_starts_the_due_schedules(tmp_path):
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance", TESTING=False)
        try:
            client = app.test_client()
            client.get("/login")
            for _ in range(600):  # wait (poll) for the background thread, however slow
                if not running():
                    break
                time.sleep(0.5)
            with app.app_context():
                runs = dict(db.session.execute(
                    select(ScheduleRun.name, ScheduleRun.last_run_at)).all())
            assert set(runs) == set(SCHEDULES)
        finally:
            dispose_engines(app)


def test_no_schedule_thread_with_redis(tmp_path):
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance", TESTING=False,
                            ATLAS_REDIS_URL="redis://127.0.0.1:6379/0")
        try:
            app.test_client().get("/login")
            assert not any(t.name == "atlas-schedule" for t in threading.enumerate())
        finally:
            dispose_engines(app)
