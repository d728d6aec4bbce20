"""A course's draft: its source folder as rows (one per file) and the draft's status."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.db import UTCDateTime
from lms.extensions import db


class CourseSourceFile(db.Model):
    """One file of a course's draft source folder (``course.yml``, lessons, media).

    ``path`` is course-relative with forward slashes; ``content`` is deferred so the
    file tree and the change check never load the bytes.
    """

    __tablename__ = "course_source_files"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    path: Mapped[str] = mapped_column(String(300), nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class CourseDraft(db.Model):
    """The status of a course's draft: when it changed, was checked and was published."""

    __tablename__ = "course_drafts"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    #: the version the draft was taken from or last published as
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the result of the last check of the whole draft (None: not checked since the change)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    warning_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship()
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])

    @property
    def is_changed(self) -> bool:
        """True when the draft changed after it was last published (or taken from a version)."""
        return self.published_at is None or self.changed_at > self.published_at
