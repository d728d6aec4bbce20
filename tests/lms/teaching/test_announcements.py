"""Announcements: to a course or a session, sanitised, on "Mein Lernen", mailed unless off."""

from datetime import timedelta

from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.sessions.models import SessionRegistration
from lms.sessions.services import SessionDetails, schedule_session
from lms.teaching.models import Announcement, AnnouncementRecipient
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import SLUG, enrol_directly
from tests.lms.teaching.cockpit_helpers import text

pytest_plugins = ["tests.lms.teaching.cockpit_fixtures"]

PAGE = f"/teaching/courses/{SLUG}/announcements"


def send(client, **fields):
    token = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, **fields})


def test_announcement_reaches_dashboard_and_mail_sanitised(client, auth, trainer, learner,
                                                           quiz_course, mails):
    quiet = make_user(name="Quentin Ruhig", email="quentin@example.org")
    enrol_directly(quiet, quiz_course)
    db.session.commit()
    auth.login(quiet.email)
    profile = client.get("/account").get_data(as_text=True)
    assert "/teaching/announcement-mails" in profile  # the setting is linked from the profile
    settings = client.get("/teaching/announcement-mails").get_data(as_text=True)
    response = client.post("/teaching/announcement-mails", data={
        "csrf_token": csrf_token_from(settings), "mail": "off", "back": "settings"})
    assert response.headers["Location"] == "/teaching/announcement-mails"
    assert "E-Mails zu Ankündigungen sind aus." in text(
        client.get("/teaching/announcement-mails").get_data(as_text=True))
    auth.logout()

    auth.login(trainer.email)
    response = send(client, subject="Termin verschoben",
                    body="Der **Praxistag** ist am Freitag.<script>alert(1)</script>"
                         "<img src=x onerror=alert(2)>")
    assert response.status_code == 302
    announcement = db.session.scalar(select(Announcement))
    assert "<strong>Praxistag</strong>" in announcement.body_html
    assert "<script" not in announcement.body_html and "onerror" not in announcement.body_html
    assert announcement.recipients == 2
    sent = mails()
    assert [m["To"] for m in sent] == [learner.email]
    assert "Termin verschoben" in sent[0]["Subject"]
    assert "Praxistag" in sent[0].get_content()
    auth.logout()

    for person in (learner, quiet):
        auth.login(person.email)
        dashboard = client.get("/").get_data(as_text=True)
        assert "Termin verschoben" in dashboard and "<strong>Praxistag</strong>" in dashboard
        assert "<script>alert(1)" not in dashboard
        auth.logout()


def test_announcement_to_a_session_reaches_only_its_registrants(client, auth, trainer, learner,
                                                                quiz_course, mails):
    other = make_user(name="Olga Ohnetermin")
    enrol_directly(other, quiz_course)
    now = utcnow()
    session = schedule_session(None, quiz_course, SessionDetails(
        title="Praxistermin", lesson_id=None, starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2), location="Siegen", video_url="",
        capacity=8, notes="", trainer_id=trainer.id), [], now)
    db.session.add(SessionRegistration(session_id=session.id, user_id=learner.id,
                                       status="registered", registered_at=now))
    db.session.commit()
    auth.login(trainer.email)
    send(client, session_id=str(session.id), subject="Bitte Sicherheitsschuhe", body="Danke!")
    recipients = set(db.session.scalars(select(AnnouncementRecipient.user_id)))
    assert recipients == {learner.id}
    assert [m["To"] for m in mails()] == [learner.email]


def test_bad_announcements_are_refused_with_a_message(client, auth, trainer, learner):
    auth.login(trainer.email)
    response = send(client, subject=" ", body="Text")
    assert response.status_code == 400
    assert "Bitte geben Sie einen Betreff an." in text(response.get_data(as_text=True))
    response = send(client, subject="Betreff", body="x" * 20_001)
    assert response.status_code == 400 and "länger als" in text(response.get_data(as_text=True))
    assert db.session.scalar(select(Announcement)) is None


def test_learners_cannot_post_announcements(client, auth, learner):
    auth.login(learner.email)
    assert client.get(PAGE).status_code == 404
