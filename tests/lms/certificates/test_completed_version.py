"""A certificate names the course version the learner completed, not the newest one."""

import shutil

from lms.catalog import services as catalog
from lms.certificates.services import issue_on_completion
from lms.db import utcnow
from lms.learning import enrolment as enrolments
from tests.factories import make_user
from tests.fixtures.courses import COURSES, edit


def test_certificate_names_the_version_the_learner_is_on(app, tmp_path):
    source = tmp_path / "e-mobility"
    shutil.copytree(COURSES / "e-mobility", source)
    first = catalog.import_course(source, None, utcnow()).version
    learner = make_user()
    enrolments.enrol(learner, first.course, learner, utcnow())
    edit(source / "course.yml", f"version: {first.version}", "version: 2.0.0")
    newer = catalog.import_course(source, None, utcnow()).version
    assert first.course.published_version_id == newer.id  # a major version: learner stays
    certificate = issue_on_completion(learner, first.course, utcnow())
    assert certificate.course_version_id == first.id
    assert certificate.payload["course"]["version"] == first.version
