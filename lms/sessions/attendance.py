"""Attendance: the trainer's roster, walk-ins and QR self check-in, credited at the close.

While a session runs, ticks and check-ins are marks only. Attendance counts when the
roster is closed: by the trainer (who may first mark people as left early, with their
minutes, or absent), or by the platform once the session has ended
(``close_ended_sessions``, lazily on the roster pages and from the CLI). Closing writes
one ``attended`` statement per person (``result.duration`` = the minutes that count as
synchronous learning) in the same unit of work; the progress projection folds it in.
After the close, removing an attendance or changing its minutes voids the statement:
the record is corrected by a statement too, never by editing the LRS.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import Membership, User
from lms.accounts.services import find_user_by_email
from lms.catalog.version_content import content_for
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning import statements
from lms.learning.enrolment import active_enrolment, enrol
from lms.lrs.embedded import record_statement
from lms.sessions import checkin
from lms.sessions.models import Attendance, CourseSession, SessionRegistration
from lms.sessions.services import OPEN_STATUSES, ensure_can_manage
from xapi import vocabulary


@dataclass
class RosterRow:
    """One person on the roster: registered, on the waiting list, or came without."""

    user: User
    registration: SessionRegistration | None
    attendance: Attendance | None

    @property
    def kind(self) -> str:
        return self.registration.status if self.registration is not None else "walk_in"


@dataclass
class Roster:
    session: CourseSession
    rows: list[RosterRow]

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.attendance is not None)

    @property
    def total_minutes(self) -> int:
        """Synchronous learning time recorded for the session, summed over everyone."""
        return sum(row.attendance.minutes for row in self.rows if row.attendance is not None)


def build_roster(session: CourseSession) -> Roster:
    """Registered people in order, then the waiting list, then walk-ins by name."""
    user_load = selectinload(SessionRegistration.user).selectinload(User.membership) \
        .selectinload(Membership.organisation)
    registrations = list(db.session.scalars(
        select(SessionRegistration).options(user_load)
        .where(SessionRegistration.session_id == session.id,
               SessionRegistration.status.in_(OPEN_STATUSES))
        .order_by(SessionRegistration.registered_at, SessionRegistration.id)
    ))
    attendances = {attendance.user_id: attendance for attendance in db.session.scalars(
        select(Attendance).options(
            selectinload(Attendance.user).selectinload(User.membership)
            .selectinload(Membership.organisation))
        .where(Attendance.session_id == session.id)
    )}
    registered = [r for r in registrations if r.status == "registered"]
    waiting = [r for r in registrations if r.status == "waitlisted"]
    rows = [RosterRow(r.user, r, attendances.pop(r.user_id, None))
            for r in registered + waiting]
    rows += sorted((RosterRow(a.user, None, a) for a in attendances.values()),
                   key=lambda row: row.user.name.casefold())
    return Roster(session, rows)


# --- statements --------------------------------------------------------------


def _ensure_enrolment(user: User, session: CourseSession, actor: User, now: datetime):
    """The enrolment the attendance counts for; people who came without one are enrolled
    (by the trainer for walk-ins, by themselves at a QR check-in)."""
    return active_enrolment(user, session.course) or enrol(user, session.course, actor, now)


def _attended(session: CourseSession, user: User, minutes: int, actor: User | None,
              now: datetime) -> str:
    enrolment = _ensure_enrolment(user, session, actor or user, now)
    version = enrolment.course_version
    model = content_for(version).course
    # the learning happened by the end of the session, even when credited later
    statement = statements.attended_statement(
        user, model, version.version, enrolment.registration, session.id, session.title,
        minutes, min(now, session.ends_at))
    return record_statement(statement, now)


def voiding_statement(user: User, statement_id: str, now: datetime) -> dict:
    """A ``voided`` statement for one of ``user``'s statements (a correction, xAPI 2.3.2)."""
    return {
        "id": str(uuid.uuid4()),
        "actor": statements.learner(user),
        "verb": vocabulary.verb("voided"),
        "object": {"objectType": "StatementRef", "id": statement_id},
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def _void(attendance: Attendance, now: datetime) -> None:
    if attendance.statement_id:
        record_statement(voiding_statement(attendance.user, attendance.statement_id, now), now)


def _record(session: CourseSession, user: User, minutes: int, method: str, actor: User,
            now: datetime) -> Attendance:
    """A new attendance row; credited at once only when the roster is already closed."""
    _ensure_enrolment(user, session, actor, now)  # before any row: a refusal leaves nothing
    attendance = Attendance(session=session, user=user, method=method, minutes=minutes,
                            recorded_at=now, recorded_by_id=actor.id)
    db.session.add(attendance)
    db.session.flush()
    if session.is_roster_closed:
        attendance.statement_id = _attended(session, user, minutes, actor, now)
        db.session.flush()
    return attendance


def _find_attendance(session: CourseSession, user: User) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.user_id == user.id))


# --- the trainer's roster ----------------------------------------------------


def _ensure_recordable(session: CourseSession, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Für einen abgesagten Termin wird keine Anwesenheit "
                                      "erfasst."))
    if now < checkin.opens_at(session):
        raise ValidationFailedError(_("Die Anwesenheit kann erst ab 15 Minuten vor Beginn "
                                      "erfasst werden."))


def _check_minutes(session: CourseSession, user: User, minutes: int) -> None:
    if not 1 <= minutes <= session.duration_minutes:
        raise ValidationFailedError(
            _("Minuten für %(name)s: bitte eine Zahl von 1 bis %(max)d.", name=user.name,
              max=session.duration_minutes), field=f"minutes-{user.id}")


def save_roster(actor: User, session: CourseSession, marks: dict[int, int | None],
                now: datetime, was_present: set[int] | None = None) -> Roster:
    """Apply the ticks of the roster form.

    ``marks`` maps the user ids shown on the form to the minutes present, or ``None``
    when not ticked; people not in ``marks`` are left as they are. ``was_present`` are
    the ids that were ticked when the form was shown: an unticked person outside it is
    left alone too, so a QR check-in made while the trainer had the page open survives
    the save. Before the close, ticks and minutes only change the marks. After it (a
    correction), new ticks are credited at once, removed ticks delete the attendance and
    void its statement, changed minutes void the old statement and record a new one.

    :raises PermissionDeniedError: ``actor`` is not a trainer of the course.
    :raises ValidationFailedError: cancelled or not yet begun session, minutes out of range.
    """
    ensure_can_manage(actor, session.course)
    _ensure_recordable(session, now)
    roster = build_roster(session)
    rows = [row for row in roster.rows if row.user.id in marks]
    for row in rows:
        minutes = marks[row.user.id]
        if minutes is not None:
            _check_minutes(session, row.user, minutes)
    for row in rows:
        minutes = marks[row.user.id]
        record = row.attendance
        if minutes is None and record is not None:
            if was_present is not None and row.user.id not in was_present:
                continue  # checked in after the form was shown: not the trainer's untick
            _void(record, now)
            db.session.delete(record)
            row.attendance = None
        elif minutes is not None and record is None:
            row.attendance = _record(session, row.user, minutes, "roster", actor, now)
        elif minutes is not None and record.minutes != minutes:
            _void(record, now)
            record.minutes = minutes
            record.recorded_at = now
            record.recorded_by_id = actor.id
            record.statement_id = (_attended(session, row.user, minutes, actor, now)
                                   if session.is_roster_closed else None)
    db.session.flush()
    return build_roster(session)


def add_walk_in(actor: User, session: CourseSession, email: str, now: datetime,
                minutes: int | None = None) -> Attendance:
    """Record someone who came without registering, found by their account's e-mail.

    They are enrolled on the course (by the trainer) when they are not yet.

    :raises ValidationFailedError: no such account, already recorded, or not recordable.
    """
    ensure_can_manage(actor, session.course)
    _ensure_recordable(session, now)
    user = find_user_by_email(email.strip()) if email.strip() else None
    if user is None or not user.is_active_account:
        raise ValidationFailedError(
            _("Es gibt kein aktives Konto mit dieser E-Mail-Adresse. Die Person muss sich "
              "zuerst auf der Plattform registrieren."), field="email")
    if _find_attendance(session, user) is not None:
        raise ValidationFailedError(
            _("%(name)s ist für diesen Termin bereits als anwesend erfasst.", name=user.name),
            field="email")
    minutes = session.duration_minutes if minutes is None else minutes
    _check_minutes(session, user, minutes)
    return _record(session, user, minutes, "roster", actor, now)


# --- QR self check-in --------------------------------------------------------


def check_in(user: User, session: CourseSession, token: str, now: datetime
             ) -> tuple[Attendance, bool]:
    """Record ``user`` as present by the QR code the trainer shows.

    Someone not yet enrolled is enrolled by themselves, where the course allows it.
    Returns the attendance and whether it is new (a second scan changes nothing). The
    check-in is a mark: it is credited when the roster is closed.

    :raises ValidationFailedError: cancelled session, check-in not open (more than 15
        minutes before the start, after the end, or the roster closed), wrong or expired
        token, or a course without self-enrolment.
    """
    checkin.ensure_open(session, token, now)
    existing = _find_attendance(session, user)
    if existing is not None:
        return existing, False
    try:
        return _record(session, user, session.duration_minutes, "qr", user, now), True
    except PermissionDeniedError as error:
        raise ValidationFailedError(
            _("Sie sind für diesen Kurs nicht angemeldet, und selbst anmelden kann man sich "
              "für ihn nicht. Bitte wenden Sie sich an die Trainerin oder den Trainer.")
        ) from error


# --- closing the roster: from here on attendance counts ----------------------


def _ensure_closable(session: CourseSession, now: datetime) -> None:
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Für einen abgesagten Termin wird keine Anwesenheit "
                                      "erfasst."))
    if session.is_roster_closed:
        raise ValidationFailedError(_("Die Anwesenheitsliste ist bereits abgeschlossen."))
    if now < session.starts_at:
        raise ValidationFailedError(_("Die Anwesenheitsliste kann erst nach Beginn des "
                                      "Termins abgeschlossen werden."))


def _credit_all(session: CourseSession, actor: User | None, now: datetime) -> int:
    session.roster_closed_at = now
    session.roster_closed_by_id = actor.id if actor is not None else None
    credited = 0
    for record in db.session.scalars(
            select(Attendance).options(selectinload(Attendance.user))
            .where(Attendance.session_id == session.id, Attendance.statement_id.is_(None))
            .order_by(Attendance.id)):
        try:
            record.statement_id = _attended(session, record.user, record.minutes, actor, now)
        except (PermissionDeniedError, ValidationFailedError):
            # withdrawn since and may not re-enrol: the mark stays on the roster for the
            # trainer to see, without credit
            continue
        credited += 1
    db.session.flush()
    return credited


def close_roster(actor: User, session: CourseSession, now: datetime) -> int:
    """Close the roster: every marked person's attendance counts from now on.

    The trainer may close before the end (the session finished early); people who left
    early are marked with their minutes on the roster first. Returns how many
    attendances were credited.

    :raises PermissionDeniedError: ``actor`` is not a trainer of the course.
    :raises ValidationFailedError: cancelled, not yet begun, or already closed.
    """
    ensure_can_manage(actor, session.course)
    _ensure_closable(session, now)
    return _credit_all(session, actor, now)


def close_ended_sessions(now: datetime, course_id: int | None = None) -> list[CourseSession]:
    """Close the rosters of sessions that ended without the trainer closing them.

    Called lazily where rosters and courses are looked at, and from the CLI
    (``atlas sessions close-ended``, also part of ``atlas companies remind``), since a
    learner's credit must not wait for a trainer to remember the button.
    """
    query = (select(CourseSession)
             .where(CourseSession.ends_at <= now, CourseSession.cancelled_at.is_(None),
                    CourseSession.roster_closed_at.is_(None))
             .order_by(CourseSession.ends_at, CourseSession.id))
    if course_id is not None:
        query = query.where(CourseSession.course_id == course_id)
    sessions = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    for session in sessions:
        _credit_all(session, None, now)
    return sessions
