"""Company portal records: assignments, consent history, the access log and sent reminders."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Department, Organisation, User
from lms.catalog.models import Course
from lms.db import UTCDateTime
from lms.extensions import db


class Assignment(db.Model):
    """A course a company assigned to one person or to a whole department, with a due date.

    A department assignment is a standing rule: people who join the department later are
    enrolled too (``lms.companies.assignments.sync_assignments``).
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: the Berlin calendar day by which to complete (a date, not an instant)
    due_on: Mapped[date | None] = mapped_column(Date())
    #: mail learners 7 days before the due date and once when overdue
    has_reminders: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    organisation: Mapped[Organisation] = relationship()
    course: Mapped[Course] = relationship()
    department: Mapped[Department | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Consent(db.Model):
    """One decision of an employee about sharing more with their employer.

    Rows are never updated: the newest row for (user, scope) is the current state, the
    others are the history. ``text`` is the exact wording the employee saw.
    """

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user_id_scope", "user_id", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    scope: Mapped[str] = mapped_column(String(40), default="scores", nullable=False)
    is_granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(5), default="de", nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    organisation: Mapped[Organisation | None] = relationship()


class AccessLogEntry(db.Model):
    """Someone of a company looked at or exported employee data.

    The actor's name and role are copied, so the entry stays readable after the
    actor left the company.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_organisation_id_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the company whose people were seen; None for a trainer's look at a learner's results
    #: (the learner's own log only, see ``lms.teaching.access_log``)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(20), nullable=False)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class SentReminder(db.Model):
    """A reminder or digest already mailed, so ``atlas companies remind`` never repeats one.

    ``key`` says what it was about: ``<course id>:<due date>`` for learner reminders, the
    ISO week for a manager's digest.
    """

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class PrivacySetting(db.Model):
    """A company's choice of visibility profile: the platform default or a stricter one.

    Absent row: the default profile. With ``ATLAS_VISIBILITY_LOCKED`` companies cannot
    change it.
    """

    __tablename__ = "privacy_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    profile: Mapped[str] = mapped_column(String(20), default="standard", nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ProfileChange(db.Model):
    """A company manager's request to switch the visibility profile.

    What an employer may see of its employees is subject to co-determination: where the
    organisation has a works council the change waits here (``pending``) until the works
    council approves or rejects it; without one it is ``applied`` at once. Rows are kept
    as the record of who asked and who decided.
    """

    __tablename__ = "profile_changes"
    __table_args__ = (Index("ix_profile_changes_organisation_id_status", "organisation_id",
                            "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    )
    from_profile: Mapped[str] = mapped_column(String(20), nullable=False)
    to_profile: Mapped[str] = mapped_column(String(20), nullable=False)
    #: pending, approved, rejected, withdrawn, applied (no works council to ask)
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_by_name: Mapped[str] = mapped_column(String(200), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="", nullable=False)
