"""The qualification catalogue: the network's starter set, and a company's own entries."""

import re
import tomllib
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lms.accounts.models import Organisation, User
from lms.accounts.services import ensure_can_manage
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.qualifications.models import (
    EVIDENCE_KINDS,
    EvidenceRule,
    JobRole,
    LearningPath,
    LearningPathStep,
    Qualification,
    RoleRequirement,
)

STARTER_CATALOGUE = Path(__file__).with_name("starter_catalogue.toml")
_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")[:80] or "q"


def seed_catalogue(now: datetime, path: Path = STARTER_CATALOGUE) -> tuple[int, int]:
    """Load the network's starter catalogue and role templates where missing (flush only).

    Present entries (same key, same role name) stay untouched, so running it twice, or
    after the network edited an entry, changes nothing. Returns (qualifications, roles)
    added.
    """
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    by_key = {q.key: q for q in db.session.scalars(
        select(Qualification).where(Qualification.organisation_id.is_(None)))}
    added_q = 0
    for entry in data.get("qualifications", []):
        if entry["key"] in by_key:
            continue
        qualification = Qualification(
            organisation_id=None, key=entry["key"], title_de=entry["title_de"],
            title_en=entry.get("title_en", ""), description_de=entry.get("description_de", ""),
            description_en=entry.get("description_en", ""), levels=list(entry["levels"]),
            validity_months=entry.get("validity_months"), created_at=now, archived=False)
        for rule in entry.get("rules", []):
            qualification.rules.append(EvidenceRule(
                level=rule.get("level", 1), kind=rule["kind"],
                course_slug=rule.get("course_slug"), module_id=rule.get("module_id")))
        db.session.add(qualification)
        by_key[entry["key"]] = qualification
        added_q += 1
    db.session.flush()
    names = set(db.session.scalars(select(JobRole.name).where(JobRole.organisation_id.is_(None))))
    added_r = 0
    for entry in data.get("roles", []):
        if entry["name"] in names:
            continue
        role = JobRole(organisation_id=None, name=entry["name"],
                       description=entry.get("description", ""),
                       sso_department=entry.get("sso_department", ""))
        for requirement in entry.get("requirements", []):
            role.requirements.append(RoleRequirement(
                qualification_id=by_key[requirement["key"]].id,
                level=requirement.get("level", 1)))
        db.session.add(role)
        db.session.flush()
        if entry.get("path"):
            path_row = LearningPath(organisation_id=None, role_id=role.id, title=role.name)
            for position, step in enumerate(entry["path"], start=1):
                path_row.steps.append(LearningPathStep(
                    position=position, course_slug=step["course_slug"],
                    module_id=step.get("module_id")))
            db.session.add(path_row)
        added_r += 1
    db.session.flush()
    return added_q, added_r


def visible_qualifications(organisation: Organisation, include_archived: bool = False
                           ) -> list[Qualification]:
    """The network's catalogue and the company's own qualifications, by title."""
    query = select(Qualification).where(or_(Qualification.organisation_id.is_(None),
                                            Qualification.organisation_id == organisation.id))
    if not include_archived:
        query = query.where(Qualification.archived.is_(False))
    return list(db.session.scalars(query.order_by(Qualification.title_de)))


def qualification_for(organisation: Organisation, qualification_id: int) -> Qualification:
    """A qualification ``organisation`` may use: the network's or its own.

    :raises NotFoundError: unknown, or another company's.
    """
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None or qualification.organisation_id not in (None, organisation.id):
        raise NotFoundError(_("Diese Qualifikation gibt es nicht."))
    return qualification


def create_qualification(actor: User, organisation: Organisation, *, title_de: str,
                         title_en: str = "", description_de: str = "", levels: list[str],
                         validity_months: int | None, rules: list[dict], now: datetime
                         ) -> Qualification:
    """A company's own qualification with its evidence rules (flush only).

    :raises ValidationFailedError: no title, no level, a bad validity or an unknown kind.
    """
    ensure_can_manage(actor, organisation)
    title_de = title_de.strip()
    if not title_de:
        raise ValidationFailedError(_("Bitte geben Sie einen Titel an."), field="title_de")
    levels = [name.strip() for name in levels if name.strip()]
    if not levels:
        raise ValidationFailedError(_("Bitte nennen Sie mindestens eine Stufe."), field="levels")
    if validity_months is not None and not 1 <= validity_months <= 240:
        raise ValidationFailedError(
            _("Die Gültigkeit muss zwischen 1 und 240 Monaten liegen."), field="validity_months")
    key = slugify(title_de)
    taken = set(db.session.scalars(select(Qualification.key).where(
        Qualification.organisation_id == organisation.id)))
    base, n = key, 2
    while key in taken:
        key, n = f"{base[:75]}-{n}", n + 1
    qualification = Qualification(
        organisation_id=organisation.id, key=key, title_de=title_de, title_en=title_en.strip(),
        description_de=description_de.strip(), description_en="", levels=levels,
        validity_months=validity_months, created_at=now, archived=False)
    for rule in rules:
        if rule.get("kind") not in EVIDENCE_KINDS:
            raise ValidationFailedError(_("Unbekannte Art von Nachweis."), field="rules")
        if rule["kind"] in ("course", "module", "session") and not rule.get("course_slug"):
            raise ValidationFailedError(_("Bitte wählen Sie den Kurs, der nachweist."),
                                        field="course_slug")
        qualification.rules.append(EvidenceRule(
            level=min(max(int(rule.get("level", 1)), 1), len(levels)), kind=rule["kind"],
            course_slug=rule.get("course_slug") or None,
            module_id=(rule.get("module_id") or None) if rule["kind"] == "module" else None))
    db.session.add(qualification)
    db.session.flush()
    return qualification
