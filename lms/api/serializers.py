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
