"""Signed, expiring tokens for password reset and email change.

The reset token carries a fragment of the current password hash, so it stops
working as soon as the password has been changed: each link works once.
"""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET_MAX_AGE = 60 * 60  # one hour
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _hash_fragment(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_reset_token(user) -> str:
    return _serializer("password-reset").dumps(
        {"uid": user.id, "ph": _hash_fragment(user.password_hash)}
    )


def read_reset_token(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer("password-reset").loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    return data["uid"], data["ph"]


def reset_token_matches(user, fragment: str) -> bool:
    return secrets.compare_digest(_hash_fragment(user.password_hash), fragment)


def make_email_change_token(user, new_email: str) -> str:
    return _serializer("email-change").dumps({"uid": user.id, "email": new_email})


def read_email_change_token(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer("email-change").loads(token, max_age=EMAIL_CHANGE_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    return data["uid"], data["email"]


def new_invitation_token() -> tuple[str, str]:
    """Return (token for the link, sha256 hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_invitation_token(token)


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
