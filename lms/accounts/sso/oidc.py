"""OpenID Connect relying party: discovery, authorisation request, code exchange, ID token.

Authlib supplies PKCE; its JOSE companion ``joserfc`` verifies the ID token's signature
against the provider's published keys (JWKS) and its claims: issuer, audience (our client
id), expiry, and the nonce this browser was given, so a token minted for another client, an
old one or one replayed into another login is refused. Network access is plain
``urllib`` with a timeout, to the provider's own URLs only.
"""

import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from dataclasses import dataclass

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lms.errors import ValidationFailedError

log = logging.getLogger(__name__)

TIMEOUT = 10
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
LEEWAY_SECONDS = 60


class ProviderError(ValidationFailedError):
    """The identity provider answered something we cannot accept (a user sees why)."""


@dataclass
class LoginRequest:
    """What the browser's session remembers between the redirect out and the callback."""

    state: str
    nonce: str
    verifier: str
    url: str


def _fetch_json(url: str, data: dict | None = None, auth: tuple[str, str] | None = None) -> dict:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ProviderError(_("Die Adresse des Identitätsanbieters ist ungültig: %(url)s",
                              url=url))
    headers = {"Accept": "application/json"}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if auth is not None:
        pair = f"{urllib.parse.quote(auth[0], safe='')}:{urllib.parse.quote(auth[1], safe='')}"
        headers["Authorization"] = "Basic " + b64encode(pair.encode()).decode()
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read(1024 * 1024))
    except urllib.error.HTTPError as error:
        detail = ""
        try:
            detail = json.loads(error.read(4096)).get("error", "")
        except (ValueError, AttributeError):
            pass
        log.warning("OIDC provider %s answered %s %s", url, error.code, detail)
        raise ProviderError(_("Der Identitätsanbieter hat die Anmeldung abgelehnt (%(detail)s).",
                              detail=detail or error.code)) from error
    except (OSError, ValueError) as error:
        log.warning("OIDC provider %s unreachable: %s", url, error)
        raise ProviderError(_("Der Identitätsanbieter ist nicht erreichbar: %(url)s",
                              url=url)) from error


def discover(issuer: str) -> dict:
    """The provider's discovery document; its ``issuer`` must be exactly the configured one."""
    document = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise ProviderError(_("Der Anbieter nennt sich %(found)s, eingetragen ist %(issuer)s.",
                              found=document.get("issuer"), issuer=issuer))
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(key):
            raise ProviderError(_("Im Discovery-Dokument fehlt %(key)s.", key=key))
    document["jwks"] = _fetch_json(document["jwks_uri"])
    return document


def authorization_request(metadata: dict, client_id: str, redirect_uri: str,
                          login_hint: str = "") -> LoginRequest:
    state, nonce, verifier = (secrets.token_urlsafe(24), secrets.token_urlsafe(24),
                              secrets.token_urlsafe(48))
    query = {
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid email profile", "state": state, "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if login_hint:
        query["login_hint"] = login_hint
    separator = "&" if "?" in metadata["authorization_endpoint"] else "?"
    url = metadata["authorization_endpoint"] + separator + urllib.parse.urlencode(query)
    return LoginRequest(state, nonce, verifier, url)


def exchange_code(metadata: dict, client_id: str, client_secret: str, code: str,
                  redirect_uri: str, verifier: str) -> str:
    """Trade the authorisation code for tokens; return the raw ID token."""
    tokens = _fetch_json(metadata["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": verifier, "client_id": client_id,
    }, auth=(client_id, client_secret) if client_secret else None)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise ProviderError(_("Der Identitätsanbieter hat kein ID-Token geschickt."))
    return id_token


def verify_id_token(id_token: str, metadata: dict, client_id: str, nonce: str,
                    now: float | None = None) -> dict:
    """Check signature, issuer, audience, expiry and nonce; return the claims.

    :raises ProviderError: any check fails (the message says which, without the token).
    """
    keys = KeySet.import_key_set(metadata["jwks"])
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as error:
        raise ProviderError(_("Die Signatur des ID-Tokens ist ungültig.")) from error
    claims = token.claims
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise ProviderError(_("Das ID-Token ist nicht für diese Plattform ausgestellt."))
    registry = jwt.JWTClaimsRegistry(
        now=int(now if now is not None else time.time()), leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": metadata["issuer"]},
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise ProviderError(_("Das ID-Token ist abgelaufen oder ungültig (%(reason)s).",
                              reason=error.error)) from error
    if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise ProviderError(_("Das ID-Token gehört nicht zu dieser Anmeldung."))
    return claims


def logout_url(metadata: dict, client_id: str, post_logout_redirect_uri: str) -> str:
    """RP-initiated logout at the provider, where it offers one (else empty)."""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return ""
    query = urllib.parse.urlencode({"client_id": client_id,
                                    "post_logout_redirect_uri": post_logout_redirect_uri})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
