"""Registering platforms: checking every field, saving, disabling; the platform's keys.

Only platform admins register platforms. URLs must be https (http only on loopback, for
tests and local trials), and an issuer/client id pair exists once.
"""

import ipaddress
import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts import audit
from lms.accounts.models import Organisation, User
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.lti import http
from lms.lti.models import LtiRegistration


@dataclass
class RegistrationData:
    """What the admin form (or dynamic registration) says about a platform."""

    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: str
    organisation_id: int
    instructors_train: bool = False


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_url(value: str, field: str, label: str) -> str:
    """``value`` as a usable https URL (http only on loopback).

    :raises ValidationFailedError: on ``field``, saying what is wrong.
    """
    value = (value or "").strip()
    if not value:
        raise ValidationFailedError(_("Bitte geben Sie %(label)s an.", label=label), field=field)
    try:
        parts = urllib.parse.urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme not in ("https", "http") or (
            parts.scheme == "http" and not _is_loopback(host)):
        raise ValidationFailedError(
            _("Bitte geben Sie für %(label)s eine vollständige https-Adresse an, z. B. "
              "https://moodle.example.de/…", label=label), field=field)
    if len(value) > 500:
        raise ValidationFailedError(
            _("Die Angabe für %(label)s ist zu lang (höchstens 500 Zeichen).", label=label),
            field=field)
    return value


def _clean(data: RegistrationData) -> RegistrationData:
    name = data.name.strip()
    if not name or len(name) > 200:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an (höchstens 200 Zeichen)."),
                                    field="name")
    client_id = data.client_id.strip()
    if not client_id or len(client_id) > 200:
        raise ValidationFailedError(
            _("Bitte geben Sie die Client-ID an, die die Plattform vergeben hat (höchstens "
              "200 Zeichen)."), field="client_id")
    deployments = []
    for line in data.deployment_ids.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) > 255:
            raise ValidationFailedError(_("Eine Deployment-ID ist zu lang (höchstens 255 "
                                          "Zeichen)."), field="deployment_ids")
        if line not in deployments:
            deployments.append(line)
    if not deployments:
        raise ValidationFailedError(
            _("Bitte geben Sie mindestens eine Deployment-ID an (eine pro Zeile)."),
            field="deployment_ids")
    if db.session.get(Organisation, data.organisation_id) is None:
        raise ValidationFailedError(_("Bitte wählen Sie die Organisation."),
                                    field="organisation_id")
    return RegistrationData(
        name=name, client_id=client_id, deployment_ids="\n".join(deployments),
        issuer=check_url(data.issuer, "issuer", _("den Issuer")),
        auth_login_url=check_url(data.auth_login_url, "auth_login_url",
                                 _("die OIDC-Login-Adresse")),
        auth_token_url=check_url(data.auth_token_url, "auth_token_url",
                                 _("die Token-Adresse")),
        key_set_url=check_url(data.key_set_url, "key_set_url", _("die JWKS-Adresse")),
        organisation_id=data.organisation_id, instructors_train=bool(data.instructors_train))


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren registrieren LTI-Plattformen."))


def save_registration(actor: User, data: RegistrationData, now: datetime,
                      registration: LtiRegistration | None = None, source: str = "form",
                      answer: str = "") -> LtiRegistration:
    """Create (or change) a registration after checking every field.

    :raises PermissionDeniedError: ``actor`` is no admin.
    :raises ValidationFailedError: a field is missing or wrong (the error names it), or
        the issuer and client id are registered already.
    """
    _require_admin(actor)
    data = _clean(data)
    twin = db.session.scalar(select(LtiRegistration).where(
        LtiRegistration.issuer == data.issuer, LtiRegistration.client_id == data.client_id))
    if twin is not None and twin is not registration:
        raise ValidationFailedError(
            _("Diese Plattform (Issuer und Client-ID) ist schon als „%(name)s“ registriert.",
              name=twin.name), field="client_id")
    if registration is None:
        registration = LtiRegistration(created_at=now, created_by_id=actor.id, source=source,
                                       registration_answer=answer)
        db.session.add(registration)
    if registration.key_set_url != data.key_set_url:
        registration.platform_keys = ""
    for name in ("name", "issuer", "client_id", "auth_login_url", "auth_token_url",
                 "key_set_url", "deployment_ids", "organisation_id", "instructors_train"):
        setattr(registration, name, getattr(data, name))
    registration.updated_at = now
    db.session.flush()
    audit.record(actor, None, "lti_registration_saved",
                 f"{registration.name}: {registration.issuer} ({registration.client_id})", now)
    return registration


def set_status(actor: User, registration: LtiRegistration, status: str, now: datetime) -> None:
    """Disable a registration (no launches, no grades) or enable it again."""
    _require_admin(actor)
    if status not in ("active", "disabled"):
        raise ValidationFailedError(_("Unbekannter Status."))
    registration.status = status
    registration.updated_at = now
    registration.access_token = ""
    db.session.flush()
    audit.record(actor, None, f"lti_registration_{status}", registration.name, now)


def get_registration(registration_id: int) -> LtiRegistration:
    registration = db.session.get(LtiRegistration, registration_id)
    if registration is None:
        raise NotFoundError(_("Diese Registrierung gibt es nicht."))
    return registration


def list_registrations() -> list[LtiRegistration]:
    return list(db.session.scalars(select(LtiRegistration).order_by(LtiRegistration.name)))


def platform_keys(registration: LtiRegistration, refresh: bool = False) -> dict:
    """The platform's JWKS: cached on the row, fetched when missing or ``refresh``."""
    if refresh or not registration.platform_keys:
        document = http.request_json(registration.key_set_url)
        if not isinstance(document.get("keys"), list):
            raise http.PlatformError(_("Unter der JWKS-Adresse der Plattform stehen keine "
                                       "Schlüssel."))
        registration.platform_keys = json.dumps(document)
        db.session.flush()
    return json.loads(registration.platform_keys)
