"""What the job layer keeps in the database: dead letters, prepared downloads, schedule runs."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms.db import UTCDateTime
from lms.extensions import db


class DeadLetter(db.Model):
    """A job that failed on its last try: shown to admins, who retry or discard it."""

    __tablename__ = "job_dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_name: Mapped[str] = mapped_column(String(100), index=True, nullable=False)
    arguments: Mapped[dict] = mapped_column(JSON, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    error: Mapped[str] = mapped_column(Text, default="", nullable=False)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)

    @property
    def is_mail(self) -> bool:
        return self.job_name == "mail.send"


class PreparedFile(db.Model):
    """A download a job prepares (large export, funding pack), kept in the database.

    The database is the storage every app node shares, so a file prepared by a worker
    for a request on node A is served by node B. Only ``owner`` may download it, until
    ``expires_at``; the token in its link is random and not guessable.
    """

    __tablename__ = "prepared_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    #: pending, ready or failed
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    size: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)


class ScheduleRun(db.Model):
    """When a schedule last ran; claimed by a conditional update, so it runs once per interval."""

    __tablename__ = "job_schedule_runs"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
