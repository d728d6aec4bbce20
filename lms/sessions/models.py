"""Dated blended-learning sessions of a course, registrations and attendance."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.db import TimestampMixin, UTCDateTime
from lms.extensions import db

REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled")
ATTENDANCE_METHODS = ("roster", "qr")


class CourseSession(TimestampMixin, db.Model):
    """One dated meeting of a course, in a room or online, led by a trainer.

    ``lesson_id`` links it to the course's session lesson (what it covers);
    ``checkin_secret`` signs the QR check-in codes and is replaced when the trainer asks.
    """

    __tablename__ = "course_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    lesson_id: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    location: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    video_url: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checkin_secret: Mapped[str] = mapped_column(String(64), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: attendance counts from here on: the trainer closed the roster, or the session
    #: ended (closed by the platform, ``roster_closed_by_id`` empty)
    roster_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    roster_closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    trainer: Mapped[User | None] = relationship(foreign_keys=[trainer_id])
    roster_closed_by: Mapped[User | None] = relationship(foreign_keys=[roster_closed_by_id])
    registrations: Mapped[list["SessionRegistration"]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="SessionRegistration.registered_at",
    )
    attendances: Mapped[list["Attendance"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_roster_closed(self) -> bool:
        return self.roster_closed_at is not None


class SessionRegistration(db.Model):
    """A learner's seat (or waiting-list place) in a session; cancelling keeps the row."""

    __tablename__ = "session_registrations"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    status: Mapped[str] = mapped_column(String(12), default="registered", nullable=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[CourseSession] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()


class Attendance(db.Model):
    """That a person was at a session: from the trainer's roster or a QR check-in.

    Also for people who came without registering. ``minutes`` is what counts as
    synchronous learning time (the session's length unless the trainer says less).
    Until the roster is closed the row is only a mark: ``statement_id`` stays empty and
    nothing is credited, so a check-in at the start cannot complete a course.
    """

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    method: Mapped[str] = mapped_column(String(12), default="roster", nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    statement_id: Mapped[str | None] = mapped_column(String(36))

    session: Mapped[CourseSession] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
