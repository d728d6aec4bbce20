"""Writes to a company's qualifications, roles, role holders and evidence, by a manager.

The HR API calls these (each call one unit of work); they check that everything named
belongs to the manager's company or the network's catalogue, flush and never commit.
"""

import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import Organisation, User
from lms.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from lms.extensions import db
from lms.qualifications.models import (
    Evidence,
    JobRole,
    Qualification,
    RoleHolder,
    RoleRequirement,
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: kinds of evidence a person enters; they count once a named person confirms them
ENTERED_KINDS = ("external", "on_the_job")


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not (actor.is_active and actor.is_company_manager
            and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Nur Führungskräfte des Unternehmens ändern das."))


def visible_qualification(organisation: Organisation, qualification_id: int) -> Qualification:
    """A qualification of the network's catalogue or of ``organisation``; others not found."""
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None or qualification.organisation_id not in (None, organisation.id):
        raise NotFoundError(_("Diese Qualifikation gibt es nicht."), field="qualification_id")
    return qualification


def _check_qualification_fields(values: dict) -> None:
    if "title_de" in values and not (values["title_de"] or "").strip():
        raise ValidationFailedError(_("Bitte geben Sie einen deutschen Titel an."),
                                    field="title_de")
    if "levels" in values:
        levels = values["levels"]
        if (not levels or len(levels) > 10
                or any(not isinstance(name, str) or not name.strip() for name in levels)):
            raise ValidationFailedError(
                _("Eine Qualifikation hat 1 bis 10 Stufen mit Namen."), field="levels")
    months = values.get("validity_months")
    if months is not None and not 1 <= months <= 600:
        raise ValidationFailedError(_("Gültigkeit in Monaten: 1 bis 600, oder keine."),
                                    field="validity_months")


def create_qualification(actor: User, organisation: Organisation, *, key: str, title_de: str,
                         levels: list[str], now: datetime, title_en: str = "",
                         description_de: str = "", description_en: str = "",
                         validity_months: int | None = None) -> Qualification:
    """Add a qualification of the company's own.

    :raises ValidationFailedError: bad key, no title, no levels, validity out of range.
    :raises ConflictError: the company already has a qualification with this key.
    """
    _require_manager(actor, organisation)
    if not KEY_PATTERN.match(key or ""):
        raise ValidationFailedError(
            _("Die Kennung besteht aus Kleinbuchstaben, Ziffern und Bindestrichen."), field="key")
    values = {"title_de": title_de, "levels": levels, "validity_months": validity_months}
    _check_qualification_fields(values)
    if db.session.scalar(select(Qualification.id).where(
            Qualification.organisation_id == organisation.id, Qualification.key == key)):
        raise ConflictError(_("Diese Kennung gibt es in Ihrem Unternehmen schon."), field="key")
    qualification = Qualification(
        organisation_id=organisation.id, key=key, title_de=title_de.strip(),
        title_en=(title_en or "").strip(), description_de=description_de or "",
        description_en=description_en or "", levels=[name.strip() for name in levels],
        validity_months=validity_months, created_at=now, archived=False)
    db.session.add(qualification)
    db.session.flush()
    return qualification


def update_qualification(actor: User, organisation: Organisation, qualification: Qualification,
                         changes: dict) -> Qualification:
    """Change the fields in ``changes`` of a company's own qualification.

    Levels may be renamed and added, never removed: evidence and requirements name them.

    :raises PermissionDeniedError: a qualification of the network's catalogue.
    """
    _require_manager(actor, organisation)
    if qualification.organisation_id != organisation.id:
        raise PermissionDeniedError(
            _("Qualifikationen des Netzwerkkatalogs ändert nur das Netzwerk."))
    _check_qualification_fields(changes)
    if "levels" in changes and len(changes["levels"]) < len(qualification.levels or []):
        raise ValidationFailedError(
            _("Stufen können umbenannt und ergänzt, aber nicht entfernt werden."), field="levels")
    for name, value in changes.items():
        if name in ("title_de", "title_en") or name == "levels":
            value = [level.strip() for level in value] if name == "levels" else value.strip()
        setattr(qualification, name, value)
    db.session.flush()
    return qualification


def _requirements(organisation: Organisation, requirements: list[tuple[int, int]]
                  ) -> list[tuple[Qualification, int]]:
    result = []
    seen = set()
    for qualification_id, level in requirements:
        try:
            qualification = visible_qualification(organisation, qualification_id)
        except NotFoundError as error:
            raise ValidationFailedError(error.message, field="requirements") from None
        if qualification_id in seen:
            raise ValidationFailedError(_("Jede Qualifikation nur einmal je Rolle."),
                                        field="requirements")
        if not 1 <= level <= len(qualification.levels or [None]):
            raise ValidationFailedError(
                _("%(title)s hat die Stufen 1 bis %(count)s.", title=qualification.title_de,
                  count=len(qualification.levels or [None])), field="requirements")
        seen.add(qualification_id)
        result.append((qualification, level))
    return result


def create_role(actor: User, organisation: Organisation, *, name: str, description: str = "",
                sso_department: str = "", requirements: list[tuple[int, int]] = ()) -> JobRole:
    """Add a role profile with its required qualifications (id, level)."""
    _require_manager(actor, organisation)
    if not (name or "").strip():
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    checked = _requirements(organisation, list(requirements))
    role = JobRole(organisation_id=organisation.id, name=name.strip()[:200],
                   description=description or "", sso_department=(sso_department or "").strip())
    db.session.add(role)
    db.session.flush()
    for qualification, level in checked:
        db.session.add(RoleRequirement(role_id=role.id, qualification_id=qualification.id,
                                       level=level))
    db.session.flush()
    return role


def replace_requirements(actor: User, organisation: Organisation, role: JobRole,
                         requirements: list[tuple[int, int]]) -> JobRole:
    """Set the role's required qualifications to exactly ``requirements``."""
    _require_manager(actor, organisation)
    checked = _requirements(organisation, list(requirements))
    db.session.execute(delete(RoleRequirement).where(RoleRequirement.role_id == role.id))
    for qualification, level in checked:
        db.session.add(RoleRequirement(role_id=role.id, qualification_id=qualification.id,
                                       level=level))
    db.session.flush()
    db.session.expire(role, ["requirements"])
    return role


def add_holder(actor: User, organisation: Organisation, role: JobRole, person: User,
               now: datetime, source: str = "manual") -> tuple[RoleHolder, bool]:
    """Give ``person`` the role; return the holder row and whether it is new."""
    _require_manager(actor, organisation)
    holder = db.session.scalar(select(RoleHolder).where(
        RoleHolder.role_id == role.id, RoleHolder.user_id == person.id))
    if holder is not None:
        return holder, False
    holder = RoleHolder(role_id=role.id, user_id=person.id, source=source, assigned_at=now,
                        assigned_by_id=actor.id)
    db.session.add(holder)
    db.session.flush()
    return holder, True


def remove_holder(actor: User, organisation: Organisation, role: JobRole, person_id: int
                  ) -> None:
    """:raises NotFoundError: the person does not hold the role."""
    _require_manager(actor, organisation)
    holder = db.session.scalar(select(RoleHolder).where(
        RoleHolder.role_id == role.id, RoleHolder.user_id == person_id))
    if holder is None:
        raise NotFoundError(_("Diese Person hat die Rolle nicht."))
    db.session.delete(holder)
    db.session.flush()


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)  # ValueError past the year 9999


def record_entered_evidence(actor: User, organisation: Organisation, person: User,
                            qualification: Qualification, *, kind: str, level: int,
                            issued_on: date, valid_until: date | None, note: str,
                            today: date, now: datetime) -> Evidence:
    """Record external or on-the-job evidence, awaiting a named person's confirmation.

    Without ``valid_until`` a qualification with a validity gets ``issued_on`` plus its
    months, less one day (``valid_until`` is the last day that counts).
    """
    _require_manager(actor, organisation)
    if kind not in ENTERED_KINDS:
        raise ValidationFailedError(_("Art ist external oder on_the_job."), field="kind")
    if not 1 <= level <= len(qualification.levels or [None]):
        raise ValidationFailedError(_("Diese Stufe hat die Qualifikation nicht."), field="level")
    if issued_on > today:
        raise ValidationFailedError(_("Das Ausstellungsdatum liegt in der Zukunft."),
                                    field="issued_on")
    if valid_until is None and qualification.validity_months:
        try:
            valid_until = date.fromordinal(
                add_months(issued_on, qualification.validity_months).toordinal() - 1)
        except ValueError:  # past the year 9999
            raise ValidationFailedError(_("Das Ausstellungsdatum ist unplausibel."),
                                        field="issued_on") from None
    if valid_until is not None and valid_until < issued_on:
        raise ValidationFailedError(_("Gültig bis liegt vor dem Ausstellungsdatum."),
                                    field="valid_until")
    evidence = Evidence(
        user_id=person.id, qualification_id=qualification.id, level=level, kind=kind,
        issued_on=issued_on, valid_until=valid_until, note=(note or "")[:2000],
        created_by_id=actor.id, created_at=now)
    db.session.add(evidence)
    db.session.flush()
    return evidence
