"""API tokens: per-organisation bearer credentials for HR systems, stored hashed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Organisation, User
from lms.db import UTCDateTime
from lms.extensions import db

SCOPES = ("people:read", "assignments:read", "assignments:write", "completions:read",
          "qualifications:read", "qualifications:write", "network:read")
#: scopes only the network's staff may give a token (it reads across member companies)
NETWORK_SCOPES = ("network:read",)


class ApiToken(db.Model):
    """One HR system's access to its organisation's data.

    Only the SHA-256 of the secret is kept (``token_hash``); ``prefix`` is the secret's
    first characters, so a manager can tell tokens apart without the secret being
    recoverable. ``scopes`` is a space-separated subset of :data:`SCOPES`. The API acts
    with the rights of the manager who created the token (``created_by``).
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    scopes: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def status(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"
