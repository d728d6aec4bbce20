"""QR check-in: a rotating HMAC code, valid only while the session runs."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.learning.enrolment import active_enrolment
from lms.sessions import attendance, checkin, services
from lms.sessions.models import Attendance
from tests.lms.sessions.helpers import csrf, stored, text_of


@pytest.fixture
def session(make_session):
    return make_session(starts_at=utcnow() + timedelta(days=3), minutes=120)


def test_token_is_valid_during_the_session_and_records_qr_attendance(learner, session):
    now = session.starts_at + timedelta(minutes=10)
    token = checkin.make_token(session, now)
    record, created = attendance.check_in(learner, session, token, now)
    assert created and record.method == "qr" and record.minutes == 120
    assert record.recorded_by_id == learner.id
    assert stored("attended") == [] and record.statement_id is None  # credited at the close
    again, created = attendance.check_in(learner, session, token, now + timedelta(minutes=1))
    assert again is record and not created
    attendance.close_ended_sessions(session.ends_at)
    (statement,) = stored("attended")
    assert statement["id"] == record.statement_id


@pytest.mark.parametrize(("offset", "allowed"), [
    (timedelta(minutes=-16), False),
    (timedelta(minutes=-15), True),
    (timedelta(minutes=119), True),
    (timedelta(minutes=121), False),
])
def test_checkin_opens_15_minutes_before_start_and_closes_at_the_end(learner, session, offset,
                                                                     allowed):
    now = session.starts_at + offset
    token = checkin.make_token(session, now)
    if allowed:
        assert attendance.check_in(learner, session, token, now)[1] is True
    else:
        with pytest.raises(ValidationFailedError):
            attendance.check_in(learner, session, token, now)
        assert db.session.scalar(select(Attendance)) is None and stored("attended") == []


def test_messages_tell_too_early_from_too_late(learner, session):
    early = session.starts_at - timedelta(minutes=16)
    with pytest.raises(ValidationFailedError, match="öffnet erst 15 Minuten vor Beginn"):
        attendance.check_in(learner, session, checkin.make_token(session, early), early)
    late = session.ends_at + timedelta(minutes=1)
    with pytest.raises(ValidationFailedError, match="Termin ist vorbei"):
        attendance.check_in(learner, session, checkin.make_token(session, late), late)


def test_wrong_or_expired_tokens_are_refused(learner, session, make_session):
    now = session.starts_at + timedelta(minutes=30)
    previous = checkin.make_token(session, now - timedelta(minutes=5))
    assert checkin.is_valid_token(session, previous, now)  # the code just replaced still works
    expired = checkin.make_token(session, now - timedelta(minutes=10))
    other = make_session(starts_at=session.starts_at)
    for token in (expired, checkin.make_token(other, now), "0" * 24, ""):
        with pytest.raises(ValidationFailedError, match="abgelaufen oder ungültig"):
            attendance.check_in(learner, session, token, now)
    assert stored("attended") == []


def test_a_cancelled_session_never_checks_in(trainer, learner, session):
    services.cancel_session(trainer, session, utcnow())
    now = session.starts_at + timedelta(minutes=5)
    with pytest.raises(ValidationFailedError, match="abgesagt"):
        attendance.check_in(learner, session, checkin.make_token(session, now), now)


def test_checkin_enrols_a_learner_who_may_self_enrol(make_learner, course, session):
    newcomer = make_learner("Neu Hier", enrolled=False)
    now = session.starts_at
    attendance.check_in(newcomer, session, checkin.make_token(session, now), now)
    assert active_enrolment(newcomer, course) is not None


def test_trainer_shows_the_code_and_learner_checks_in_over_http(client, login, trainer,
                                                                learner, make_session):
    running = make_session(starts_at=utcnow() - timedelta(minutes=20), minutes=180)
    login(trainer)
    page = client.get(f"/sessions/{running.id}/checkin")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<svg" in body and '<meta http-equiv="refresh"' in body
    token = checkin.make_token(running, utcnow())
    url = f"/sessions/{running.id}/checkin/{token}"
    assert f"http://localhost{url}" in body or checkin.make_token(
        running, utcnow() - timedelta(minutes=5)) in body

    login(learner)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "einchecken" in text_of(confirm)
    assert db.session.scalar(select(Attendance)) is None  # opening the link writes nothing
    response = client.post(url, data={"csrf_token": csrf(client, url)})
    assert response.status_code == 302
    record = db.session.scalar(select(Attendance))
    assert record.user_id == learner.id and record.method == "qr"
    assert record.statement_id is None  # a mark: the learner is told when it will count
    page = text_of(client.get(response.headers["Location"]))
    assert "Ihre Teilnahme wird angerechnet, wenn der Termin endet" in page


def test_future_session_shows_no_code_and_refuses_the_link(client, login, trainer, learner,
                                                           session):
    login(trainer)
    page = client.get(f"/sessions/{session.id}/checkin")
    assert "<svg" not in page.get_data(as_text=True)
    assert "nur während des Termins" in text_of(page)
    login(learner)
    url = f"/sessions/{session.id}/checkin/{checkin.make_token(session, utcnow())}"
    response = client.get(url)
    assert response.status_code == 400 and "öffnet erst" in text_of(response)
    token = csrf(client, "/courses/e-mobility")
    assert client.post(url, data={"csrf_token": token}).status_code == 400
    assert db.session.scalar(select(Attendance)) is None


def test_checkin_link_requires_login(client, session):
    response = client.get(f"/sessions/{session.id}/checkin/abc")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_checkin_refuses_a_stranger_where_self_enrolment_is_off(make_learner, session,
                                                                monkeypatch):
    from lms.learning import enrolment

    monkeypatch.setattr(enrolment, "may_self_enrol", lambda course: False)
    stranger = make_learner("Fremd Firma", enrolled=False)
    now = session.starts_at
    with pytest.raises(ValidationFailedError, match="wenden Sie sich an die Trainerin"):
        attendance.check_in(stranger, session, checkin.make_token(session, now), now)
    assert db.session.scalar(select(Attendance)) is None
