"""What the SCORM runtime holds about a person (the CMI store), for their own data page."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.catalog.models import Course
from lms.extensions import db
from lms.packages.runtime_models import ScormAttempt


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data_sections(user) -> list[dict]:
    """One item per attempt at a SCO: status, score, time and the resume data the package
    wrote."""
    rows = db.session.execute(
        select(ScormAttempt, Course.slug).join(Course, Course.id == ScormAttempt.course_id)
        .where(ScormAttempt.user_id == user.id)
        .order_by(ScormAttempt.started_at, ScormAttempt.id))
    return [{
        "key": "scorm_attempts",
        "title": _("Lernpakete (SCORM)"),
        "employer_sees": _("Nichts davon: Ihr Arbeitgeber sieht nur, ob die Lektion erledigt "
                           "ist, wie bei jeder Lektion."),
        "items": [
            {"course": slug, "lesson": attempt.lesson_id, "item": attempt.item_id,
             "attempt": attempt.number, "completion": attempt.completion_status,
             "success": attempt.success_status, "score_scaled": attempt.score_scaled,
             "score_raw": attempt.score_raw, "total_seconds": attempt.total_seconds,
             "location": attempt.location, "suspend_data": attempt.suspend_data,
             "started_at": _iso(attempt.started_at), "updated_at": _iso(attempt.updated_at)}
            for attempt, slug in rows
        ],
    }]
