"""Fixtures for the certificate tests: the real e-mobility course, learners, certificates."""

from datetime import UTC, datetime

import pytest

from lms.certificates import services
from tests.factories import make_member, make_organisation, make_user

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 19, 15, 30, tzinfo=UTC)


@pytest.fixture
def emobility(import_real):  # noqa: F811
    return import_real("e-mobility")[0].version


@pytest.fixture
def learner(app):
    organisation = make_organisation(name="Muster Antriebstechnik GmbH")
    return make_member(organisation, name="Jürgen Öztürk-Weiß")


@pytest.fixture
def certificate(learner, emobility):
    return services.issue_certificate(learner, emobility, COMPLETED, NOW)


@pytest.fixture
def other_learner(app):
    return make_user(name="Berta Beispiel")


def make_session_attended(user, course, *, trainer=None, title="Hochvolt-Workshop",
                          starts_at=None, minutes=480):
    """A blended session of ``course`` that ``user`` attended, its roster closed and the
    attendance credited (flush only; the statement id stands for the written statement)."""
    from datetime import timedelta

    from lms.extensions import db
    from lms.sessions.models import Attendance, CourseSession

    starts_at = starts_at or COMPLETED - timedelta(days=2)
    session = CourseSession(
        course_id=course.id, title=title, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes), location="Lüdenscheid",
        capacity=12, trainer_id=trainer.id if trainer else None, checkin_secret="x" * 32,
        created_at=starts_at, updated_at=starts_at,
        roster_closed_at=starts_at + timedelta(minutes=minutes),
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=user.id, method="roster",
                              minutes=minutes, recorded_at=starts_at,
                              statement_id=f"00000000-0000-4000-8000-{session.id:012d}"))
    db.session.flush()
    return session


@pytest.fixture
def organisation(learner):
    return learner.membership.organisation


@pytest.fixture
def manager(organisation):
    return make_member(organisation, role="manager", name="Maria Managerin")
