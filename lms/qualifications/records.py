"""Changes beyond creating things: a company's own qualification edited or archived (the
catalogue page and the HR API), a role's whole list of requirements, and evidence entered
without a file that awaits confirmation (the API).

Creating qualifications and roles and giving or taking roles go through ``catalogue`` and
``roles`` directly; these functions follow the same rules (flush only, the manager's
company or the network's catalogue only).
"""

from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import Organisation, User
from lms.accounts.services import ensure_can_manage
from lms.catalog.models import Course
from lms.companies.audit import record_access
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.qualifications import roles
from lms.qualifications.catalogue import qualification_for
from lms.qualifications.evidence import AWAITING_KINDS, valid_until_for
from lms.qualifications.models import Evidence, EvidenceRule, JobRole, Qualification

#: a company's own qualification may be valid this long at most (as on the catalogue page)
MAX_VALIDITY_MONTHS = 240


def update_qualification(actor: User, organisation: Organisation, qualification: Qualification,
                         changes: dict) -> Qualification:
    """Change the fields in ``changes`` of a company's own qualification.

    Levels may be renamed and added, never removed: evidence and requirements name them.

    :raises PermissionDeniedError: a qualification of the network's catalogue.
    :raises ValidationFailedError: an empty title or level, a bad validity, fewer levels.
    """
    ensure_can_manage(actor, organisation)
    if qualification.organisation_id != organisation.id:
        raise PermissionDeniedError(
            _("Qualifikationen des Netzwerkkatalogs ändert nur das Netzwerk."))
    if "title_de" in changes:
        changes["title_de"] = (changes["title_de"] or "").strip()
        if not changes["title_de"]:
            raise ValidationFailedError(_("Bitte geben Sie einen Titel an."), field="title_de")
    if "levels" in changes:
        levels = [name.strip() for name in changes["levels"]]
        if not all(levels) or len(levels) < len(qualification.levels or []):
            raise ValidationFailedError(
                _("Stufen können umbenannt und ergänzt, aber nicht entfernt werden."),
                field="levels")
        changes["levels"] = levels
    months = changes.get("validity_months")
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise ValidationFailedError(
            _("Die Gültigkeit muss zwischen 1 und 240 Monaten liegen."), field="validity_months")
    for name, value in changes.items():
        setattr(qualification, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    return qualification


def change_qualification(actor: User, organisation: Organisation, qualification: Qualification,
                         changes: dict, now: datetime) -> Qualification:
    """An HR system's change of a company's own qualification (API), in the access log.

    The same entries as the catalogue page writes: archiving and restoring each their own,
    any other change as ``qualification_changed``.
    """
    archived = changes.get("archived")
    was_archived = qualification.archived
    update_qualification(actor, organisation, qualification, changes)
    if archived is not None and archived != was_archived:
        record_access(actor, organisation,
                      "qualification_archived" if archived else "qualification_restored", now,
                      detail=qualification.title_de)
    if set(changes) - {"archived"}:
        record_access(actor, organisation, "qualification_changed", now,
                      detail=qualification.title_de)
    return qualification


def replace_requirements(actor: User, organisation: Organisation, role: JobRole,
                         requirements: list[tuple[int, int]]) -> JobRole:
    """Set the role's required qualifications to exactly ``requirements`` (id, level).

    :raises ValidationFailedError: an unknown or foreign qualification, a level it does not
        have, or one qualification twice (``field`` is ``requirements``).
    """
    ensure_can_manage(actor, organisation)
    wanted: dict[int, int] = {}
    for qualification_id, level in requirements:
        try:
            qualification = qualification_for(organisation, qualification_id)
        except NotFoundError as error:  # a field of the body, not a missing page
            raise ValidationFailedError(error.message, field="requirements") from None
        if qualification_id in wanted:
            raise ValidationFailedError(_("Jede Qualifikation nur einmal je Rolle."),
                                        field="requirements")
        if not 1 <= level <= max(len(qualification.levels or []), 1):
            raise ValidationFailedError(
                _("%(title)s hat die Stufen 1 bis %(count)s.",
                  title=qualification.title(str(get_locale() or "de")),
                  count=max(len(qualification.levels or []), 1)), field="requirements")
        wanted[qualification_id] = level
    for requirement in list(role.requirements):
        if requirement.qualification_id not in wanted:
            roles.remove_requirement(actor, organisation, role, requirement.qualification_id)
    for qualification_id, level in wanted.items():
        roles.set_requirement(actor, organisation, role, qualification_id, level)
    return role


def own_qualification(actor: User, organisation: Organisation, qualification_id: int
                      ) -> Qualification:
    """A qualification the company may change: its own, not the network's catalogue.

    :raises NotFoundError: unknown, or another company's.
    :raises PermissionDeniedError: one of the network's catalogue.
    """
    ensure_can_manage(actor, organisation)
    qualification = qualification_for(organisation, qualification_id)
    if qualification.organisation_id != organisation.id:
        raise PermissionDeniedError(
            _("Qualifikationen des Netzwerkkatalogs ändert nur das Netzwerk."))
    return qualification


def edit_qualification(actor: User, organisation: Organisation, qualification: Qualification,
                       *, title_de: str, title_en: str, validity_months: int | None,
                       course_slug: str | None, now: datetime) -> Qualification:
    """The catalogue page's change of a company's own qualification (flush only).

    The course whose certificate counts replaces the previous course rule; module and
    session rules (from the API) and the external and on-the-job rules stay. Written to
    the company's access log like the other changes of its settings.
    """
    update_qualification(actor, organisation, qualification, {
        "title_de": title_de, "title_en": title_en or "", "validity_months": validity_months})
    wanted = course_slug or None
    if wanted is not None and wanted not in set(db.session.scalars(
            select(Course.slug).where(Course.published_version_id.is_not(None)))):
        raise ValidationFailedError(_("Diesen Kurs gibt es nicht."), field="course_slug")
    current = [rule for rule in qualification.rules if rule.kind == "course"]
    if [rule.course_slug for rule in current] != ([wanted] if wanted else []):
        for rule in current:
            qualification.rules.remove(rule)
        if wanted:
            qualification.rules.append(EvidenceRule(level=1, kind="course",
                                                    course_slug=wanted))
    db.session.flush()
    record_access(actor, organisation, "qualification_changed", now,
                  detail=qualification.title_de)
    return qualification


def archive_qualification(actor: User, organisation: Organisation,
                          qualification: Qualification, archived: bool, now: datetime
                          ) -> Qualification:
    """Archive a company's own qualification, or take it back (flush only).

    Archived, it is offered for no new requirement and no longer derived from
    certificates; the requirements that name it, its evidence and the matrix's history
    stay.
    """
    if qualification.archived == archived:  # a repeated submit: nothing to change or log
        own_qualification(actor, organisation, qualification.id)
        return qualification
    update_qualification(actor, organisation, qualification, {"archived": archived})
    record_access(actor, organisation,
                  "qualification_archived" if archived else "qualification_restored", now,
                  detail=qualification.title_de)
    return qualification


def record_entered_evidence(actor: User, organisation: Organisation, person: User,
                            qualification: Qualification, *, kind: str, level: int,
                            issued_on: date, valid_until: date | None, note: str,
                            now: datetime, today: date) -> Evidence:
    """External or on-the-job evidence from an HR system, awaiting a named person.

    Unlike the pages' ``evidence.add_external`` there is no file, and unlike
    ``evidence.confirm_on_the_job`` nobody has confirmed it yet: a manager or trainer
    confirms it on the person's page (``evidence.confirm_external``). Without
    ``valid_until`` it gets the qualification's validity from ``issued_on``.
    """
    ensure_can_manage(actor, organisation)
    if kind not in AWAITING_KINDS:
        raise ValidationFailedError(_("Art ist external oder on_the_job."), field="kind")
    if not 1 <= level <= max(len(qualification.levels or []), 1):
        raise ValidationFailedError(_("Diese Stufe hat die Qualifikation nicht."), field="level")
    if issued_on > today:
        raise ValidationFailedError(_("Das Ausstellungsdatum liegt in der Zukunft."),
                                    field="issued_on")
    if valid_until is None:
        try:
            valid_until = valid_until_for(qualification, issued_on)
        except (ValueError, OverflowError):  # past the year 9999
            raise ValidationFailedError(_("Das Ausstellungsdatum ist unplausibel."),
                                        field="issued_on") from None
    if valid_until is not None and valid_until < issued_on:
        raise ValidationFailedError(_("„Gültig bis“ liegt vor dem Ausstellungsdatum."),
                                    field="valid_until")
    evidence = Evidence(
        user_id=person.id, qualification_id=qualification.id, level=level, kind=kind,
        issued_on=issued_on, valid_until=valid_until, note=(note or "").strip()[:2000],
        created_by_id=actor.id, created_at=now)
    db.session.add(evidence)
    db.session.flush()
    return evidence
