"""One row per question of a submitted attempt: its result, and for open questions the
learner's text, file and the trainer's grade.

The rows serve the item analysis (per-question figures in SQL instead of regrading every
attempt's JSON) and the grading queue (open answers waiting, oldest first). Files are
stored under the instance folder by a random token (``lms.learning.answer_files``), never
in the database.
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import UTCDateTime
from lms.extensions import db
from lms.learning.models import QuizAttempt

#: longest ``response`` kept per answer (the option ids, or the start of a typed text)
MAX_RESPONSE = 1000


class QuizAnswer(db.Model):
    """The answer to one question in one attempt, as graded (or waiting to be)."""

    __tablename__ = "quiz_answers"
    __table_args__ = (
        # the item analysis reads a lesson's answers grouped by question
        Index("ix_quiz_answers_course_id_lesson_id_question_id",
              "course_id", "lesson_id", "question_id"),
        Index("ix_quiz_answers_is_pending_course_id_submitted_at",
              "is_pending", "course_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    question_id: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    max_score: Mapped[float] = mapped_column(Float, nullable=False)
    is_correct: Mapped[bool] = mapped_column(nullable=False)
    #: the response as xAPI ``result.response`` writes it (option ids with ``[,]``)
    response: Mapped[str] = mapped_column(String(MAX_RESPONSE), default="", nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # --- open questions ------------------------------------------------------------
    is_pending: Mapped[bool] = mapped_column(default=False, nullable=False)
    text: Mapped[str | None] = mapped_column(Text)
    file_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(60))
    file_size: Mapped[int | None] = mapped_column(Integer)
    #: the trainer's written feedback, plain text (shown escaped)
    feedback: Mapped[str | None] = mapped_column(Text)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: when the learner opened the graded attempt (the dashboard notice disappears)
    feedback_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt: Mapped[QuizAttempt] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])
