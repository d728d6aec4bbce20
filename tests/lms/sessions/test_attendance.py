"""The trainer's roster: attendance as statements, walk-ins, corrections by voiding."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.learning.enrolment import active_enrolment
from lms.learning.models import CourseProgress, LessonProgress
from lms.sessions import attendance, checkin, services
from lms.sessions.models import Attendance
from tests.conftest import csrf_token_from
from tests.lms.sessions.conftest import SESSION_LESSON
from tests.lms.sessions.helpers import csrf, stored, text_of


@pytest.fixture
def running(make_session):
    """A three-hour session that began an hour ago."""
    return make_session(starts_at=utcnow() - timedelta(hours=1), minutes=180)


def book(user, session):
    return services.register_for_session(user, session, session.starts_at - timedelta(days=1))


def progress(user, course) -> CourseProgress | None:
    return db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id == course.id))


def attendance_of(user, session) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(
        Attendance.user_id == user.id, Attendance.session_id == session.id))


def post_roster(client, session, close=False, **marks):
    """Submit the roster form as a browser would: the hidden ``shown-<id>`` fields of the
    page, ``present-<id>`` for each ``u<id>`` given, with its minutes ('' = full length);
    ``close`` presses "Speichern und Liste abschließen"."""
    path = f"/sessions/{session.id}/roster"
    page = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page)}
    if close:
        data["close"] = "1"
    data.update(re.findall(r'name="(shown-\d+)" value="([01])"', page))
    for key, minutes in marks.items():
        data[f"present-{key.removeprefix('u')}"] = "1"
        data[f"minutes-{key.removeprefix('u')}"] = minutes
    return client.post(path, data=data)


def test_roster_records_attendance_as_attended_statements(client, login, trainer, course,
                                                          make_learner, running):
    anna, ben, cleo = make_learner("Anna Anwesend"), make_learner("Ben Kurz"), \
        make_learner("Cleo Fehlt")
    for user in (anna, ben, cleo):
        book(user, running)
    login(trainer)
    page = text_of(client.get(f"/sessions/{running.id}/roster"))
    assert "Anna Anwesend" in page and "Sauerland Metallwerke GmbH" in page
    response = post_roster(client, running, **{f"u{anna.id}": "", f"u{ben.id}": "90"})
    assert response.status_code == 302
    assert stored("attended") == []  # ticks while the session runs are marks only
    assert progress(anna, course) is None or progress(anna, course).sessions_attended == 0
    # Ben left early: 90 minutes; the trainer closes the roster before the end
    response = post_roster(client, running, close=True,
                           **{f"u{anna.id}": "", f"u{ben.id}": "90"})
    assert response.status_code == 302
    db.session.expire_all()
    assert running.roster_closed_at is not None and running.roster_closed_by_id == trainer.id

    rows = {a.user_id: a for a in db.session.scalars(select(Attendance))}
    assert set(rows) == {anna.id, ben.id}
    assert (rows[anna.id].minutes, rows[ben.id].minutes) == (180, 90)
    assert rows[anna.id].method == "roster" and rows[anna.id].recorded_by_id == trainer.id

    statements = {s["id"]: s for s in stored("attended")}
    assert set(statements) == {rows[anna.id].statement_id, rows[ben.id].statement_id}
    anna_statement = statements[rows[anna.id].statement_id]
    assert anna_statement["result"]["duration"] == "PT180M"
    assert statements[rows[ben.id].statement_id]["result"]["duration"] == "PT90M"
    assert anna_statement["object"]["id"].endswith(f"/course/e-mobility/session/{running.id}")
    assert anna_statement["actor"]["account"]["name"] == anna.pseudonym
    assert anna_statement["context"]["registration"] == active_enrolment(anna, course).registration

    # the projection counts it: synchronous hours, and the linked session lesson is done
    assert progress(anna, course).sessions_attended == 1
    assert progress(anna, course).synchronous_minutes == 180
    assert progress(ben, course).synchronous_minutes == 90
    lesson = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == anna.id, LessonProgress.lesson_id == SESSION_LESSON))
    assert lesson is not None and lesson.status == "done"

    page = text_of(client.get(f"/sessions/{running.id}/roster"))
    assert "2 von 3 Personen" in page and "4,5 Stunden" in page and "270 Minuten" in page


def test_unticking_deletes_the_attendance_and_voids_its_statement(client, login, trainer,
                                                                  course, learner, running):
    book(learner, running)
    login(trainer)
    post_roster(client, running, close=True, **{f"u{learner.id}": ""})
    statement_id = attendance_of(learner, running).statement_id
    assert progress(learner, course).sessions_attended == 1

    response = post_roster(client, running)  # nobody ticked
    assert response.status_code == 302
    assert attendance_of(learner, running) is None
    (attended,) = stored("attended")
    assert attended["id"] == statement_id and attended["_voided"] is True
    (voiding,) = stored("voided")
    assert voiding["object"] == {"objectType": "StatementRef", "id": statement_id}
    db.session.expire_all()
    rebuilt = progress(learner, course)  # the projection rebuilds; no row means nothing counted
    assert rebuilt is None or (rebuilt.sessions_attended, rebuilt.synchronous_minutes) == (0, 0)


def test_saving_an_old_roster_keeps_a_qr_checkin_made_meanwhile(client, login, trainer,
                                                                 learner, running):
    book(learner, running)
    login(trainer)
    path = f"/sessions/{running.id}/roster"
    page = client.get(path).get_data(as_text=True)  # the trainer opens the roster …
    now = utcnow()
    attendance.check_in(learner, running, checkin.make_token(running, now), now)  # … a scan
    db.session.flush()
    data = {"csrf_token": csrf_token_from(page)}
    data.update(re.findall(r'name="(shown-\d+)" value="([01])"', page))
    assert data[f"shown-{learner.id}"] == "0"
    assert client.post(path, data=data).status_code == 302  # saved without the tick
    record = attendance_of(learner, running)
    assert record is not None and record.method == "qr"
    assert stored("attended") == [] and record.statement_id is None  # counts at the close


def test_changing_minutes_replaces_the_statement(client, login, trainer, course, learner,
                                                 running):
    book(learner, running)
    login(trainer)
    post_roster(client, running, close=True, **{f"u{learner.id}": ""})
    first = attendance_of(learner, running).statement_id
    post_roster(client, running, **{f"u{learner.id}": "120"})
    db.session.expire_all()
    record = attendance_of(learner, running)
    assert record.minutes == 120 and record.statement_id != first
    by_id = {s["id"]: s for s in stored("attended")}
    assert by_id[first]["_voided"] is True
    assert by_id[record.statement_id]["result"]["duration"] == "PT120M"
    assert progress(learner, course).synchronous_minutes == 120


def test_minutes_outside_the_session_are_refused(client, login, trainer, learner, running):
    book(learner, running)
    login(trainer)
    response = post_roster(client, running, **{f"u{learner.id}": "500"})
    assert response.status_code == 200
    assert "bitte eine Zahl von 1 bis 180" in text_of(response)
    assert attendance_of(learner, running) is None and stored("attended") == []


def test_walk_in_is_enrolled_and_counted(client, login, trainer, course, make_learner,
                                         running):
    walk_in = make_learner("Walter Spontan", enrolled=False)
    login(trainer)
    path = f"/sessions/{running.id}/roster"
    response = client.post(f"/sessions/{running.id}/roster/walk-in",
                           data={"csrf_token": csrf(client, path), "email": walk_in.email.upper(),
                                 "minutes": ""})
    assert response.status_code == 302
    record = attendance_of(walk_in, running)
    assert record is not None and record.minutes == 180
    enrolment = active_enrolment(walk_in, course)
    assert enrolment is not None
    assert stored("attended") == []
    post_roster(client, running, close=True, **{f"u{walk_in.id}": ""})
    (statement,) = stored("attended")
    assert statement["context"]["registration"] == enrolment.registration
    assert progress(walk_in, course).sessions_attended == 1
    page = text_of(client.get(path))
    assert "Walter Spontan" in page and "ohne Anmeldung" in page


def test_walk_in_needs_an_existing_account(client, login, trainer, running):
    login(trainer)
    path = f"/sessions/{running.id}/roster"
    response = client.post(f"/sessions/{running.id}/roster/walk-in", follow_redirects=True,
                           data={"csrf_token": csrf(client, path),
                                 "email": "niemand@example.org"})
    assert "kein aktives Konto" in text_of(response)
    assert db.session.scalar(select(Attendance)) is None


def test_no_attendance_before_the_session_or_when_cancelled(trainer, learner, make_session):
    future = make_session(starts_at=utcnow() + timedelta(hours=2))
    book(learner, future)
    with pytest.raises(ValidationFailedError, match="erst ab 15 Minuten"):
        attendance.save_roster(trainer, future, {learner.id: 60}, utcnow())
    services.cancel_session(trainer, future, utcnow())
    with pytest.raises(ValidationFailedError, match="abgesagt"):
        attendance.save_roster(trainer, future, {learner.id: 60}, future.starts_at)
    assert stored("attended") == []


def test_sign_in_sheet_lists_people_with_a_signature_column(client, login, trainer,
                                                            make_learner, running):
    book(make_learner("Hanna Hammer"), running)
    login(trainer)
    response = client.get(f"/sessions/{running.id}/sign-in-sheet")
    assert response.status_code == 200
    page = text_of(response)
    assert "Unterschriftenliste" in page and "Unterschrift" in page
    assert "Hanna Hammer" in page and "Sauerland Metallwerke GmbH" in page
    assert "Tobias Trainer" in page


def test_checkin_during_the_session_credits_nothing_until_it_ends(learner, course, make_session):
    """12:58 check-in to a 12:25–15:55 workshop: no minutes, no session done, until the end."""
    session = make_session(starts_at=utcnow() - timedelta(minutes=33), minutes=210)
    book(learner, session)
    now = session.starts_at + timedelta(minutes=33)
    record, created = attendance.check_in(learner, session, checkin.make_token(session, now), now)
    assert created and record.statement_id is None
    assert stored("attended") == []
    row = progress(learner, course)
    assert row is None or (row.sessions_attended, row.synchronous_minutes) == (0, 0)
    lesson = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id == SESSION_LESSON))
    assert lesson is None or lesson.status != "done"

    # nothing happens before the end …
    assert attendance.close_ended_sessions(session.ends_at - timedelta(minutes=1)) == []
    # … and once it has passed, the next look closes the roster and credits the minutes
    assert attendance.close_ended_sessions(session.ends_at + timedelta(minutes=1)) == [session]
    (statement,) = stored("attended")
    assert statement["id"] == record.statement_id
    assert statement["result"]["duration"] == "PT210M"
    assert statement["timestamp"].startswith(session.ends_at.strftime("%Y-%m-%dT%H:%M"))
    assert progress(learner, course).sessions_attended == 1
    assert progress(learner, course).synchronous_minutes == 210
    assert session.roster_closed_at is not None and session.roster_closed_by_id is None
    assert attendance.close_ended_sessions(session.ends_at + timedelta(hours=1)) == []
    assert len(stored("attended")) == 1


def test_closing_with_left_early_minutes_credits_those_minutes(trainer, course, make_learner,
                                                              running):
    stays, leaves, absent = (make_learner("Bleibt Da"), make_learner("Geht Früh"),
                             make_learner("Nicht Da"))
    for user in (stays, leaves, absent):
        book(user, running)
    now = running.starts_at + timedelta(minutes=100)
    for user in (stays, leaves, absent):  # all three checked in at the start
        attendance.check_in(user, running, checkin.make_token(running, now), now)
    attendance.save_roster(trainer, running, {stays.id: 180, leaves.id: 45, absent.id: None},
                           now)
    assert stored("attended") == []
    assert attendance.close_roster(trainer, running, now) == 2
    durations = sorted(s["result"]["duration"] for s in stored("attended"))
    assert durations == ["PT180M", "PT45M"]
    assert progress(leaves, course).synchronous_minutes == 45
    assert attendance_of(absent, running) is None
    later = now + timedelta(minutes=5)
    with pytest.raises(ValidationFailedError, match="bereits abgeschlossen"):
        attendance.check_in(make_learner("Zu Spät"), running,
                            checkin.make_token(running, later), later)
    with pytest.raises(ValidationFailedError, match="bereits abgeschlossen"):
        attendance.close_roster(trainer, running, later)


def test_roster_cannot_be_closed_before_the_start(trainer, learner, make_session):
    future = make_session(starts_at=utcnow() + timedelta(minutes=10))
    book(learner, future)
    with pytest.raises(ValidationFailedError, match="erst nach Beginn"):
        attendance.close_roster(trainer, future, utcnow())
    assert future.roster_closed_at is None


def test_roster_page_closes_an_ended_session_on_view(client, login, trainer, learner,
                                                     make_session):
    ended = make_session(starts_at=utcnow() - timedelta(hours=4), minutes=180)
    book(learner, ended)
    now = ended.starts_at + timedelta(minutes=5)
    attendance.check_in(learner, ended, checkin.make_token(ended, now), now)
    db.session.flush()
    assert stored("attended") == []
    login(trainer)
    page = text_of(client.get(f"/sessions/{ended.id}/roster"))
    assert "mit dem Ende des Termins" in page
    assert len(stored("attended")) == 1


def test_cli_closes_ended_sessions(app, trainer, learner, make_session):
    ended = make_session(starts_at=utcnow() - timedelta(hours=4), minutes=180)
    book(learner, ended)
    now = ended.starts_at + timedelta(minutes=5)
    attendance.check_in(learner, ended, checkin.make_token(ended, now), now)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["sessions", "close-ended"])
    assert result.exit_code == 0, result.output
    assert "1 rosters closed" in result.output
    assert len(stored("attended")) == 1


def test_course_page_credits_a_session_that_ended_unclosed(client, login, learner, course,
                                                           make_session):
    ended = make_session(starts_at=utcnow() - timedelta(hours=5), minutes=120)
    book(learner, ended)
    now = ended.starts_at + timedelta(minutes=5)
    attendance.check_in(learner, ended, checkin.make_token(ended, now), now)
    db.session.flush()
    login(learner)
    assert client.get(f"/courses/{course.slug}").status_code == 200
    db.session.expire_all()
    assert ended.roster_closed_at is not None
    assert progress(learner, course).sessions_attended == 1
