"""Qualifications, the evidence that counts for them, role profiles and their holders.

Rows with ``organisation_id`` NULL belong to the network (the starter catalogue and role
templates); a company's own rows carry its id. The status of a person's qualification is
never stored: ``lms.qualifications.status`` computes it from the evidence on a given day.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Organisation, User
from lms.db import UTCDateTime
from lms.extensions import db

EVIDENCE_KINDS = ("course", "module", "session", "external", "on_the_job")
HOLDER_SOURCES = ("manual", "csv", "sso")
#: kinds of evidence that count only once a named person confirmed them
AWAITING_KINDS = ("external", "on_the_job")
#: days before ``valid_until`` the renewal assignment is made, unless a company chose other
DEFAULT_LEAD_DAYS = 60


class Qualification(db.Model):
    """Something a person may be qualified for, with levels and how long it stays valid."""

    __tablename__ = "qualifications"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None: the network's catalogue, visible to every company
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    title_de: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    description_de: Mapped[str] = mapped_column(Text, default="", nullable=False)
    description_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: names of the levels, lowest first; level numbers are 1..len(levels)
    levels: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: None: never expires
    validity_months: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    organisation: Mapped[Organisation | None] = relationship()
    rules: Mapped[list["EvidenceRule"]] = relationship(
        back_populates="qualification", cascade="all, delete-orphan",
        order_by="EvidenceRule.id",
    )

    def title(self, language: str = "de") -> str:
        return (self.title_en if language == "en" and self.title_en else self.title_de)

    def level_name(self, level: int) -> str:
        names = self.levels or []
        return names[level - 1] if 0 < level <= len(names) else str(level)


class EvidenceRule(db.Model):
    """One kind of evidence that proves a qualification at a level.

    ``course`` and ``module`` rules name the ATLAS course (and module) whose certificate or
    completed lessons count; ``session`` rules a course whose attended sessions count;
    ``external`` and ``on_the_job`` need a person's confirmation.
    """

    __tablename__ = "qualification_evidence_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), index=True, nullable=False
    )
    level: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    course_slug: Mapped[str | None] = mapped_column(String(64))
    module_id: Mapped[str | None] = mapped_column(String(120))

    qualification: Mapped[Qualification] = relationship(back_populates="rules")


class JobRole(db.Model):
    """A role profile (e.g. Instandhaltung Elektrik) and the qualifications it needs."""

    __tablename__ = "job_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None: a network template companies copy from
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: department name (from the SSO claim or the membership) whose people hold the role
    sso_department: Mapped[str] = mapped_column(String(200), default="", nullable=False)

    requirements: Mapped[list["RoleRequirement"]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RoleRequirement.id"
    )


class RoleRequirement(db.Model):
    __tablename__ = "job_role_requirements"
    __table_args__ = (UniqueConstraint("role_id", "qualification_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), index=True, nullable=False
    )
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), index=True, nullable=False
    )
    level: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    role: Mapped[JobRole] = relationship(back_populates="requirements")
    qualification: Mapped[Qualification] = relationship()


class RoleHolder(db.Model):
    """A person holds a role: set by hand, by CSV or from their (SSO) department."""

    __tablename__ = "job_role_holders"
    __table_args__ = (UniqueConstraint("role_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    source: Mapped[str] = mapped_column(String(10), default="manual", nullable=False)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    role: Mapped[JobRole] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])


class Evidence(db.Model):
    """One proof that a person holds a qualification at a level, from ``issued_on``.

    Certificates, module completions and attended sessions are derived automatically
    (``source_key`` names the record, so deriving twice adds nothing); external
    certificates count only once ``confirmed_at`` is set by a named person; on-the-job
    confirmations are made by a manager and are confirmed at once. Revoked rows stay as
    the record.
    """

    __tablename__ = "qualification_evidence"
    __table_args__ = (
        UniqueConstraint("user_id", "qualification_id", "level", "source_key"),
        Index("ix_qualification_evidence_qualification_id_user_id", "qualification_id",
              "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), nullable=False
    )
    level: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="SET NULL")
    )
    course_slug: Mapped[str | None] = mapped_column(String(64))
    module_id: Mapped[str | None] = mapped_column(String(120))
    #: what a derived row was made from (``certificate:12``); None for entered evidence
    source_key: Mapped[str | None] = mapped_column(String(160))
    issued_on: Mapped[date] = mapped_column(Date(), nullable=False)
    #: last calendar day the evidence counts; None: no expiry
    valid_until: Mapped[date | None] = mapped_column(Date())
    #: external certificate: the stored upload's token, its display name and media type
    file: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(60))
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    qualification: Mapped[Qualification] = relationship()
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def counts(self) -> bool:
        """Whether the evidence proves anything: not revoked, confirmed where needed."""
        return evidence_counts(self.kind, self.confirmed_at, self.revoked_at)


def evidence_counts(kind: str, confirmed_at: datetime | None, revoked_at: datetime | None
                    ) -> bool:
    """``Evidence.counts`` from plain column values (the matrix reads columns, not rows)."""
    if revoked_at is not None:
        return False
    # on-the-job confirmations entered through the API await a person, like uploads
    return kind not in AWAITING_KINDS or confirmed_at is not None


def counting_evidence_condition():
    """``Evidence.counts`` as an SQL condition, so only evidence that counts is read."""
    return and_(Evidence.revoked_at.is_(None),
                or_(Evidence.kind.not_in(AWAITING_KINDS), Evidence.confirmed_at.is_not(None)))


class LearningPath(db.Model):
    """An ordered set of courses and modules that leads to a role."""

    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), index=True, nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)

    role: Mapped[JobRole] = relationship()
    steps: Mapped[list["LearningPathStep"]] = relationship(
        back_populates="path", cascade="all, delete-orphan",
        order_by="LearningPathStep.position",
    )


class LearningPathStep(db.Model):
    __tablename__ = "learning_path_steps"
    __table_args__ = (UniqueConstraint("path_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path_id: Mapped[int] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    course_slug: Mapped[str] = mapped_column(String(64), nullable=False)
    module_id: Mapped[str | None] = mapped_column(String(120))

    path: Mapped[LearningPath] = relationship(back_populates="steps")


class QualificationSettings(db.Model):
    """A company's choices for qualification planning: the renewal lead time."""

    __tablename__ = "qualification_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    renewal_lead_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_LEAD_DAYS, nullable=False
    )


class Renewal(db.Model):
    """A renewal assignment already made for one expiry, so the daily job makes it once."""

    __tablename__ = "qualification_renewals"
    __table_args__ = (UniqueConstraint("user_id", "qualification_id", "valid_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), nullable=False
    )
    valid_until: Mapped[date] = mapped_column(Date(), nullable=False)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
