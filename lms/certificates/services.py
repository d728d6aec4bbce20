"""Issuing, revoking and judging certificates."""

import calendar
import secrets
from base64 import b32encode
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.catalog.labels import SUBJECT_LABELS
from lms.catalog.models import Course, CourseTrainer, CourseVersion
from lms.catalog.version_content import content_for
from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db

ISSUER = "ATLAS Transformationsnetzwerk Südwestfalen"
EXPIRING_WINDOW = timedelta(days=30)
STATUSES = ("valid", "expiring", "expired", "revoked")


def new_number() -> str:
    """A non-guessable number: 80 random bits as four groups of base32, e.g. ATLAS-7KQ2-…"""
    text = b32encode(secrets.token_bytes(10)).decode("ascii")
    return "ATLAS-" + "-".join(text[i:i + 4] for i in range(0, 16, 4))


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def verify_url(number: str) -> str:
    return f"{current_app.config['ATLAS_BASE_URL'].rstrip('/')}/verify/{number}"


def certificate_language(user: User) -> str:
    return "en" if (user.locale or "").startswith("en") else "de"


def build_payload(number: str, user: User, version: CourseVersion, completed_at: datetime,
                  issued_at: datetime, expires_at: datetime | None) -> dict:
    """Every fact the certificate states, in the learner's language."""
    language = certificate_language(user)
    model = content_for(version).course
    organisation = user.organisation
    subject = version.subject or model.subject
    with force_locale(language):
        subject_label = str(SUBJECT_LABELS.get(subject, subject))
    return {
        "type": "atlas-campus-certificate",
        "format": 1,
        "number": number,
        "language": language,
        "learner_name": user.name,
        "employer": organisation.name if organisation else None,
        "course": {
            "id": model.id,
            "title": version.title(language),
            "version": version.version,
            "subject": subject,
            "subject_label": subject_label,
            "level": version.level or model.level,
            "duration_hours": version.duration_hours,
        },
        "modules": [module.title.text(language) for module in model.modules],
        "objectives": model.objectives.items_in(language),
        "statement": model.certificate.statement.text(language),
        "completed_at": completed_at.date().isoformat(),
        "issued_at": issued_at.date().isoformat(),
        "expires_at": expires_at.date().isoformat() if expires_at else None,
        "issuer": ISSUER,
        "verify_url": verify_url(number),
    }


def find_certificate(user_id: int, course_version_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_version_id == course_version_id))


def get_by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def issue_certificate(user: User, course_version: CourseVersion, completed_at: datetime,
                      now: datetime) -> Certificate:
    """Issue ``user``'s certificate for ``course_version``; return the existing one if any.

    Idempotent also when two workers issue at once: the unique (user, version) constraint
    decides, and the loser returns the winner's row.
    """
    existing = find_certificate(user.id, course_version.id)
    if existing is not None:
        return existing
    settings = content_for(course_version).course.certificate
    expires_at = add_months(now, settings.validity_months) if settings.validity_months else None
    number = new_number()
    payload = build_payload(number, user, course_version, completed_at, now, expires_at)
    certificate = Certificate(
        number=number, user_id=user.id, course_id=course_version.course_id,
        course_version_id=course_version.id, learner_name=user.name, issued_at=now,
        completed_at=completed_at, expires_at=expires_at, revoke_reason="",
        payload=payload, signature=signing.sign(payload),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        existing = find_certificate(user.id, course_version.id)
        if existing is None:
            raise
        return existing
    return certificate


def issue_on_completion(user: User, course: Course, completed_at: datetime) -> Certificate | None:
    """The ``lms_course_completed`` listener: issue when the course grants a certificate."""
    version = course.published_version
    if version is None or not content_for(version).course.certificate.enabled:
        return None
    return issue_certificate(user, version, completed_at, utcnow())


def may_revoke(actor: User, certificate: Certificate) -> bool:
    if actor.is_admin:
        return True
    return actor.is_trainer and db.session.scalar(select(CourseTrainer.id).where(
        CourseTrainer.course_id == certificate.course_id, CourseTrainer.user_id == actor.id
    )) is not None


def revoke_certificate(actor: User, certificate: Certificate, reason: str,
                       now: datetime) -> Certificate:
    """Revoke ``certificate`` (admins, trainers of the course); revoking twice changes nothing."""
    from flask_babel import gettext as _

    if not may_revoke(actor, certificate):
        raise PermissionDeniedError(_("Sie dürfen dieses Zertifikat nicht widerrufen."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailedError(_("Bitte geben Sie einen Grund an."), field="reason")
    if certificate.revoked_at is None:
        certificate.revoked_at = now
        certificate.revoke_reason = reason
        db.session.flush()
    return certificate


def certificate_status(certificate: Certificate, now: datetime) -> str:
    """``valid``, ``expiring`` (within 30 days), ``expired`` or ``revoked``."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.expires_at is not None:
        if certificate.expires_at <= now:
            return "expired"
        if certificate.expires_at - now <= EXPIRING_WINDOW:
            return "expiring"
    return "valid"
