"""The completion rule of a course over its progress row, and the duration arithmetic.

Pure functions of a ``CourseProgress`` and the authoring model: the projection
(``lms.learning.projection``) folds statements into the row, this module says what the
row means (done or not, how many percent).
"""

import re

from authoring.model import Course as CourseModel
from lms.learning.models import CourseProgress

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def duration_minutes(text: str | None) -> int:
    """Return the whole minutes of an ISO 8601 duration (``PT90M``, ``PT1H30M``), else 0."""
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        return 0
    parts = {key: float(value) for key, value in match.groupdict().items() if value}
    seconds = (parts.get("days", 0) * 86400 + parts.get("hours", 0) * 3600
               + parts.get("minutes", 0) * 60 + parts.get("seconds", 0))
    return int(round(seconds / 60))


def rule_met(progress: CourseProgress, model: CourseModel) -> bool:
    """Tell whether ``progress`` meets the completion rule of ``model``."""
    rule = model.completion
    if rule.lessons == "all" and progress.lessons_done < progress.lessons_total:
        return False
    if isinstance(rule.lessons, int) and not isinstance(rule.lessons, bool) \
            and progress.lessons_done < min(rule.lessons, progress.lessons_total):
        return False
    if rule.quizzes == "passed" and progress.quizzes_passed < progress.quizzes_total:
        return False
    has_assessment = any(True for _lesson in model.lessons("assessment"))
    if rule.assessment == "passed" and has_assessment and not progress.is_assessment_passed:
        return False
    return progress.sessions_attended >= (rule.sessions or 0)


def completion_percent(progress: CourseProgress, model: CourseModel) -> int:
    """How far ``progress`` is toward the completion rule, 0–100, over the parts it asks for."""
    rule = model.completion
    parts: list[tuple[int, int]] = []
    if rule.lessons == "all" or rule.lessons is None:
        parts.append((progress.lessons_done, progress.lessons_total))
    elif isinstance(rule.lessons, int):
        wanted = min(rule.lessons, progress.lessons_total)
        parts.append((min(progress.lessons_done, wanted), wanted))
    if rule.quizzes == "passed":
        parts.append((progress.quizzes_passed, progress.quizzes_total))
    if rule.assessment == "passed" and any(True for _lesson in model.lessons("assessment")):
        parts.append((int(progress.is_assessment_passed), 1))
    if rule.sessions:
        parts.append((min(progress.sessions_attended, rule.sessions), rule.sessions))
    total = sum(whole for _done, whole in parts)
    if not total:
        return 100 if progress.completed_at else 0
    return int(100 * sum(done for done, _whole in parts) // total)
