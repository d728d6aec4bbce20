"""Fixtures for the quiz tests, loaded by the quiz test modules as a plugin (``pytest_plugins``).

A plugin rather than the learning area's conftest, which another part of the area owns.
"""

from pathlib import Path

import pytest

from authoring.cache import MemoryCache
from lms.catalog import services as catalog
from lms.db import utcnow
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import ROOT, enrol_directly, write_quiz_course


@pytest.fixture(scope="session")
def quiz_course_dir(tmp_path_factory) -> Path:
    return write_quiz_course(tmp_path_factory.mktemp("quiz-course"))


@pytest.fixture
def quiz_course(app, quiz_course_dir):
    """The quiz course imported and published; returns the ``Course`` row."""
    result = catalog.import_course(quiz_course_dir, None, utcnow(), publish=True)
    return result.version.course


@pytest.fixture(scope="session")
def quiz_render_cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture
def quiz_e_mobility(app, quiz_render_cache):
    """The real e-mobility course imported and published; returns the ``Course`` row."""
    result = catalog.import_course(ROOT / "courses" / "e-mobility", None, utcnow(),
                                   publish=True, cache=quiz_render_cache)
    return result.version.course


@pytest.fixture
def quiz_learner(app):
    return make_user(locale="de")


@pytest.fixture
def quiz_enrolled(quiz_learner, quiz_course, auth):
    """A learner, enrolled on the quiz course and logged in."""
    enrolment = enrol_directly(quiz_learner, quiz_course)
    auth.login(quiz_learner.email)
    return enrolment


