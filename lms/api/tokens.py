"""Creating, revoking and checking API tokens (the secret is shown once, kept as SHA-256)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import Organisation, User
from lms.api.models import NETWORK_SCOPES, SCOPES, ApiToken
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db

SECRET_PREFIX = "atlas_"
MAX_LIFETIME = timedelta(days=731)
#: ``last_used_at`` is refreshed at most this often, so reads do not each write a row.
USE_RESOLUTION = timedelta(minutes=5)


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret: the secrets are 256 random bits, a slow hash adds nothing."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def is_manager_of(user: User | None, organisation_id: int) -> bool:
    return bool(user is not None and user.is_active and user.is_company_manager
                and user.membership.organisation_id == organisation_id)


def create_token(actor: User, organisation: Organisation, name: str, scopes: list[str],
                 expires_at: datetime, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for ``organisation``; return it with its secret (never stored).

    :raises PermissionDeniedError: ``actor`` is no manager of ``organisation``.
    :raises ValidationFailedError: no name, unknown or no scopes, a network scope asked by
        someone not of the network's staff, expiry not in the future or more than two years
        ahead.
    """
    if not is_manager_of(actor, organisation.id):
        raise PermissionDeniedError(_("Nur Führungskräfte des Unternehmens verwalten API-Tokens."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    if not scopes or any(scope not in SCOPES for scope in scopes):
        raise ValidationFailedError(_("Bitte wählen Sie mindestens eine Berechtigung."),
                                    field="scopes")
    if not actor.is_network_staff and any(scope in NETWORK_SCOPES for scope in scopes):
        raise ValidationFailedError(_("Das Netzwerkbild lesen nur Tokens des Netzwerk-Teams."),
                                    field="scopes")
    if expires_at <= now:
        raise ValidationFailedError(_("Das Ablaufdatum muss in der Zukunft liegen."),
                                    field="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise ValidationFailedError(_("Ein Token gilt höchstens zwei Jahre."), field="expires_at")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation.id, created_by_id=actor.id, name=name[:100],
        prefix=secret[:12], token_hash=hash_secret(secret),
        scopes=" ".join(scope for scope in SCOPES if scope in scopes),
        created_at=now, expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def tokens_of(organisation: Organisation) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.organisation_id == organisation.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def token_of(organisation: Organisation, token_id: int) -> ApiToken:
    """The organisation's token ``token_id``; another company's token is not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        raise NotFoundError(_("Dieses Token gibt es nicht."))
    return token


def revoke_token(actor: User, token: ApiToken, now: datetime) -> ApiToken:
    """Revoke ``token`` at once; revoking twice changes nothing."""
    if not is_manager_of(actor, token.organisation_id):
        raise PermissionDeniedError(_("Nur Führungskräfte des Unternehmens verwalten API-Tokens."))
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
    return token


def find_active_token(secret: str, now: datetime) -> ApiToken | None:
    """The active token with this secret, or ``None`` (unknown, expired or revoked)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.status(now) != "active":
        return None
    if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION:
        token.last_used_at = now
    return token
