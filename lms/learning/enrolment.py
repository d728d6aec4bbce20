"""Enrolment rules: who may put whom on a course, withdrawal, and a new cycle after completion.

Services in the usual form: they take the acting user and the time, write the xAPI
statement of the event in the same unit of work, flush and never commit.
``Enrolment.enrolled_at`` is the start of the current cycle (first enrolment, re-enrolment
after a withdrawal, or a retake): statements without a registration count from then on.
"""

import uuid
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.catalog.trainers import is_course_trainer
from lms.catalog.version_content import content_for
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning import statements
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.local_time import local_day
from lms.lrs.embedded import record_statement
from lms.plugins import hooks


def active_course_ids(user: User) -> set[int]:
    """Ids of the courses ``user`` is actively enrolled on (one query)."""
    return set(db.session.scalars(select(Enrolment.course_id).where(
        Enrolment.user_id == user.id, Enrolment.status == "active")))


def active_enrolment(user: User, course: Course) -> Enrolment | None:
    """Return ``user``'s active enrolment on ``course``, or None."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id,
        Enrolment.status == "active"))


def find_enrolment(user: User, course: Course) -> Enrolment | None:
    """Return ``user``'s enrolment on ``course`` whatever its status, or None."""
    return db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def _published_version(course: Course) -> CourseVersion:
    if course.published_version_id is None or course.published_version is None:
        raise NotFoundError(_("Für diesen Kurs ist keine Version veröffentlicht."))
    return course.published_version


def is_manager_of(actor: User, learner: User) -> bool:
    """Tell whether ``actor`` manages the company ``learner`` works for."""
    return bool(actor.is_company_manager and learner.membership is not None
                and actor.membership.organisation_id == learner.membership.organisation_id)


def may_self_enrol(course: Course) -> bool:
    """Tell whether the course's published version lets learners enrol themselves."""
    if course.published_version is None:
        return False
    return bool(content_for(course.published_version).course.self_enrolment)


def _fire_changed(enrolment: Enrolment, now: datetime) -> None:
    hooks().lms_enrolment_changed(
        enrolment=enrolment, now=now)


def _record_course_statement(enrolment: Enrolment, verb: str, now: datetime) -> str:
    version = enrolment.course_version
    model = content_for(version).course
    return record_statement(statements.course_statement(
        enrolment.user, verb, model, version.version, enrolment.registration, now), now)


def _reset_progress(learner: User, course: Course) -> None:
    """Delete the learner's projection rows for the course: a new cycle starts from zero."""
    db.session.execute(delete(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.course_id == course.id))
    db.session.execute(delete(CourseProgress).where(
        CourseProgress.user_id == learner.id, CourseProgress.course_id == course.id))


def enrol(learner: User, course: Course, actor: User, now: datetime,
          due_on: date | None = None) -> Enrolment:
    """Put ``learner`` on ``course`` (self-enrolment, assignment, or by admin or trainer).

    Idempotent: an active enrolment is returned as it is, except that a company manager
    assigning an already enrolled learner turns it into an assignment with ``due_on``
    (a Berlin calendar day; today is still in time).
    A withdrawn enrolment starts a new cycle (new registration, progress reset).

    :raises NotFoundError: the course has no published version.
    :raises PermissionDeniedError: ``actor`` may not enrol ``learner`` on this course.
    """
    version = _published_version(course)
    is_manager = actor.id != learner.id and is_manager_of(actor, learner)
    if actor.id == learner.id:
        if not (may_self_enrol(course) or actor.is_admin):
            raise PermissionDeniedError(
                _("Für diesen Kurs kann Sie nur Ihr Unternehmen anmelden."))
    elif not (actor.is_admin or is_manager or is_course_trainer(actor, course)):
        raise PermissionDeniedError(_("Sie dürfen diese Person nicht für den Kurs anmelden."))
    if due_on is not None and due_on < local_day(now):
        raise ValidationFailedError(_("Das Fälligkeitsdatum darf nicht in der Vergangenheit "
                                      "liegen."), field="due_at")
    return _enrol_checked(learner, course, actor, version, now, due_on, is_manager)


def enrol_from_platform(learner: User, course: Course, now: datetime) -> Enrolment:
    """Put ``learner`` on ``course`` because a registered LTI platform launched them into it.

    The admin who registered the platform vouches for its links, so the course's
    self-enrolment setting does not apply; otherwise as a self-enrolment (idempotent).

    :raises NotFoundError: the course has no published version.
    """
    version = _published_version(course)
    return _enrol_checked(learner, course, learner, version, now, None, False)


def _enrol_checked(learner: User, course: Course, actor: User, version: CourseVersion,
                   now: datetime, due_on: date | None, is_manager: bool) -> Enrolment:
    enrolment = find_enrolment(learner, course)
    if enrolment is not None and enrolment.is_active:
        if is_manager:
            enrolment.source = "assigned"
            enrolment.assigned_by = actor
            enrolment.due_on = due_on
            db.session.flush()
            _fire_changed(enrolment, now)
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(user=learner, course=course)
        db.session.add(enrolment)
    else:
        _reset_progress(learner, course)
        enrolment.withdrawn_at = None
        enrolment.last_lesson_id = None
        enrolment.last_position = 0.0
        enrolment.last_visited_at = None
    enrolment.course_version = version
    enrolment.registration = str(uuid.uuid4())
    enrolment.status = "active"
    enrolment.enrolled_at = now
    enrolment.source = "assigned" if is_manager else "self"
    enrolment.assigned_by = actor if is_manager else None
    enrolment.due_on = due_on if is_manager or actor.is_admin else None
    db.session.flush()
    _record_course_statement(enrolment, "registered", now)
    _fire_changed(enrolment, now)
    return enrolment


def withdraw(learner: User, course: Course, actor: User, now: datetime) -> Enrolment:
    """Take ``learner`` off ``course``, keeping the row with the date (a documented dropout).

    :raises PermissionDeniedError: ``actor`` is neither the learner nor an admin.
    :raises NotFoundError: the learner is not enrolled.
    """
    if actor.id != learner.id and not actor.is_admin:
        raise PermissionDeniedError(_("Nur die Person selbst kann sich vom Kurs abmelden."))
    enrolment = active_enrolment(learner, course)
    if enrolment is None:
        raise NotFoundError(_("Sie sind für diesen Kurs nicht angemeldet."))
    enrolment.status = "withdrawn"
    enrolment.withdrawn_at = now
    db.session.flush()
    _record_course_statement(enrolment, "unregistered", now)
    _fire_changed(enrolment, now)
    return enrolment


def retake_course(learner: User, course: Course, actor: User, now: datetime) -> Enrolment:
    """Start a new cycle of a completed course (refresher, recertification).

    The learner moves to the current published version with a new registration; the
    progress of the course starts again from zero (the earlier cycle's statements stay
    in the LRS, and its certificate stays valid).

    :raises PermissionDeniedError: ``actor`` is neither the learner nor an admin.
    :raises ValidationFailedError: the course was never completed.
    """
    if actor.id != learner.id and not actor.is_admin:
        raise PermissionDeniedError(_("Nur die Person selbst kann den Kurs wiederholen."))
    version = _published_version(course)
    enrolment = find_enrolment(learner, course)
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == learner.id, CourseProgress.course_id == course.id))
    if enrolment is None or progress is None or progress.completed_at is None:
        raise ValidationFailedError(
            _("Sie können einen Kurs erst wiederholen, wenn Sie ihn abgeschlossen haben."))
    _reset_progress(learner, course)
    enrolment.course_version = version
    enrolment.registration = str(uuid.uuid4())
    enrolment.status = "active"
    enrolment.withdrawn_at = None
    enrolment.enrolled_at = now
    enrolment.last_lesson_id = None
    enrolment.last_position = 0.0
    enrolment.last_visited_at = None
    db.session.flush()
    _record_course_statement(enrolment, "registered", now)
    _fire_changed(enrolment, now)
    return enrolment
