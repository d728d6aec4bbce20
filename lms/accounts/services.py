"""Account rules: registration, login, password reset, email change, invitations.

Services take the acting user and the time as arguments, flush but never commit,
and raise domain errors with a message for the user.
"""

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from lms.accounts import audit, login_sessions, throttle, tokens
from lms.accounts.models import (
    ORG_ROLES,
    Department,
    Invitation,
    Membership,
    Organisation,
    PendingRegistration,
    User,
)
from lms.accounts.passwords import (
    check_password_rules,
    hash_password,
    needs_rehash,
    verify_password,
)
from lms.accounts.regions import REGIONS
from lms.db import utcnow
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.mail import queue_mail
from lms.plugins import hooks

INVITATION_LIFETIME = timedelta(days=14)
REGISTRATION_LIFETIME = timedelta(days=2)
#: Mails a stranger can cause to one address per hour (reset links, registration notices).
MAILS_PER_ADDRESS_PER_HOUR = 3


def plugin_hook():
    return hooks()


def normalise_email(email: str) -> str:
    """Return the canonical form of ``email`` or raise ValidationFailedError."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationFailedError(
            _("Bitte geben Sie eine gültige E-Mail-Adresse ein."), field="email"
        ) from error
    return result.normalized.lower()


def find_user_by_email(email: str | None) -> User | None:
    """The account with this address (never one of the accounts without e-mail)."""
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def create_user(
    *, email: str | None, name: str, password: str | None = None, now: datetime,
    locale: str = "de", password_hash: str | None = None, **flags
) -> User:
    """Create an account; fires ``lms_user_registered``.

    :param email: None for an account without e-mail (shop floor, single sign-on without a
        verified address): it signs in otherwise, and gets its messages in the platform.
    :param password_hash: instead of ``password``, a hash already checked and made (a
        confirmed self-registration).
    :raises ValidationFailedError: invalid email, weak password, empty name or email taken.
    """
    email = normalise_email(email) if email is not None else None
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie Ihren Namen an."), field="name")
    if password_hash is None:
        check_password_rules(password or "", email or "", name=name)
        password_hash = hash_password(password)
    if email is not None and find_user_by_email(email):
        raise ValidationFailedError(
            _("Mit dieser E-Mail-Adresse ist bereits ein Konto registriert."), field="email"
        )
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        locale=locale if locale in ("de", "en") else "de",
        created_at=now,
        updated_at=now,
        **flags,
    )
    db.session.add(user)
    db.session.flush()
    plugin_hook().lms_user_registered(user=user, now=now)
    return user


def register_user(*, email: str, name: str, password: str, locale: str, now: datetime) -> None:
    """Self-registration: mail a confirmation link, or tell the owner if the address is taken.

    Either way the caller shows the same "check your mailbox" page and the same work is
    done (one password hash, one mail), so the form does not reveal which addresses have an
    account. The account is created when the link is opened (``confirm_registration``).

    :raises PermissionDeniedError: self-registration is switched off.
    :raises ValidationFailedError: invalid email, empty name or weak password.
    """
    if not current_app.config["ATLAS_SELF_REGISTRATION"]:
        raise PermissionDeniedError(
            _("Die Selbstregistrierung ist abgeschaltet. Bitte nutzen Sie Ihre Einladung.")
        )
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie Ihren Namen an."), field="name")
    check_password_rules(password, email)
    password_hash = hash_password(password)
    owner = find_user_by_email(email)
    if not throttle.allow_mail("register", email, now, MAILS_PER_ADDRESS_PER_HOUR):
        return
    if owner is not None:
        queue_mail(
            db.session,
            owner.email,
            _("Registrierung mit Ihrer Adresse – ATLAS Campus"),
            _(
                "Hallo %(name)s,\n\njemand hat versucht, mit dieser E-Mail-Adresse ein neues "
                "Konto bei ATLAS Campus anzulegen. Sie haben bereits ein Konto.\n\n"
                "Anmelden: %(login)s\nPasswort vergessen? %(forgot)s\n\n"
                "Wenn Sie das nicht waren, können Sie diese Nachricht ignorieren.",
                name=owner.name,
                login=url_for("accounts.login", _external=True),
                forgot=url_for("accounts.forgot_password", _external=True),
            ),
        )
        return
    token, token_hash = tokens.new_invitation_token()
    db.session.add(PendingRegistration(
        email=email, name=name, locale=locale if locale in ("de", "en") else "de",
        password_hash=password_hash, token_hash=token_hash, created_at=now,
        expires_at=now + REGISTRATION_LIFETIME,
    ))
    db.session.flush()
    queue_mail(
        db.session,
        email,
        _("Konto bestätigen – ATLAS Campus"),
        _(
            "Hallo %(name)s,\n\nbitte bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto bei "
            "ATLAS Campus anzulegen (48 Stunden gültig):\n%(link)s\n\n"
            "Wenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht.",
            name=name,
            link=url_for("accounts.confirm_registration", token=token, _external=True),
        ),
    )


def find_pending_registration(token: str, now: datetime) -> PendingRegistration:
    """Return the open registration of a confirmation link.

    :raises ValidationFailedError: the link is unknown, used or expired.
    """
    pending = db.session.scalar(
        select(PendingRegistration).where(
            PendingRegistration.token_hash == tokens.hash_invitation_token(token)
        )
    )
    if pending is None or pending.expires_at <= now:
        raise ValidationFailedError(
            _("Der Bestätigungslink ist ungültig, abgelaufen oder wurde bereits verwendet. "
              "Wenn Ihr Konto schon bestätigt ist, melden Sie sich bitte an.")
        )
    return pending


def confirm_registration(token: str, now: datetime) -> User:
    """Create the account of a registration whose mail link was opened and confirmed.

    :raises ValidationFailedError: the link is unknown, used or expired, or the address got
        an account in the meantime.
    """
    pending = find_pending_registration(token, now)
    email = pending.email
    if find_user_by_email(email):
        raise ValidationFailedError(
            _("Für diese Adresse gibt es bereits ein Konto. Bitte melden Sie sich an.")
        )
    user = create_user(
        email=email, name=pending.name, password_hash=pending.password_hash,
        locale=pending.locale, now=now,
    )
    db.session.execute(delete(PendingRegistration).where(
        or_(PendingRegistration.email == email, PendingRegistration.expires_at <= now)
    ))
    db.session.flush()
    return user


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """Return the user when email and password match an active account, else None.

    Unknown emails cost the same time as wrong passwords, so the answer does not
    reveal which accounts exist.
    """
    try:
        email = normalise_email(email)
    except ValidationFailedError:
        verify_password(None, password)
        return None
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    db.session.flush()
    plugin_hook().lms_user_logged_in(user=user, now=now)
    return user


def request_password_reset(email: str, now: datetime) -> None:
    """Mail a reset link when the account exists; do nothing visible otherwise."""
    try:
        email = normalise_email(email)
    except ValidationFailedError:
        return
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    if not throttle.allow_mail("reset", email, now, MAILS_PER_ADDRESS_PER_HOUR):
        return
    link = url_for("accounts.reset_password", token=tokens.make_reset_token(user), _external=True)
    queue_mail(
        db.session,
        user.email,
        _("Passwort zurücksetzen – ATLAS Campus"),
        _(
            "Hallo %(name)s,\n\nüber diesen Link können Sie ein neues Passwort festlegen "
            "(eine Stunde gültig):\n%(link)s\n\nWenn Sie das nicht angefordert haben, "
            "ignorieren Sie diese Nachricht.",
            name=user.name,
            link=link,
        ),
    )


def reset_password(token: str, password: str, now: datetime) -> User:
    """Set a new password from a reset link; every login session of the account ends.

    :raises ValidationFailedError: the link is invalid, expired or used, or the password is weak.
    """
    data = tokens.read_reset_token(token)
    user = db.session.get(User, data[0]) if data else None
    if user is None or not tokens.reset_token_matches(user, data[1]):
        raise ValidationFailedError(
            _("Der Link ist ungültig oder abgelaufen. Bitte fordern Sie einen neuen an.")
        )
    check_password_rules(password, user.email or "", name=user.name)
    user.password_hash = hash_password(password)
    user.updated_at = now
    login_sessions.end_all_sessions(user)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """Set a new password; every other login session of the account ends.

    The session the change is made from (``user.login_session``) stays.
    """
    if not verify_password(user.password_hash, current):
        raise ValidationFailedError(
            _("Das aktuelle Passwort stimmt nicht."), field="current_password"
        )
    check_password_rules(new, user.email or "", name=user.name)
    user.password_hash = hash_password(new)
    user.updated_at = now
    login_sessions.end_other_sessions(user, keep=user.login_session)
    db.session.flush()


def request_email_change(user: User, new_email: str, password: str, now: datetime) -> None:
    """Send a confirmation link to the new address; the old one keeps working until then."""
    if not verify_password(user.password_hash, password):
        raise ValidationFailedError(_("Das Passwort stimmt nicht."), field="password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ValidationFailedError(
            _("Das ist bereits Ihre E-Mail-Adresse."), field="new_email"
        )
    if find_user_by_email(new_email):
        # Do not reveal that the address belongs to someone else: send nothing.
        return
    link = url_for(
        "accounts.confirm_email",
        token=tokens.make_email_change_token(user, new_email),
        _external=True,
    )
    queue_mail(
        db.session,
        new_email,
        _("E-Mail-Adresse bestätigen – ATLAS Campus"),
        _(
            "Hallo %(name)s,\n\nbitte bestätigen Sie Ihre neue E-Mail-Adresse für ATLAS Campus:"
            "\n%(link)s\n\nDer Link ist 24 Stunden gültig.",
            name=user.name,
            link=link,
        ),
    )
    queue_mail(
        db.session,
        user.email,
        _("Änderung Ihrer E-Mail-Adresse angefordert – ATLAS Campus"),
        _(
            "Hallo %(name)s,\n\nfür Ihr Konto wurde eine Änderung der E-Mail-Adresse angefordert. "
            "Wenn Sie das nicht waren, ändern Sie bitte Ihr Passwort.",
            name=user.name,
        ),
    )


def confirm_email_change(token: str, now: datetime) -> User:
    data = tokens.read_email_change_token(token)
    user = db.session.get(User, data[0]) if data else None
    if user is None:
        raise ValidationFailedError(_("Der Bestätigungslink ist ungültig oder abgelaufen."))
    new_email = data[1]
    if find_user_by_email(new_email):
        raise ValidationFailedError(_("Diese E-Mail-Adresse wird bereits verwendet."))
    user.email = new_email
    user.updated_at = now
    db.session.flush()
    return user


def update_profile(user: User, *, name: str, locale: str, now: datetime) -> None:
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie Ihren Namen an."), field="name")
    if locale not in current_app.config["ATLAS_LANGUAGES"]:
        raise ValidationFailedError(_("Unbekannte Sprache."), field="locale")
    old_name = user.name
    user.name = name
    user.locale = locale
    user.updated_at = now
    db.session.flush()
    if name != old_name:
        plugin_hook().lms_user_renamed(user=user, old_name=old_name, now=now)


# --- organisations -----------------------------------------------------------


def create_organisation(*, name: str, city: str, now: datetime) -> Organisation:
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    if db.session.scalar(select(Organisation).where(Organisation.name == name)):
        raise ValidationFailedError(
            _("Eine Organisation mit diesem Namen gibt es bereits."), field="name"
        )
    organisation = Organisation(name=name, city=city.strip(), created_at=now, updated_at=now)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def add_department(organisation: Organisation, *, name: str, cost_centre: str, now) -> Department:
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    exists = db.session.scalar(
        select(Department).where(
            Department.organisation_id == organisation.id, Department.name == name
        )
    )
    if exists:
        raise ValidationFailedError(
            _("Diese Abteilung gibt es bereits."), field="name"
        )
    department = Department(
        organisation=organisation, name=name, cost_centre=cost_centre.strip(),
        created_at=now, updated_at=now,
    )
    db.session.add(department)
    db.session.flush()
    return department


def add_member(
    organisation: Organisation, user: User, *, role: str = "employee", department=None,
    personnel_number: str = "", now: datetime,
) -> Membership:
    """Make ``user`` a member; a user belongs to at most one organisation at a time."""
    if role not in ORG_ROLES:
        raise ValidationFailedError(_("Unbekannte Rolle."), field="role")
    if user.membership and user.membership.organisation_id != organisation.id:
        raise ValidationFailedError(
            _("%(name)s gehört bereits zu einer anderen Organisation.", name=user.name)
        )
    membership = user.membership or Membership(user=user, organisation=organisation)
    membership.role = role
    membership.department = department
    membership.personnel_number = personnel_number
    membership.created_at = membership.created_at or now
    membership.updated_at = now
    db.session.add(membership)
    db.session.flush()
    return membership


def ensure_can_manage(actor: User, organisation: Organisation) -> None:
    """Only platform admins and the organisation's own managers may manage it.

    :raises PermissionDeniedError: otherwise.
    """
    if actor.is_admin:
        return
    membership = actor.membership
    if membership and membership.organisation_id == organisation.id and membership.role == (
        "manager"
    ):
        return
    raise PermissionDeniedError(_("Sie dürfen diese Organisation nicht verwalten."))


def invite_person(
    actor: User, organisation: Organisation, *, email: str, name: str = "",
    role: str = "employee", department_id: int | None = None, personnel_number: str = "",
    now: datetime,
) -> tuple[Invitation, str]:
    """Create an invitation and mail its link; returns the invitation and the raw token."""
    ensure_can_manage(actor, organisation)
    email = normalise_email(email)
    if role not in ORG_ROLES:
        raise ValidationFailedError(_("Unbekannte Rolle."), field="role")
    department = None
    if department_id:
        department = db.session.get(Department, department_id)
        if department is None or department.organisation_id != organisation.id:
            raise ValidationFailedError(_("Unbekannte Abteilung."), field="department_id")
    existing = find_user_by_email(email)
    if existing and existing.membership and existing.membership.organisation_id == organisation.id:
        raise ValidationFailedError(
            _("%(email)s ist bereits Mitglied.", email=email), field="email"
        )
    pending = db.session.scalar(
        select(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    if pending:
        raise ValidationFailedError(
            _("%(email)s ist bereits eingeladen. Sie können die Einladung erneut senden.",
              email=email),
            field="email",
        )
    token, token_hash = tokens.new_invitation_token()
    invitation = Invitation(
        organisation=organisation, email=email, name=name.strip(), role=role,
        department=department, personnel_number=personnel_number.strip(),
        token_hash=token_hash, invited_by_id=actor.id, expires_at=now + INVITATION_LIFETIME,
        created_at=now, updated_at=now,
    )
    db.session.add(invitation)
    db.session.flush()
    _mail_invitation(invitation, token)
    return invitation, token


def _mail_invitation(invitation: Invitation, token: str) -> None:
    link = url_for("accounts.accept_invitation", token=token, _external=True)
    queue_mail(
        db.session,
        invitation.email,
        _("Einladung zu ATLAS Campus von %(org)s", org=invitation.organisation.name),
        _(
            "Guten Tag%(name)s,\n\n%(org)s lädt Sie zu ATLAS Campus ein, der Lernplattform des "
            "ATLAS-Netzwerks. Über diesen Link legen Sie Ihr Konto an (14 Tage gültig):\n"
            "%(link)s\n\nIhre Lerndaten gehören Ihnen: Ihr Arbeitgeber sieht standardmäßig nur "
            "Einschreibung, Abschluss, Stunden und Zertifikate – keine Testergebnisse.",
            name=f" {invitation.name}" if invitation.name else "",
            org=invitation.organisation.name,
            link=link,
        ),
    )


def resend_invitation(actor: User, invitation: Invitation, now: datetime) -> str:
    ensure_can_manage(actor, invitation.organisation)
    if invitation.status(now) in ("accepted", "revoked"):
        raise ValidationFailedError(_("Diese Einladung kann nicht erneut gesendet werden."))
    token, token_hash = tokens.new_invitation_token()
    invitation.token_hash = token_hash
    invitation.expires_at = now + INVITATION_LIFETIME
    invitation.sent_count += 1
    invitation.updated_at = now
    db.session.flush()
    _mail_invitation(invitation, token)
    return token


def revoke_invitation(actor: User, invitation: Invitation, now: datetime) -> None:
    ensure_can_manage(actor, invitation.organisation)
    if invitation.accepted_at:
        raise ValidationFailedError(_("Die Einladung wurde bereits angenommen."))
    invitation.revoked_at = now
    invitation.updated_at = now
    db.session.flush()


def find_open_invitation(token: str, now: datetime) -> Invitation:
    """Return the pending invitation for ``token``.

    :raises NotFoundError: unknown, used, revoked or expired.
    """
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == tokens.hash_invitation_token(token))
    )
    if invitation is None or invitation.status(now) != "pending":
        raise NotFoundError(
            _("Diese Einladung ist ungültig, abgelaufen oder wurde bereits verwendet.")
        )
    return invitation


def accept_invitation(
    token: str, *, name: str, password: str, locale: str, now: datetime
) -> User:
    """Create the invited person's account (or attach an existing one) and membership."""
    invitation = find_open_invitation(token, now)
    user = find_user_by_email(invitation.email)
    if user is None:
        user = create_user(
            email=invitation.email, name=name or invitation.name, password=password,
            locale=locale, now=now,
        )
    elif not verify_password(user.password_hash, password):
        raise ValidationFailedError(
            _("Für diese Adresse gibt es schon ein Konto. Bitte geben Sie dessen Passwort ein."),
            field="password",
        )
    add_member(
        invitation.organisation, user, role=invitation.role, department=invitation.department,
        personnel_number=invitation.personnel_number, now=now,
    )
    invitation.accepted_at = now
    invitation.updated_at = now
    db.session.flush()
    return user


def set_platform_roles(actor: User, user: User, *, is_admin: bool, is_trainer: bool,
                       is_active: bool, is_network_staff: bool | None = None) -> None:
    """Set the platform roles; ``is_network_staff=None`` leaves that role as it is."""
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren dürfen Rollen ändern."))
    if actor.id == user.id and (not is_admin or not is_active):
        raise ValidationFailedError(
            _("Sie können sich nicht selbst die Administratorrechte entziehen oder sperren.")
        )
    if is_network_staff is None:
        is_network_staff = user.is_network_staff
    before = (user.is_admin, user.is_trainer, user.is_active_account, user.is_network_staff)
    user.is_admin = is_admin
    user.is_trainer = is_trainer
    user.is_active_account = is_active
    user.is_network_staff = is_network_staff
    if before != (is_admin, is_trainer, is_active, is_network_staff):
        audit.record(actor, user, "roles_changed",
                     f"admin={is_admin} trainer={is_trainer} active={is_active} "
                     f"network_staff={is_network_staff}", utcnow())
    if not is_active:
        login_sessions.end_all_sessions(user)
    db.session.flush()


def set_network_classification(actor: User, organisation: Organisation, *, region: str,
                               employee_count: int | None) -> None:
    """Record where a member company sits and its headcount (the network picture's groups).

    :raises PermissionDeniedError: ``actor`` is no platform admin.
    :raises ValidationFailedError: unknown region or a negative headcount.
    """
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur Administratoren ordnen Unternehmen Regionen zu."))
    if region and region not in REGIONS:
        raise ValidationFailedError(_("Bitte wählen Sie eine Region aus der Liste."),
                                    field="region")
    if employee_count is not None and not 0 <= employee_count <= 10_000_000:
        raise ValidationFailedError(
            _("Die Zahl der Beschäftigten ist eine ganze Zahl ab 0."), field="employee_count")
    organisation.region = region
    organisation.employee_count = employee_count
    db.session.flush()
