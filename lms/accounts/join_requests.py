"""Join rules: a self-registered person whose company domain an organisation claims asks to join.

An admin gives an organisation its company e-mail domains (``Organisation.join_domains``).
When a self-registration with such an address is confirmed (the address is verified by
then), a pending :class:`JoinRequest` is created and the organisation's managers are told
(by mail, or in their platform inbox). A manager approves (the person becomes an employee)
or declines; either way the person is told and the admin audit log records who decided.
Until then the person is a learner without organisation.
"""

import re
from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts import audit
from lms.accounts.inbox import send_to_user
from lms.accounts.models import JoinRequest, Membership, Organisation, User
from lms.accounts.services import add_member, ensure_can_manage
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db

DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
#: Addresses anybody can get: never a company's proof of employment.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "outlook.com",
    "outlook.de", "hotmail.com", "hotmail.de", "live.com", "live.de", "yahoo.com", "yahoo.de",
    "icloud.com", "me.com", "aol.com", "freenet.de", "posteo.de", "mailbox.org", "proton.me",
    "protonmail.com", "arcor.de", "1und1.de", "ionos.de", "example.com",
})


def domains_of(organisation: Organisation) -> list[str]:
    return [d.strip().lower() for d in organisation.join_domains.split(",") if d.strip()]


def set_join_domains(actor: User, organisation: Organisation, text: str, now: datetime) -> None:
    """Set the organisation's company e-mail domains (admins only).

    :raises PermissionDeniedError: ``actor`` is no platform admin (a manager could otherwise
        claim another company's domain).
    :raises ValidationFailedError: a malformed or public mail domain, or one that another
        organisation has.
    """
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren dürfen Firmen-Domains festlegen."))
    domains = []
    for raw in re.split(r"[,\s;]+", text or ""):
        domain = raw.strip().lower().lstrip("@")
        if not domain:
            continue
        if not DOMAIN.match(domain):
            raise ValidationFailedError(
                _("„%(domain)s“ ist keine Domain (Beispiel: mueller-metall.de).", domain=raw),
                field="join_domains")
        if domain in PUBLIC_MAIL_DOMAINS:
            raise ValidationFailedError(
                _("„%(domain)s“ ist ein öffentlicher Mail-Anbieter und belegt keine "
                  "Firmenzugehörigkeit.", domain=domain), field="join_domains")
        owner = organisation_for_domain(domain)
        if owner is not None and owner.id != organisation.id:
            raise ValidationFailedError(
                _("Die Domain %(domain)s gehört bereits zu %(org)s.", domain=domain,
                  org=owner.name), field="join_domains")
        if domain not in domains:
            domains.append(domain)
    joined = ",".join(domains)
    if len(joined) > 500:
        raise ValidationFailedError(_("Zu viele Domains."), field="join_domains")
    if joined != organisation.join_domains:
        audit.record(actor, None, "join_domains", f"{organisation.name}: {joined or '-'}", now)
    organisation.join_domains = joined
    organisation.updated_at = now
    db.session.flush()


def organisation_for_domain(domain: str) -> Organisation | None:
    """The organisation whose join rule names ``domain`` (a short list: checked in Python)."""
    domain = domain.strip().lower()
    candidates = db.session.scalars(select(Organisation).where(
        Organisation.join_domains.contains(domain)))
    return next((o for o in candidates if domain in domains_of(o)), None)


def managers_of(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == organisation.id, Membership.role == "manager",
            User.is_active_account.is_(True))))


def request_for_new_account(user: User, now: datetime) -> JoinRequest | None:
    """After a confirmed self-registration: ask to join the organisation of the domain.

    Nothing when the address names no organisation or the person already belongs to one.
    """
    if not user.email or user.membership is not None:
        return None
    organisation = organisation_for_domain(user.email.rsplit("@", 1)[-1])
    if organisation is None:
        return None
    join = JoinRequest(organisation=organisation, user=user, status="pending", created_at=now)
    db.session.add(join)
    db.session.flush()
    link = url_for("admin.join_requests_page", organisation_id=organisation.id, _external=True)
    for manager in managers_of(organisation):
        with force_locale(manager.locale or "de"):
            send_to_user(manager, _("Beitrittsanfrage: %(name)s – ATLAS Campus", name=user.name),
                         _("Hallo %(manager)s,\n\n%(name)s (%(email)s) hat sich bei ATLAS Campus "
                           "registriert und möchte %(org)s beitreten. Bitte bestätigen oder "
                           "lehnen Sie die Anfrage ab:\n%(link)s", manager=manager.name,
                           name=user.name, email=user.email, org=organisation.name, link=link),
                         now)
    return join


def pending_for_user(user: User) -> JoinRequest | None:
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.user_id == user.id, JoinRequest.status == "pending"))


def requests_of(organisation: Organisation, limit: int = 100) -> list[JoinRequest]:
    """Pending requests first, then the latest decisions."""
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.organisation_id == organisation.id)
        .order_by((JoinRequest.status == "pending").desc(), JoinRequest.id.desc())
        .limit(limit)))


def _open_request(actor: User, request_id: int) -> JoinRequest:
    join = db.session.get(JoinRequest, request_id)
    try:
        if join is None:
            raise PermissionDeniedError("")
        ensure_can_manage(actor, join.organisation)
    except PermissionDeniedError as error:  # another company's request is not confirmed
        raise NotFoundError(_("Diese Beitrittsanfrage gibt es nicht.")) from error
    if join.status != "pending":
        raise ValidationFailedError(_("Über diese Anfrage wurde bereits entschieden."))
    return join


def decide(actor: User, request_id: int, *, approve: bool, now: datetime) -> JoinRequest:
    """Approve (the person becomes an employee) or decline a pending request.

    :raises NotFoundError: no such request, or ``actor`` may not manage its organisation.
    :raises ValidationFailedError: decided already, or the person joined another
        organisation in the meantime.
    """
    join = _open_request(actor, request_id)
    organisation, user = join.organisation, join.user
    if approve:
        add_member(organisation, user, role="employee", now=now)
    join.status = "approved" if approve else "declined"
    join.decided_at, join.decided_by_id = now, actor.id
    audit.record(actor, user, "join_approved" if approve else "join_declined",
                 organisation.name, now)
    with force_locale(user.locale or "de"):
        if approve:
            subject = _("Sie sind jetzt Mitglied von %(org)s – ATLAS Campus", org=organisation.name)
            body = _("Hallo %(name)s,\n\n%(org)s hat Ihre Beitrittsanfrage bestätigt. Ihr "
                     "Unternehmen sieht ab jetzt, was sein Sichtbarkeitsprofil erlaubt "
                     "(standardmäßig Einschreibung, Abschluss, Stunden und Zertifikate).",
                     name=user.name, org=organisation.name)
        else:
            subject = _("Beitrittsanfrage abgelehnt – ATLAS Campus")
            body = _("Hallo %(name)s,\n\n%(org)s hat Ihre Beitrittsanfrage abgelehnt. Ihr "
                     "Konto bleibt bestehen; Sie lernen weiter ohne Unternehmen.",
                     name=user.name, org=organisation.name)
    send_to_user(user, subject, body, now)
    db.session.flush()
    return join
