"""What the sessions area holds about a person, for their own data page and download."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.sessions.models import Attendance, CourseSession, SessionRegistration


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _session_facts(session: CourseSession) -> dict:
    return {"session": session.title, "course": session.course.slug,
            "starts_at": _iso(session.starts_at), "ends_at": _iso(session.ends_at),
            "location": session.location, "cancelled_at": _iso(session.cancelled_at)}


def personal_data_sections(user) -> list[dict]:
    """Registrations (the employer sees none) and attendances (the employer sees them, with
    the hours, because funding and proof of training need them)."""
    load = selectinload(SessionRegistration.session).selectinload(CourseSession.course)
    registrations = db.session.scalars(
        select(SessionRegistration).options(load)
        .where(SessionRegistration.user_id == user.id)
        .order_by(SessionRegistration.registered_at))
    attendances = db.session.scalars(
        select(Attendance)
        .options(selectinload(Attendance.session).selectinload(CourseSession.course))
        .where(Attendance.user_id == user.id).order_by(Attendance.recorded_at))
    return [
        {
            "key": "session_registrations",
            "title": _("Anmeldungen zu Terminen"),
            "employer_sees": _("Nichts: Ihre Anmeldungen, Stornierungen und Wartelistenplätze "
                               "sieht nur die Kursleitung."),
            "items": [
                {**_session_facts(r.session), "status": r.status,
                 "registered_at": _iso(r.registered_at),
                 "registration_cancelled_at": _iso(r.cancelled_at)}
                for r in registrations
            ],
        },
        {
            "key": "session_attendance",
            "title": _("Teilnahme an Terminen"),
            "employer_sees": _("An welchen Terminen Sie teilgenommen haben und wie viele "
                               "Stunden (synchrone Lernzeit) das waren."),
            "items": [
                {**_session_facts(a.session), "minutes": a.minutes, "method": a.method,
                 "recorded_at": _iso(a.recorded_at)}
                for a in attendances
            ],
        },
    ]
