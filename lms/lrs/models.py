"""Credentials of LRS clients (Basic auth key and secret, scopes, the authority they write as)
and the activities an admin granted them to credit."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import UTCDateTime
from lms.extensions import db


class LrsClient(db.Model):
    """One credential of the LRS: a public key and an HMAC of its secret.

    The secret is checked on every request, so it is hashed with HMAC-SHA-256 under a
    server pepper rather than a slow password hash; secrets are random 256-bit
    values, which a fast hash protects as well as argon2 would.
    """

    __tablename__ = "lrs_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    key: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scopes: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    #: The xAPI version the client speaks ("1.0.3" or "2.0.0"): the version header of
    #: answers to its requests that name no version we serve (those are still 400).
    xapi_version: Mapped[str] = mapped_column(
        String(5), nullable=False, default="2.0.0", server_default="2.0.0"
    )
    authority: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list["LrsCreditGrant"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="LrsCreditGrant.id"
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class LrsCreditGrant(db.Model):
    """An admin's grant that lets one client's statements count toward learners' progress.

    Either a whole course (its ungraded lessons) or the activities under one IRI prefix.
    Quiz and assessment results and session attendance are never granted: they count only
    from the platform's own grading and rosters (see ``lms.lrs.crediting``). A grant counts
    for statements stored from ``granted_at`` on, so the live projection and a rebuild agree.
    """

    __tablename__ = "lrs_credit_grants"
    __table_args__ = (
        UniqueConstraint("client_id", "course_slug", "activity_prefix"),
        CheckConstraint(
            "(course_slug IS NULL) <> (activity_prefix IS NULL)", name="one_target"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("lrs_clients.id", ondelete="CASCADE"), index=True, nullable=False
    )
    course_slug: Mapped[str | None] = mapped_column(String(64))
    activity_prefix: Mapped[str | None] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    client: Mapped[LrsClient] = relationship(back_populates="grants")

    @property
    def target(self) -> str:
        """What the grant covers, as the admin page and CLI show it."""
        return f"course:{self.course_slug}" if self.course_slug else str(self.activity_prefix)
