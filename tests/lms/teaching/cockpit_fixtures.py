"""Fixtures for the cockpit tests: the quiz course, its trainer, a learner stuck at the final
assessment. Loaded as a plugin (``pytest_plugins``) by the cockpit test modules."""

import pytest

from lms.catalog.trainers import grant_course_trainer
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_member, make_organisation, make_user
from tests.lms.learning.quiz_helpers import enrol_directly
from tests.lms.teaching.cockpit_helpers import fail_assessment

pytest_plugins = ["tests.lms.learning.quiz_fixtures"]


@pytest.fixture
def trainer(quiz_course):
    user = make_user(name="Tina Trainerin", is_trainer=True)
    grant_course_trainer(None, quiz_course, user, utcnow())
    db.session.commit()
    return user


@pytest.fixture
def company(app):
    return make_organisation(name="Autohaus Siegen")


@pytest.fixture
def learner(quiz_course, company):
    user = make_member(company, name="Lena Lernende", locale="de")
    enrol_directly(user, quiz_course)
    db.session.commit()
    return user


@pytest.fixture
def stuck_learner(client, auth, learner):
    """The learner has used both attempts at the final assessment and failed both."""
    auth.login(learner.email)
    fail_assessment(client)
    fail_assessment(client)
    auth.logout()
    return learner
