"""How studio pages end a refused change: nothing written, the reason where the person looks."""

import html

from sqlalchemy import func, select

from lms.catalog.models import Course
from lms.extensions import db
from lms.studio import drafts
from lms.studio.models import CourseSourceFile


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def draft_files(course) -> int:
    return db.session.scalar(select(func.count()).select_from(CourseSourceFile).where(
        CourseSourceFile.course_id == course.id))


def test_a_taken_module_id_is_shown_at_its_field_and_writes_nothing(client, auth, people,
                                                                    courses):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    data = {"csrf_token": token, "module-module_id": "praxis", "module-title": "Praxis"}
    assert client.post("/studio/kurs-a/modules", data=data).status_code == 302
    files = draft_files(courses["kurs-a"])
    response = client.post("/studio/kurs-a/modules", data={**data, "module-title": "Nochmal"})
    assert response.status_code == 422
    assert "Ein Modul praxis gibt es schon." in text_of(response)
    assert draft_files(courses["kurs-a"]) == files
    assert "Nochmal" not in drafts.read_text(courses["kurs-a"], "modules/02-praxis/module.yml")


def test_a_taken_course_id_is_shown_at_its_field_and_creates_no_second_course(client, auth,
                                                                            people):
    auth.login("admin@example.org")
    response = client.post("/studio/new", data={
        "csrf_token": auth.csrf("/studio"), "course_id": "kurs-a", "title": "Noch ein Kurs",
        "subject": "e-mobility", "languages": "de", "trainer_id": "0"})
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="course_id-error">Die Kurs-ID kurs-a ist schon vergeben.' in page
    assert 'value="Noch ein Kurs"' in page  # the form keeps what was typed
    assert db.session.scalar(select(func.count()).select_from(Course).where(
        Course.slug == "kurs-a")) == 1


def test_a_refused_publication_renders_the_reason_and_keeps_the_draft(client, auth, people,
                                                                      studio, courses):
    auth.login("trainer@example.org")
    response = studio.publish("kurs-a", "0.0.1")  # not above the published 0.1.0
    assert response.status_code == 422
    assert "kurs-a" in text_of(response)
    db.session.refresh(courses["kurs-a"])
    assert courses["kurs-a"].published_version.version == "0.1.0"
