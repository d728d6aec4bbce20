"""Restarting (``make run`` seeds again) and re-importing never undo a version published
in the studio."""

import pytest
from sqlalchemy import func, select

from lms.accounts.services import find_user_by_email
from lms.catalog import services
from lms.catalog.models import Course, CourseVersion
from lms.db import utcnow
from lms.extensions import db
from lms.studio import drafts
from lms.studio import services as studio
from tests.factories import make_user
from tests.fixtures.courses import COURSES


def _course(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def test_seed_and_import_keep_the_version_published_in_the_studio(runner):
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    course = _course("e-mobility")
    seeded_version = course.published_version.version
    trainer = find_user_by_email("trainer@atlas-campus.example")
    lesson = next(row.path for row in drafts.list_files(course)
                  if row.path.startswith("modules/") and row.path.endswith(".md"))
    text = drafts.read_text(course, lesson)
    drafts.write_file(course, lesson, text.replace("\n# ", "\n# Neu: ", 1).encode("utf-8"),
                      trainer, utcnow())
    version = studio.suggested_version(course)
    published = studio.publish_draft(course, trainer, version, utcnow())
    db.session.commit()
    assert version != seeded_version and course.published_version_id == published.id
    versions_before = db.session.scalar(select(func.count(CourseVersion.id)))

    for args in (["demo", "seed"], ["demo", "seed"],
                 ["course", "import", str(COURSES / "e-mobility")],
                 ["course", "import", str(COURSES / "e-mobility")]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert _course("e-mobility").published_version_id == published.id, (args, result.output)

    assert db.session.scalar(select(func.count(CourseVersion.id))) == versions_before
    assert "unchanged" in result.output


def test_studio_refuses_a_version_below_the_published_one(app, small_course):
    course = services.import_course(small_course, None, utcnow()).version.course
    admin = make_user(is_admin=True)
    studio.ensure_draft(course, admin, utcnow())
    with pytest.raises(studio.PublishRefusedError) as refused:
        studio.publish_draft(course, admin, "0.0.1", utcnow())
    assert course.published_version.version in refused.value.message
