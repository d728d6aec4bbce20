"""The course admin page: admins only; trainer rights granted and revoked per course."""

import re

import pytest
from sqlalchemy import select

from lms.catalog import services, trainers
from lms.catalog.models import CourseTrainer
from lms.db import utcnow
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.fixtures.courses import edit


def grants(course) -> set[int]:
    return set(db.session.scalars(
        select(CourseTrainer.user_id).where(CourseTrainer.course_id == course.id)))


def test_course_admin_refuses_non_admins(client, auth, app):
    make_user(email="tobias@example.org", is_trainer=True)
    assert client.get("/admin/courses").status_code == 302  # anonymous: to the login page
    auth.login("tobias@example.org")
    assert client.get("/admin/courses").status_code == 403
    assert client.post("/admin/courses/1/trainers", data={
        "csrf_token": auth.csrf("/")}).status_code == 403


def test_admin_grants_and_revokes_trainer_rights(client, auth, small_course):
    make_user(email="admin@example.org", is_admin=True)
    trainer = make_user(email="tobias@example.org", name="Tobias Trainer", is_trainer=True)
    make_user(email="lena@example.org", name="Lena Lernwig")  # no trainer role: not offered
    course = services.import_course(small_course, None, utcnow()).version.course
    auth.login("admin@example.org")
    page = client.get("/admin/courses").get_data(as_text=True)
    assert "grundlagen-test" in page and "0.1.0" in page
    assert "Tobias Trainer (tobias@example.org)" in page and "Lena Lernwig" not in page
    field = f"course-{course.id}-user_id"
    assert f'<label for="{field}">' in page
    token = csrf_token_from(page)
    response = client.post(f"/admin/courses/{course.id}/trainers",
                           data={field: trainer.id, f"course-{course.id}-csrf_token": token})
    assert response.status_code == 302
    assert grants(course) == {trainer.id}
    page = client.get("/admin/courses").get_data(as_text=True)
    assert re.search(r"Tobias Trainer\s*<span class=\"muted\">", page)

    response = client.post(f"/admin/courses/{course.id}/trainers/{trainer.id}/revoke",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert grants(course) == set()


def test_admin_publishes_an_older_version(client, auth, small_course):
    make_user(email="admin@example.org", is_admin=True)
    first = services.import_course(small_course, None, utcnow()).version
    edit(small_course / "modules" / "01-einfuehrung" / "01-einstieg.md", "Kurze", "Knappe")
    second = services.import_course(small_course, None, utcnow()).version
    assert first.course.published_version_id == second.id
    auth.login("admin@example.org")
    token = auth.csrf("/admin/courses")
    response = client.post(f"/admin/courses/versions/{first.id}/publish",
                           data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(first.course)
    assert first.course.published_version_id == first.id


def test_grant_rules(app, small_course):
    course = services.import_course(small_course, None, utcnow()).version.course
    admin = make_user(is_admin=True)
    trainer = make_user(is_trainer=True)
    with pytest.raises(PermissionDeniedError):
        trainers.grant_course_trainer(trainer, course, trainer, utcnow())
    with pytest.raises(ValidationFailedError):
        trainers.grant_course_trainer(admin, course, make_user(), utcnow())
    first = trainers.grant_course_trainer(admin, course, trainer, utcnow())
    assert trainers.grant_course_trainer(admin, course, trainer, utcnow()) is first
    assert trainers.is_course_trainer(trainer, course)
    assert trainers.trainer_courses(trainer) == [course]
    trainers.revoke_course_trainer(admin, course, trainer, utcnow())
    assert not trainers.is_course_trainer(trainer, course)
