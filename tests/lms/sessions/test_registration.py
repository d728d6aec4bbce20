"""Learners book seats, queue on the waiting list, cancel, and only ever touch their own."""

from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning.enrolment import withdraw
from lms.sessions import services
from lms.sessions.models import SessionRegistration
from tests.lms.sessions.helpers import csrf, text_of

COURSE_PAGE = "/courses/e-mobility"


def test_full_session_queues_then_promotes_on_cancel_with_mail(make_learner, make_session,
                                                                mails):
    session = make_session(capacity=2)
    now = utcnow()
    anna, ben, cem, dora = (make_learner(name) for name in ("Anna", "Ben", "Cem", "Dora"))
    assert services.register_for_session(anna, session, now).status == "registered"
    assert services.register_for_session(ben, session, now + timedelta(seconds=1)).status \
        == "registered"
    cem_registration = services.register_for_session(cem, session, now + timedelta(seconds=2))
    dora_registration = services.register_for_session(dora, session, now + timedelta(seconds=3))
    assert (cem_registration.status, dora_registration.status) == ("waitlisted", "waitlisted")
    assert services.waiting_position(cem_registration) == 1
    assert services.waiting_position(dora_registration) == 2

    anna_registration = db.session.scalar(
        db.select(SessionRegistration).filter_by(user_id=anna.id))
    promoted = services.cancel_registration(anna, anna_registration, now + timedelta(minutes=1))
    assert promoted is cem_registration and cem_registration.status == "registered"
    assert anna_registration.status == "cancelled" and anna_registration.cancelled_at
    assert dora_registration.status == "waitlisted"
    assert services.waiting_position(dora_registration) == 1
    db.session.commit()
    sent = mails()
    assert [mail["To"] for mail in sent] == [cem.email]
    assert sent[0]["Subject"] == "Sie haben einen Platz: Hochvolt-Workshop – ATLAS Campus"
    assert "Sie sind jetzt fest angemeldet" in sent[0].get_content()


def test_registering_again_after_cancelling_queues_at_the_end(make_learner, make_session):
    session = make_session(capacity=1)
    now = utcnow()
    first, second = make_learner("Erste"), make_learner("Zweite")
    registration = services.register_for_session(first, session, now)
    services.register_for_session(second, session, now + timedelta(seconds=1))
    services.cancel_registration(first, registration, now + timedelta(seconds=2))
    again = services.register_for_session(first, session, now + timedelta(seconds=3))
    assert again.id == registration.id and again.status == "waitlisted"
    with pytest.raises(ValidationFailedError, match="bereits angemeldet"):
        services.register_for_session(first, session, now + timedelta(seconds=4))


def test_larger_capacity_moves_the_waiting_list_up(trainer, make_learner, make_session):
    session = make_session(capacity=1)
    now = utcnow()
    services.register_for_session(make_learner("Eins"), session, now)
    waiting = services.register_for_session(make_learner("Zwei"), session, now)
    details = services.SessionDetails(session.title, session.lesson_id, session.starts_at,
                                      session.ends_at, session.location, "", 2, "", None)
    services.update_session(trainer, session, details, [session.lesson_id], now)
    assert waiting.status == "registered"


def test_registration_needs_an_active_enrolment(make_learner, make_session):
    session = make_session()
    stranger = make_learner("Nicht Eingeschrieben", enrolled=False)
    with pytest.raises(ValidationFailedError, match="zuerst zum Kurs an"):
        services.register_for_session(stranger, session, utcnow())


def test_no_registration_once_the_session_has_begun(learner, make_session):
    session = make_session(starts_at=utcnow() - timedelta(minutes=5))
    with pytest.raises(ValidationFailedError, match="keine Anmeldung mehr"):
        services.register_for_session(learner, session, utcnow())


def test_withdrawal_gives_up_future_seats_and_promotes(make_learner, make_session, course,
                                                        mails):
    session = make_session(capacity=1)
    now = utcnow()
    leaver, waiting = make_learner("Geht"), make_learner("Wartet")
    seat = services.register_for_session(leaver, session, now)
    queued = services.register_for_session(waiting, session, now + timedelta(seconds=1))
    withdraw(leaver, course, leaver, now + timedelta(minutes=1))
    assert seat.status == "cancelled"
    assert queued.status == "registered"
    db.session.commit()
    assert [mail["To"] for mail in mails()] == [waiting.email]


def test_course_page_offers_booking_to_enrolled_learners(client, login, learner, make_learner,
                                                         make_session):
    session = make_session(capacity=1, video_url="https://meet.example.org/hv")
    login(make_learner("Ohne Kurs", enrolled=False))
    page = text_of(client.get(COURSE_PAGE))
    assert "Nächste Termine" in page and "Hochvolt-Workshop" in page
    assert "Melden Sie sich zuerst zum Kurs an" in page
    assert "https://meet.example.org/hv" not in client.get(COURSE_PAGE).get_data(as_text=True)

    login(learner)
    assert "noch 1 Platz frei" in text_of(client.get(COURSE_PAGE))
    response = client.post(f"/sessions/{session.id}/register",
                           data={"csrf_token": csrf(client, COURSE_PAGE)})
    assert response.status_code == 302
    page = client.get(COURSE_PAGE)
    assert "Sie sind angemeldet" in text_of(page)
    assert "https://meet.example.org/hv" in page.get_data(as_text=True)  # the link, once booked
    registration = db.session.scalar(db.select(SessionRegistration).filter_by(user_id=learner.id))
    assert f"/sessions/registrations/{registration.id}/calendar.ics" in page.get_data(
        as_text=True)

    other = make_learner("Zu Spät")
    login(other)
    assert "ausgebucht" in text_of(client.get(COURSE_PAGE))
    client.post(f"/sessions/{session.id}/register",
                data={"csrf_token": csrf(client, COURSE_PAGE)})
    page = text_of(client.get(COURSE_PAGE))
    assert "Platz 1 der Warteliste" in page and "Sie stehen auf der Warteliste" in page


def test_registration_without_csrf_is_refused(client, login, learner, make_session):
    session = make_session()
    login(learner)
    assert client.post(f"/sessions/{session.id}/register").status_code == 400
    assert db.session.scalar(db.select(SessionRegistration)) is None


def test_a_learner_cannot_cancel_or_read_another_learners_registration(
        client, login, learner, make_learner, make_session):
    session = make_session()
    registration = services.register_for_session(learner, session, utcnow())
    db.session.flush()
    intruder = make_learner("Neugierig")
    login(intruder)
    token = csrf(client, COURSE_PAGE)
    response = client.post(f"/sessions/registrations/{registration.id}/cancel",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert client.get(
        f"/sessions/registrations/{registration.id}/calendar.ics").status_code == 404
    db.session.refresh(registration)
    assert registration.status == "registered"
    with pytest.raises(NotFoundError):
        services.find_own_registration(intruder, registration.id)

    login(learner)
    response = client.post(f"/sessions/registrations/{registration.id}/cancel",
                           data={"csrf_token": csrf(client, COURSE_PAGE)})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == "cancelled"


def test_dashboard_lists_my_sessions_with_calendar_links(client, login, learner, make_session):
    session = make_session(title="Workshop am Übungsstand")
    registration = services.register_for_session(learner, session, utcnow())
    db.session.flush()
    login(learner)
    body = client.get("/").get_data(as_text=True)
    assert "Meine Termine" in body and "Workshop am Übungsstand" in body
    assert f"/sessions/registrations/{registration.id}/calendar.ics" in body


def test_visitors_see_upcoming_sessions_and_a_login_link(client, make_session, trainer):
    make_session(title="Offener Workshop")
    cancelled = make_session(title="Abgesagter Workshop")
    services.cancel_session(trainer, cancelled, utcnow())
    make_session(title="Vergangener Workshop", starts_at=utcnow() - timedelta(days=2))
    db.session.flush()
    response = client.get(COURSE_PAGE)
    assert response.get_data(as_text=True).count('id="upcoming-sessions"') == 1
    page = text_of(response)
    assert "Offener Workshop" in page and "Anmelden, um einen Platz zu buchen" in page
    assert "Abgesagter Workshop" not in page and "Vergangener Workshop" not in page
    assert "Termine dieses Kurses verwalten" not in page
