"""Single sign-on rules: configuring a provider, finding it, signing people in (JIT).

Accounts are found by the provider's subject first. On first login an account is linked by
e-mail only when the address belongs to one of the organisation's configured domains (the
company vouches for it) and the account is not in another organisation; otherwise it is
created, with the organisation and the department, name, e-mail and personnel number the
claims carry. The directory stays the source of truth: department and name follow it at
every login.
"""

import base64
import hashlib
import ipaddress
import json
import logging
import secrets
import urllib.parse
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lms.accounts import audit, services
from lms.accounts.models import Department, Organisation, User, UserSession
from lms.accounts.passwords import hash_password
from lms.accounts.shop_floor import find_organisation_by_code
from lms.accounts.sso import oidc, saml
from lms.accounts.sso.models import ExternalIdentity, IdentityProvider, SamlLogin
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db

log = logging.getLogger(__name__)


def _fernet() -> Fernet:
    digest = hashlib.sha256(
        (current_app.config["SECRET_KEY"] + ":sso-client-secret").encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_secret(secret: str) -> str:
    """Client secrets are stored encrypted with a key derived from the app's secret key."""
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def open_secret(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise ValidationFailedError(_(
            "Das Client-Secret lässt sich nicht entschlüsseln (wurde ATLAS_SECRET_KEY "
            "geändert?). Bitte tragen Sie es neu ein.")) from error


def _check_issuer_url(issuer: str) -> str:
    issuer = issuer.strip()
    parts = urllib.parse.urlsplit(issuer)
    loopback = False
    try:
        loopback = parts.hostname == "localhost" or ipaddress.ip_address(
            parts.hostname or "").is_loopback
    except ValueError:
        pass
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValidationFailedError(
            _("Der Issuer muss eine https-Adresse sein, z. B. "
              "https://login.microsoftonline.com/<Tenant-ID>/v2.0."), field="issuer")
    return issuer


def configure_provider(actor: User, organisation: Organisation, *, issuer: str,
                       client_id: str, client_secret: str, email_domains: str,
                       claim_email: str, claim_name: str, claim_personnel_number: str,
                       claim_department: str, is_enabled: bool, now: datetime,
                       protocol: str = "oidc") -> IdentityProvider:
    """Create or change the organisation's provider; its discovery or metadata is fetched.

    :param protocol: ``oidc`` (``issuer`` is the issuer URL) or ``saml`` (``issuer`` is the
        IdP's metadata URL; ``client_id`` and ``client_secret`` are not used).
    :param client_secret: empty keeps the stored one.
    :raises ValidationFailedError: not https, provider unreachable or inconsistent.
    """
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren richten Single Sign-on ein."))
    if protocol not in ("oidc", "saml"):
        raise ValidationFailedError(_("Unbekanntes Protokoll."), field="protocol")
    issuer = _check_issuer_url(issuer)
    if protocol == "oidc" and not client_id.strip():
        raise ValidationFailedError(_("Bitte geben Sie die Client-ID an."), field="client_id")
    domains = sorted({d.strip().lower().lstrip("@") for d in email_domains.split(",")
                      if d.strip()})
    for domain in domains:
        other = find_provider_for_domain(domain)
        if other and other.organisation_id != organisation.id:
            raise ValidationFailedError(
                _("Die Domain %(domain)s gehört schon zu %(org)s.", domain=domain,
                  org=other.organisation.name), field="email_domains")
    if protocol == "saml":
        document, client_id = saml.fetch_metadata(issuer)
    else:
        document = json.dumps(oidc.discover(issuer))
    provider = db.session.scalar(select(IdentityProvider).where(
        IdentityProvider.organisation_id == organisation.id))
    if provider is None:
        provider = IdentityProvider(organisation=organisation, created_at=now)
        db.session.add(provider)
    provider.protocol = protocol
    provider.issuer = issuer
    provider.client_id = client_id.strip()
    if client_secret and protocol == "oidc":
        provider.client_secret = seal_secret(client_secret.strip())
    provider.email_domains = ",".join(domains)
    provider.claim_email = claim_email.strip() or "email"
    provider.claim_name = claim_name.strip() or "name"
    provider.claim_personnel_number = claim_personnel_number.strip()
    provider.claim_department = claim_department.strip()
    provider.is_enabled = is_enabled
    provider.metadata_json = document
    provider.updated_at = now
    audit.record(actor, None, "sso_configured", f"{organisation.name}: {issuer}", now)
    db.session.flush()
    return provider


def find_provider_for_domain(domain: str) -> IdentityProvider | None:
    domain = domain.strip().lower()
    for provider in db.session.scalars(select(IdentityProvider)):
        if domain in provider.domains:
            return provider
    return None


def find_provider(identifier: str) -> IdentityProvider | None:
    """The enabled provider for an e-mail address (by domain) or a company code."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        provider = find_provider_for_domain(identifier.rsplit("@", 1)[1])
    else:
        organisation = find_organisation_by_code(identifier)
        provider = organisation and db.session.scalar(select(IdentityProvider).where(
            IdentityProvider.organisation_id == organisation.id))
    return provider if provider and provider.is_enabled else None


def metadata(provider: IdentityProvider, refresh: bool = False) -> dict:
    """The OpenID Connect discovery document with keys (cached, refreshed on demand)."""
    if refresh or not provider.metadata_json:
        provider.metadata_json = json.dumps(oidc.discover(provider.issuer))
        db.session.flush()
    return json.loads(provider.metadata_json)


def verify_login(provider: IdentityProvider, id_token: str, nonce: str) -> dict:
    """Verify the ID token; unknown signing keys trigger one refresh (key rotation)."""
    try:
        return oidc.verify_id_token(id_token, metadata(provider), provider.client_id, nonce)
    except oidc.ProviderError:
        return oidc.verify_id_token(id_token, metadata(provider, refresh=True),
                                    provider.client_id, nonce)


SAML_LOGIN_WINDOW = timedelta(minutes=10)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_saml_login(provider: IdentityProvider, sp: saml.SpEndpoints, browser_key: str,
                     next_url: str, now: datetime) -> str:
    """Record the AuthnRequest for this browser; return the URL at the IdP."""
    db.session.execute(delete(SamlLogin).where(SamlLogin.expires_at <= now))
    request_id, url = saml.authn_request(sp, provider.metadata_json, provider.client_id)
    db.session.add(SamlLogin(
        request_id=request_id, provider_id=provider.id, browser_key_hash=_hash(browser_key),
        next_url=(next_url or "")[:500], expires_at=now + SAML_LOGIN_WINDOW))
    db.session.flush()
    return url


def receive_saml_response(sp: saml.SpEndpoints, saml_response: str, now: datetime
                          ) -> SamlLogin:
    """Verify a response posted by an IdP; it must answer an open request of ours.

    :raises ProviderError: unknown, answered already (replay) or expired request, or any
        failed check of the response itself.
    """
    request_id = saml.in_response_to(saml_response)
    login = db.session.scalar(select(SamlLogin).where(SamlLogin.request_id == request_id))
    if login is None or login.claims_json or login.expires_at <= now:
        raise oidc.ProviderError(_("Diese Anmeldung ist abgelaufen oder wurde schon "
                                   "verwendet. Bitte starten Sie sie erneut."))
    provider = login.provider
    if not provider.is_enabled or provider.protocol != "saml":
        raise oidc.ProviderError(_("Single Sign-on ist für diese Organisation "
                                   "ausgeschaltet."))
    claims = saml.read_response(sp, provider.metadata_json, saml_response, request_id)
    login.claims_json = json.dumps(claims)
    db.session.flush()
    return login


def finish_saml_login(login_id: int, browser_key: str, now: datetime
                      ) -> tuple[IdentityProvider, dict, str]:
    """The verified answer, for the browser that asked; used up here.

    :raises ProviderError: another browser, nothing verified, or too late.
    """
    login = db.session.get(SamlLogin, login_id)
    if login is None or not login.claims_json or login.expires_at <= now or not browser_key \
            or not secrets.compare_digest(login.browser_key_hash, _hash(browser_key)):
        raise oidc.ProviderError(_("Diese Anmeldung ist abgelaufen oder wurde schon "
                                   "verwendet. Bitte starten Sie sie erneut."))
    provider, claims, next_url = login.provider, json.loads(login.claims_json), login.next_url
    db.session.delete(login)
    db.session.flush()
    return provider, claims, next_url


def _claim(claims: dict, name: str) -> str:
    if not name:
        return ""
    value = claims.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _department(organisation: Organisation, name: str, now: datetime) -> Department | None:
    if not name:
        return None
    department = db.session.scalar(select(Department).where(
        Department.organisation_id == organisation.id,
        func.lower(Department.name) == name.lower()))
    return department or services.add_department(organisation, name=name[:200],
                                                 cost_centre="", now=now)


def _address_to_keep(email: str, claims: dict) -> str | None:
    """The new account's e-mail: the directory's, unless unverified, malformed or taken.

    An address outside the provider's domains that another account already has is not
    linked (nobody vouched that it is the same person) and not copied (addresses are
    unique): the account is created without e-mail, and its messages stay in the platform.
    """
    if not email or claims.get("email_verified", True) is False:
        return None
    try:
        email = services.normalise_email(email)
    except ValidationFailedError:
        return None
    return None if services.find_user_by_email(email) else email


def sign_in(provider: IdentityProvider, claims: dict, now: datetime) -> User:
    """The account for a verified ID token: linked, found by trusted e-mail, or created.

    :raises PermissionDeniedError: the account is deactivated, or belongs to another
        organisation.
    """
    organisation = provider.organisation
    subject = str(claims["sub"])
    email = _claim(claims, provider.claim_email).lower()
    name = _claim(claims, provider.claim_name) or email.split("@")[0] or _("Unbekannt")
    number = _claim(claims, provider.claim_personnel_number)[:50]
    department = _department(organisation, _claim(claims, provider.claim_department)[:200], now)
    link = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == subject))
    user = link.user if link else None
    if user is None and email and email.rsplit("@", 1)[-1] in provider.domains:
        user = services.find_user_by_email(email)
    if user is None:
        user = services.create_user(
            email=_address_to_keep(email, claims), name=name[:200], now=now,
            password_hash=hash_password(secrets.token_urlsafe(32)),  # SSO only, no password
        )
    if not user.is_active:
        raise PermissionDeniedError(_("Ihr Konto ist gesperrt. Bitte wenden Sie sich an die "
                                      "Administration."))
    if user.membership and user.membership.organisation_id != organisation.id:
        raise PermissionDeniedError(_("Ihr Konto gehört zu einer anderen Organisation."))
    membership = user.membership
    services.add_member(
        organisation, user, role=membership.role if membership else "employee",
        department=department or (membership.department if membership else None),
        personnel_number=number or (membership.personnel_number if membership else ""),
        now=now)
    if name and name != user.name and not user.anonymised_at:
        old_name, user.name = user.name, name[:200]
        services.plugin_hook().lms_user_renamed(user=user, old_name=old_name, now=now)
    if link is None:
        link = ExternalIdentity(provider_id=provider.id, subject=subject, user_id=user.id,
                                created_at=now)
        db.session.add(link)
    link.last_login_at = now
    user.last_login_at = now
    db.session.flush()
    services.plugin_hook().lms_user_logged_in(user=user, now=now)
    return user


# --- SAML single logout ----------------------------------------------------------------------


def saml_session_fields(provider: IdentityProvider, claims: dict) -> dict:
    """What a SAML login session keeps for single logout (``login_sessions.open_session``)."""
    return {"saml_provider_id": provider.id, "saml_name_id": str(claims.get("sub", "")),
            "saml_name_id_format": str(claims.get(saml.NAME_ID_FORMAT, "")),
            "saml_session_index": str(claims.get(saml.SESSION_INDEX, ""))}


def saml_logout_request(login_session: UserSession, sp: saml.SpEndpoints
                        ) -> tuple[str, str] | None:
    """(request id, URL at the IdP) to end the company session too; None when the session
    is no SAML login, or the IdP offers no single logout (then only ours ends)."""
    provider = db.session.get(IdentityProvider, login_session.saml_provider_id) if (
        login_session is not None and login_session.saml_provider_id) else None
    if provider is None or not provider.is_enabled or provider.protocol != "saml":
        return None
    try:
        return saml.logout_request(
            sp, provider.metadata_json, provider.client_id, login_session.saml_name_id,
            login_session.saml_name_id_format, login_session.saml_session_index)
    except Exception as error:  # noqa: BLE001 - never let the IdP's metadata stop a logout
        log.warning("SAML logout request not built for provider %s: %r", provider.id, error)
        return None


def saml_provider_of(message: str) -> IdentityProvider:
    """The enabled SAML provider that issued ``message`` (HTTP-Redirect encoded).

    :raises ProviderError: unreadable, or no such provider here.
    """
    issuer = saml.message_issuer(message)
    provider = db.session.scalar(select(IdentityProvider).where(
        IdentityProvider.protocol == "saml", IdentityProvider.client_id == issuer,
        IdentityProvider.is_enabled.is_(True))) if issuer else None
    if provider is None:
        raise oidc.ProviderError(_("Diese Abmeldenachricht stammt von keinem hier "
                                   "eingerichteten Identitätsanbieter."))
    return provider


def end_saml_sessions(provider: IdentityProvider, name_id: str, session_indexes: list[str]
                      ) -> list[int]:
    """End the login sessions an IdP-initiated LogoutRequest names; return their ids.

    With session indexes only those sessions end, else every session of that NameID.
    """
    query = select(UserSession).where(UserSession.saml_provider_id == provider.id,
                                      UserSession.saml_name_id == name_id)
    if session_indexes:
        query = query.where(UserSession.saml_session_index.in_(session_indexes))
    ended = [login_session.id for login_session in db.session.scalars(query)]
    if ended:
        db.session.execute(delete(UserSession).where(UserSession.id.in_(ended)))
    db.session.flush()
    return ended


def require_two_factor(actor: User, organisation: Organisation, required: bool,
                       now: datetime) -> None:
    """Switch the organisation's rule: its managers and works council need a second factor.

    :raises PermissionDeniedError: ``actor`` is no platform admin.
    """
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren dürfen das festlegen."))
    organisation.requires_two_factor = required
    organisation.updated_at = now
    audit.record(actor, None, "two_factor_rule",
                 f"{organisation.name}: {'on' if required else 'off'}", now)
    db.session.flush()
