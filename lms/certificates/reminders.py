"""Reminders before a certificate expires: once per certificate, to the learner and employer.

Completion data is visible to the employer by default, so the company's managers get
the reminder as well (every visibility profile shows them certificates).
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from lms.accounts.inbox import send_to_user
from lms.accounts.models import Membership, User
from lms.certificates.models import Certificate
from lms.certificates.services import EXPIRING_WINDOW
from lms.extensions import db
from lms.local_time import local_day


def due_reminders(now: datetime) -> list[Certificate]:
    """Certificates expiring within the window, not yet reminded and not already renewed."""
    newer = aliased(Certificate)
    renewed = exists().where(
        newer.user_id == Certificate.user_id, newer.course_id == Certificate.course_id,
        newer.completed_at > Certificate.completed_at, newer.revoked_at.is_(None),
        newer.superseded_by_id.is_(None),
        or_(newer.expires_at.is_(None), newer.expires_at > Certificate.expires_at))
    return list(db.session.scalars(
        select(Certificate)
        .where(Certificate.reminded_at.is_(None), Certificate.revoked_at.is_(None),
               Certificate.superseded_by_id.is_(None), Certificate.expires_at > now,
               Certificate.expires_at <= now + EXPIRING_WINDOW, ~renewed)
        .options(selectinload(Certificate.user).selectinload(User.membership))
        .order_by(Certificate.expires_at, Certificate.id)
        .with_for_update(skip_locked=True)))


def company_managers(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == "manager",
               User.is_active_account.is_(True))
        .order_by(User.id)))


def _language(user: User) -> str:
    return "en" if (user.locale or "").startswith("en") else "de"


def _learner_mail(certificate: Certificate, expires: str, base: str) -> tuple[str, str]:
    title = certificate.payload["course"]["title"]
    subject = _("Ihr Zertifikat „%(course)s“ läuft am %(date)s ab", course=title, date=expires)
    body = _(
        "Hallo %(name)s,\n\nIhr Zertifikat %(number)s für den Kurs „%(course)s“ ist noch bis "
        "%(date)s gültig. Um es zu erneuern, wiederholen Sie den Kurs rechtzeitig auf "
        "ATLAS Campus:\n%(url)s\n\nPrüfseite des Zertifikats: %(verify)s\n\n"
        "Viele Grüße\nIhr ATLAS-Campus-Team",
        name=certificate.user.name, number=certificate.number, course=title, date=expires,
        url=f"{base}/", verify=certificate.payload["verify_url"])
    return subject, body


def _manager_mail(manager: User, certificate: Certificate, expires: str,
                  base: str) -> tuple[str, str]:
    title = certificate.payload["course"]["title"]
    subject = _("Zertifikat von %(learner)s läuft am %(date)s ab",
                learner=certificate.learner_name, date=expires)
    body = _(
        "Hallo %(name)s,\n\ndas Zertifikat %(number)s von %(learner)s für den Kurs "
        "„%(course)s“ ist noch bis %(date)s gültig. Eine Auffrischung ist bis dahin nötig.\n\n"
        "Zertifikate Ihres Unternehmens: %(url)s\n\nViele Grüße\nIhr ATLAS-Campus-Team",
        name=manager.name, number=certificate.number, learner=certificate.learner_name,
        course=title, date=expires, url=f"{base}/company/certificates")
    return subject, body


def _date(certificate: Certificate, language: str) -> str:
    day = local_day(certificate.expires_at)  # the Berlin day, as the certificate says
    return day.strftime("%d.%m.%Y") if language == "de" else day.isoformat()


def send_expiry_reminders(now: datetime) -> int:
    """Queue the reminders that are due; mark each certificate reminded. Returns the count.

    Mails leave after the caller commits (``queue_mail``), so a failed run sends nothing
    and reminds nobody twice.
    """
    base = current_app.config["ATLAS_BASE_URL"].rstrip("/")
    count = 0
    for certificate in due_reminders(now):
        learner = certificate.user
        language = _language(learner)
        with force_locale(language):
            subject, body = _learner_mail(certificate, _date(certificate, language), base)
        send_to_user(learner, subject, body, now)
        if learner.membership is not None:
            for manager in company_managers(learner.membership.organisation_id):
                if manager.id == learner.id:
                    continue
                language = _language(manager)
                with force_locale(language):
                    subject, body = _manager_mail(manager, certificate,
                                                  _date(certificate, language), base)
                send_to_user(manager, subject, body, now)
        certificate.reminded_at = now
        count += 1
    db.session.flush()
    return count
