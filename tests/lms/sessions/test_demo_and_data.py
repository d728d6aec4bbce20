"""Demo sessions, the learner's own data, and the plugin wiring."""

from datetime import timedelta

from sqlalchemy import select

from lms.catalog.demo import DEMO_TRAINER_EMAIL
from lms.catalog.trainers import grant_course_trainer
from lms.db import utcnow
from lms.extensions import db
from lms.sessions import attendance, checkin, services
from lms.sessions.demo import seed_demo_sessions
from lms.sessions.models import CourseSession
from lms.sessions.personal_data import personal_data_sections
from tests.factories import make_user


def test_demo_creates_a_session_in_two_weeks_and_one_running_now(course):
    trainer = make_user(email=DEMO_TRAINER_EMAIL, name="Tobias Trainer", is_trainer=True)
    grant_course_trainer(None, course, trainer, utcnow())
    now = utcnow()
    lines = seed_demo_sessions(now)
    sessions = list(db.session.scalars(select(CourseSession).order_by(CourseSession.starts_at)))
    assert len(sessions) == 2 and any("QR-Check-in" in line for line in lines)
    running, later = sessions
    assert running.starts_at == now - timedelta(minutes=30)
    assert running.ends_at == now + timedelta(hours=3)
    assert checkin.is_open(running, now)
    assert timedelta(days=13) < later.starts_at - now < timedelta(days=15)
    assert later.capacity == running.capacity == 12
    assert later.trainer_id == trainer.id and later.lesson_id == "hv-workshop-uebungsstand"
    assert seed_demo_sessions(now) == []  # idempotent


def test_personal_data_holds_registrations_and_attendance(learner, make_session):
    later = make_session()
    services.register_for_session(learner, later, utcnow())
    running = make_session(starts_at=utcnow() - timedelta(minutes=10), title="Läuft")
    now = utcnow()
    attendance.check_in(learner, running, checkin.make_token(running, now), now)
    sections = {section["key"]: section for section in personal_data_sections(learner)}
    (registration,) = sections["session_registrations"]["items"]
    assert registration["status"] == "registered" and registration["course"] == "e-mobility"
    (attended,) = sections["session_attendance"]["items"]
    assert attended["session"] == "Läuft" and attended["minutes"] == 180
    assert attended["method"] == "qr"
    assert "Stunden" in sections["session_attendance"]["employer_sees"]
    assert sections["session_registrations"]["employer_sees"].startswith("Nichts")


def test_personal_data_hook_is_wired(app, learner):
    sections = [section for batch in app.extensions["atlas_plugins"].hook.lms_personal_data(
        user=learner) for section in batch or []]
    assert {"session_registrations", "session_attendance"} <= {s["key"] for s in sections}
