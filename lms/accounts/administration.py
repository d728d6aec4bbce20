"""What an administrator does to accounts: create, edit, reset, anonymise; each audited.

The rules live here (not in the admin views) so the CLI and the API can reuse them; each
function flushes, never commits, and writes one entry to the audit log.
"""

import secrets
from collections.abc import Callable
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import delete

from lms.accounts import audit, login_sessions, services, tokens, two_factor
from lms.accounts.models import PendingRegistration, User, new_pseudonym
from lms.accounts.passwords import hash_password
from lms.accounts.sso.models import ExternalIdentity
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.mail import queue_mail

ANONYMOUS_NAME = "Gelöschtes Konto"


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren dürfen Konten verwalten."))


def _mail_password_link(user: User, subject: str, intro: str) -> None:
    link = url_for("accounts.reset_password", token=tokens.make_reset_token(user),
                   _external=True)
    queue_mail(db.session, user.email, subject, _(
        "Hallo %(name)s,\n\n%(intro)s\n%(link)s\n\nDer Link ist eine Stunde gültig; danach "
        "können Sie unter „Passwort vergessen?“ einen neuen anfordern.",
        name=user.name, intro=intro, link=link))


def create_account(actor: User, *, email: str, name: str, is_admin: bool, is_trainer: bool,
                   locale: str, now: datetime) -> User:
    """Create an account with a mailbox; the person sets the password through a mailed link."""
    _require_admin(actor)
    user = services.create_user(
        email=email, name=name, now=now, locale=locale, is_admin=is_admin,
        is_trainer=is_trainer, password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    audit.record(actor, user, "user_created", user.email or "", now)
    _mail_password_link(
        user, _("Ihr Konto bei ATLAS Campus"),
        _("für Sie wurde ein Konto bei ATLAS Campus angelegt. Legen Sie hier Ihr Passwort fest:"))
    db.session.flush()
    return user


def update_account(actor: User, user: User, *, name: str, email: str, now: datetime) -> None:
    """Change name and e-mail address (roles: ``services.set_platform_roles``)."""
    _require_admin(actor)
    if user.anonymised_at:
        raise ValidationFailedError(_("Ein anonymisiertes Konto kann nicht bearbeitet werden."))
    changes = []
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    if user.has_mailbox or email.strip():
        new_email = services.normalise_email(email)
        if new_email != user.email:
            if services.find_user_by_email(new_email):
                raise ValidationFailedError(
                    _("Diese E-Mail-Adresse wird bereits verwendet."), field="email")
            changes.append(f"email {user.email} -> {new_email}")
            user.email = new_email
    if name != user.name:
        changes.append("name")
        old_name, user.name = user.name, name
        services.plugin_hook().lms_user_renamed(user=user, old_name=old_name, now=now)
    user.updated_at = now
    if changes:
        audit.record(actor, user, "user_updated", "; ".join(changes), now)
    db.session.flush()


def send_password_reset(actor: User, user: User, now: datetime) -> None:
    """Mail the person a link to set a new password (accounts with a mailbox)."""
    _require_admin(actor)
    if not user.has_mailbox:
        raise ValidationFailedError(_("Dieses Konto hat keine E-Mail-Adresse: drucken Sie "
                                      "stattdessen eine neue Anmeldekarte."))
    _mail_password_link(
        user, _("Passwort zurücksetzen – ATLAS Campus"),
        _("die Administration hat für Sie das Zurücksetzen des Passworts ausgelöst. Über "
          "diesen Link legen Sie ein neues fest:"))
    audit.record(actor, user, "password_reset_sent", "", now)
    db.session.flush()


def reset_two_factor(actor: User, user: User, now: datetime) -> None:
    """Remove a lost second factor; sessions end, the next login sets it up again if required."""
    _require_admin(actor)
    two_factor.disable(user, now)
    login_sessions.end_all_sessions(user)
    audit.record(actor, user, "two_factor_reset", "", now)
    db.session.flush()


def anonymise(actor: User, user: User, confirmation: str, now: datetime,
              erase_learning_records: Callable[[User], None]) -> None:
    """Erase a person (GDPR Art. 17): learning records in the LRS, name, address, logins.

    The account row stays, nameless, so certificates and rosters keep their counts.
    ``erase_learning_records`` is the LRS erasure the learner's own erasure request runs;
    the caller (the admin area, above both) passes it, so accounts does not import the LRS.

    :raises ValidationFailedError: the confirmation is not the account's name, or it is the
        acting admin's own account.
    """
    _require_admin(actor)
    if actor.id == user.id:
        raise ValidationFailedError(_("Sie können Ihr eigenes Konto nicht anonymisieren."))
    if user.anonymised_at:
        raise ValidationFailedError(_("Dieses Konto ist bereits anonymisiert."))
    if confirmation.strip() != user.name.strip():
        raise ValidationFailedError(
            _("Bitte geben Sie zur Bestätigung den Namen des Kontos genau ein."),
            field="confirmation")
    erase_learning_records(user)
    if user.email:
        db.session.execute(delete(PendingRegistration).where(
            PendingRegistration.email == user.email))
    db.session.execute(delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    two_factor.disable(user, now)
    login_sessions.end_all_sessions(user)
    old_name, user.name = user.name, ANONYMOUS_NAME
    pseudonym = new_pseudonym()
    user.email = None
    user.pseudonym = pseudonym
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.start_code_hash = None
    user.start_code_expires_at = None
    user.is_active_account = False
    user.is_admin = False
    user.is_trainer = False
    user.anonymised_at = now
    user.updated_at = now
    if user.membership:
        user.membership.personnel_number = ""
    services.plugin_hook().lms_user_renamed(user=user, old_name=old_name, now=now)
    audit.record(actor, user, "user_anonymised", f"user #{user.id}", now)
    db.session.flush()
