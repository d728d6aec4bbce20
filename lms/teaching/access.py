"""Who may use the cockpit for which course: the course's trainers, and admins for all."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course, CourseTrainer
from lms.catalog.trainers import is_course_trainer
from lms.errors import NotFoundError
from lms.extensions import db


def may_teach(user: User) -> bool:
    """Whether ``user`` has a cockpit at all (the trainer role, or an admin)."""
    return bool(user.is_authenticated and (user.is_trainer or user.is_admin))


def taught_courses(user: User) -> list[Course]:
    """The courses ``user`` trains (every course for an admin), by slug."""
    query = select(Course).order_by(Course.slug)
    if not user.is_admin:
        query = query.join(CourseTrainer).where(CourseTrainer.user_id == user.id)
    return list(db.session.scalars(query))


def trained_course(user: User, slug: str) -> Course:
    """The course ``slug`` when ``user`` trains it or is an admin.

    :raises NotFoundError: no such course, or ``user`` does not train it (404 either way,
        so a trainer of another course learns nothing about it).
    """
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or not (user.is_admin or is_course_trainer(user, course)):
        raise NotFoundError(_("Diesen Kurs betreuen Sie nicht."))
    return course
