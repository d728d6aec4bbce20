"""Tables of the cockpit's overrides and announcements."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.db import UTCDateTime
from lms.extensions import db


class CompletionOverride(db.Model):
    """A trainer marked a lesson, module or course of one learner complete, with a reason.

    The record of what the LRS holds: ``statement_id`` is the ``waived`` statement stored
    with the trainer as authority (the projection credits it); undoing it stores a voiding
    statement (``void_statement_id``) and the projection folds the learner back.
    """

    __tablename__ = "completion_overrides"
    __table_args__ = (Index("ix_completion_overrides_course_id_user_id", "course_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    registration: Mapped[str] = mapped_column(String(36), nullable=False)
    #: "course", "module" or "lesson"
    scope: Mapped[str] = mapped_column(String(10), nullable=False)
    #: the module or lesson id; empty for the whole course
    target_id: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    target_title: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    statement_id: Mapped[str] = mapped_column(String(36), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    void_statement_id: Mapped[str | None] = mapped_column(String(36))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class Announcement(db.Model):
    """A trainer's message to every participant of a course, or of one session of it.

    ``body_html`` is the Markdown rendered and sanitised once, when written.
    """

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_course_id_created_at", "course_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    course: Mapped[Course] = relationship()


class AnnouncementRecipient(db.Model):
    """Who an announcement went to: the learner's dashboard keeps it from this row."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (Index("ix_announcement_recipients_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    is_mailed: Mapped[bool] = mapped_column(default=False, nullable=False)

    announcement: Mapped[Announcement] = relationship()


class AnnouncementMailChoice(db.Model):
    """A learner turned announcement e-mails off (no row: e-mails on)."""

    __tablename__ = "announcement_mail_choices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    is_mail_off: Mapped[bool] = mapped_column(default=True, nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
