"""cmi5 launch sessions and the per-registration state of each AU.

The cmi5 registration is the learner's enrolment registration: one UUID per learner and
course cycle, kept across launches and the same one every native statement of that cycle
carries, so the progress projection counts the AU's statements in the same cycle.
"""

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime
from lms.extensions import db


class Cmi5Session(db.Model):
    """One launch of one AU: from ``launched`` to ``terminated`` or ``abandoned``.

    Holds what the statement rules need (launch mode, moveOn, mastery score, the cmi5
    verbs seen so far) and the one-time fetch code and token (both only as hashes).
    """

    __tablename__ = "cmi5_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    registration: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    #: the LMS-generated activity id of the AU (lesson IRI, or ``<lesson iri>/item/<id>``)
    activity_id: Mapped[str] = mapped_column(String(500), nullable=False)
    publisher_id: Mapped[str] = mapped_column(String(500), nullable=False)
    #: the lesson's IRI: the cmi5 "course" whose AUs ``units`` lists
    course_activity_id: Mapped[str] = mapped_column(String(500), nullable=False)
    #: every AU of the lesson as ``{"activity_id", "move_on", "title", "blocks"}`` (blocks:
    #: LMS-generated block ids, outermost first; absent in rows of before blocks): what
    #: "all satisfied" means for the course and each block
    units: Mapped[list[dict]] = mapped_column(JSON, nullable=False)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("lrs_clients.id", ondelete="CASCADE"), nullable=False)
    launch_mode: Mapped[str] = mapped_column(String(10), nullable=False)
    launch_method: Mapped[str] = mapped_column(String(10), nullable=False)
    move_on: Mapped[str] = mapped_column(String(20), nullable=False)
    mastery_score: Mapped[float | None] = mapped_column(Float)
    launch_url: Mapped[str] = mapped_column(Text, nullable=False)
    fetch_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    token_key: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    launched_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    initialized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    abandoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_statement_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: cmi5 defined verbs (short names) the AU sent in this session, in order
    verbs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    #: ids of statements accepted in this session: a resend is not a second "completed"
    statement_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)

    @property
    def is_open(self) -> bool:
        return self.terminated_at is None and self.abandoned_at is None


class Cmi5UnitState(db.Model):
    """An AU's (or a block's, or the lesson's cmi5 course's) results in one registration."""

    __tablename__ = "cmi5_unit_states"
    __table_args__ = (UniqueConstraint("registration", "activity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration: Mapped[str] = mapped_column(String(36), nullable=False)
    activity_id: Mapped[str] = mapped_column(String(500), nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    lesson_id: Mapped[str] = mapped_column(String(120), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    best_scaled: Mapped[float | None] = mapped_column(Float)

