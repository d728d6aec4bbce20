"""Evidence for qualifications: derived from ATLAS records, or entered and confirmed.

Certificates (course rules), completed modules (module rules) and attended sessions
(session rules) become evidence by ``sync_derived_evidence``: after a completion (hook),
daily (job) and when a person's page is opened. External certificates are uploaded by the
employee or a manager and count only once a named manager (or trainer) confirmed them;
on-the-job confirmations are a manager's statement and count at once.
"""

from collections import defaultdict
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from lms.accounts.models import Membership, Organisation, User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.certificates.models import Certificate
from lms.certificates.services import add_months
from lms.companies.access import membership_in
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning import answer_files
from lms.learning.models import Enrolment, LessonProgress
from lms.local_time import local_day
from lms.qualifications.models import AWAITING_KINDS, Evidence, EvidenceRule, Qualification
from lms.sessions.models import Attendance, CourseSession

DONE = ("done", "passed")


def valid_until_for(qualification: Qualification, issued_on: date) -> date | None:
    """The last day evidence issued on ``issued_on`` counts: issued + validity."""
    if qualification.validity_months is None:
        return None
    return add_months(issued_on, qualification.validity_months)


def _derived_rules(organisation_id: int | None):
    query = (select(EvidenceRule, Qualification).join(Qualification)
             .where(EvidenceRule.kind.in_(("course", "module", "session")),
                    Qualification.archived.is_(False)))
    if organisation_id is None:
        query = query.where(Qualification.organisation_id.is_(None))
    else:
        query = query.where(or_(Qualification.organisation_id.is_(None),
                                Qualification.organisation_id == organisation_id))
    return list(db.session.execute(query))


def _upsert(existing: dict, user_id: int, qualification: Qualification, level: int, kind: str,
            key: str, issued_on: date, now: datetime, **values) -> None:
    row = existing.get((user_id, qualification.id, level, key))
    if row is None:
        row = Evidence(user_id=user_id, qualification_id=qualification.id, level=level,
                       kind=kind, source_key=key, issued_on=issued_on, created_at=now,
                       valid_until=valid_until_for(qualification, issued_on),
                       confirmed_at=now, note="")
        db.session.add(row)
        existing[(user_id, qualification.id, level, key)] = row
    for name, value in values.items():
        setattr(row, name, value)


def sync_derived_evidence(user_ids: list[int], now: datetime) -> None:
    """Make the evidence rows the users' certificates, modules and sessions prove (flush only).

    Idempotent: a row per (person, qualification, level, source record). A revoked
    certificate revokes its evidence; a re-issued one (new name) moves the row to it.
    """
    if not user_ids:
        return
    organisations = dict(db.session.execute(
        select(Membership.user_id, Membership.organisation_id)
        .where(Membership.user_id.in_(user_ids))).all())
    by_org: dict[int | None, list[int]] = defaultdict(list)
    for user_id in user_ids:
        by_org[organisations.get(user_id)].append(user_id)
    for organisation_id, users in by_org.items():
        rules = _derived_rules(organisation_id)
        if rules:
            _sync(users, rules, now)
    db.session.flush()


def _sync(user_ids: list[int], rules, now: datetime) -> None:
    existing = {(e.user_id, e.qualification_id, e.level, e.source_key): e
                for e in db.session.scalars(select(Evidence).where(
                    Evidence.user_id.in_(user_ids), Evidence.source_key.is_not(None)))}
    slugs = {rule.course_slug for rule, _q in rules if rule.course_slug}
    courses = {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    course_rules = [(r, q) for r, q in rules if r.kind == "course" and r.course_slug in courses]
    if course_rules:
        ids = {courses[r.course_slug].id for r, _q in course_rules}
        for certificate in db.session.scalars(select(Certificate).where(
                Certificate.user_id.in_(user_ids), Certificate.course_id.in_(ids),
                Certificate.superseded_by_id.is_(None))):
            issued_on = local_day(certificate.completed_at)
            key = f"course:{certificate.course_id}:{certificate.completed_at.isoformat()}"
            for rule, qualification in course_rules:
                if courses[rule.course_slug].id != certificate.course_id:
                    continue
                _upsert(existing, certificate.user_id, qualification, rule.level, "course", key,
                        issued_on, now, certificate_id=certificate.id,
                        course_slug=rule.course_slug, confirmed_by_id=certificate.trainer_id,
                        revoked_at=certificate.revoked_at)
    module_rules = [(r, q) for r, q in rules if r.kind == "module" and r.course_slug in courses
                    and r.module_id]
    if module_rules:
        _sync_modules(user_ids, module_rules, courses, existing, now)
    session_rules = [(r, q) for r, q in rules if r.kind == "session" and r.course_slug in courses]
    if session_rules:
        ids = {courses[r.course_slug].id for r, _q in session_rules}
        for attendance, session in db.session.execute(
            select(Attendance, CourseSession).join(CourseSession,
                                                   CourseSession.id == Attendance.session_id)
            .where(Attendance.user_id.in_(user_ids), CourseSession.course_id.in_(ids))):
            for rule, qualification in session_rules:
                if courses[rule.course_slug].id != session.course_id:
                    continue
                _upsert(existing, attendance.user_id, qualification, rule.level, "session",
                        f"session:{session.id}", local_day(session.starts_at), now,
                        session_id=session.id, course_slug=rule.course_slug,
                        confirmed_by_id=attendance.recorded_by_id or session.trainer_id)


def _sync_modules(user_ids, module_rules, courses, existing, now) -> None:
    ids = {courses[r.course_slug].id for r, _q in module_rules}
    done: dict[tuple[int, int], dict[str, datetime]] = defaultdict(dict)
    for user_id, course_id, lesson_id, done_at in db.session.execute(
        select(LessonProgress.user_id, LessonProgress.course_id, LessonProgress.lesson_id,
               LessonProgress.done_at).where(
            LessonProgress.user_id.in_(user_ids), LessonProgress.course_id.in_(ids),
            LessonProgress.status.in_(DONE))):
        done[(user_id, course_id)][lesson_id] = done_at
    if not done:
        return
    for enrolment in db.session.scalars(select(Enrolment).where(
            Enrolment.user_id.in_(user_ids), Enrolment.course_id.in_(ids))):
        lessons_done = done.get((enrolment.user_id, enrolment.course_id))
        if not lessons_done:
            continue
        model = content_for(enrolment.course_version).course
        for rule, qualification in module_rules:
            if courses[rule.course_slug].id != enrolment.course_id:
                continue
            module = next((m for m in model.modules if m.id == rule.module_id), None)
            if module is None or not module.lessons:
                continue
            moments = [lessons_done.get(lesson.id) for lesson in module.lessons]
            if any(moment is None for moment in moments):
                continue
            issued_on = local_day(max(moments))
            _upsert(existing, enrolment.user_id, qualification, rule.level, "module",
                    f"module:{rule.course_slug}:{rule.module_id}:{issued_on.isoformat()}",
                    issued_on, now, course_slug=rule.course_slug, module_id=rule.module_id)


def evidence_of(user_id: int, qualification_id: int | None = None) -> list[Evidence]:
    """A person's evidence (also revoked and unconfirmed), newest first."""
    query = select(Evidence).where(Evidence.user_id == user_id)
    if qualification_id is not None:
        query = query.where(Evidence.qualification_id == qualification_id)
    return list(db.session.scalars(query.order_by(Evidence.issued_on.desc(), Evidence.id.desc())))


def _check_level(qualification: Qualification, level: int) -> int:
    if not 1 <= level <= max(len(qualification.levels), 1):
        raise ValidationFailedError(_("Diese Stufe hat die Qualifikation nicht."), field="level")
    return level


def _check_dates(issued_on: date | None, valid_until: date | None, today: date) -> None:
    if issued_on is None:
        raise ValidationFailedError(_("Bitte geben Sie das Ausstellungsdatum an."),
                                    field="issued_on")
    if issued_on > today:
        raise ValidationFailedError(_("Das Ausstellungsdatum liegt in der Zukunft."),
                                    field="issued_on")
    if valid_until is not None and valid_until < issued_on:
        raise ValidationFailedError(_("„Gültig bis“ liegt vor dem Ausstellungsdatum."),
                                    field="valid_until")


def _may_act_for(actor: User, organisation: Organisation, user_id: int) -> None:
    membership_in(organisation, user_id)
    if actor.id == user_id:
        return
    if not (actor.is_company_manager and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Das darf nur die Unternehmensverwaltung."))


def add_external(actor: User, organisation: Organisation, user_id: int,
                 qualification: Qualification, level: int, *, issued_on: date | None,
                 valid_until: date | None, upload: answer_files.Upload, note: str,
                 now: datetime) -> Evidence:
    """An external certificate (PDF or photo) for the employee; it waits for confirmation.

    :raises ValidationFailedError: bad dates, level, or file (empty, too large, no PDF/image).
    """
    _may_act_for(actor, organisation, user_id)
    _check_level(qualification, level)
    _check_dates(issued_on, valid_until, local_day(now))
    # the message names the qualification in the language it is read in
    media_type = answer_files.check(upload, qualification.title(str(get_locale() or "de")))
    stored = answer_files.store(upload, media_type)
    evidence = Evidence(
        user_id=user_id, qualification_id=qualification.id, level=level, kind="external",
        issued_on=issued_on, valid_until=valid_until or valid_until_for(qualification,
                                                                          issued_on),
        file=stored.token, file_name=stored.name, file_type=stored.media_type,
        note=note.strip()[:2000], created_by_id=actor.id, created_at=now)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def confirm_external(actor: User, organisation: Organisation, evidence: Evidence,
                     now: datetime) -> Evidence:
    """A manager of the company (or a trainer) confirms an external certificate.

    Nobody confirms their own certificate.
    """
    membership_in(organisation, evidence.user_id)
    if not ((actor.is_company_manager and actor.membership.organisation_id == organisation.id)
            or actor.is_trainer):
        raise PermissionDeniedError(_("Bestätigen dürfen die Unternehmensverwaltung und "
                                      "Trainer/innen."))
    if actor.id == evidence.user_id:
        raise PermissionDeniedError(_("Eigene Nachweise bestätigt eine andere Person."))
    # on-the-job evidence waits too when an HR system entered it (API)
    if evidence.kind not in AWAITING_KINDS or evidence.revoked_at is not None:
        raise ValidationFailedError(_("Dieser Nachweis ist nicht zu bestätigen."))
    if evidence.confirmed_at is None:
        evidence.confirmed_at = now
        evidence.confirmed_by_id = actor.id
    db.session.flush()
    return evidence


def confirm_on_the_job(actor: User, organisation: Organisation, user_id: int,
                       qualification: Qualification, level: int, *, issued_on: date | None,
                       note: str, now: datetime) -> Evidence:
    """A supervisor (manager) confirms the qualification from work observed on the job."""
    if not (actor.is_company_manager and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Das darf nur die Unternehmensverwaltung."))
    membership_in(organisation, user_id)
    if actor.id == user_id:
        raise PermissionDeniedError(_("Eigene Nachweise bestätigt eine andere Person."))
    _check_level(qualification, level)
    _check_dates(issued_on, None, local_day(now))
    if not note.strip():
        raise ValidationFailedError(_("Bitte beschreiben Sie kurz, was Sie beobachtet haben."),
                                    field="note")
    evidence = Evidence(
        user_id=user_id, qualification_id=qualification.id, level=level, kind="on_the_job",
        issued_on=issued_on, valid_until=valid_until_for(qualification, issued_on),
        note=note.strip()[:2000], created_by_id=actor.id, created_at=now,
        confirmed_by_id=actor.id, confirmed_at=now)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def evidence_in(organisation: Organisation, evidence_id: int) -> Evidence:
    """:raises NotFoundError: unknown, or of a person outside ``organisation``."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFoundError(_("Diesen Nachweis gibt es nicht."))
    membership_in(organisation, evidence.user_id)
    return evidence


def revoke_evidence(actor: User, organisation: Organisation, evidence: Evidence,
                    now: datetime) -> None:
    """A manager withdraws an entered piece of evidence (the row stays as the record)."""
    if not (actor.is_company_manager and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Das darf nur die Unternehmensverwaltung."))
    if evidence.source_key is not None:
        raise ValidationFailedError(_("Nachweise aus ATLAS-Zertifikaten und Terminen folgen "
                                      "diesen; sie werden dort widerrufen."))
    evidence.revoked_at = evidence.revoked_at or now
    db.session.flush()


def pending_confirmations(organisation: Organisation) -> list[Evidence]:
    """External certificates of the company's people waiting for confirmation."""
    return list(db.session.scalars(
        select(Evidence).join(Membership, and_(Membership.user_id == Evidence.user_id,
                                               Membership.organisation_id == organisation.id))
        .where(Evidence.kind.in_(AWAITING_KINDS), Evidence.confirmed_at.is_(None),
               Evidence.revoked_at.is_(None)).order_by(Evidence.created_at)))
