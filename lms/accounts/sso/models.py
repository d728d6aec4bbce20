"""An organisation's identity provider, and the external identities linked to accounts."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Organisation, User
from lms.db import TimestampMixin, UTCDateTime
from lms.extensions import db


class IdentityProvider(TimestampMixin, db.Model):
    """How one organisation signs its people in: OpenID Connect issuer and client, claims.

    ``email_domains`` (comma-separated) lets the login page find the provider from an
    address; the organisation's code finds it too.
    """

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    protocol: Mapped[str] = mapped_column(String(10), default="oidc", nullable=False)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    client_secret: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    email_domains: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    claim_email: Mapped[str] = mapped_column(String(100), default="email", nullable=False)
    claim_name: Mapped[str] = mapped_column(String(100), default="name", nullable=False)
    claim_personnel_number: Mapped[str] = mapped_column(
        String(100), default="employee_number", nullable=False
    )
    claim_department: Mapped[str] = mapped_column(
        String(100), default="department", nullable=False
    )
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Cached discovery document and keys (JSON), refreshed when a key id is unknown.
    metadata_json: Mapped[str] = mapped_column(Text, default="", nullable=False)

    organisation: Mapped[Organisation] = relationship()

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class ExternalIdentity(db.Model):
    """The account a provider's subject (``sub``) signs in as."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE"), nullable=False
    )
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    provider: Mapped[IdentityProvider] = relationship()
    user: Mapped[User] = relationship()


class SamlLogin(db.Model):
    """One SAML login in flight: the request sent, then the verified answer, used once.

    Kept on the server because the IdP posts its answer cross-site, without the session
    cookie (``SameSite=Lax``); the browser is matched again by ``browser_key_hash`` on the
    same-site redirect that follows.
    """

    __tablename__ = "saml_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE"), nullable=False
    )
    browser_key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    next_url: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    claims_json: Mapped[str] = mapped_column(Text, default="", nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)

    provider: Mapped[IdentityProvider] = relationship()
