"""Login sessions kept on the server, so that logout, a new password or a click can end them.

Each login creates a ``UserSession`` with a random token; only its hash is stored. The token
is what Flask-Login keeps (``User.get_id()``) in the session cookie and in the remember
cookie, so deleting the row ends both, wherever they were copied to. A remembered session
ends ``ATLAS_REMEMBER_DAYS`` after login; any other after ``ATLAS_SESSION_IDLE_HOURS``
without a request. ``last_seen_at`` is written at most every ``TOUCH_INTERVAL``.
"""

import hashlib
import ipaddress
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import User, UserSession
from lms.errors import NotFoundError
from lms.extensions import db

TOUCH_INTERVAL = timedelta(minutes=5)
#: How long a password stays accepted while the second factor is being typed or set up.
SECOND_FACTOR_WINDOW = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ip_prefix(address: str | None) -> str:
    """The network an address belongs to (/24, IPv6 /48): enough to recognise, not to track."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if ip.version == 4:
        return str(ipaddress.ip_network(f"{ip}/24", strict=False))
    return str(ipaddress.ip_network(f"{ip}/48", strict=False))


def _idle() -> timedelta:
    return timedelta(hours=current_app.config["ATLAS_SESSION_IDLE_HOURS"])


def remember_duration() -> timedelta:
    return timedelta(days=current_app.config["ATLAS_REMEMBER_DAYS"])


def open_session(
    user: User, *, remember: bool, user_agent: str, address: str | None, now: datetime,
    needs_second_factor: bool = False, sso_logout_url: str = "", saml: dict | None = None,
) -> UserSession:
    """Start a login session for ``user`` and attach it (and its token) to the user object.

    Sessions of this user that have run out are removed on the way.

    :param saml: ``saml_provider_id``, ``saml_name_id``, ``saml_name_id_format`` and
        ``saml_session_index`` of a SAML login, for single logout.
    :param needs_second_factor: the password was right but a second factor is owed: the
        session signs nobody in until ``complete_second_factor`` and ends after
        ``SECOND_FACTOR_WINDOW``.
    """
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    login_session = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + (SECOND_FACTOR_WINDOW if needs_second_factor
                          else remember_duration() if remember else _idle()),
        user_agent=(user_agent or "")[:200],
        ip_prefix=ip_prefix(address),
        is_remembered=remember,
        needs_second_factor=needs_second_factor,
        sso_logout_url=sso_logout_url[:500],
        **{key: value[:255] if isinstance(value, str) else value
           for key, value in (saml or {}).items()},
    )
    db.session.add(login_session)
    db.session.flush()
    user.login_session = login_session
    user.login_token = token
    return login_session


def user_for_token(token: str, now: datetime, *, pending: bool = False) -> User | None:
    """Return the active user whose live login session has ``token``, else None.

    :param pending: look for a session still owing its second factor instead (only the
        second-factor pages do); a full session is never returned then, nor the reverse.
    """
    if not token or len(token) > 100:
        return None
    login_session = db.session.scalar(
        select(UserSession).options(joinedload(UserSession.user))
        .where(UserSession.token_hash == _hash(token))
    )
    if login_session is None or login_session.expires_at <= now:
        return None
    if login_session.needs_second_factor != pending:
        return None
    user = login_session.user
    if not user.is_active:
        return None
    user.login_session = login_session
    user.login_token = token
    return user


def complete_second_factor(user: User, now: datetime) -> None:
    """The second factor was given: the pending session becomes a full login session."""
    login_session = user.login_session
    login_session.needs_second_factor = False
    login_session.last_seen_at = now
    login_session.expires_at = now + (
        remember_duration() if login_session.is_remembered else _idle())
    db.session.flush()


def touch_is_due(login_session: UserSession, now: datetime) -> bool:
    return now - login_session.last_seen_at >= TOUCH_INTERVAL


def touch(login_session: UserSession, now: datetime) -> None:
    """Note that the session is in use; a session that is not remembered lives on."""
    login_session.last_seen_at = now
    if not login_session.is_remembered:
        login_session.expires_at = now + _idle()
    db.session.flush()


def list_sessions(user: User, now: datetime) -> list[UserSession]:
    """The user's live sessions, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > now,
                   UserSession.needs_second_factor.is_(False))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end_session(login_session: UserSession | None) -> None:
    if login_session is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == login_session.id))


def end_session_by_id(user: User, session_id: int) -> None:
    """End one of ``user``'s own sessions.

    :raises NotFoundError: no such session of this user (someone else's is not found either).
    """
    login_session = db.session.get(UserSession, session_id)
    if login_session is None or login_session.user_id != user.id:
        raise NotFoundError(_("Diese Sitzung gibt es nicht (mehr)."))
    end_session(login_session)


def end_other_sessions(user: User, keep: UserSession | None) -> int:
    """End every session of ``user`` except ``keep``; return how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return db.session.execute(statement).rowcount or 0


def end_all_sessions(user: User) -> int:
    return end_other_sessions(user, keep=None)


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari")]
_SYSTEMS = [(re.compile(r"Android"), "Android"), (re.compile(r"iPhone|iPad|iPod"), "iOS"),
            (re.compile(r"Windows"), "Windows"), (re.compile(r"Mac OS X"), "macOS"),
            (re.compile(r"CrOS"), "ChromeOS"), (re.compile(r"Linux"), "Linux")]


def describe_device(user_agent: str) -> str:
    """A short name for a browser, e.g. "Firefox, Windows", from its User-Agent header."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker.search(user_agent)), "")
    return ", ".join(part for part in (browser, system) if part)


def personal_data_sections(user: User, now: datetime) -> list[dict]:
    """The user's live logins for "Meine Daten" (browser and network are personal data)."""
    return [{
        "key": "login_sessions",
        "title": _("Angemeldete Geräte"),
        "employer_sees": _("Ihr Unternehmen sieht Ihre Anmeldungen nicht."),
        "items": [{
            "device": describe_device(s.user_agent), "user_agent": s.user_agent,
            "network": s.ip_prefix, "logged_in_at": s.created_at.isoformat(),
            "last_seen_at": s.last_seen_at.isoformat(), "expires_at": s.expires_at.isoformat(),
            "stay_logged_in": s.is_remembered,
        } for s in list_sessions(user, now)],
    }]
