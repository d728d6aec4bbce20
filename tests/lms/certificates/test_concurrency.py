"""Two workers handle the same completion (or the same rename) at once: one certificate.

Needs real concurrent transactions, so it builds its own app on a fresh PostgreSQL schema
instead of the rolled-back per-test transaction.
"""

import threading

import pytest
from sqlalchemy import func, select

from lms.catalog import services as catalog
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.factories import make_user
from tests.fixtures.courses import COURSES
from tests.lms.certificates.conftest import COMPLETED, NOW

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def live_app(tmp_path):
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance")
        with app.app_context():
            course = catalog.import_course(COURSES / "e-mobility", None, utcnow(),
                                           publish=True).version.course
            user = make_user(name="Gleichzeitig Geprüft")
            db.session.commit()
            ids = {"course": course.id, "user": user.id}
        try:
            yield app, ids
        finally:
            dispose_engines(app)


def in_parallel(app, work, monkeypatch):
    """Run ``work()`` in two threads, each in its own app context and transaction.

    Both pass the "already issued?" check before either inserts (a barrier inside
    ``new_number``), so the unique key has to settle it.
    """
    barrier = threading.Barrier(2, timeout=10)
    real_new_number = services.new_number

    def new_number():
        barrier.wait()
        return real_new_number()

    monkeypatch.setattr(services, "new_number", new_number)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                results.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_concurrent_completion_events_issue_one_certificate(live_app, monkeypatch):
    app, ids = live_app

    def complete():
        from lms.accounts.models import User
        from lms.catalog.models import Course

        user, course = db.session.get(User, ids["user"]), db.session.get(Course, ids["course"])
        return services.issue_certificate(user, course.published_version, COMPLETED, NOW).number

    numbers = in_parallel(app, complete, monkeypatch)
    with app.app_context():
        stored = db.session.scalars(select(Certificate.number)).all()
    assert len(stored) == 1 and set(numbers) == set(stored)


def test_concurrent_renames_reissue_once(live_app):
    app, ids = live_app
    with app.app_context():
        from lms.accounts.models import User
        from lms.catalog.models import Course

        user, course = db.session.get(User, ids["user"]), db.session.get(Course, ids["course"])
        services.issue_certificate(user, course.published_version, COMPLETED, NOW)
        user.name = "Neu Benannt"
        db.session.commit()

    def rename():
        return [c.number for c in services.reissue_for_new_name(
            db.session.get(User, ids["user"]), NOW)]

    # No barrier here: the row lock taken by the first rename makes the second wait, and
    # once the first commits the second finds nothing left to re-issue.
    results = []

    def run():
        with app.app_context():
            results.append(rename())
            db.session.commit()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Certificate))
        current = db.session.scalars(services.current_certificates_query()).all()
    assert count == 2 and len(current) == 1
    assert current[0].learner_name == "Neu Benannt"
    assert sorted(len(r) for r in results) == [0, 1]
