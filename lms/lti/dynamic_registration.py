"""LTI Dynamic Registration (IMS): the platform opens our one-time URL, we register ourselves.

An admin creates an invitation (organisation chosen, one-time token in the URL, valid a
day) and enters the URL in the platform. The platform opens it with ``openid_configuration``
and ``registration_token``; we read the platform's configuration (its issuer must be the
configuration URL's own origin), post our tool configuration to its
``registration_endpoint`` with the token, and store the answer as a registration.
"""

import hashlib
import json
import secrets
import urllib.parse
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import Organisation, User
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.lti import claims as c
from lms.lti import http
from lms.lti.models import LtiRegistration, LtiRegistrationInvite
from lms.lti.registrations import RegistrationData, check_url, save_registration

INVITE_LIFETIME = timedelta(days=1)
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(actor: User, organisation_id: int, name: str, instructors_train: bool,
                  now: datetime) -> tuple[LtiRegistrationInvite, str]:
    """A one-time registration URL token for the chosen organisation; returns (row, token)."""
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren registrieren LTI-Plattformen."))
    if db.session.get(Organisation, organisation_id) is None:
        raise ValidationFailedError(_("Bitte wählen Sie die Organisation."),
                                    field="organisation_id")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an (höchstens 200 Zeichen)."),
                                    field="name")
    token = secrets.token_urlsafe(32)
    invite = LtiRegistrationInvite(
        token_hash=_hash(token), organisation_id=organisation_id, name=name,
        instructors_train=instructors_train, created_by_id=actor.id, created_at=now,
        expires_at=now + INVITE_LIFETIME)
    db.session.add(invite)
    db.session.flush()
    return invite, token


def open_invite(token: str, now: datetime) -> LtiRegistrationInvite:
    invite = db.session.scalar(select(LtiRegistrationInvite).where(
        LtiRegistrationInvite.token_hash == _hash(token or "")))
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise NotFoundError(_("Dieser Registrierungslink ist abgelaufen oder wurde schon "
                              "verwendet. Bitte legen Sie in ATLAS Campus einen neuen an."))
    return invite


def tool_configuration(urls: dict, scopes: list[str]) -> dict:
    """What we tell the platform about ourselves (``urls``: login, launch, jwks, logo)."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": "ATLAS Campus",
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: {
            "domain": urllib.parse.urlsplit(urls["launch"]).netloc,
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": c.DEEP_LINKING_REQUEST, "target_link_uri": urls["launch"],
                          "label": "ATLAS Campus"}],
        },
    }


def register_platform(token: str, configuration_url: str, registration_token: str,
                      urls: dict, now: datetime) -> LtiRegistration:
    """Run the registration for an invitation; the registration is saved with its answer.

    :raises NotFoundError: invitation unknown, used or expired.
    :raises ValidationFailedError: the platform's configuration or answer is unusable.
    """
    invite = open_invite(token, now)
    configuration_url = check_url(configuration_url, "openid_configuration",
                                  _("die Konfigurationsadresse der Plattform"))
    configuration = http.request_json(configuration_url)
    issuer = str(configuration.get("issuer") or "")
    origin = urllib.parse.urlsplit(configuration_url)
    if not issuer or urllib.parse.urlsplit(issuer).netloc != origin.netloc:
        raise ValidationFailedError(_("Die Plattform nennt als Issuer %(issuer)s; die "
                                      "Konfiguration kommt aber von %(host)s.",
                                      issuer=issuer[:200], host=origin.netloc))
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri",
                "registration_endpoint"):
        if not configuration.get(key):
            raise ValidationFailedError(_("In der Konfiguration der Plattform fehlt %(key)s.",
                                          key=key))
    supported = configuration.get("scopes_supported") or []
    scopes = [s for s in (c.SCOPE_LINEITEM, c.SCOPE_LINEITEM_READONLY, c.SCOPE_RESULT,
                          c.SCOPE_SCORE) if not supported or s in supported]
    answer = http.post_json(
        check_url(str(configuration["registration_endpoint"]), "openid_configuration",
                  _("die Registrierungsadresse der Plattform")),
        tool_configuration(urls, scopes), token=registration_token)
    client_id = str(answer.get("client_id") or "")
    deployment = str((answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id") or "")
    if not client_id or not deployment:
        raise ValidationFailedError(_(
            "Die Plattform hat keine Client-ID oder Deployment-ID vergeben. Tragen Sie die "
            "Plattform bitte über das Formular ein."))
    platform_name = str((configuration.get(PLATFORM_CONFIGURATION) or {}).get(
        "product_family_code") or "")
    creator = db.session.get(User, invite.created_by_id) if invite.created_by_id else None
    if creator is None or not creator.is_admin:
        raise PermissionDeniedError(_("Die Person, die den Link angelegt hat, ist keine "
                                      "Administratorin mehr."))
    registration = save_registration(creator, RegistrationData(
        name=invite.name, issuer=issuer, client_id=client_id,
        auth_login_url=str(configuration["authorization_endpoint"]),
        auth_token_url=str(configuration["token_endpoint"]),
        key_set_url=str(configuration["jwks_uri"]),
        deployment_ids=deployment, organisation_id=invite.organisation_id,
        instructors_train=invite.instructors_train,
    ), now, source="dynamic", answer=json.dumps({"platform": platform_name, **answer})[:20000])
    invite.used_at = now
    invite.registration_id = registration.id
    db.session.flush()
    return registration
