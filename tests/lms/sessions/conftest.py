"""Fixtures for the session tests: the real e-mobility course, a trainer, enrolled learners."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.catalog.trainers import grant_course_trainer
from lms.db import utcnow
from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.sessions.services import SessionDetails, schedule_session
from tests.factories import make_member, make_organisation, make_user

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SESSION_LESSON = "hv-workshop-uebungsstand"


@pytest.fixture
def version(import_real):  # noqa: F811
    return import_real("e-mobility")[0].version


@pytest.fixture
def course(version):
    return version.course


@pytest.fixture
def trainer(course):
    user = make_user(name="Tobias Trainer", is_trainer=True)
    grant_course_trainer(None, course, user, utcnow())
    return user


@pytest.fixture
def organisation(app):
    return make_organisation(name="Sauerland Metallwerke GmbH")


@pytest.fixture
def make_learner(course, organisation):
    """A learner of the organisation, enrolled on the course unless ``enrolled=False``."""

    def build(name: str = "Lena Lernwig", enrolled: bool = True, **overrides):
        user = make_member(organisation, name=name, **overrides)
        if enrolled:
            enrol(user, course, user, utcnow() - timedelta(days=1))
        return user

    return build


@pytest.fixture
def learner(make_learner):
    return make_learner()


@pytest.fixture
def make_session(course, trainer):
    """Schedule a session of the course; keyword arguments override the details."""

    def build(starts_at: datetime | None = None, minutes: int = 180, **overrides):
        starts_at = starts_at or utcnow() + timedelta(days=7)
        values = dict(title="Hochvolt-Workshop", lesson_id=SESSION_LESSON, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=minutes),
                      location="ATLAS Lernwerkstatt, Lüdenscheid", video_url="", capacity=12,
                      notes="", trainer_id=trainer.id)
        values.update(overrides)
        session = schedule_session(trainer, course, SessionDetails(**values), [SESSION_LESSON],
                                   utcnow())
        db.session.flush()
        return session

    return build


@pytest.fixture
def login(client, auth):
    """Log in as ``user`` (the factories' default password)."""

    def run(user):
        auth.logout()
        response = auth.login(user.email)
        assert response.status_code == 302, "login failed"
        return client

    return run
