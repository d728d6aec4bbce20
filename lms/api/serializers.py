"""JSON forms of people, assignments and completions, as the OpenAPI document describes them."""

from datetime import datetime

from lms.companies.exports.json_export import due_moment, row_object
from lms.companies.exports.rows import CompletionRow


def timestamp(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def person(user_id: int, name: str, email: str | None, department_id: int | None,
           department: str | None, personnel_number: str, role: str) -> dict:
    return {
        "id": user_id, "name": name, "email": email, "department_id": department_id,
        "department": department, "personnel_number": personnel_number or "", "role": role,
    }


def assignment(enrolment, slug: str, title: str) -> dict:
    return {
        "id": enrolment.id,
        "person_id": enrolment.user_id,
        "course": slug,
        "course_title": title,
        "status": enrolment.status,
        "source": enrolment.source,
        "due_at": due_moment(enrolment.due_on),
        "enrolled_at": timestamp(enrolment.enrolled_at),
        "withdrawn_at": timestamp(enrolment.withdrawn_at),
    }


def completion(row: CompletionRow) -> dict:
    data = row_object(row)
    data["assignment_id"] = row.enrolment_id
    return data


def day(value) -> str | None:
    return value.isoformat() if value is not None else None


def qualification(item) -> dict:
    return {
        "id": item.id, "key": item.key, "catalogue": item.organisation_id is None,
        "title_de": item.title_de, "title_en": item.title_en,
        "description_de": item.description_de, "description_en": item.description_en,
        "levels": list(item.levels or []), "validity_months": item.validity_months,
        "archived": item.archived, "created_at": timestamp(item.created_at),
    }


def role(item, requirements) -> dict:
    """``requirements``: (qualification id, key, level) of the role."""
    return {
        "id": item.id, "name": item.name, "description": item.description,
        "sso_department": item.sso_department,
        "requirements": [{"qualification_id": qualification_id, "qualification_key": key,
                          "level": level} for qualification_id, key, level in requirements],
    }


def holder(item, name: str) -> dict:
    return {"person_id": item.user_id, "name": name, "source": item.source,
            "assigned_at": timestamp(item.assigned_at)}


def evidence(item, confirmed_by: str | None) -> dict:
    return {
        "id": item.id, "person_id": item.user_id, "qualification_id": item.qualification_id,
        "level": item.level, "kind": item.kind, "course": item.course_slug,
        "issued_on": day(item.issued_on), "valid_until": day(item.valid_until),
        "counts": item.counts, "confirmed_at": timestamp(item.confirmed_at),
        "confirmed_by": confirmed_by, "note": item.note,
        "created_at": timestamp(item.created_at), "revoked_at": timestamp(item.revoked_at),
    }


def matrix_row(row, keys: dict[int, str]) -> dict:
    """One person's row; a cell the visibility profile withholds has no status."""
    return {
        "person_id": row.user_id, "name": row.name, "department": row.department or None,
        "roles": list(row.roles),
        "cells": [{"qualification_id": qualification_id,
                   "qualification_key": keys.get(qualification_id, ""), "level": cell.level,
                   "status": str(cell.status) if cell.status is not None else None,
                   "valid_until": day(cell.valid_until), "hidden": cell.hidden}
                  for qualification_id, cell in sorted(row.cells.items())],
    }


def network_group(row) -> dict:
    return {
        "qualification_key": row.key, "title_de": row.title_de, "title_en": row.title_en,
        "group": row.group, "people": row.people, "companies": row.companies,
        "required": row.required, "valid": row.valid, "expiring_30": row.expiring_30,
        "expiring_90": row.expiring_90, "expired": row.expired, "missing": row.missing,
    }
