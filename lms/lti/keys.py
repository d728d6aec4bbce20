"""The tool's RSA keys: one signs, older ones stay published for a grace period, then retire.

Keys live in the database (every worker signs with the same key) with the private half
encrypted under a key derived from ``SECRET_KEY``: never in the repository or a plain file.
Every signed message names its key (``kid``), so a platform picks the right one from
``/lti/jwks`` even while two are published.
"""

import base64
import hashlib
import json
import secrets
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import or_, select

from lms.extensions import db
from lms.lti.models import LtiToolKey

ALGORITHM = "RS256"
DEFAULT_GRACE = timedelta(days=7)


class KeyUnavailableError(RuntimeError):
    """The private key cannot be opened (``SECRET_KEY`` changed): rotate to a new key."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(
        (current_app.config["SECRET_KEY"] + ":lti-tool-key").encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(text: str) -> str:
    """``text`` encrypted under the key derived from ``SECRET_KEY`` (tokens, private keys)."""
    return _fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The text :func:`seal` sealed, or None when it cannot be opened (key changed)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def _new_key(now: datetime) -> LtiToolKey:
    kid = f"atlas-{now:%Y%m%d}-{secrets.token_hex(4)}"
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    pem = key.as_pem(private=True)
    row = LtiToolKey(kid=kid, public_jwk=json.dumps(key.as_dict(private=False)),
                     private_key=_fernet().encrypt(pem).decode(), created_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def current_key(now: datetime) -> LtiToolKey:
    """The key that signs now (created on first use): the newest one not superseded."""
    row = db.session.scalar(select(LtiToolKey).where(LtiToolKey.retires_at.is_(None))
                            .order_by(LtiToolKey.id.desc()).limit(1))
    return row if row is not None else _new_key(now)


def rotate_key(now: datetime, grace: timedelta = DEFAULT_GRACE) -> tuple[LtiToolKey, list[str]]:
    """Add a new signing key; the previous ones stay published until ``now + grace``.

    Keys whose grace period has ended lose their private half here. Returns the new key
    and the kids retired by this call.
    """
    for row in db.session.scalars(select(LtiToolKey).where(LtiToolKey.retires_at.is_(None))):
        row.retires_at = now + grace
    retired = []
    for row in db.session.scalars(select(LtiToolKey).where(LtiToolKey.retires_at <= now,
                                                           LtiToolKey.private_key != "")):
        row.private_key = ""
        retired.append(row.kid)
    db.session.flush()
    return _new_key(now), retired


def published_keys(now: datetime) -> dict:
    """The JWKS: every key still signing or within its grace period."""
    rows = db.session.scalars(select(LtiToolKey).where(
        or_(LtiToolKey.retires_at.is_(None), LtiToolKey.retires_at > now))
        .order_by(LtiToolKey.id))
    return {"keys": [json.loads(row.public_jwk) for row in rows]}


def _private(row: LtiToolKey) -> RSAKey:
    try:
        pem = _fernet().decrypt(row.private_key.encode())
    except InvalidToken as error:
        raise KeyUnavailableError(
            "the LTI tool key cannot be decrypted (was ATLAS_SECRET_KEY changed?); "
            "run `atlas lti rotate-key`") from error
    return RSAKey.import_key(pem, parameters={"kid": row.kid})


def sign(claims: dict, now: datetime, row: LtiToolKey | None = None) -> str:
    """``claims`` as a JWT signed with the current key (or ``row``), ``kid`` in its header."""
    row = row or current_key(now)
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid, "typ": "JWT"}, claims, _private(row))
