"""Keys derived from the application secret, and the making and checking of client secrets."""

import hashlib
import hmac
import secrets

PEPPER_LABEL = b"atlas-campus/lrs/client-secret-pepper"
MORE_TOKEN_LABEL = b"atlas-campus/lrs/more-token"


def derive_key(secret_key: str, label: bytes) -> bytes:
    """A 256-bit key for one purpose, derived from the Flask ``SECRET_KEY``.

    Separate labels keep the uses apart: knowing the ``more`` token key tells nothing
    about the pepper of client secrets.
    """
    return hmac.new(secret_key.encode(), label, hashlib.sha256).digest()


def new_client_key() -> str:
    """A public client id: 20 hex digits, safe as a Basic auth user name and account name."""
    return secrets.token_hex(10)


def new_client_secret() -> str:
    """A random 256-bit secret, URL-safe, shown to the operator once."""
    return secrets.token_urlsafe(32)


def hash_secret(pepper: bytes, secret: str) -> str:
    """HMAC-SHA-256 of ``secret`` under the server pepper, as 64 hex digits."""
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def secret_matches(pepper: bytes, secret: str, stored_hash: str) -> bool:
    """Compare in constant time, so response times reveal nothing about the hash."""
    return hmac.compare_digest(hash_secret(pepper, secret), stored_hash)
