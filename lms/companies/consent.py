"""Employees' consent to share their test results with their employer.

Each decision is a new Consent row with the time and the exact text shown; the newest
row is the current state. Revoking takes effect at once on every page and export.
"""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.companies.models import Consent
from lms.errors import ValidationFailedError
from lms.extensions import db

SCORES = "scores"


def consent_text(organisation_name: str, language: str) -> str:
    """The wording an employee agrees to, in ``language`` (stored verbatim with the decision)."""
    with force_locale(language):
        return _(
            "Ich bin einverstanden, dass %(org)s meine Testergebnisse (erreichte Prozent) und die "
            "Anzahl meiner Testversuche in ATLAS Campus sehen kann. Bearbeitungszeiten und "
            "Aktivitätsverläufe bleiben weiterhin verborgen. Ich kann diese Einwilligung jederzeit "
            "widerrufen; ab dem Widerruf sieht mein Arbeitgeber die Ergebnisse nicht mehr. Jeder "
            "Abruf meiner Daten durch mein Unternehmen wird protokolliert und ist für mich "
            "einsehbar.",
            org=organisation_name,
        )


def current_consent(employee: User, scope: str = SCORES) -> Consent | None:
    """The newest decision of ``employee`` for ``scope``, or None if they never decided."""
    return db.session.scalar(
        select(Consent)
        .where(Consent.user_id == employee.id, Consent.scope == scope)
        .order_by(Consent.decided_at.desc(), Consent.id.desc())
        .limit(1)
    )


def has_score_consent(employee: User) -> bool:
    """True while ``employee`` consents to their current employer seeing scores and attempts.

    A consent given to a former employer does not carry over to a new one.
    """
    consent = current_consent(employee)
    if consent is None or not consent.is_granted:
        return False
    membership = employee.membership
    return membership is not None and consent.organisation_id == membership.organisation_id


def consenting_user_ids(user_ids: list[int], organisation_id: int) -> set[int]:
    """Which of ``user_ids`` currently consent towards ``organisation_id`` (one query)."""
    if not user_ids:
        return set()
    latest = (
        select(Consent.user_id, Consent.is_granted, Consent.organisation_id, Consent.decided_at,
               Consent.id)
        .where(Consent.user_id.in_(user_ids), Consent.scope == SCORES)
        .order_by(Consent.user_id, Consent.decided_at, Consent.id)
    )
    state: dict[int, bool] = {}
    for user_id, granted, org_id, _decided, _id in db.session.execute(latest):
        state[user_id] = bool(granted and org_id == organisation_id)
    return {user_id for user_id, granted in state.items() if granted}


def consent_history(employee: User) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent).where(Consent.user_id == employee.id)
            .order_by(Consent.decided_at.desc(), Consent.id.desc())
        )
    )


def decide_score_consent(employee: User, grant: bool, language: str, now: datetime) -> Consent:
    """Record ``employee``'s decision with the text shown (flush only).

    :raises ValidationFailedError: the employee belongs to no organisation, or the
        decision would not change anything.
    """
    membership = employee.membership
    if membership is None:
        raise ValidationFailedError(
            _("Sie gehören zu keinem Unternehmen; es gibt nichts einzuwilligen.")
        )
    if grant == has_score_consent(employee):
        raise ValidationFailedError(
            _("Ihre Einwilligung ist bereits erteilt.") if grant
            else _("Sie haben keine Einwilligung erteilt, die widerrufen werden könnte.")
        )
    language = language if language in ("de", "en") else "de"
    consent = Consent(
        user_id=employee.id, organisation_id=membership.organisation_id, scope=SCORES,
        is_granted=grant, text=consent_text(membership.organisation.name, language),
        language=language, decided_at=now,
    )
    db.session.add(consent)
    db.session.flush()
    return consent
