"""Issued certificates: the facts they state, signed, their revocation and their successors."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.db import UTCDateTime
from lms.extensions import db


class Certificate(db.Model):
    """One learner's certificate for one completion of a course; issued once, never edited.

    ``payload`` holds every fact the certificate states (the PDF and the verification
    page show exactly these); ``signature`` is Ed25519 over its canonical JSON.

    One completion (``user``, ``course``, ``completed_at``) yields revision 0; a name
    change re-issues it as revision 1, 2, … with a new number, and the old row points at
    its successor through ``superseded_by_id``. The unique key makes issuing idempotent
    even when two workers handle the same completion event at once.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "completed_at", "revision"),)

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
    revision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    learner_name: Mapped[str] = mapped_column(String(200), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoke_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the responsible trainer named on the certificate, whose signature image it shows
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    signature: Mapped[str] = mapped_column(String(120), nullable=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()
    superseded_by: Mapped["Certificate | None"] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id]
    )


class TrainerSignature(db.Model):
    """A trainer's handwritten signature (PNG), printed on the certificates of their courses."""

    __tablename__ = "trainer_signatures"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    media_type: Mapped[str] = mapped_column(String(40), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    user: Mapped[User] = relationship()


class CertificateDocument(db.Model):
    """A certificate's PDF, rendered ahead by the job ``certificates.render``.

    A cache, kept in the database so every node serves it; without it the PDF is rendered
    on request. Deleted when the responsible trainer's signature image changes.
    """

    __tablename__ = "certificate_documents"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
