"""Accounts without e-mail for the shop floor: company code + personnel number + password.

A manager creates the account (one by one or from CSV); the platform prints a login card
with a one-time start code. With it the person sets their own password; the manager can
issue a new card (which ends every session and the second factor) when it is forgotten.
Such accounts have no e-mail address (``users.email`` is NULL): what the platform would mail
them lands in their platform inbox (``lms.accounts.inbox``).
"""

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts import audit, login_sessions, two_factor
from lms.accounts.models import Department, Membership, Organisation, User
from lms.accounts.passwords import check_password_rules, hash_password, verify_password
from lms.accounts.services import add_member, create_user, ensure_can_manage
from lms.errors import ValidationFailedError
from lms.extensions import db

#: No 0/O, 1/I/L: read off paper by someone at a terminal in gloves.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_CSV_ROWS = 2000
ORG_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{1,29}$")


@dataclass
class IssuedCard:
    """What one printed login card shows; the start code exists nowhere else."""

    user: User
    organisation: Organisation
    personnel_number: str
    start_code: str
    expires_at: datetime


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_start_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_LENGTH))


def format_start_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("ATLAS_START_CODE_DAYS", 30))


def set_organisation_code(actor: User, organisation: Organisation, code: str,
                          now: datetime) -> None:
    """Give an organisation its short code (e.g. ``MUELLER``), typed at shop-floor login.

    :raises ValidationFailedError: wrong form, or another organisation has it.
    """
    ensure_can_manage(actor, organisation)
    code = code.strip().upper()
    if not ORG_CODE.match(code):
        raise ValidationFailedError(
            _("Das Firmenkürzel besteht aus 2 bis 30 Buchstaben, Ziffern oder Bindestrichen."),
            field="code")
    taken = db.session.scalar(select(Organisation).where(
        func.upper(Organisation.code) == code, Organisation.id != organisation.id))
    if taken:
        raise ValidationFailedError(_("Dieses Firmenkürzel ist schon vergeben."), field="code")
    organisation.code = code
    organisation.updated_at = now
    audit.record(actor, None, "organisation_code", f"{organisation.name}: {code}", now)
    db.session.flush()


def find_organisation_by_code(code: str) -> Organisation | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return db.session.scalar(select(Organisation).where(func.upper(Organisation.code) == code))


def find_member(organisation: Organisation | None, personnel_number: str) -> User | None:
    """The account of ``personnel_number`` in ``organisation`` (None when unknown)."""
    number = (personnel_number or "").strip()
    if organisation is None or not number:
        return None
    return db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == organisation.id,
            Membership.personnel_number == number,
        )
    )


def _issue_code(user: User, now: datetime) -> tuple[str, datetime]:
    code = _new_start_code()
    user.start_code_hash = hash_password(code)
    user.start_code_expires_at = now + _lifetime()
    user.updated_at = now
    return code, user.start_code_expires_at


def create_account(actor: User, organisation: Organisation, *, name: str,
                   personnel_number: str, department: str | int | None = None,
                   locale: str = "de", now: datetime) -> IssuedCard:
    """Create a shop-floor account and its first start code.

    :param department: a department of the organisation, by id or by name (CSV).
    :raises ValidationFailedError: no company code yet, empty name or number, number taken,
        unknown department.
    """
    ensure_can_manage(actor, organisation)
    if not organisation.code:
        raise ValidationFailedError(_(
            "Bitte legen Sie zuerst ein Firmenkürzel für %(org)s fest: es steht auf den "
            "Anmeldekarten.", org=organisation.name))
    number = (personnel_number or "").strip()
    if not number or len(number) > 50:
        raise ValidationFailedError(_("Bitte geben Sie eine Personalnummer an (höchstens 50 "
                                      "Zeichen)."), field="personnel_number")
    if find_member(organisation, number):
        raise ValidationFailedError(
            _("Die Personalnummer %(number)s ist in %(org)s schon vergeben.", number=number,
              org=organisation.name), field="personnel_number")
    found_department = _department(organisation, department)
    user = create_user(
        email=None, name=name or "", now=now, locale=locale,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    add_member(organisation, user, department=found_department, personnel_number=number,
               now=now)
    code, expires_at = _issue_code(user, now)
    audit.record(actor, user, "shop_floor_created", f"{organisation.code}/{number}", now)
    db.session.flush()
    return IssuedCard(user, organisation, number, code, expires_at)


def _department(organisation: Organisation, department) -> Department | None:
    if department in (None, "", 0):
        return None
    for candidate in organisation.departments:
        if candidate.id == department or candidate.name.strip().lower() == str(
                department).strip().lower():
            return candidate
    raise ValidationFailedError(_("Unbekannte Abteilung: %(name)s", name=department),
                                field="department_id")


def create_accounts_from_csv(actor: User, organisation: Organisation, text: str,
                             now: datetime) -> list[IssuedCard]:
    """Create one account per CSV row (``personnel_number;name[;department]``), all or none.

    A header row is recognised and skipped; ``,`` or ``;`` separate the columns.

    :raises ValidationFailedError: naming every line that is wrong, with its number.
    """
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:2000], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    rows = list(csv.reader(io.StringIO(text), dialect))
    cards, problems, seen = [], [], set()
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower().replace(" ", "") in (
                "personalnummer", "personnel_number", "personnelnumber", "nummer"):
            continue
        if len(cells) < 2:
            problems.append(_("Zeile %(line)d: Personalnummer und Name werden gebraucht.",
                              line=line))
            continue
        if cells[0] in seen:
            problems.append(_("Zeile %(line)d: Personalnummer %(number)s steht doppelt in der "
                              "Datei.", line=line, number=cells[0]))
            continue
        seen.add(cells[0])
        if len(cards) + len(problems) >= MAX_CSV_ROWS:
            problems.append(_("Höchstens %(n)d Personen je Datei.", n=MAX_CSV_ROWS))
            break
        try:
            with db.session.begin_nested():
                cards.append(create_account(
                    actor, organisation, personnel_number=cells[0], name=cells[1],
                    department=cells[2] if len(cells) > 2 else None, now=now))
        except ValidationFailedError as error:
            problems.append(_("Zeile %(line)d: %(message)s", line=line, message=error.message))
    if problems:
        raise ValidationFailedError(" ".join(problems), field="file")
    if not cards:
        raise ValidationFailedError(_("Die Datei enthält keine Personen."), field="file")
    return cards


def reset_login(actor: User, user: User, now: datetime) -> IssuedCard:
    """Issue a new login card: a fresh start code; the old password, sessions and second
    factor stop working (a forgotten password or a lost phone on the shop floor).

    :raises PermissionDeniedError: ``actor`` may not manage the person's organisation.
    :raises ValidationFailedError: the person belongs to no organisation with a code.
    """
    membership = user.membership
    if membership is None or not membership.organisation.code or not (
            membership.personnel_number):
        raise ValidationFailedError(_("Für dieses Konto gibt es keine Anmeldekarte "
                                      "(Firmenkürzel und Personalnummer fehlen)."))
    ensure_can_manage(actor, membership.organisation)
    if user.is_admin and not actor.is_admin:
        raise ValidationFailedError(_("Nur Administratoren dürfen diese Anmeldung zurücksetzen."))
    code, expires_at = _issue_code(user, now)
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    two_factor.disable(user, now)
    login_sessions.end_all_sessions(user)
    audit.record(actor, user, "start_code_issued", "", now)
    db.session.flush()
    return IssuedCard(user, membership.organisation, membership.personnel_number, code,
                      expires_at)


def authenticate(org_code: str, personnel_number: str, password: str,
                 now: datetime) -> User | None:
    """The active member with this number and password, else None (same time either way)."""
    user = find_member(find_organisation_by_code(org_code), personnel_number)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    user.last_login_at = now
    db.session.flush()
    return user


def redeem_start_code(org_code: str, personnel_number: str, start_code: str, password: str,
                      now: datetime) -> User:
    """Set the first (or a new) password with the start code from the card; the code is spent.

    :raises ValidationFailedError: unknown person, wrong or expired code, weak password.
    """
    check_password_rules(password)  # first: a weak password must not tell a right code
    user = find_member(find_organisation_by_code(org_code), personnel_number)
    code = normalise_code(start_code)
    valid = verify_password(user.start_code_hash if user else None, code)
    if not valid or not user.is_active or user.start_code_expires_at is None or (
            user.start_code_expires_at <= now):
        raise ValidationFailedError(_(
            "Firmenkürzel, Personalnummer oder Startcode stimmen nicht, oder der Startcode ist "
            "abgelaufen. Ihre Führungskraft kann eine neue Anmeldekarte drucken."))
    check_password_rules(password, name=user.name)  # their own name, now that it is known
    user.password_hash = hash_password(password)
    user.start_code_hash = None
    user.start_code_expires_at = None
    user.last_login_at = now
    user.updated_at = now
    login_sessions.end_all_sessions(user)
    db.session.flush()
    return user


def throttle_key(org_code: str, personnel_number: str) -> str:
    """What the login throttle counts failures under for a shop-floor login."""
    return f"{(org_code or '').strip().upper()}/{(personnel_number or '').strip()}"
