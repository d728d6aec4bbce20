"""Issuing, re-issuing, revoking and judging certificates, and who may see them."""

import calendar
import secrets
from base64 import b32encode
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.accounts.models import Membership, User
from lms.catalog.models import Course, CourseTrainer, CourseVersion
from lms.catalog.subjects import find_subject
from lms.catalog.version_content import content_for
from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.jobs import enqueue
from lms.learning.models import Enrolment
from lms.local_time import end_of_day, local_day
from lms.sessions.models import Attendance, CourseSession

ISSUER = "ATLAS Transformationsnetzwerk Südwestfalen"
EXPIRING_WINDOW = timedelta(days=30)
STATUSES = ("valid", "expiring", "expired", "revoked", "superseded")
PAYLOAD_FORMAT = 2


def new_number() -> str:
    """A non-guessable number: 80 random bits as four groups of base32, e.g. ATLAS-7KQ2-…"""
    text = b32encode(secrets.token_bytes(10)).decode("ascii")
    return "ATLAS-" + "-".join(text[i:i + 4] for i in range(0, 16, 4))


def add_months(moment: date, months: int) -> date:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def verify_url(number: str) -> str:
    return f"{current_app.config['ATLAS_BASE_URL'].rstrip('/')}/verify/{number}"


def certificate_language(user: User) -> str:
    return "en" if (user.locale or "").startswith("en") else "de"


# --- the facts ----------------------------------------------------------------


def attended_sessions(user: User, course_id: int, since: datetime | None,
                      until: datetime) -> list[dict]:
    """The blended sessions ``user`` attended for this completion (after ``since``)."""
    query = (select(CourseSession.title, CourseSession.starts_at, Attendance.minutes)
             .join(Attendance, Attendance.session_id == CourseSession.id)
             .where(Attendance.user_id == user.id, CourseSession.course_id == course_id,
                    CourseSession.starts_at <= until,
                    Attendance.statement_id.is_not(None))  # credited, not only checked in
             .order_by(CourseSession.starts_at))
    if since is not None:
        query = query.where(CourseSession.starts_at > since)
    return [{"title": title, "date": local_day(starts_at).isoformat(),
             "hours": round(minutes / 60, 2)}
            for title, starts_at, minutes in db.session.execute(query)]


def responsible_trainer(user: User, course_id: int, until: datetime) -> User | None:
    """The trainer of the learner's last attended session, else the course's first trainer."""
    trainer = db.session.scalar(
        select(User).join(CourseSession, CourseSession.trainer_id == User.id)
        .join(Attendance, Attendance.session_id == CourseSession.id)
        .where(Attendance.user_id == user.id, CourseSession.course_id == course_id,
               CourseSession.starts_at <= until)
        .order_by(CourseSession.starts_at.desc()).limit(1))
    if trainer is None:
        trainer = db.session.scalar(
            select(User).join(CourseTrainer, CourseTrainer.user_id == User.id)
            .where(CourseTrainer.course_id == course_id)
            .order_by(CourseTrainer.granted_at, CourseTrainer.id).limit(1))
    return trainer


def build_payload(number: str, user: User, version: CourseVersion, completed_at: datetime,
                  issued_at: datetime, expires_at: datetime | None, *,
                  sessions: list[dict] | None = None, trainer: User | None = None,
                  renews: str | None = None) -> dict:
    """Every fact the certificate states, in the learner's language."""
    language = certificate_language(user)
    model = content_for(version).course
    organisation = user.organisation
    subject = version.subject or model.subject
    known = find_subject(subject) if subject else None
    subject_label = known.label(language) if known is not None else subject
    return {
        "type": "atlas-campus-certificate",
        "format": PAYLOAD_FORMAT,
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
        "sessions": sessions or [],
        "statement": model.certificate.statement.text(language),
        "trainer": trainer.name if trainer else None,
        # calendar days as people where the platform is read them (Berlin), not UTC days
        "completed_at": local_day(completed_at).isoformat(),
        "issued_at": local_day(issued_at).isoformat(),
        "expires_at": local_day(expires_at).isoformat() if expires_at else None,
        "issuer": ISSUER,
        "verify_url": verify_url(number),
        "renews": renews,
        "replaces": [],
    }


# --- finding ------------------------------------------------------------------


def get_by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def find_issued(user_id: int, course_id: int, completed_at: datetime) -> Certificate | None:
    """The current certificate for one completion (the newest revision), if issued."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.course_id == course_id,
                                  Certificate.completed_at == completed_at)
        .order_by(Certificate.revision.desc()).limit(1))


def current_certificates_query():
    """Certificates not replaced by a re-issue: the ones lists show."""
    return select(Certificate).where(Certificate.superseded_by_id.is_(None))


def previous_certificate(user_id: int, course_id: int,
                         completed_at: datetime) -> Certificate | None:
    """The newest earlier, unrevoked certificate of the same course: the one a renewal renews."""
    return db.session.scalar(
        current_certificates_query().where(
            Certificate.user_id == user_id, Certificate.course_id == course_id,
            Certificate.completed_at < completed_at, Certificate.revoked_at.is_(None))
        .order_by(Certificate.completed_at.desc()).limit(1))


def certificates_of(user: User) -> list[Certificate]:
    """The learner's newest certificate per course, newest first."""
    rows = db.session.scalars(
        current_certificates_query().where(Certificate.user_id == user.id)
        .order_by(Certificate.completed_at.desc(), Certificate.id.desc())
    ).all()
    newest: dict[int, Certificate] = {}
    for certificate in rows:
        newest.setdefault(certificate.course_id, certificate)
    return list(newest.values())


# --- issuing ------------------------------------------------------------------


def issue_certificate(user: User, course_version: CourseVersion, completed_at: datetime,
                      now: datetime) -> Certificate:
    """Issue ``user``'s certificate for the completion at ``completed_at``.

    Idempotent per completion: the same (user, course, completed_at) returns the
    certificate already issued, also when two workers issue at once (the unique key
    decides, and the loser returns the winner's row). A later completion of the same
    course (a refresher after a retake) issues a new certificate that renews the last.
    """
    course_id = course_version.course_id
    existing = find_issued(user.id, course_id, completed_at)
    if existing is not None:
        return existing
    settings = content_for(course_version).course.certificate
    # valid through the same Berlin day n months on; stored as the instant it ends
    expires_at = (end_of_day(add_months(local_day(now), settings.validity_months))
                  if settings.validity_months else None)
    previous = previous_certificate(user.id, course_id, completed_at)
    sessions = attended_sessions(user, course_id, previous.completed_at if previous else None,
                                 completed_at)
    trainer = responsible_trainer(user, course_id, completed_at)
    number = new_number()
    payload = build_payload(number, user, course_version, completed_at, now, expires_at,
                            sessions=sessions, trainer=trainer,
                            renews=previous.number if previous else None)
    certificate = Certificate(
        number=number, user_id=user.id, course_id=course_id, revision=0,
        course_version_id=course_version.id, learner_name=user.name, issued_at=now,
        completed_at=completed_at, expires_at=expires_at, revoke_reason="",
        trainer_id=trainer.id if trainer else None,
        payload=payload, signature=signing.sign(payload),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        existing = find_issued(user.id, course_id, completed_at)
        if existing is None:
            raise
        return existing
    render_ahead(certificate)
    return certificate


def render_ahead(certificate: Certificate) -> None:
    """Have the PDF rendered by a job after commit, when a worker queue is configured.

    Without one the job would run inline before the learner's page answers, for nothing:
    the PDF is rendered when downloaded. ``ATLAS_CERTIFICATE_RENDER_AHEAD`` overrides.
    """
    if current_app.config.get("ATLAS_CERTIFICATE_RENDER_AHEAD"):
        enqueue("certificates.render", certificate_id=certificate.id)


def issue_on_completion(user: User, course: Course, completed_at: datetime) -> Certificate | None:
    """The ``lms_course_completed`` listener: issue when the course grants a certificate.

    The certificate names the version the learner completed (their enrolment's), which is
    not the published one when a newer version came out that did not move them.
    Trainers of the course get none for their own course (they test it, they did not
    learn it).
    """
    version = db.session.scalar(select(CourseVersion).join(
        Enrolment, Enrolment.course_version_id == CourseVersion.id).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))
    version = version or course.published_version
    if version is None or not content_for(version).course.certificate.enabled:
        return None
    if db.session.scalar(select(CourseTrainer.id).where(
            CourseTrainer.course_id == course.id, CourseTrainer.user_id == user.id)):
        return None
    return issue_certificate(user, version, completed_at, utcnow())


def reissue_for_new_name(user: User, now: datetime) -> list[Certificate]:
    """Re-issue each of ``user``'s valid certificates in their current name.

    The successor states the same facts under a new number; its ``replaces`` lists
    every earlier number of this certificate. The old one stays verifiable as
    superseded. Revoked and expired certificates keep the name they were issued in.
    """
    current = db.session.scalars(
        current_certificates_query().where(
            Certificate.user_id == user.id, Certificate.revoked_at.is_(None),
            or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))
        .order_by(Certificate.id).with_for_update()
    ).all()
    issued = []
    for old in current:
        if old.learner_name == user.name:
            continue
        number = new_number()
        payload = dict(old.payload, number=number, learner_name=user.name,
                       verify_url=verify_url(number),
                       replaces=[*old.payload.get("replaces", []), old.number])
        successor = Certificate(
            number=number, user_id=user.id, course_id=old.course_id,
            course_version_id=old.course_version_id, revision=old.revision + 1,
            learner_name=user.name, issued_at=old.issued_at, completed_at=old.completed_at,
            expires_at=old.expires_at, reminded_at=old.reminded_at, revoke_reason="",
            trainer_id=old.trainer_id,
            payload=payload, signature=signing.sign(payload),
        )
        try:
            with db.session.begin_nested():
                db.session.add(successor)
        except IntegrityError:
            continue  # another worker re-issued this one at the same moment
        old.superseded_by_id = successor.id
        old.superseded_at = now
        issued.append(successor)
        render_ahead(successor)
    db.session.flush()
    return issued


# --- revoking -----------------------------------------------------------------


def may_revoke(actor: User, certificate: Certificate) -> bool:
    if actor.is_admin:
        return True
    return actor.is_trainer and db.session.scalar(select(CourseTrainer.id).where(
        CourseTrainer.course_id == certificate.course_id, CourseTrainer.user_id == actor.id
    )) is not None


def revoke_certificate(actor: User, certificate: Certificate, reason: str,
                       now: datetime) -> Certificate:
    """Revoke ``certificate`` (admins, trainers of the course); revoking twice changes nothing.

    :raises PermissionDeniedError: ``actor`` may not revoke it.
    :raises ValidationFailedError: no reason given.
    """
    if not may_revoke(actor, certificate):
        raise PermissionDeniedError(_("Sie dürfen dieses Zertifikat nicht widerrufen."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailedError(_("Bitte geben Sie einen Grund an."), field="reason")
    if certificate.revoked_at is None:
        certificate.revoked_at = now
        certificate.revoked_by_id = actor.id
        certificate.revoke_reason = reason[:2000]
        db.session.flush()
    return certificate


# --- status and access ----------------------------------------------------------


def certificate_status(certificate: Certificate, now: datetime) -> str:
    """``valid``, ``expiring`` (within 30 days), ``expired``, ``revoked`` or ``superseded``."""
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.superseded_by_id is not None:
        return "superseded"
    if certificate.expires_at is not None:
        if certificate.expires_at <= now:
            return "expired"
        if certificate.expires_at - now <= EXPIRING_WINDOW:
            return "expiring"
    return "valid"


def status_condition(status: str, now: datetime):
    """The SQL condition matching :func:`certificate_status` == ``status``."""
    alive = and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
    soon = now + EXPIRING_WINDOW
    return {
        "revoked": Certificate.revoked_at.is_not(None),
        "superseded": and_(Certificate.revoked_at.is_(None),
                           Certificate.superseded_by_id.is_not(None)),
        "expired": and_(alive, Certificate.expires_at <= now),
        "expiring": and_(alive, Certificate.expires_at > now, Certificate.expires_at <= soon),
        "valid": and_(alive, or_(Certificate.expires_at.is_(None), Certificate.expires_at > soon)),
    }[status]


def manages_owner(actor: User, certificate: Certificate) -> bool:
    """True when ``actor`` is a company manager of the certificate holder's organisation."""
    if not actor.is_company_manager:
        return False
    owner = certificate.user
    return bool(owner.membership
                and owner.membership.organisation_id == actor.membership.organisation_id)


def may_view(actor: User, certificate: Certificate) -> bool:
    """Owner, admins and the holder's company managers may download PDF and badge."""
    return (certificate.user_id == actor.id or actor.is_admin
            or manages_owner(actor, certificate))


def organisation_certificates(organisation_id: int, now: datetime, *, query: str = "",
                              course_id: int | None = None, status: str = ""):
    """The select for an organisation's current certificates, filtered (company page, zip)."""
    statement = (current_certificates_query()
                 .join(Membership, Membership.user_id == Certificate.user_id)
                 .where(Membership.organisation_id == organisation_id)
                 .options(selectinload(Certificate.course_version))
                 .order_by(Certificate.learner_name, Certificate.completed_at.desc()))
    return filter_certificates(statement, now, query=query, course_id=course_id, status=status)


def filter_certificates(statement, now: datetime, *, query: str = "",
                        course_id: int | None = None, status: str = ""):
    query = (query or "").strip()
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Certificate.learner_name).like(pattern),
                                        func.lower(Certificate.number).like(pattern)))
    if course_id:
        statement = statement.where(Certificate.course_id == course_id)
    if status in STATUSES:
        statement = statement.where(status_condition(status, now))
    return statement


def revocable_certificates(actor: User, now: datetime, *, query: str = "",
                           course_id: int | None = None, status: str = ""):
    """The select for the revoke list: every certificate for admins, own courses for trainers."""
    statement = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if not actor.is_admin:
        statement = statement.where(Certificate.course_id.in_(
            select(CourseTrainer.course_id).where(CourseTrainer.user_id == actor.id)))
    return filter_certificates(statement, now, query=query, course_id=course_id, status=status)

