"""Trainers schedule, change and cancel sessions; learners see them on the course page."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.sessions import services
from lms.sessions.models import CourseSession
from tests.lms.sessions.conftest import SESSION_LESSON
from tests.lms.sessions.helpers import csrf, text_of

NEW = "/courses/e-mobility/sessions/new"


def form(**overrides) -> dict:
    values = {"title": "Hochvolt-Workshop Dezember", "lesson_id": SESSION_LESSON,
              "date": "2026-12-08", "start_time": "09:00", "end_time": "16:30",
              "location": "ATLAS Lernwerkstatt, Lüdenscheid", "video_url": "",
              "capacity": "12", "notes": "Sicherheitsschuhe mitbringen", "trainer_id": "0"}
    values.update(overrides)
    return values


def test_trainer_schedules_a_session_in_berlin_time_stored_as_utc(client, login, trainer,
                                                                   course):
    login(trainer)
    data = form(trainer_id=str(trainer.id), csrf_token=csrf(client, NEW))
    response = client.post(NEW, data=data)
    assert response.status_code == 302
    session = db.session.scalar(
        select(CourseSession).where(CourseSession.course_id == course.id))
    assert session.starts_at == datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # CET = UTC+1
    assert session.ends_at == datetime(2026, 12, 8, 15, 30, tzinfo=UTC)
    assert session.lesson_id == SESSION_LESSON and session.trainer_id == trainer.id
    assert len(session.checkin_secret) == 64
    page = text_of(client.get("/courses/e-mobility/sessions"))
    assert "Hochvolt-Workshop Dezember" in page and "09:00–16:30 Uhr" in page


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"end_time": "08:00"}, "end_time", "Das Ende muss nach dem Beginn liegen."),
    ({"location": "", "video_url": ""}, "location",
     "Bitte geben Sie einen Ort oder einen Videolink an."),
    ({"video_url": "http://meet.example.org/hv"}, "video_url",
     "Der Videolink muss mit https:// beginnen."),
    ({"capacity": "0"}, "capacity", "Bitte eine Zahl von 1 bis 500."),
    ({"title": ""}, "title", "Bitte geben Sie einen Titel ein."),
    ({"date": ""}, "date", "Bitte wählen Sie ein Datum."),
    ({"start_time": "9 Uhr"}, "start_time", "Bitte geben Sie eine Uhrzeit an (HH:MM)."),
    ({"lesson_id": "hv-grundlagen"}, "lesson_id", "Bitte wählen Sie einen Eintrag aus der Liste."),
    ({"trainer_id": "999999"}, "trainer_id", "Bitte wählen Sie einen Eintrag aus der Liste."),
])
def test_schedule_validation_names_the_field(client, login, trainer, overrides, field, message):
    login(trainer)
    response = client.post(NEW, data=form(**overrides, csrf_token=csrf(client, NEW)))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert f'aria-describedby="{field}-error"' in body or f'{field}-hint {field}-error' in body
    assert message in text_of(response)
    assert services.course_sessions(trainer_course(client)) == []


def trainer_course(client):
    from lms.catalog.models import Course

    return db.session.scalar(
        select(Course).where(Course.slug == "e-mobility"))


def test_service_refuses_a_lesson_that_is_not_a_session(course, trainer):
    starts = utcnow() + timedelta(days=3)
    details = services.SessionDetails("X", "hv-grundlagen", starts, starts + timedelta(hours=1),
                                      "Raum 1", "", 5, "", None)
    with pytest.raises(services.ValidationFailedError) as caught:
        services.schedule_session(trainer, course, details, [SESSION_LESSON], utcnow())
    assert caught.value.field == "lesson_id"


def test_only_trainers_of_the_course_manage_sessions(client, login, make_learner, make_session):
    session = make_session()
    outsider = make_learner("Otto Außenstehend", is_trainer=True)  # a trainer, but not here
    login(outsider)
    for path in (NEW, "/courses/e-mobility/sessions", f"/sessions/{session.id}/edit",
                 f"/sessions/{session.id}/roster", f"/sessions/{session.id}/checkin",
                 f"/sessions/{session.id}/sign-in-sheet"):
        assert client.get(path).status_code == 403, path
    token = csrf(client, "/courses/e-mobility")
    assert client.post(f"/sessions/{session.id}/cancel",
                       data={"csrf_token": token}).status_code == 403
    db.session.refresh(session)
    assert session.cancelled_at is None


def test_admin_may_manage_without_trainer_rights(client, login, make_session):
    from tests.factories import make_user

    session = make_session()
    login(make_user(is_admin=True))
    assert client.get(f"/sessions/{session.id}/roster").status_code == 200


def test_cancelling_notifies_seats_and_waiting_list(client, login, trainer, make_learner,
                                                    make_session, mails):
    session = make_session(capacity=1)
    first, second = make_learner("Erika Erste"), make_learner("Zora Zweite")
    services.register_for_session(first, session, utcnow())
    services.register_for_session(second, session, utcnow() + timedelta(seconds=1))
    login(trainer)
    path = "/courses/e-mobility/sessions"
    response = client.post(f"/sessions/{session.id}/cancel",
                           data={"csrf_token": csrf(client, path)})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.cancelled_at is not None
    sent = {mail["To"]: mail for mail in mails()}
    assert set(sent) == {first.email, second.email}
    assert sent[first.email]["Subject"].startswith("Termin abgesagt: Hochvolt-Workshop")
    assert "wurde abgesagt" in sent[first.email].get_content()
    # a cancelled session leaves the course page and takes no registrations
    assert "Hochvolt-Workshop" not in text_of(client.get("/courses/e-mobility")).split(
        "Nächste Termine")[-1].split("Termine vor Ort und online")[0]
    with pytest.raises(services.ValidationFailedError):
        services.register_for_session(make_learner("Spät Dran"), session, utcnow())


def test_changing_the_time_tells_registered_people(trainer, learner, make_session, client,
                                                   mails):
    session = make_session()
    services.register_for_session(learner, session, utcnow())
    details = services.SessionDetails(
        session.title, session.lesson_id, session.starts_at + timedelta(hours=1),
        session.ends_at + timedelta(hours=1), session.location, "", session.capacity, "",
        trainer.id)
    services.update_session(trainer, session, details, [SESSION_LESSON], utcnow())
    db.session.commit()
    assert [mail["Subject"] for mail in mails()] == [
        "Termin geändert: Hochvolt-Workshop – ATLAS Campus"]


def test_trainer_navigation_lists_their_sessions(client, login, trainer, make_session,
                                                 learner):
    later = make_session(title="Späterer Termin", starts_at=utcnow() + timedelta(days=20))
    sooner = make_session(title="Früherer Termin", starts_at=utcnow() + timedelta(days=2))
    login(trainer)
    response = client.get("/sessions")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<a href="/sessions">Termine</a>' in body or 'href="/sessions" aria-current' in body
    page = text_of(response)
    assert page.index(sooner.title) < page.index(later.title)
    login(learner)
    # a learner's seats are on their start page ("Meine Termine"): the address leads there
    response = client.get("/sessions")
    assert (response.status_code, response.headers["Location"]) == (
        302, "/#my-sessions-title")
    assert 'href="/sessions"' not in client.get("/").get_data(as_text=True)
