"""Enrolments, quiz attempts and the progress projection built from the LRS's statements."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.db import UTCDateTime
from lms.extensions import db

ENROLMENT_STATUSES = ("active", "withdrawn")
ENROLMENT_SOURCES = ("self", "assigned")


class Enrolment(db.Model):
    """A learner's place on a course: who put them there, until when, and where they are.

    ``registration`` is the xAPI context registration (a UUID) that ties every statement
    of this enrolment together. Withdrawal keeps the row (status ``withdrawn``, with the
    date: funding bodies ask for dropouts); enrolling again reactivates it.
    ``course_version_id`` is the version the learner is on: a newer published version moves
    them on at their next visit when its policy says so (lms/learning/version_move.py),
    never once the course is completed.
    """

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      # the trainers' participants list reads a course's enrolments
                      Index("ix_enrolments_course_id_status", "course_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="RESTRICT"), nullable=False
    )
    registration: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="active", nullable=False)
    source: Mapped[str] = mapped_column(String(12), default="self", nullable=False)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the Berlin calendar day by which to complete (a date, not an instant)
    due_on: Mapped[date | None] = mapped_column(Date())
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: resume point: the last lesson opened and how far down it was scrolled (0…1)
    last_lesson_id: Mapped[str | None] = mapped_column(String(120))
    last_position: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class QuizAttempt(db.Model):
    """One submitted attempt at a quiz or the final assessment, graded on the server.

    Attempts are counted against the lesson's limit; ``responses`` keeps what was
    submitted (the learner may see it, their employer only with consent).
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False
    )
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="RESTRICT"), nullable=False
    )
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    language: Mapped[str] = mapped_column(String(5), default="de", nullable=False)
    responses: Mapped[dict] = mapped_column(JSON, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    max_score: Mapped[float] = mapped_column(Float, nullable=False)
    percent: Mapped[float] = mapped_column(Float, nullable=False)
    is_passed: Mapped[bool] = mapped_column(default=False, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    statement_id: Mapped[str | None] = mapped_column(String(36))
    #: the enrolment cycle (xAPI registration) the attempt belongs to; limits count per cycle
    registration: Mapped[str | None] = mapped_column(String(36))
    #: open questions wait for a trainer's grade: no verdict (passed/failed) until then
    is_pending: Mapped[bool] = mapped_column(default=False, server_default=false(), nullable=False)
    #: the questions this attempt showed when the lesson draws from a pool (``draw: N``)
    question_ids: Mapped[list | None] = mapped_column(JSON)


class QuizAttemptGrant(db.Model):
    """Extra attempts a trainer gave one learner at one quiz, with the reason (a record).

    Counted per enrolment cycle (``registration``), like the attempts themselves.
    """

    __tablename__ = "quiz_attempt_grants"
    __table_args__ = (Index("ix_quiz_attempt_grants_user_id_course_id_lesson_id",
                            "user_id", "course_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False
    )
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    registration: Mapped[str] = mapped_column(String(36), nullable=False)
    extra_attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class LessonProgress(db.Model):
    """Projection: one learner's state in one lesson, folded from stored statements.

    ``status`` is ``started`` (launched), ``done`` (experienced/completed), ``passed`` or
    ``failed`` (graded kinds; ``passed`` never goes back to ``failed``). Rebuilt from the
    LRS by ``atlas progress rebuild``; never the source of truth.
    """

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="started", nullable=False)
    best_percent: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CourseProgress(db.Model):
    """Projection: one learner's progress in one course, with the hours funding counts.

    ``self_paced_minutes`` sums the estimated minutes of lessons done;
    ``synchronous_minutes`` the minutes of sessions attended. ``completed_at`` is set
    once, when the course's completion rule is first met, and fires the hook.
    """

    __tablename__ = "course_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      # the participants list: a course's learners by last activity
                      Index("ix_course_progress_course_id_last_activity_at",
                            "course_id", "last_activity_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    lessons_done: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    lessons_total: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    quizzes_passed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    quizzes_total: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    is_assessment_passed: Mapped[bool] = mapped_column(default=False, nullable=False)
    sessions_attended: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sessions_required: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    percent: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    self_paced_minutes: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    synchronous_minutes: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: session activity ids attended, so a second "attended" for one session counts once
    attended_sessions: Mapped[list] = mapped_column(JSON, default=list, nullable=False)


class VersionMove(db.Model):
    """One move of an enrolment to a newer course version, and what it did to the progress.

    ``reopened`` lists the lessons whose content changed and whose progress was reset;
    ``carried`` the lessons that stayed done. The row tells the learner what changed, and
    lets a rebuild of the projection leave out statements on a lesson made before it was
    reopened (``reopened_lessons``).
    """

    __tablename__ = "version_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True, nullable=False
    )
    registration: Mapped[str] = mapped_column(String(36), nullable=False)
    from_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), nullable=False
    )
    to_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), nullable=False
    )
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    carried: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    reopened: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    added: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    removed: Mapped[list] = mapped_column(JSON, default=list, nullable=False)

    enrolment: Mapped[Enrolment] = relationship()
    from_version: Mapped[CourseVersion] = relationship(foreign_keys=[from_version_id])
    to_version: Mapped[CourseVersion] = relationship(foreign_keys=[to_version_id])
