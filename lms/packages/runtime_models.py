"""The SCORM runtime's server-side CMI store: one row per learner, SCO and attempt."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime
from lms.extensions import db


class ScormAttempt(db.Model):
    """One attempt of a learner at one SCO (item) of a package lesson.

    ``cmi`` is the whole CMI object as last committed; the columns next to it are what the
    platform reads without parsing it (status, score, resume point, time). ``stated`` keeps
    which xAPI statements this attempt has produced (``initialized``, ``completed``, the
    last ``passed``/``failed``, the page sessions already terminated), so a replayed commit
    adds none. A completed or passed attempt is closed: starting the SCO again opens the
    next ``number``; any other attempt is resumed.
    """

    __tablename__ = "scorm_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "lesson_id", "item_id", "number"),
        Index("ix_scorm_attempts_user_id_course_id_lesson_id", "user_id", "course_id",
              "lesson_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True, nullable=False)
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), nullable=False)
    #: the enrolment cycle (xAPI registration) the attempt belongs to
    registration: Mapped[str] = mapped_column(String(36), nullable=False)
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    #: the SCORM item identifier of the SCO
    item_id: Mapped[str] = mapped_column(String(255), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: "scorm12" or "scorm2004"
    standard: Mapped[str] = mapped_column(String(10), nullable=False)
    #: random, names the attempt's statements (deterministic ids, so replays are harmless)
    key: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    cmi: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    completion_status: Mapped[str] = mapped_column(String(20), default="not attempted",
                                                   nullable=False)
    success_status: Mapped[str] = mapped_column(String(10), default="unknown", nullable=False)
    score_scaled: Mapped[float | None] = mapped_column(Float)
    score_raw: Mapped[float | None] = mapped_column(Float)
    score_min: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    location: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    suspend_data: Mapped[str] = mapped_column(Text, default="", nullable=False)
    exit: Mapped[str] = mapped_column(String(20), default="", nullable=False)
    #: the learner's time in the SCO over every finished session of this attempt
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    stated: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: when the attempt was first completed (and passed where a mastery score exists)
    satisfied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_closed(self) -> bool:
        """A satisfied attempt is not resumed; the next start opens a new attempt."""
        return self.satisfied_at is not None
