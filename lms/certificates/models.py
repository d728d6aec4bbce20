"""Issued certificates: the facts they state, signed, and their revocation."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.db import UTCDateTime
from lms.extensions import db


class Certificate(db.Model):
    """One learner's certificate for one course version; issued once, never edited.

    ``payload`` holds every fact the certificate states (the PDF and the verification
    page show exactly these); ``signature`` is Ed25519 over its canonical JSON.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_version_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True, nullable=False
    )
    learner_name: Mapped[str] = mapped_column(String(200), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    signature: Mapped[str] = mapped_column(String(120), nullable=False)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()
