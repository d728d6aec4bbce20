"""Who is calling: HTTP Basic credentials of an LRS client, and the scopes each resource needs."""

import base64
import binascii
from datetime import datetime

from lms.extensions import db
from lms.lrs import services
from lms.lrs.incoming import XapiRequest
from lms.lrs.problems import RequestError
from lms.lrs.scopes import allows, granting
from lms.lrs.services import ActiveClient
from lms.plugins import hooks

REALM = 'Basic realm="ATLAS Campus LRS"'
AUTH_RULE = "Communication-4.0/authentication"
SCOPE_RULE = "Communication-4.2/scope"


def _unauthorized(message: str) -> RequestError:
    return RequestError(401, AUTH_RULE, message, headers={"WWW-Authenticate": REALM})


def parse_basic(header: str | None) -> tuple[str, str]:
    """Key and secret from an ``Authorization: Basic …`` header.

    :raises RequestError: missing or malformed header (401).
    """
    if not header:
        raise _unauthorized("this resource needs HTTP Basic credentials of an LRS client.")
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise _unauthorized("the Authorization header must use the Basic scheme.")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthorized("the Basic credentials are not valid base64 of UTF-8.") from None
    key, colon, secret = decoded.partition(":")
    if not colon or not key or not secret:
        raise _unauthorized("the Basic credentials must be key:secret.")
    return key, secret


def authenticate(x: XapiRequest, now: datetime) -> ActiveClient:
    """The active client whose credentials the request carries.

    The first use of a client in 15 minutes records ``last_used_at`` and commits at once:
    nothing else has happened in this unit of work yet. Credentials of no client are
    offered to ``lms_lrs_authenticate`` (session tokens of cmi5 launches).

    :raises RequestError: missing, wrong or revoked credentials (401).
    """
    key, secret = parse_basic(x.header("Authorization"))
    client = services.authenticate_client(key, secret, now)
    if client is None:
        # a session token of a plugin (cmi5 launches), bound to one learner and session
        client = hooks().lms_lrs_authenticate(key=key, secret=secret, now=now)
    if client is None:
        raise _unauthorized("unknown, expired or revoked credentials.")
    if services.note_client_use(client, now):
        db.session.commit()
    return client


def require_scope(x: XapiRequest, resource_scopes: tuple[str, ...]) -> None:
    """Refuse with 403 when the client holds none of the scopes for this resource and method.

    :raises RequestError: insufficient scope (403).
    """
    method = "GET" if x.method == "HEAD" else x.method
    if not allows(x.client.scopes, resource_scopes, method):
        raise RequestError(
            403, SCOPE_RULE,
            f"this credential may not {method} here; it needs one of the scopes "
            f"{', '.join(granting(resource_scopes, method))}.",
        )
