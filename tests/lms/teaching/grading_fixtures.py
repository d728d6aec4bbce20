"""Fixtures for the grading tests, loaded by their modules as a plugin (``pytest_plugins``),
so the cockpit's tests in the same folder keep their own conftest."""

import pytest

from lms.catalog import services as catalog
from lms.db import utcnow
from tests.lms.teaching.grading_helpers import write_grading_course


@pytest.fixture(scope="session")
def grading_course_dir(tmp_path_factory):
    return write_grading_course(tmp_path_factory.mktemp("grading-course"))


@pytest.fixture
def grading_course(app, grading_course_dir):
    """The grading test course imported and published; returns the ``Course`` row."""
    return catalog.import_course(grading_course_dir, None, utcnow(), publish=True).version.course
