"""OIDC third-party login and launch: every check on the platform's ID token, in one place.

A launch is accepted only when: the login was started here (state, matching the browser's
state cookie) and not used before (its nonce is spent on first use, so a replayed token is
refused); the token is signed by a key from the registration's JWKS (fetched again once for
an unknown ``kid``, so the platform may rotate); ``iss``, ``aud``/``azp``, ``exp`` and
``iat`` fit; the deployment id is one the admin registered; message type and LTI version
are ones we speak.
"""

import base64
import json
import secrets
import time
import urllib.parse
from datetime import datetime, timedelta

from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete, select

from lms.errors import DomainError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.lti import claims as c
from lms.lti.models import LtiLogin, LtiRegistration
from lms.lti.registrations import platform_keys

LOGIN_WINDOW = timedelta(minutes=10)
LEEWAY_SECONDS = 60
ALGORITHMS = ["RS256", "RS384", "RS512"]


class LaunchRefusedError(DomainError):
    """A launch we refuse; the message says why without echoing the token."""

    status_code = 400


class LaunchUnauthorizedError(LaunchRefusedError):
    """The token's signature or its audience does not hold."""

    status_code = 401


def find_registration(issuer: str, client_id: str = "") -> LtiRegistration:
    """The active registration for a login request's issuer (and client id, if sent).

    :raises LaunchRefusedError: none, ambiguous, or disabled.
    """
    query = select(LtiRegistration).where(LtiRegistration.issuer == issuer)
    if client_id:
        query = query.where(LtiRegistration.client_id == client_id)
    found = list(db.session.scalars(query))
    if not found:
        raise LaunchRefusedError(_("Diese Plattform (%(issuer)s) ist bei ATLAS Campus nicht "
                                   "registriert.", issuer=issuer[:200]))
    if len(found) > 1:
        raise LaunchRefusedError(_("Für diese Plattform gibt es mehrere Registrierungen; sie "
                                   "muss die Client-ID mitschicken."))
    if not found[0].is_active:
        raise PermissionDeniedError(_("Die Registrierung dieser Plattform ist abgeschaltet."))
    return found[0]


def start_login(params: dict, redirect_uri: str, now: datetime) -> tuple[LtiLogin, str]:
    """Answer a platform's login initiation: a state and nonce, and the URL to go to.

    :param params: the request's ``iss``, ``login_hint``, ``target_link_uri`` and the
        optional ``client_id``, ``lti_message_hint``, ``lti_deployment_id``.
    :param redirect_uri: our launch URL; ``target_link_uri`` must point to this host.
    :raises LaunchRefusedError: parameters missing, a target elsewhere, or platform unknown.
    """
    issuer, hint = params.get("iss", ""), params.get("login_hint", "")
    target = params.get("target_link_uri", "")
    if not issuer or not hint or not target:
        raise LaunchRefusedError(_("Der Plattform-Login ist unvollständig (iss, login_hint und "
                                   "target_link_uri werden gebraucht)."))
    if _host(target) != _host(redirect_uri):
        raise LaunchRefusedError(_("Das Ziel des Plattform-Logins (target_link_uri) liegt "
                                   "nicht bei ATLAS Campus."))
    registration = find_registration(issuer, params.get("client_id", ""))
    deployment = params.get("lti_deployment_id", "")
    if deployment and deployment not in registration.deployments:
        raise LaunchRefusedError(_("Die Deployment-ID %(id)s ist für diese Plattform nicht "
                                   "registriert.", id=deployment[:100]))
    db.session.execute(delete(LtiLogin).where(LtiLogin.expires_at <= now - timedelta(days=1)))
    login = LtiLogin(registration_id=registration.id, state=secrets.token_urlsafe(32),
                     nonce=secrets.token_urlsafe(32), created_at=now,
                     expires_at=now + LOGIN_WINDOW)
    db.session.add(login)
    db.session.flush()
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
             "prompt": "none", "client_id": registration.client_id,
             "redirect_uri": redirect_uri, "login_hint": hint, "state": login.state,
             "nonce": login.nonce}
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return login, registration.auth_login_url + separator + urllib.parse.urlencode(query)


def _host(url: str) -> str | None:
    try:
        return urllib.parse.urlsplit(url).netloc
    except ValueError:
        return None


def _unverified_header(token: str) -> dict:
    try:
        header = json.loads(jwt_segment(token.split(".")[0]))
    except (ValueError, IndexError) as error:
        raise LaunchUnauthorizedError(_("Das ID-Token der Plattform ist unlesbar.")) from error
    if not isinstance(header, dict):
        raise LaunchUnauthorizedError(_("Das ID-Token der Plattform ist unlesbar."))
    return header


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (then simply unequal)."""
    return secrets.compare_digest(given.encode(), expected.encode())


def jwt_segment(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode(token: str, registration: LtiRegistration):
    kid = _unverified_header(token).get("kid")
    keys = platform_keys(registration)
    known = {key.get("kid") for key in keys.get("keys", []) if isinstance(key, dict)}
    if kid and kid not in known:
        keys = platform_keys(registration, refresh=True)  # the platform rotated its key
    try:
        return jwt.decode(token, KeySet.import_key_set(keys), algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError, TypeError) as error:  # also a malformed JWKS
        raise LaunchUnauthorizedError(_(
            "Die Signatur des ID-Tokens passt zu keinem Schlüssel der Plattform. Der Start "
            "wurde abgelehnt.")) from error


def verify_launch(state: str, browser_state: str, id_token: str, now: datetime
                  ) -> tuple[LtiRegistration, dict]:
    """Check a launch posted by the platform; return the registration and the claims.

    The login's nonce is spent here even when a later check fails, so a token is never
    tried twice. Raises only domain errors (4xx pages), never anything else.
    """
    if not state or not id_token:
        raise LaunchRefusedError(_("Der Start ist unvollständig (state und id_token fehlen)."))
    login = db.session.scalar(select(LtiLogin).where(LtiLogin.state == state))
    if login is None or login.expires_at <= now:
        raise LaunchRefusedError(_("Dieser Start ist abgelaufen oder unbekannt. Bitte öffnen "
                                   "Sie den Link in der Plattform erneut."))
    if login.used_at is not None:
        raise LaunchRefusedError(_("Dieser Start wurde schon verwendet (Wiederholung "
                                   "abgelehnt). Bitte öffnen Sie den Link in der Plattform "
                                   "erneut."))
    if not browser_state or not _same(browser_state, state):
        raise LaunchRefusedError(_("Dieser Start gehört nicht zu diesem Browser (Cookie "
                                   "fehlt). Erlauben Sie Cookies und öffnen Sie den Link "
                                   "erneut."))
    registration = db.session.get(LtiRegistration, login.registration_id)
    if registration is None or not registration.is_active:
        raise PermissionDeniedError(_("Die Registrierung dieser Plattform ist abgeschaltet."))
    token = _decode(id_token, registration)
    claims = token.claims
    nonce = str(claims.get("nonce", ""))
    if not _same(nonce, login.nonce):
        raise LaunchRefusedError(_("Das ID-Token gehört nicht zu diesem Start (nonce)."))
    # spent before the remaining checks; the view commits this step on its own, so a
    # token that passed is never accepted twice (see views.launch)
    login.used_at = now
    db.session.flush()
    _check_claims(claims, registration, now)
    return registration, claims


def _check_claims(claims: dict, registration: LtiRegistration, now: datetime) -> None:
    if claims.get("iss") != registration.issuer:
        raise LaunchUnauthorizedError(_("Das ID-Token stammt nicht von dieser Plattform."))
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if registration.client_id not in audiences or (
            len(audiences) > 1 and claims.get("azp") != registration.client_id) or (
            "azp" in claims and claims.get("azp") != registration.client_id):
        raise LaunchUnauthorizedError(_("Das ID-Token ist nicht für ATLAS Campus ausgestellt "
                                        "(aud/azp)."))
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()) if now else int(time.time()), leeway=LEEWAY_SECONDS,
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True})
    try:
        registry.validate(claims)
    except JoseError as error:
        raise LaunchRefusedError(_("Das ID-Token ist abgelaufen oder ungültig (%(reason)s).",
                                   reason=error.error)) from error
    if claims.get(c.VERSION) != "1.3.0":
        raise LaunchRefusedError(_("Nur LTI 1.3.0 wird unterstützt."))
    if claims.get(c.MESSAGE_TYPE) not in (c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST):
        raise LaunchRefusedError(_("Diese Art Start (%(type)s) unterstützt ATLAS Campus nicht.",
                                   type=str(claims.get(c.MESSAGE_TYPE))[:60]))
    if claims.get(c.DEPLOYMENT_ID) not in registration.deployments:
        raise LaunchRefusedError(_("Die Deployment-ID %(id)s ist für diese Plattform nicht "
                                   "registriert.", id=str(claims.get(c.DEPLOYMENT_ID))[:100]))
    if claims.get(c.MESSAGE_TYPE) == c.RESOURCE_LINK_REQUEST and not c.section(
            claims, c.RESOURCE_LINK).get("id"):
        raise LaunchRefusedError(_("Dem Start fehlt die Ressourcen-Link-ID."))
    if claims.get(c.MESSAGE_TYPE) == c.DEEP_LINKING_REQUEST and not c.section(
            claims, c.DEEP_LINKING_SETTINGS).get("deep_link_return_url"):
        raise LaunchRefusedError(_("Der Deep-Linking-Anfrage fehlt die Rücksprungadresse."))


def check_redirect_target(url: str) -> str:
    """A platform URL we post to or redirect to: http(s) only."""
    if not _host(url) or urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ValidationFailedError(_("Die Rücksprungadresse der Plattform ist ungültig."))
    return url
