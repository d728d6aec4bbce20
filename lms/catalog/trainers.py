"""Trainers' rights per course, granted and revoked by admins.

Like every service: takes the actor and the time, flushes, never commits. ``actor=None``
is the platform itself (command line, demo data).
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course, CourseTrainer
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db


def is_course_trainer(user: User | None, course: Course) -> bool:
    """Tell whether ``user`` holds trainer rights on ``course``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(CourseTrainer.id).where(
            CourseTrainer.course_id == course.id, CourseTrainer.user_id == user.id
        )
    ) is not None


def _ensure_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDeniedError(_("Nur die Administration darf das."))


def grant_course_trainer(actor: User | None, course: Course, user: User,
                         now: datetime) -> CourseTrainer:
    """Give ``user`` trainer rights on ``course`` (idempotent).

    :raises PermissionDeniedError: ``actor`` is not an admin.
    :raises ValidationFailedError: ``user`` lacks the trainer role or is deactivated.
    """
    _ensure_admin(actor)
    if not user.is_trainer or not user.is_active_account:
        raise ValidationFailedError(
            _("%(name)s hat keine aktive Rolle Trainer/in. Vergeben Sie die Rolle zuerst in der "
              "Benutzerverwaltung.", name=user.name), field="user_id")
    existing = db.session.scalar(select(CourseTrainer).where(
        CourseTrainer.course_id == course.id, CourseTrainer.user_id == user.id))
    if existing is not None:
        return existing
    grant = CourseTrainer(course=course, user=user, granted_at=now,
                          granted_by_id=actor.id if actor is not None else None)
    db.session.add(grant)
    db.session.flush()
    return grant


def revoke_course_trainer(actor: User | None, course: Course, user: User, now: datetime) -> None:
    """Take ``user``'s trainer rights on ``course`` away (nothing happens if none).

    :raises PermissionDeniedError: ``actor`` is not an admin.
    """
    _ensure_admin(actor)
    grant = db.session.scalar(select(CourseTrainer).where(
        CourseTrainer.course_id == course.id, CourseTrainer.user_id == user.id))
    if grant is not None:
        db.session.delete(grant)
        db.session.flush()


def trainer_courses(user: User) -> list[Course]:
    """Return the courses ``user`` holds trainer rights on, by slug."""
    return list(db.session.scalars(
        select(Course).join(CourseTrainer).where(CourseTrainer.user_id == user.id)
        .order_by(Course.slug)
    ))
