"""Importing course folders: idempotent, all-or-nothing, new versions per content change."""

import shutil

import pytest
from sqlalchemy import func, select

from lms.catalog import services, trainers
from lms.catalog.models import Course, CourseMedia, CourseVersion
from lms.db import utcnow
from lms.errors import PermissionDeniedError
from lms.extensions import db
from tests.factories import make_user
from tests.fixtures.courses import COURSES, REAL_COURSES, edit


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_real_courses_import_once_and_again_creates_nothing(import_real):
    first = import_real()
    assert [r.status for r in first] == ["imported"] * 3
    assert {r.version.course.slug for r in first} == set(REAL_COURSES)
    assert all(r.version.is_published and r.version.course.published_version is r.version
               for r in first)
    counts = (count(Course), count(CourseVersion), count(CourseMedia))
    assert counts[:2] == (3, 3) and counts[2] > 0

    second = import_real()
    assert [r.status for r in second] == ["unchanged"] * 3
    assert [r.version.id for r in second] == [r.version.id for r in first]
    assert (count(Course), count(CourseVersion), count(CourseMedia)) == counts


def test_imported_version_keeps_listing_fields_and_media(import_real):
    (result,) = import_real("e-mobility")
    version = result.version
    assert version.title_de == "E-Mobilität für Zulieferer"
    assert version.title_en == "E-mobility for automotive suppliers"
    assert version.subject == "e-mobility" and version.course.subject == "e-mobility"
    assert version.duration_hours == 18 and version.language_codes == ["de", "en"]
    assert version.digest.startswith("sha256:") and version.imported_by is None
    media = services.version_media(version)
    assert "media/antriebsstrang-bev.svg" in media
    stored = services.media_content(media["media/antriebsstrang-bev.svg"]["sha256"])
    assert stored == (COURSES / "e-mobility" / "media" / "antriebsstrang-bev.svg").read_bytes()


def test_broken_course_reports_diagnostics_and_writes_nothing(app, small_course):
    lesson = small_course / "modules" / "01-einfuehrung" / "01-einstieg.md"
    edit(lesson, ":::tip\n", ":::tipp\n")
    with pytest.raises(services.CourseImportError) as caught:
        services.import_course(small_course, None, utcnow())
    errors = caught.value.errors
    assert errors, caught.value.diagnostics
    assert any(d.path.endswith("01-einstieg.md") and d.line > 1 for d in errors)
    assert "nicht importiert" in caught.value.message
    assert (count(Course), count(CourseVersion), count(CourseMedia)) == (0, 0, 0)


def test_missing_folder_is_a_domain_error(app, tmp_path):
    with pytest.raises(services.CourseImportError):
        services.import_course(tmp_path / "gibt-es-nicht", None, utcnow())
    assert count(Course) == 0


def test_changed_lesson_makes_a_new_version_and_only_it_counts_as_changed(app, small_course):
    first = services.import_course(small_course, None, utcnow()).version
    lesson = small_course / "modules" / "01-einfuehrung" / "01-einstieg.md"
    edit(lesson, "Kurze Absätze", "Kurze, klare Absätze")
    result = services.import_course(small_course, None, utcnow())
    assert result.status == "imported" and result.version.id != first.id
    second = result.version
    assert second.course.published_version is second
    assert first.is_published  # it was published once; enrolled learners may keep it
    assert services.changed_lessons(first, second) == ["grundlagen-test-einstieg"]
    assert services.changed_lessons(first, first) == []
    assert count(CourseVersion) == 2


def test_added_lesson_is_listed_and_moving_a_lesson_is_no_change(app, small_course):
    first = services.import_course(small_course, None, utcnow()).version
    module = small_course / "modules" / "01-einfuehrung"
    # a new first lesson shifts the others' positions, which does not change them
    shutil.copy(module / "01-einstieg.md", module / "00-vorwort.md")
    edit(module / "00-vorwort.md", "id: grundlagen-test-einstieg", "id: grundlagen-test-vorwort")
    second = services.import_course(small_course, None, utcnow()).version
    assert services.changed_lessons(first, second) == ["grundlagen-test-vorwort"]
    changes = services.compare_lessons(second, first)
    assert changes.removed == ["grundlagen-test-vorwort"] and changes.changed == []


def test_unpublished_import_and_publishing_later(app, small_course):
    result = services.import_course(small_course, None, utcnow(), publish=False)
    assert result.status == "imported" and not result.version.is_published
    assert services.published_courses() == []
    admin = make_user(is_admin=True)
    services.publish_version(result.version, admin, utcnow())
    assert [v.id for v in services.published_courses()] == [result.version.id]


def test_reimporting_older_sources_never_rolls_back(app, small_course):
    lesson = small_course / "modules" / "01-einfuehrung" / "01-einstieg.md"
    original = lesson.read_text(encoding="utf-8")
    first = services.import_course(small_course, None, utcnow()).version
    edit(lesson, "Kurze Absätze", "Knappe Absätze")
    second = services.import_course(small_course, None, utcnow()).version
    lesson.write_text(original, encoding="utf-8")  # roll the sources back
    result = services.import_course(small_course, None, utcnow())
    assert result.status == "unchanged" and result.version.id == first.id
    assert first.course.published_version_id == second.id
    assert count(CourseVersion) == 2
    services.publish_version(first, None, utcnow())  # rolling back is explicit
    assert first.course.published_version_id == first.id


def test_an_older_version_number_is_stored_but_not_published(app, small_course):
    course_yml = small_course / "course.yml"
    first = services.import_course(small_course, None, utcnow()).version
    edit(course_yml, f"version: {first.version}", "version: 9.0.0")
    newer = services.import_course(small_course, None, utcnow()).version
    edit(course_yml, "version: 9.0.0", "version: 1.5.0")
    result = services.import_course(small_course, None, utcnow())
    assert result.status == "stored" and result.kept_current.id == newer.id
    assert not result.version.is_published
    assert newer.course.published_version_id == newer.id


def test_only_admins_and_the_course_trainers_may_import(app, small_course):
    learner = make_user()
    with pytest.raises(PermissionDeniedError):
        services.import_course(small_course, learner, utcnow())
    assert count(Course) == 0
    admin = make_user(is_admin=True)
    version = services.import_course(small_course, admin, utcnow()).version
    assert version.imported_by is admin
    trainer = make_user(is_trainer=True)
    trainers.grant_course_trainer(admin, version.course, trainer, utcnow())
    edit(small_course / "modules" / "01-einfuehrung" / "01-einstieg.md", "Kurze", "Sehr kurze")
    assert services.import_course(small_course, trainer, utcnow()).is_new


def test_version_model_is_parsed_once_per_digest(import_real):
    (result,) = import_real("sustainability")
    model = services.load_version_model(result.version)
    assert model.id == "sustainability"
    assert services.load_version_model(result.version) is model


def test_a_new_translation_alone_changes_no_lesson(app, small_course):
    """Learners keep their progress when only an English version is added or corrected."""
    first = services.import_course(small_course, None, utcnow()).version
    module = small_course / "modules" / "01-einfuehrung"
    english = module / "01-einstieg.en.md"
    shutil.copy(module / "01-einstieg.md", english)
    edit(english, "title: Einstieg", "title: Getting started")
    second = services.import_course(small_course, None, utcnow()).version
    assert second.id != first.id
    assert services.changed_lessons(first, second) == []
    edit(english, "title: Getting started", "title: First steps")
    third = services.import_course(small_course, None, utcnow()).version
    assert third.id != second.id and services.changed_lessons(second, third) == []
    edit(module / "01-einstieg.md", "Kurze Absätze", "Kurze, klare Absätze")
    fourth = services.import_course(small_course, None, utcnow()).version
    assert services.changed_lessons(third, fourth) == ["grundlagen-test-einstieg"]
