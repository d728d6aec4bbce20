"""A new course from the studio (the one scaffold), and the managed list of subjects."""

import html

import pytest
import yaml
from sqlalchemy import func, select

from lms.catalog.models import Course
from lms.catalog.subjects import Subject, find_subject, subject_keys
from lms.catalog.trainers import is_course_trainer
from lms.extensions import db
from lms.studio import drafts
from lms.studio.models import CourseSourceFile
from tests.factories import make_user


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def new_course_data(token, **overrides) -> dict:
    data = {"csrf_token": token, "course_id": "robotik-grundlagen",
            "title": "Robotik: Grundlagen", "subject": "digital-production",
            "languages": ["de", "en"], "trainer_id": "0"}
    data.update(overrides)
    return data


def subject(key: str) -> Subject | None:
    """The subject as stored now (the requests ran in a session of their own)."""
    db.session.expire_all()
    return find_subject(key)


def course_count(slug: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Course).where(Course.slug == slug))


def test_admin_creates_course_with_title_subject_languages_and_trainer(client, auth, people):
    auth.login("admin@example.org")
    token = auth.csrf("/studio")
    response = client.post("/studio/new", data=new_course_data(
        token, trainer_id=str(people["trainer"].id)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/studio/robotik-grundlagen")
    course = db.session.scalar(select(Course).where(Course.slug == "robotik-grundlagen"))
    assert course.subject == "digital-production"
    assert is_course_trainer(people["trainer"], course)
    course_yml = yaml.safe_load(drafts.read_text(course, "course.yml"))
    assert course_yml["id"] == "robotik-grundlagen"
    assert course_yml["title"]["de"] == "Robotik: Grundlagen"
    assert course_yml["subject"] == "digital-production"
    assert course_yml["languages"] == ["de", "en"]
    # the draft is the authoring scaffold: it checks without errors, and the English
    # language shows as translations still to write
    page = text_of(client.get("/studio/robotik-grundlagen"))
    assert "0 Fehler" in page
    assert "Es fehlt eine Übersetzung." in page
    # the trainer now finds the course in the studio
    auth.logout()
    auth.login("trainer@example.org")
    assert "robotik-grundlagen" in text_of(client.get("/studio"))


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"course_id": "Robotik Kurs"}, "course_id", "Vorschlag: robotik-kurs"),
    ({"course_id": "kurs-a"}, "course_id", "Die Kurs-ID kurs-a ist schon vergeben."),
    ({"subject": "astrologie"}, "subject", "Keine gültige Auswahl."),
    ({"languages": ["de", "fr"]}, "languages", "Unbekannte Sprache: fr."),
    ({"title": ""}, "title", "Dieses Feld wird benötigt."),
])
def test_bad_new_course_input_is_refused_at_its_field(client, auth, people, overrides, field,
                                                      message):
    auth.login("admin@example.org")
    slug = overrides.get("course_id", "robotik-grundlagen")
    before = course_count(slug)
    response = client.post("/studio/new", data=new_course_data(auth.csrf("/studio"),
                                                                 **overrides))
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="{field}-error"' in page
    assert message in page
    assert course_count(slug) == before


def test_retired_subject_is_not_offered_and_refused_for_a_new_course(client, auth, people):
    auth.login("admin@example.org")
    sustainability = subject("sustainability")
    token = auth.csrf("/studio/subjects")
    assert client.post(f"/studio/subjects/{sustainability.id}/retire",
                       data={"csrf_token": token, "retire": "1"}).status_code == 302
    assert subject("sustainability").is_retired
    page = text_of(client.get("/studio"))
    assert 'value="sustainability"' not in page and 'value="e-mobility"' in page
    response = client.post("/studio/new", data=new_course_data(
        auth.csrf("/studio"), subject="sustainability"))
    assert response.status_code == 422 and course_count("robotik-grundlagen") == 0
    assert "Keine gültige Auswahl." in text_of(response)
    # retired, it still validates: the key stays on the list the validator reads
    assert "sustainability" in subject_keys()


def test_trainer_cannot_create_courses_or_manage_subjects(client, auth, people):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio")
    assert client.post("/studio/new", data=new_course_data(token)).status_code == 404
    assert client.get("/studio/subjects").status_code == 404
    assert client.post("/studio/subjects", data={
        "csrf_token": token, "new-key": "robotik", "new-label_de": "Robotik"}).status_code == 404
    e_mobility = subject("e-mobility")
    assert client.post(f"/studio/subjects/{e_mobility.id}", data={
        "csrf_token": token, f"s{e_mobility.id}-label_de": "X"}).status_code == 404
    assert client.post(f"/studio/subjects/{e_mobility.id}/retire",
                       data={"csrf_token": token}).status_code == 404
    assert subject("robotik") is None and not subject("e-mobility").is_retired
    assert subject("e-mobility").label_de == "E-Mobilität"


def test_admin_adds_and_renames_a_subject_and_the_catalogue_uses_the_labels(client, auth,
                                                                             people):
    auth.login("admin@example.org")
    token = auth.csrf("/studio/subjects")
    response = client.post("/studio/subjects", data={
        "csrf_token": token, "new-key": "robotik", "new-label_de": "Robotik",
        "new-label_en": "Robotics"})
    assert response.status_code == 302
    robotik = subject("robotik")
    assert (robotik.label_de, robotik.label_en) == ("Robotik", "Robotics")
    e_mobility = subject("e-mobility")
    response = client.post(f"/studio/subjects/{e_mobility.id}", data={
        "csrf_token": token, f"s{e_mobility.id}-label_de": "Elektromobilität",
        f"s{e_mobility.id}-label_en": "Electric mobility"})
    assert response.status_code == 302
    assert subject("e-mobility").label_de == "Elektromobilität"
    catalogue = text_of(client.get("/courses"))
    assert '<option value="robotik">Robotik</option>' in catalogue
    assert "Elektromobilität" in catalogue  # the imported kurs-a/b name e-mobility


@pytest.mark.parametrize(("key", "label", "message"), [
    ("Robotik!", "Robotik", "Der Schlüssel darf nur Kleinbuchstaben"),
    ("e-mobility", "Noch mal", "Den Schlüssel e-mobility gibt es schon."),
    ("robotik", "", "Dieses Feld wird benötigt."),
])
def test_bad_subjects_are_refused(client, auth, people, key, label, message):
    auth.login("admin@example.org")
    before = db.session.scalar(select(func.count()).select_from(Subject))
    response = client.post("/studio/subjects", data={
        "csrf_token": auth.csrf("/studio/subjects"), "new-key": key, "new-label_de": label})
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Subject)) == before


def test_draft_naming_an_unknown_subject_shows_the_error_at_its_line(client, auth, people,
                                                                    studio, courses):
    auth.login("trainer@example.org")
    course_yml = drafts.read_text(courses["kurs-a"], "course.yml")
    line = course_yml.splitlines().index(
        next(x for x in course_yml.splitlines() if x.startswith("subject:"))) + 1
    response = client.post("/studio/kurs-a/preview", data={
        "csrf_token": studio.token(), "path": "course.yml",
        "content": course_yml.replace("subject: e-mobility", "subject: astrologie")},
        headers={"Accept": "application/json"})
    body = response.get_json()
    (item,) = [i for i in body["items"] if i["code"] == "unknown-value"]
    assert item["line"] == line and item["severity"] == "error"
    assert "astrologie" in item["message"]
    # once an admin puts it on the list, the same source is valid
    auth.logout()
    auth.login("admin@example.org")
    client.post("/studio/subjects", data={"csrf_token": auth.csrf("/studio/subjects"),
                                          "new-key": "astrologie", "new-label_de": "Sterne"})
    response = client.post("/studio/kurs-a/preview", data={
        "csrf_token": auth.csrf("/studio/kurs-a"), "path": "course.yml",
        "content": course_yml.replace("subject: e-mobility", "subject: astrologie")},
        headers={"Accept": "application/json"})
    assert not [i for i in response.get_json()["items"] if i["code"] == "unknown-value"]


def test_new_course_writes_nothing_when_the_trainer_is_no_trainer(app, people):
    from lms.db import utcnow
    from lms.errors import ValidationFailedError
    from lms.studio import services

    outsider = make_user(email="kein-trainer@example.org")
    with pytest.raises(ValidationFailedError):
        services.create_course(people["admin"], "neuer-kurs", utcnow(), title="Neu",
                               subject="e-mobility", trainer=outsider)
    db.session.rollback()
    assert course_count("neuer-kurs") == 0
    assert db.session.scalar(select(func.count()).select_from(CourseSourceFile).join(
        Course, Course.id == CourseSourceFile.course_id).where(Course.slug == "neuer-kurs")) == 0
