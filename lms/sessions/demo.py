"""Demo sessions: one per demo course in two weeks, and one running now for the QR check-in."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from lms.accounts.services import find_user_by_email
from lms.catalog.demo import DEMO_TRAINER_EMAIL
from lms.catalog.services import published_courses
from lms.catalog.trainers import is_course_trainer
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.sessions.models import CourseSession
from lms.sessions.services import LOCAL_ZONE, SessionDetails, schedule_session

RUNNING_NOW_COURSE = "e-mobility"
CAPACITY = 12


def _has_session(course, where) -> bool:
    return db.session.scalar(
        select(CourseSession.id).where(CourseSession.course_id == course.id,
                                       CourseSession.cancelled_at.is_(None), *where).limit(1)
    ) is not None


def seed_demo_sessions(now: datetime) -> list[str]:
    """Create the demo sessions that are missing (idempotent; flush only)."""
    trainer = find_user_by_email(DEMO_TRAINER_EMAIL)
    lines = []
    for version in published_courses():
        course = version.course
        model = content_for(version).course
        lessons = list(model.lessons("session"))
        lesson = lessons[0] if lessons else None
        lesson_ids = [item.id for item in lessons]
        title = lesson.title("de") if lesson else model.title.get("de", course.slug)
        leader = trainer.id if trainer is not None and is_course_trainer(trainer, course) else None
        spec = lesson.variant("de").session if lesson else None
        minutes = spec.duration_minutes if spec and spec.duration_minutes else 180
        if not _has_session(course, [CourseSession.starts_at > now]):
            day = (now + timedelta(days=14)).astimezone(LOCAL_ZONE).date()
            starts = datetime.combine(day, time(8, 30), tzinfo=LOCAL_ZONE).astimezone(UTC)
            session = schedule_session(None, course, SessionDetails(
                title=title, lesson_id=lesson.id if lesson else None, starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes), location="ATLAS Lernwerkstatt, "
                "Parkstraße 12, 58509 Lüdenscheid", video_url="", capacity=CAPACITY,
                notes="Bitte Sicherheitsschuhe mitbringen.", trainer_id=leader,
            ), lesson_ids, now)
            lines.append(f"  {course.slug:<20} Termin / session #{session.id} in 2 Wochen")
        if course.slug == RUNNING_NOW_COURSE and not _has_session(
                course, [CourseSession.starts_at <= now, CourseSession.ends_at > now]):
            session = schedule_session(None, course, SessionDetails(
                title=f"{title} – Demo QR-Check-in", lesson_id=lesson.id if lesson else None,
                starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=3),
                location="Sauerland Metallwerke, Schulungsraum 2", video_url="",
                capacity=CAPACITY, notes="", trainer_id=leader,
            ), lesson_ids, now)
            lines.append(f"  {course.slug:<20} Termin / session #{session.id} läuft jetzt: "
                         f"QR-Check-in unter /sessions/{session.id}/checkin")
    return ["Demo-Termine / demo sessions (/sessions):", *lines] if lines else []
