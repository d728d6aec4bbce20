"""Role profiles of a company: their required qualifications and who holds them.

People get roles by hand, from a CSV file (email or personnel number, role) or from their
department: a role whose ``sso_department`` names the department (as the SSO claim fills
it, or as the manager set it) is held by its members, source ``sso``.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.models import Department, Membership, Organisation, User
from lms.accounts.services import ensure_can_manage
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.companies.access import membership_in
from lms.companies.csv_import import UnsupportedEncodingError, decode, detect_delimiter
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.qualifications.catalogue import qualification_for
from lms.qualifications.models import (
    JobRole,
    LearningPath,
    LearningPathStep,
    RoleHolder,
    RoleRequirement,
)

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000


def company_roles(organisation: Organisation) -> list[JobRole]:
    return list(db.session.scalars(select(JobRole).where(
        JobRole.organisation_id == organisation.id).order_by(JobRole.name)))


def templates() -> list[JobRole]:
    """The network's role templates."""
    return list(db.session.scalars(select(JobRole).where(
        JobRole.organisation_id.is_(None)).order_by(JobRole.name)))


def role_of(organisation: Organisation, role_id: int) -> JobRole:
    """:raises NotFoundError: unknown, a template, or another company's role."""
    role = db.session.get(JobRole, role_id)
    if role is None or role.organisation_id != organisation.id:
        raise NotFoundError(_("Diese Rolle gibt es nicht."))
    return role


def _check_name(organisation: Organisation, name: str, role_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen an."), field="name")
    clash = db.session.scalar(select(JobRole.id).where(
        JobRole.organisation_id == organisation.id,
        func.lower(JobRole.name) == name.casefold(), JobRole.id != (role_id or 0)))
    if clash is not None:
        raise ValidationFailedError(_("Eine Rolle dieses Namens gibt es schon."), field="name")
    return name


def create_role(actor: User, organisation: Organisation, *, name: str, description: str = "",
                sso_department: str = "") -> JobRole:
    """A new, empty role of the company (flush only)."""
    ensure_can_manage(actor, organisation)
    role = JobRole(organisation_id=organisation.id, name=_check_name(organisation, name),
                   description=description.strip(), sso_department=sso_department.strip())
    db.session.add(role)
    db.session.flush()
    return role


def copy_template(actor: User, organisation: Organisation, template_id: int) -> JobRole:
    """The company's own copy of a network template: requirements and learning path too."""
    ensure_can_manage(actor, organisation)
    template = db.session.get(JobRole, template_id)
    if template is None or template.organisation_id is not None:
        raise NotFoundError(_("Diese Vorlage gibt es nicht."))
    role = create_role(actor, organisation, name=template.name,
                       description=template.description,
                       sso_department=template.sso_department)
    for requirement in template.requirements:
        role.requirements.append(RoleRequirement(
            qualification_id=requirement.qualification_id, level=requirement.level))
    for path in db.session.scalars(select(LearningPath).where(LearningPath.role_id == template.id)):
        copy = LearningPath(organisation_id=organisation.id, role_id=role.id, title=path.title)
        for step in path.steps:
            copy.steps.append(LearningPathStep(position=step.position,
                                               course_slug=step.course_slug,
                                               module_id=step.module_id))
        db.session.add(copy)
    db.session.flush()
    return role


def set_requirement(actor: User, organisation: Organisation, role: JobRole,
                    qualification_id: int, level: int) -> RoleRequirement:
    """The role requires the qualification at ``level`` (added, or its level changed)."""
    ensure_can_manage(actor, organisation)
    qualification = qualification_for(organisation, qualification_id)
    if not 1 <= level <= max(len(qualification.levels), 1):
        raise ValidationFailedError(_("Diese Stufe hat die Qualifikation nicht."), field="level")
    requirement = next((r for r in role.requirements
                        if r.qualification_id == qualification.id), None)
    if requirement is None and qualification.archived:
        raise ValidationFailedError(_("Diese Qualifikation ist archiviert."),
                                    field="qualification_id")
    if requirement is None:
        requirement = RoleRequirement(qualification_id=qualification.id, level=level)
        role.requirements.append(requirement)
    requirement.level = level
    db.session.flush()
    return requirement


def remove_requirement(actor: User, organisation: Organisation, role: JobRole,
                       qualification_id: int) -> None:
    ensure_can_manage(actor, organisation)
    requirement = next((r for r in role.requirements if r.qualification_id == qualification_id),
                       None)
    if requirement is None:
        raise NotFoundError(_("Diese Anforderung gibt es nicht."))
    role.requirements.remove(requirement)
    db.session.flush()


def holders_of(role: JobRole) -> list[RoleHolder]:
    return list(db.session.scalars(
        select(RoleHolder).join(User, User.id == RoleHolder.user_id)
        .where(RoleHolder.role_id == role.id).order_by(User.name)))


def assign_role(actor: User | None, organisation: Organisation, role: JobRole, user_ids: list[int],
                now: datetime, source: str = "manual") -> int:
    """Give ``role`` to members of ``organisation`` (flush only); returns how many are new.

    :raises NotFoundError: a person who is not a member.
    """
    if actor is not None:
        ensure_can_manage(actor, organisation)
    if role.organisation_id != organisation.id:
        raise NotFoundError(_("Diese Rolle gibt es nicht."))
    held = set(db.session.scalars(select(RoleHolder.user_id).where(
        RoleHolder.role_id == role.id)))
    added = 0
    for user_id in sorted(set(user_ids)):
        membership_in(organisation, user_id)
        if user_id in held:
            continue
        db.session.add(RoleHolder(role_id=role.id, user_id=user_id, source=source,
                                  assigned_at=now,
                                  assigned_by_id=actor.id if actor is not None else None))
        held.add(user_id)
        added += 1
    db.session.flush()
    return added


def remove_holder(actor: User, organisation: Organisation, role: JobRole, user_id: int) -> None:
    ensure_can_manage(actor, organisation)
    holder = db.session.scalar(select(RoleHolder).where(RoleHolder.role_id == role.id,
                                                        RoleHolder.user_id == user_id))
    if holder is None:
        raise NotFoundError(_("Diese Person hat die Rolle nicht."))
    db.session.delete(holder)
    db.session.flush()


def sync_department_roles(organisation: Organisation, now: datetime,
                          user: User | None = None) -> tuple[int, int]:
    """Department-derived roles follow the members' departments (flush only).

    A member whose department name equals a role's ``sso_department`` (case-insensitive)
    holds it (source ``sso``); one who left that department loses it, unless it was given
    by hand or CSV. Returns (added, removed).
    """
    roles = [r for r in company_roles(organisation) if r.sso_department.strip()]
    if not roles:
        return 0, 0
    members = select(Membership.user_id, Department.name).outerjoin(
        Department, Department.id == Membership.department_id).where(
        Membership.organisation_id == organisation.id)
    if user is not None:
        members = members.where(Membership.user_id == user.id)
    departments = {uid: (name or "").strip().casefold()
                   for uid, name in db.session.execute(members)}
    existing = {(h.role_id, h.user_id): h for h in db.session.scalars(
        select(RoleHolder).where(RoleHolder.role_id.in_([r.id for r in roles]),
                                 RoleHolder.user_id.in_(list(departments) or [0])))}
    added = removed = 0
    for role in roles:
        wanted = role.sso_department.strip().casefold()
        for user_id, department in departments.items():
            holder = existing.get((role.id, user_id))
            if department == wanted and holder is None:
                db.session.add(RoleHolder(role_id=role.id, user_id=user_id, source="sso",
                                          assigned_at=now))
                added += 1
            elif department != wanted and holder is not None and holder.source == "sso":
                db.session.delete(holder)
                removed += 1
    db.session.flush()
    return added, removed


# --- CSV -------------------------------------------------------------------------------

HEADERS = {
    "email": "email", "e_mail": "email", "emailadresse": "email", "mail": "email",
    "personalnummer": "personnel_number", "personalnr": "personnel_number",
    "personnelnumber": "personnel_number", "employeeid": "personnel_number",
    "rolle": "role", "role": "role", "rollen": "role", "stelle": "role",
}


@dataclass
class CsvProblem:
    row: int  #: line in the file, the header being line 1; 0 for the file as a whole
    message: str


@dataclass
class RoleCsvReport:
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  #: (row, role id, user id)
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.pairs)


def _cell(values: list[str], columns: dict, column: str) -> str:
    index = columns.get(column)
    return values[index].strip() if index is not None and index < len(values) else ""


def check_roles_csv(organisation: Organisation, data: bytes) -> RoleCsvReport:
    """Read a CSV of (email or personnel number, role); every problem with its line."""
    report = RoleCsvReport()
    if len(data) > MAX_CSV_BYTES:
        report.problems.append(CsvProblem(0, _("Die Datei ist größer als 2 MB.")))
        return report
    try:
        text, _encoding = decode(data)
    except UnsupportedEncodingError as error:
        report.problems.append(CsvProblem(0, str(error)))
        return report
    reader = csv.reader(io.StringIO(text), delimiter=detect_delimiter(text))
    header = next(reader, None)
    if not header:
        report.problems.append(CsvProblem(0, _("Die Datei ist leer.")))
        return report
    columns = {HEADERS.get("".join(ch for ch in name.strip().casefold() if ch not in " -./"))
               : index for index, name in enumerate(header)}
    if "role" not in columns or not ({"email", "personnel_number"} & set(columns)):
        report.problems.append(CsvProblem(1, _(
            "Die Kopfzeile braucht die Spalten „Rolle“ und „E-Mail“ oder „Personalnummer“.")))
        return report
    roles = {r.name.casefold(): r for r in company_roles(organisation)}
    by_email, by_number = {}, {}
    for membership, email in db.session.execute(
        select(Membership, User.email).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id)
    ):
        if email:
            by_email[email.casefold()] = membership.user_id
        if membership.personnel_number:
            by_number[membership.personnel_number.strip()] = membership.user_id
    for number, values in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS + 1:
            report.problems.append(CsvProblem(number, _("Mehr als 5000 Zeilen.")))
            break
        if not any(value.strip() for value in values):
            continue

        role_name, email, personnel = (_cell(values, columns, "role"),
                                       _cell(values, columns, "email"),
                                       _cell(values, columns, "personnel_number"))
        user_id = None
        if email:
            user_id = by_email.get(email.casefold())
            if user_id is None:
                report.problems.append(CsvProblem(number, _(
                    "Zeile %(row)s: Niemand in Ihrem Unternehmen hat die E-Mail-Adresse "
                    "„%(email)s“.", row=number, email=email)))
        elif personnel:
            user_id = by_number.get(personnel)
            if user_id is None:
                report.problems.append(CsvProblem(number, _(
                    "Zeile %(row)s: Die Personalnummer „%(number)s“ gibt es in Ihrem "
                    "Unternehmen nicht.", row=number, number=personnel)))
        else:
            report.problems.append(CsvProblem(number, _(
                "Zeile %(row)s: E-Mail oder Personalnummer fehlt.", row=number)))
        role = roles.get(role_name.casefold()) if role_name else None
        if not role_name:
            report.problems.append(CsvProblem(number, _(
                "Zeile %(row)s: Die Rolle fehlt.", row=number)))
        elif role is None:
            report.problems.append(CsvProblem(number, _(
                "Zeile %(row)s: Die Rolle „%(role)s“ gibt es nicht. Legen Sie sie zuerst an.",
                row=number, role=role_name)))
        if user_id is not None and role is not None:
            report.pairs.append((number, role.id, user_id))
    if not report.pairs and not report.problems:
        report.problems.append(CsvProblem(0, _("Die Datei enthält keine Zeilen.")))
    return report


def import_roles_csv(actor: User, organisation: Organisation, data: bytes, now: datetime
                     ) -> tuple[RoleCsvReport, int]:
    """Check the file and, only when every line is fine, give the roles (flush only)."""
    ensure_can_manage(actor, organisation)
    report = check_roles_csv(organisation, data)
    if not report.is_valid:
        return report, 0
    added = 0
    for _row, role_id, user_id in report.pairs:
        added += assign_role(actor, organisation, role_of(organisation, role_id), [user_id], now,
                             source="csv")
    return report, added


# --- learning paths --------------------------------------------------------------------


def add_path_step(actor: User, organisation: Organisation, role: JobRole, course_slug: str,
                  module_id: str | None) -> LearningPathStep:
    """Append a course (or one of its modules) to the role's learning path (flush only).

    :raises ValidationFailedError: no published course of that slug, or no such module.
    """
    ensure_can_manage(actor, organisation)
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None or course.published_version is None:
        raise ValidationFailedError(_("Diesen Kurs gibt es nicht."), field="course_slug")
    module_id = (module_id or "").strip() or None
    if module_id is not None:
        modules = {m.id for m in content_for(course.published_version).course.modules}
        if module_id not in modules:
            raise ValidationFailedError(
                _("Der Kurs hat kein Modul „%(module)s“. Vorhanden: %(modules)s.",
                  module=module_id, modules=", ".join(sorted(modules))), field="module_id")
    path = db.session.scalar(select(LearningPath).where(LearningPath.role_id == role.id))
    if path is None:
        path = LearningPath(organisation_id=organisation.id, role_id=role.id, title=role.name)
        db.session.add(path)
    position = max((step.position for step in path.steps), default=0) + 1
    step = LearningPathStep(position=position, course_slug=course.slug, module_id=module_id)
    path.steps.append(step)
    db.session.flush()
    return step


def remove_path_step(actor: User, organisation: Organisation, role: JobRole,
                     step_id: int) -> None:
    ensure_can_manage(actor, organisation)
    step = db.session.get(LearningPathStep, step_id)
    if step is None or step.path.role_id != role.id:
        raise NotFoundError(_("Diesen Schritt gibt es nicht."))
    path = step.path
    path.steps.remove(step)
    db.session.flush()
    for position, rest in enumerate(sorted(path.steps, key=lambda s: s.position), start=1):
        rest.position = -position  # two passes: the unique (path, position) never clashes
    db.session.flush()
    for rest in path.steps:
        rest.position = -rest.position
    db.session.flush()
