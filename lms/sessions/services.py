"""Scheduling sessions and registering for them, with a waiting list.

Like every service: takes the acting user and the time, flushes, never commits, and
raises domain errors with a message for the user. Mails leave after the commit
(``lms.mail.queue_mail``), in the recipient's language.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from lms.accounts.inbox import send_to_user
from lms.accounts.models import User
from lms.catalog.models import Course, CourseTrainer
from lms.catalog.trainers import is_course_trainer
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.formatting import format_datetime
from lms.learning.enrolment import active_enrolment
from lms.sessions.models import CourseSession, SessionRegistration

#: Seats and waiting list; a cancelled registration keeps its row.
OPEN_STATUSES = ("registered", "waitlisted")
MAX_CAPACITY = 500
#: Trainers enter, and learners read, local time; the platform stores UTC.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")


@dataclass
class SessionDetails:
    """What a trainer enters for a session; times are aware UTC datetimes."""

    title: str
    lesson_id: str | None
    starts_at: datetime
    ends_at: datetime
    location: str
    video_url: str
    capacity: int
    notes: str
    trainer_id: int | None


@dataclass
class SessionOffer:
    """An upcoming session as a learner sees it on the course page."""

    session: CourseSession
    registered: int
    waitlisted: int
    my_registration_id: int | None
    my_status: str | None

    @property
    def seats_left(self) -> int:
        return max(self.session.capacity - self.registered, 0)

    @property
    def is_full(self) -> bool:
        return self.registered >= self.session.capacity


# --- authorisation -----------------------------------------------------------


def can_manage(user: User | None, course: Course) -> bool:
    """Admins and the course's trainers schedule sessions and keep the roster."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin) or is_course_trainer(user, course)


def ensure_can_manage(actor: User | None, course: Course) -> None:
    """:raises PermissionDeniedError: ``actor`` is neither admin nor a trainer of ``course``."""
    if actor is not None and not can_manage(actor, course):
        raise PermissionDeniedError(
            _("Nur Trainerinnen und Trainer dieses Kurses dürfen Termine verwalten.")
        )


# --- scheduling --------------------------------------------------------------


def course_trainer_choices(course: Course) -> list[User]:
    """The people who may lead a session of ``course``: its trainers, by name."""
    return list(db.session.scalars(
        select(User).join(CourseTrainer, CourseTrainer.user_id == User.id)
        .where(CourseTrainer.course_id == course.id).order_by(User.name)
    ))


def _validate(course: Course, details: SessionDetails, session_lessons: list[str]) -> None:
    if not details.title.strip():
        raise ValidationFailedError(_("Bitte geben Sie einen Titel ein."), field="title")
    if details.ends_at <= details.starts_at:
        raise ValidationFailedError(_("Das Ende muss nach dem Beginn liegen."), field="end_time")
    if not details.location.strip() and not details.video_url.strip():
        raise ValidationFailedError(
            _("Bitte geben Sie einen Ort oder einen Videolink an."), field="location")
    if details.video_url.strip() and not is_https_url(details.video_url.strip()):
        raise ValidationFailedError(
            _("Der Videolink muss mit https:// beginnen."), field="video_url")
    if not 1 <= details.capacity <= MAX_CAPACITY:
        raise ValidationFailedError(
            _("Die Zahl der Plätze muss zwischen 1 und %(max)d liegen.", max=MAX_CAPACITY),
            field="capacity")
    if details.lesson_id and details.lesson_id not in session_lessons:
        raise ValidationFailedError(
            _("Diese Lerneinheit ist kein Präsenz- oder Online-Termin des Kurses."),
            field="lesson_id")
    if details.trainer_id is not None and details.trainer_id not in {
            user.id for user in course_trainer_choices(course)}:
        raise ValidationFailedError(
            _("Nur Trainerinnen und Trainer dieses Kurses können einen Termin leiten."),
            field="trainer_id")


def is_https_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in value


def _apply(session: CourseSession, details: SessionDetails) -> None:
    session.title = details.title.strip()
    session.lesson_id = details.lesson_id or None
    session.starts_at = details.starts_at
    session.ends_at = details.ends_at
    session.location = details.location.strip()
    session.video_url = details.video_url.strip()
    session.capacity = details.capacity
    session.notes = details.notes.strip()
    session.trainer_id = details.trainer_id


def schedule_session(actor: User | None, course: Course, details: SessionDetails,
                     session_lessons: list[str], now: datetime) -> CourseSession:
    """Create a session of ``course``.

    :param session_lessons: ids of the published version's lessons of kind ``session``.
    :raises PermissionDeniedError: ``actor`` may not manage the course's sessions.
    :raises ValidationFailedError: a rule is broken (``field`` names the form field).
    """
    ensure_can_manage(actor, course)
    _validate(course, details, session_lessons)
    session = CourseSession(course=course, checkin_secret=secrets.token_hex(32),
                            created_at=now, updated_at=now)
    _apply(session, details)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(actor: User | None, session: CourseSession, details: SessionDetails,
                   session_lessons: list[str], now: datetime) -> CourseSession:
    """Change a session; a larger capacity moves people up from the waiting list.

    People with a seat or on the waiting list are told by mail when date, time or
    place change.

    :raises ValidationFailedError: a rule is broken, or the session was cancelled.
    """
    ensure_can_manage(actor, session.course)
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Ein abgesagter Termin kann nicht mehr geändert werden."))
    _validate(session.course, details, session_lessons)
    before = (session.starts_at, session.ends_at, session.location, session.video_url)
    _apply(session, details)
    session.updated_at = now
    db.session.flush()
    if before != (session.starts_at, session.ends_at, session.location, session.video_url):
        for registration in open_registrations(session):
            _mail(registration.user, session, "changed")
    promote_waiting_list(session, now)
    return session


def cancel_session(actor: User | None, session: CourseSession, now: datetime) -> list[User]:
    """Cancel a session and tell everyone with a seat or on the waiting list by mail.

    Registrations keep their status, so the cancelled session stays in the learners'
    records. Returns the people notified.

    :raises ValidationFailedError: the session was cancelled already.
    """
    ensure_can_manage(actor, session.course)
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Dieser Termin ist bereits abgesagt."))
    session.cancelled_at = now
    session.updated_at = now
    db.session.flush()
    notified = [registration.user for registration in open_registrations(session)]
    for user in notified:
        _mail(user, session, "cancelled")
    return notified


# --- registration ------------------------------------------------------------


def open_registrations(session: CourseSession) -> list[SessionRegistration]:
    """Seats and waiting list of ``session``, in order of registration."""
    return list(db.session.scalars(
        select(SessionRegistration).options(selectinload(SessionRegistration.user))
        .where(SessionRegistration.session_id == session.id,
               SessionRegistration.status.in_(OPEN_STATUSES))
        .order_by(SessionRegistration.registered_at, SessionRegistration.id)
    ))


def _lock(session: CourseSession) -> CourseSession:
    """Lock the session's row while seats are counted (PostgreSQL; SQLite has one writer)."""
    return db.session.scalars(
        select(CourseSession).where(CourseSession.id == session.id).with_for_update()
    ).one()


def _count(session: CourseSession, status: str) -> int:
    return db.session.scalar(select(func.count(SessionRegistration.id)).where(
        SessionRegistration.session_id == session.id, SessionRegistration.status == status))


def register_for_session(user: User, session: CourseSession, now: datetime
                         ) -> SessionRegistration:
    """Give ``user`` a seat, or a place on the waiting list when the session is full.

    :raises ValidationFailedError: no active enrolment on the course, the session was
        cancelled or has begun, or the user is registered already.
    """
    session = _lock(session)
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Dieser Termin wurde abgesagt."))
    if session.starts_at <= now:
        raise ValidationFailedError(_("Für diesen Termin ist keine Anmeldung mehr möglich."))
    if active_enrolment(user, session.course) is None:
        raise ValidationFailedError(
            _("Bitte melden Sie sich zuerst zum Kurs an, dann zu einem Termin."))
    registration = db.session.scalar(select(SessionRegistration).where(
        SessionRegistration.session_id == session.id, SessionRegistration.user_id == user.id))
    if registration is not None and registration.status in OPEN_STATUSES:
        raise ValidationFailedError(_("Sie sind für diesen Termin bereits angemeldet."))
    status = "registered" if _count(session, "registered") < session.capacity else "waitlisted"
    if registration is None:
        registration = SessionRegistration(session=session, user=user)
        db.session.add(registration)
    registration.status = status
    registration.registered_at = now  # a new registration queues at the end
    registration.cancelled_at = None
    db.session.flush()
    return registration


def find_own_registration(user: User, registration_id: int) -> SessionRegistration:
    """:raises NotFoundError: no such registration of ``user`` (another learner's: 404 too)."""
    registration = db.session.scalar(select(SessionRegistration).where(
        SessionRegistration.id == registration_id, SessionRegistration.user_id == user.id))
    if registration is None:
        raise NotFoundError(_("Diese Anmeldung gibt es nicht."))
    return registration


def cancel_registration(user: User, registration: SessionRegistration, now: datetime
                        ) -> SessionRegistration | None:
    """Cancel ``user``'s own registration; the first on the waiting list moves up.

    Returns the registration that was promoted, if any.

    :raises NotFoundError: the registration is not ``user``'s.
    :raises ValidationFailedError: already cancelled, or the session has begun.
    """
    if registration.user_id != user.id:
        raise NotFoundError(_("Diese Anmeldung gibt es nicht."))
    session = _lock(registration.session)
    if registration.status not in OPEN_STATUSES:
        raise ValidationFailedError(_("Diese Anmeldung ist bereits storniert."))
    if session.starts_at <= now and session.cancelled_at is None:
        raise ValidationFailedError(_("Der Termin hat schon begonnen."))
    registration.status = "cancelled"
    registration.cancelled_at = now
    db.session.flush()
    promoted = promote_waiting_list(session, now)
    return promoted[0] if promoted else None


def promote_waiting_list(session: CourseSession, now: datetime) -> list[SessionRegistration]:
    """Move people from the waiting list to free seats, first come first served, and mail them.

    Nothing moves for a cancelled session or one that has begun.
    """
    if session.cancelled_at is not None or session.starts_at <= now:
        return []
    free = session.capacity - _count(session, "registered")
    if free <= 0:
        return []
    promoted = list(db.session.scalars(
        select(SessionRegistration).where(SessionRegistration.session_id == session.id,
                                          SessionRegistration.status == "waitlisted")
        .order_by(SessionRegistration.registered_at, SessionRegistration.id).limit(free)
    ))
    for registration in promoted:
        registration.status = "registered"
        _mail(registration.user, session, "promoted")
    db.session.flush()
    return promoted


def waiting_position(registration: SessionRegistration) -> int | None:
    """Place on the waiting list (1 = next to move up), or None with a seat."""
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(select(func.count(SessionRegistration.id)).where(
        SessionRegistration.session_id == registration.session_id,
        SessionRegistration.status == "waitlisted",
        (SessionRegistration.registered_at < registration.registered_at)
        | and_(SessionRegistration.registered_at == registration.registered_at,
               SessionRegistration.id < registration.id),
    ))
    return ahead + 1


def cancel_future_registrations(user: User, course: Course, now: datetime
                                ) -> list[SessionRegistration]:
    """On withdrawal from a course: give up seats in its sessions that have not begun."""
    registrations = list(db.session.scalars(
        select(SessionRegistration).join(CourseSession)
        .where(SessionRegistration.user_id == user.id, CourseSession.course_id == course.id,
               SessionRegistration.status.in_(OPEN_STATUSES), CourseSession.starts_at > now)
    ))
    for registration in registrations:
        registration.status = "cancelled"
        registration.cancelled_at = now
    db.session.flush()
    for session in {registration.session for registration in registrations}:
        promote_waiting_list(session, now)
    return registrations


# --- queries -----------------------------------------------------------------


def find_session(session_id: int) -> CourseSession:
    """:raises NotFoundError: no such session."""
    session = db.session.get(CourseSession, session_id)
    if session is None:
        raise NotFoundError(_("Diesen Termin gibt es nicht."))
    return session


def upcoming_offers(course: Course, user: User | None, now: datetime) -> list[SessionOffer]:
    """Sessions of ``course`` not yet over and not cancelled, with seat counts and the
    user's own registration: one query."""
    counts = (
        select(SessionRegistration.session_id,
               func.count(SessionRegistration.id).filter(
                   SessionRegistration.status == "registered").label("registered"),
               func.count(SessionRegistration.id).filter(
                   SessionRegistration.status == "waitlisted").label("waitlisted"))
        .group_by(SessionRegistration.session_id).subquery()
    )
    mine = aliased(SessionRegistration)
    user_id = user.id if user is not None and getattr(user, "is_authenticated", False) else -1
    rows = db.session.execute(
        select(CourseSession, counts.c.registered, counts.c.waitlisted, mine.id, mine.status)
        .outerjoin(counts, counts.c.session_id == CourseSession.id)
        .outerjoin(mine, and_(mine.session_id == CourseSession.id, mine.user_id == user_id))
        .where(CourseSession.course_id == course.id, CourseSession.ends_at > now,
               CourseSession.cancelled_at.is_(None))
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    return [
        SessionOffer(session, registered or 0, waitlisted or 0,
                     registration_id if status in OPEN_STATUSES else None,
                     status if status in OPEN_STATUSES else None)
        for session, registered, waitlisted, registration_id, status in rows
    ]


def course_sessions(course: Course) -> list[CourseSession]:
    """Every session of ``course``, latest first (for its trainers)."""
    return list(db.session.scalars(
        select(CourseSession).options(selectinload(CourseSession.trainer))
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.starts_at.desc(), CourseSession.id.desc())
    ))


def seat_counts(sessions: list[CourseSession]) -> dict[int, dict[str, int]]:
    """Registered and waitlisted counts per session id, in one query."""
    counts = {session.id: {"registered": 0, "waitlisted": 0} for session in sessions}
    if not counts:
        return counts
    rows = db.session.execute(
        select(SessionRegistration.session_id, SessionRegistration.status,
               func.count(SessionRegistration.id))
        .where(SessionRegistration.session_id.in_(counts),
               SessionRegistration.status.in_(OPEN_STATUSES))
        .group_by(SessionRegistration.session_id, SessionRegistration.status)
    )
    for session_id, status, count in rows:
        counts[session_id][status] = count
    return counts


def trainer_sessions(user: User, now: datetime) -> tuple[list[CourseSession], list[CourseSession]]:
    """Sessions of the courses ``user`` trains (admins: all): upcoming first, then past."""
    query = select(CourseSession).options(selectinload(CourseSession.course))
    if not user.is_admin:
        query = query.join(CourseTrainer, CourseTrainer.course_id == CourseSession.course_id) \
            .where(CourseTrainer.user_id == user.id)
    upcoming = list(db.session.scalars(
        query.where(CourseSession.ends_at > now).order_by(CourseSession.starts_at)))
    past = list(db.session.scalars(
        query.where(CourseSession.ends_at <= now)
        .order_by(CourseSession.starts_at.desc()).limit(50)))
    return upcoming, past


def my_upcoming_registrations(user: User, now: datetime) -> list[SessionRegistration]:
    """The user's seats and waiting-list places in sessions not yet over, soonest first."""
    return list(db.session.scalars(
        select(SessionRegistration).join(CourseSession)
        .options(selectinload(SessionRegistration.session).selectinload(CourseSession.course))
        .where(SessionRegistration.user_id == user.id,
               SessionRegistration.status.in_(OPEN_STATUSES),
               CourseSession.ends_at > now, CourseSession.cancelled_at.is_(None))
        .order_by(CourseSession.starts_at)
    ))


# --- mail --------------------------------------------------------------------


def _mail(user: User, session: CourseSession, kind: str) -> None:
    """Tell ``user`` about ``session`` in their own language (sent after commit)."""
    with force_locale(user.locale or "de"):
        when = format_datetime(session.starts_at, "full")
        link = url_for("catalog.show_course", slug=session.course.slug, _external=True)
        if kind == "cancelled":
            subject = _("Termin abgesagt: %(title)s", title=session.title)
            text = _("der Termin „%(title)s“ am %(when)s wurde abgesagt. Sie müssen nichts "
                     "weiter tun; neue Termine finden Sie auf der Kursseite.",
                     title=session.title, when=when)
        elif kind == "promoted":
            subject = _("Sie haben einen Platz: %(title)s", title=session.title)
            text = _("für den Termin „%(title)s“ am %(when)s ist ein Platz frei geworden. "
                     "Sie sind jetzt fest angemeldet.", title=session.title, when=when)
        else:
            subject = _("Termin geändert: %(title)s", title=session.title)
            text = _("der Termin „%(title)s“ wurde geändert. Neu: %(when)s, %(place)s.",
                     title=session.title, when=when,
                     place=session.location or session.video_url)
        body = _("Hallo %(name)s,\n\n%(text)s\n\n%(link)s", name=user.name, text=text,
                 link=link)
    send_to_user(user, f"{subject} – ATLAS Campus", body)
