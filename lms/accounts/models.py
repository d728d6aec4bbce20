"""Users, organisations, departments, memberships and invitations."""

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import TimestampMixin, UTCDateTime
from lms.extensions import db

ORG_ROLES = ("employee", "manager", "works_council")


def new_pseudonym() -> str:
    """An opaque, random id: the learner's name in xAPI statements (never the email)."""
    return uuid.uuid4().hex


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None for an account without e-mail (shop floor, single sign-on without a verified
    #: address, anonymised): unique among the accounts that have one.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    locale: Mapped[str] = mapped_column(String(5), default="de", nullable=False)
    pseudonym: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_pseudonym, nullable=False
    )
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_trainer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Staff of the network itself (not of a member company): may read the network-wide,
    #: aggregated qualification picture, never a person's row.
    is_network_staff: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Hash of the one-time start code printed on a shop-floor login card (argon2), and
    #: until when it works; cleared once the person has set a password.
    start_code_hash: Mapped[str | None] = mapped_column(String(255))
    start_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: TOTP (RFC 6238) secret in base32 once two-factor login is set up, and the last
    #: time step accepted, so one code never works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    membership: Mapped["Membership | None"] = relationship(
        back_populates="user", uselist=False, foreign_keys="Membership.user_id"
    )

    #: The login session this request runs under (set by lms.accounts.login_sessions,
    #: never stored). Flask-Login keeps ``get_id()`` in the session and the remember
    #: cookie, so both die when that login session is ended on the server.
    login_session = None
    login_token = None

    def get_id(self) -> str:
        if not self.login_token:
            raise RuntimeError("log users in through lms.accounts.login_sessions")
        return self.login_token

    # UserMixin compares users by get_id(), which is a per-login token here: compare by key.
    def __eq__(self, other):
        if isinstance(other, User):
            return self.id is not None and self.id == other.id
        return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = object.__hash__

    @property
    def has_mailbox(self) -> bool:
        """Whether mail reaches this person (else it lands in their platform inbox)."""
        return bool(self.email)

    @property
    def contact_label(self) -> str:
        """How lists name the account's address: the e-mail, or how the person logs in."""
        if self.email:
            return self.email
        membership = self.membership
        if membership and membership.personnel_number and membership.organisation.code:
            return f"{membership.organisation.code}/{membership.personnel_number}"
        return "–"

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    @property
    def organisation(self) -> "Organisation | None":
        return self.membership.organisation if self.membership else None

    @property
    def is_company_manager(self) -> bool:
        return bool(self.membership and self.membership.role == "manager")

    @property
    def is_works_council(self) -> bool:
        return bool(self.membership and self.membership.role == "works_council")

    @property
    def role_names(self) -> list[str]:
        roles = ["learner"]
        if self.is_trainer:
            roles.append("trainer")
        if self.is_company_manager:
            roles.append("company_manager")
        if self.is_works_council:
            roles.append("works_council")
        if self.is_network_staff:
            roles.append("network_staff")
        if self.is_admin:
            roles.append("admin")
        return roles


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    city: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    #: Short company code: typed with a personnel number on the shop floor, and finds the
    #: company's single sign-on on the login page.
    code: Mapped[str | None] = mapped_column(String(30), unique=True)
    #: Whether members with a role beyond learning must use a second factor.
    requires_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Company e-mail domains (comma-separated): a self-registered person with such an
    #: address asks to join, and a manager decides (``lms.accounts.join_requests``).
    join_domains: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    #: District the company sits in (``lms.accounts.regions.REGIONS``), for the network's
    #: aggregated picture; empty = not classified.
    region: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    #: Headcount of the whole company (not only its platform members): gives the size band
    #: (``lms.accounts.regions.size_band``); None = unknown.
    employee_count: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation")
    departments: Mapped[list["Department"]] = relationship(
        back_populates="organisation", order_by="Department.name"
    )


class Department(TimestampMixin, db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    cost_centre: Mapped[str] = mapped_column(String(50), default="", nullable=False)

    organisation: Mapped[Organisation] = relationship(back_populates="departments")


class Membership(TimestampMixin, db.Model):
    """A user's place in one organisation: employee, manager or works council."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(20), default="employee", nullable=False)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    personnel_number: Mapped[str] = mapped_column(String(50), default="", nullable=False)

    user: Mapped[User] = relationship(back_populates="membership", foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    department: Mapped[Department | None] = relationship()


class Invitation(TimestampMixin, db.Model):
    """A link that lets one person join an organisation; only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    email: Mapped[str] = mapped_column(String(254), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    role: Mapped[str] = mapped_column(String(20), default="employee", nullable=False)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    personnel_number: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_count: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    organisation: Mapped[Organisation] = relationship()
    department: Mapped[Department | None] = relationship()

    def status(self, now: datetime) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class UserSession(db.Model):
    """One signed-in browser: revocable on the server, listed on the account page.

    Only a hash of the session's token is stored; the token itself lives in the user's
    session and remember cookies.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    user_agent: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    ip_prefix: Mapped[str] = mapped_column(String(50), default="", nullable=False)
    is_remembered: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Password accepted, second factor (or its set-up) still owed: such a session signs
    #: nobody in (``login_sessions.user_for_token`` ignores it) and lives a few minutes.
    needs_second_factor: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: The provider's logout URL and ID token hint of a single sign-on login, for logout.
    sso_logout_url: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    #: A SAML login's IdP, NameID (and its format) and SessionIndex: for single logout,
    #: which this session ends (IdP-initiated) or asks the IdP to end (SP-initiated).
    saml_provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="SET NULL"), index=True)
    saml_name_id: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    saml_name_id_format: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    saml_session_index: Mapped[str] = mapped_column(String(200), default="", nullable=False)

    user: Mapped[User] = relationship()


class ThrottleCounter(db.Model):
    """A counter shared by every worker: login failures, lockouts, rate-limit windows.

    Used when no Redis is configured (``lms.accounts.counters``). ``key`` never holds an
    e-mail address, only a hash of it.
    """

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingRegistration(db.Model):
    """A self-registration waiting for its e-mail link; the account exists only after it.

    So the registration form answers the same whether or not the address has an account,
    and nobody can hold an address they cannot read mail at.
    """

    __tablename__ = "pending_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    locale: Mapped[str] = mapped_column(String(5), default="de", nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class RecoveryCode(db.Model):
    """A one-time code that replaces the second factor once (a lost phone); only its hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AdminAuditEntry(db.Model):
    """One administrative action on an account: who did what to whom, and when."""

    __tablename__ = "admin_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(50), nullable=False)
    detail: Mapped[str] = mapped_column(String(500), default="", nullable=False)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target: Mapped[User | None] = relationship(foreign_keys=[target_user_id])


class InboxMessage(db.Model):
    """A message the platform would have mailed to a person who has no e-mail address.

    Shown on their "Nachrichten" page and counted on their start page
    (``lms.accounts.inbox``).
    """

    __tablename__ = "inbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JoinRequest(db.Model):
    """A self-registered person asks to join the organisation their e-mail domain names.

    Until a manager approves, the person is a learner without organisation.
    """

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    #: ``pending``, ``approved`` or ``declined``.
    status: Mapped[str] = mapped_column(String(10), default="pending", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
