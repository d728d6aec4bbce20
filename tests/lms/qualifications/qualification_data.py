"""Builders for qualification rows in tests (flush-only, like tests/factories.py)."""

from datetime import date

from lms.db import utcnow
from lms.extensions import db
from lms.qualifications.models import (
    Evidence,
    JobRole,
    Qualification,
    RoleHolder,
    RoleRequirement,
)


def make_qualification(organisation=None, key="hochvolt-eup", **overrides) -> Qualification:
    values = {"organisation_id": organisation.id if organisation else None, "key": key,
              "title_de": f"Qualifikation {key}", "title_en": f"Qualification {key}",
              "levels": ["Grundlagen"], "validity_months": 12, "created_at": utcnow()}
    values.update(overrides)
    qualification = Qualification(**values)
    db.session.add(qualification)
    db.session.flush()
    return qualification


def make_role(organisation, name="Instandhaltung Elektrik", requires=(), **overrides) -> JobRole:
    role = JobRole(organisation_id=organisation.id if organisation else None, name=name,
                   **overrides)
    db.session.add(role)
    db.session.flush()
    for qualification, level in requires:
        db.session.add(RoleRequirement(role_id=role.id, qualification_id=qualification.id,
                                       level=level))
    db.session.flush()
    return role


def hold(role: JobRole, *users, source="manual") -> None:
    for user in users:
        db.session.add(RoleHolder(role_id=role.id, user_id=user.id, source=source,
                                  assigned_at=utcnow()))
    db.session.flush()


def give_evidence(user, qualification, *, valid_until: date | None, level=1, kind="course",
                  confirmed=True, **overrides) -> Evidence:
    values = {"user_id": user.id, "qualification_id": qualification.id, "level": level,
              "kind": kind, "issued_on": date(2026, 1, 15), "valid_until": valid_until,
              "created_at": utcnow(),
              "confirmed_at": utcnow() if confirmed and kind == "external" else None}
    values.update(overrides)
    evidence = Evidence(**values)
    db.session.add(evidence)
    db.session.flush()
    return evidence
