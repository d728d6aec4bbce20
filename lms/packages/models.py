"""The LRS credential of each package of a course, and grants that wait for an admin."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import UTCDateTime
from lms.extensions import db
from lms.lrs.models import LrsClient


class PackageClient(db.Model):
    """Which LRS client speaks for package ``packages/<package_name>/`` of a course.

    A package is an outside authority: what its runtime reports is stored under this
    client's authority, and counts only where an admin granted it (``lms.lrs.crediting``).
    One per course and package name, kept across versions.
    """

    __tablename__ = "package_clients"
    __table_args__ = (UniqueConstraint("course_slug", "package_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(64), nullable=False)
    package_name: Mapped[str] = mapped_column(String(100), nullable=False)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("lrs_clients.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    client: Mapped[LrsClient] = relationship()


class PackageGrantRequest(db.Model):
    """A trainer published a package lesson: its client asks to credit the lesson's
    activities and waits for an admin on /admin/lrs. Settled when the grant exists."""

    __tablename__ = "package_grant_requests"
    __table_args__ = (UniqueConstraint("client_id", "activity_prefix"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("lrs_clients.id", ondelete="CASCADE"), nullable=False, index=True)
    activity_prefix: Mapped[str] = mapped_column(String(500), nullable=False)
    course_slug: Mapped[str] = mapped_column(String(64), nullable=False)
    lesson_id: Mapped[str] = mapped_column(String(100), nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    client: Mapped[LrsClient] = relationship()
    requested_by: Mapped[User | None] = relationship()
