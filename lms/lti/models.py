"""LTI 1.3: registered platforms, the tool's keys, logins in flight, linked accounts, grades."""

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Organisation, User
from lms.catalog.models import Course
from lms.db import TimestampMixin, UTCDateTime
from lms.extensions import db

REGISTRATION_STATUSES = ("active", "disabled")


class LtiRegistration(TimestampMixin, db.Model):
    """A platform (Moodle, ILIAS, Canvas …) that may launch ATLAS Campus as its tool.

    People launched through it become members of ``organisation``. ``instructors_train``
    is the admin's explicit permission to make the platform's Instructors trainers of the
    linked course; nothing from a platform ever makes anybody an admin.
    """

    __tablename__ = "lti_registrations"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    auth_login_url: Mapped[str] = mapped_column(String(500), nullable=False)
    auth_token_url: Mapped[str] = mapped_column(String(500), nullable=False)
    key_set_url: Mapped[str] = mapped_column(String(500), nullable=False)
    #: deployment ids the platform may launch with, one per line
    deployment_ids: Mapped[str] = mapped_column(Text, default="", nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(10), default="active", nullable=False)
    instructors_train: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: ``form`` or ``dynamic`` (LTI Dynamic Registration); the platform's answer is kept
    source: Mapped[str] = mapped_column(String(10), default="form", nullable=False)
    registration_answer: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: the platform's keys (JWKS JSON) as last fetched; fetched again for an unknown kid
    platform_keys: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: the last AGS access token (sealed), its scopes and end, shared by every worker
    access_token: Mapped[str] = mapped_column(Text, default="", nullable=False)
    access_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class LtiToolKey(db.Model):
    """One RSA key of the tool. The newest unretired key signs; older ones stay in the JWKS
    until ``retires_at`` so that messages signed before a rotation still verify.

    The private key is stored encrypted with a key derived from ``SECRET_KEY``.
    """

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    public_jwk: Mapped[str] = mapped_column(Text, nullable=False)
    private_key: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: set when a newer key took over: published until then, retired afterwards
    retires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiLogin(db.Model):
    """One OIDC login in flight: the state and nonce we issued, used once.

    ``used_at`` marks the nonce as spent, so a replayed ID token is refused even with its
    own state; rows are swept a day after they expire.
    """

    __tablename__ = "lti_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="CASCADE"), index=True, nullable=False)
    state: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    nonce: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiIdentity(db.Model):
    """The account a platform's user (``sub``) is signed in as."""

    __tablename__ = "lti_identities"
    __table_args__ = (UniqueConstraint("registration_id", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="CASCADE"), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_launch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    registration: Mapped[LtiRegistration] = relationship()
    user: Mapped[User] = relationship()


class LtiLink(db.Model):
    """A resource link in a platform's course: which ATLAS course (or module) it opens, and
    the AGS line item its scores go to, as the last launch told."""

    __tablename__ = "lti_links"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="CASCADE"), nullable=False)
    deployment_id: Mapped[str] = mapped_column(String(255), nullable=False)
    resource_link_id: Mapped[str] = mapped_column(String(255), nullable=False)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True, nullable=False)
    module_id: Mapped[str | None] = mapped_column(String(120))
    lineitem_url: Mapped[str] = mapped_column(String(1000), default="", nullable=False)
    #: the AGS scopes the platform granted, space-separated
    ags_scopes: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    registration: Mapped[LtiRegistration] = relationship()
    course: Mapped[Course] = relationship()


class LtiGrade(db.Model):
    """What one learner's result on one link last was, queued and sent to the platform."""

    __tablename__ = "lti_grades"
    __table_args__ = (UniqueConstraint("link_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("lti_links.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    #: the result last queued (``score/activity/grading``), so unchanged progress sends nothing
    queued_state: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    sent_score: Mapped[float | None] = mapped_column(Float)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    link: Mapped[LtiLink] = relationship()
    user: Mapped[User] = relationship()


class LtiRegistrationInvite(db.Model):
    """A one-time URL an admin hands to a platform for LTI Dynamic Registration.

    The admin chooses the organisation when creating it; the platform opens the URL (often
    in a frame, without our session cookie), so the token itself authorises, once, for a
    day. Only its hash is stored.
    """

    __tablename__ = "lti_registration_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    instructors_train: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_registrations.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
