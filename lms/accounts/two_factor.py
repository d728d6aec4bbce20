"""Two-factor login: TOTP (RFC 6238, HMAC-SHA1, 30 s, 6 digits) and one-time recovery codes.

Authenticator apps (FreeOTP, Google/Microsoft Authenticator, 1Password) read the
``otpauth://`` URI. A code is accepted one step either side of now (clock drift), and never
twice: the last accepted step is stored. Failures count in the login throttle of the same
account, so guessing six digits is as slow as guessing a password.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote, urlencode

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import RecoveryCode, User
from lms.errors import ValidationFailedError
from lms.extensions import db

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODES = 10

#: Roles that must use a second factor when the operator (``ATLAS_2FA_REQUIRED_ROLES``) or
#: their organisation (``Organisation.requires_two_factor``) asks for it.
PRIVILEGED_ROLES = ("admin", "trainer", "company_manager", "works_council")


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The TOTP value of ``secret`` for time step ``step`` (RFC 4226 dynamic truncation)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config.get("ATLAS_2FA_ISSUER", "ATLAS Campus")
    label = quote(f"{issuer}:{user.email if user.has_mailbox else user.name}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS,
                       "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def _matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue  # used already: a code seen over someone's shoulder is spent
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def required_for(user: User) -> bool:
    """Whether ``user`` must have a second factor before a session starts."""
    roles = set(user.role_names)
    operator_roles = set(current_app.config.get("ATLAS_2FA_REQUIRED_ROLES", ()))
    if roles & operator_roles:
        return True
    organisation = user.organisation
    return bool(organisation and organisation.requires_two_factor
                and roles & set(PRIVILEGED_ROLES))


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Switch two-factor login on after the user proved the app shows the right codes.

    :returns: fresh recovery codes, shown once.
    :raises ValidationFailedError: the code does not match the secret.
    """
    step = _matching_step(secret, code, now, after=None)
    if step is None:
        raise ValidationFailedError(
            _("Der Code stimmt nicht. Prüfen Sie die Uhrzeit Ihres Telefons und geben Sie den "
              "aktuellen Code ein."), field="code")
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    user.updated_at = now
    return _new_recovery_codes(user)


def verify(user: User, code: str, now: datetime) -> bool:
    """Check a code from the app, or else a recovery code (which is then used up)."""
    if not user.has_two_factor:
        return False
    step = _matching_step(user.totp_secret, code, now, after=user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == _hash_code(code),
    ))
    if recovery is None:
        return False
    recovery.used_at = now
    db.session.flush()
    return True


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def regenerate_recovery_codes(user: User, now: datetime) -> list[str]:
    user.updated_at = now
    return _new_recovery_codes(user)


def disable(user: User, now: datetime) -> None:
    """Switch the second factor off (the user, or an admin resetting a lost phone)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.updated_at = now
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
