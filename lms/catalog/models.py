"""Courses, their immutable versions (authoring packages), media blobs and course trainers."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.accounts.models import User
from lms.db import TimestampMixin, UTCDateTime
from lms.extensions import db


class Course(TimestampMixin, db.Model):
    """A course as the catalogue lists it; its content lives in its versions.

    ``subject`` and ``level`` are copied from the current published version so the
    catalogue can filter without reading any package.
    """

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    subject: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    level: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    # use_alter: courses and course_versions point at each other; the constraint is
    # added after both tables exist (and keeps the metadata sortable).
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL", use_alter=True)
    )

    published_version: Mapped["CourseVersion | None"] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )
    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course", foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.imported_at.desc(), CourseVersion.id.desc()",
    )
    trainers: Mapped[list["CourseTrainer"]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )


class CourseVersion(db.Model):
    """One imported package of a course; never changed once imported, except publishing.

    ``package`` holds the package JSON and is deferred: listings use the denormalised
    columns and never load it.
    """

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version: Mapped[str] = mapped_column(String(40), nullable=False)
    digest: Mapped[str] = mapped_column(String(71), nullable=False)
    package: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    title_de: Mapped[str] = mapped_column(String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    description_de: Mapped[str] = mapped_column(Text, default="", nullable=False)
    description_en: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: casefolded titles, descriptions, objectives and module titles, for portable search
    search_text: Mapped[str] = deferred(mapped_column(Text, default="", nullable=False))
    subject: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    level: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    duration_hours: Mapped[float | None] = mapped_column(Float)
    #: lesson languages as ",de,en," so that LIKE '%,en,%' matches exactly one code
    languages: Mapped[str] = mapped_column(String(60), default=",de,", nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what publishing does to enrolled learners: ``move`` (they move on at their next
    #: visit), ``stay`` (only new enrolments get it) or None: by the version number, a
    #: patch or minor version moves them, a major one does not (lms/learning/version_move.py)
    learner_policy: Mapped[str | None] = mapped_column(String(12))

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    imported_by: Mapped[User | None] = relationship()

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def short_digest(self) -> str:
        return self.digest.removeprefix("sha256:")[:12]

    def title(self, language: str) -> str:
        return (self.title_en if language == "en" else "") or self.title_de

    def description(self, language: str) -> str:
        return (self.description_en if language == "en" else "") or self.description_de


class CourseMedia(db.Model):
    """A media file of any course version, stored once by content hash.

    Kept in the database so that several workers (and PostgreSQL deployments) need
    no shared disk.
    """

    __tablename__ = "course_media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(120), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class CourseTrainer(db.Model):
    """A trainer's rights on one course (sessions, attendance, new versions)."""

    __tablename__ = "course_trainers"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="trainers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
