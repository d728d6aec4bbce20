"""The CMI data a SCO commits: checked against the SCORM data model, and read for tracking.

scorm-again sends the whole CMI object as nested JSON (``{"core": {...}, "suspend_data": …}``
for SCORM 1.2, ``{"completion_status": …, "score": {...}}`` for 2004). The browser checks
every ``SetValue`` already; the server checks again, because the commit endpoint is an
ordinary HTTP endpoint anybody signed in can call. Only the elements the platform reads or
stores in columns are checked field by field; the whole object has a size limit.
"""

import math
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from lms.errors import ValidationFailedError
from lms.packages.scorm_time import parse_duration, parse_timespan

SCORM12 = "scorm12"
SCORM2004 = "scorm2004"
STANDARDS = (SCORM12, SCORM2004)

#: the whole committed CMI object as JSON, at most (2004 allows 64000 characters of
#: suspend_data, plus interactions and objectives)
MAX_CMI_BYTES = 512 * 1024

LESSON_STATUSES_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
EXITS_12 = ("", "time-out", "suspend", "logout")
COMPLETION_STATUSES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_STATUSES = ("passed", "failed", "unknown")
EXITS_2004 = ("", "time-out", "suspend", "logout", "normal")

#: (element path, longest value) of the character strings the SCO writes, per standard
LIMITS = {
    SCORM12: {("core", "lesson_location"): 255, ("suspend_data",): 4096, ("comments",): 4096},
    SCORM2004: {("location",): 1000, ("suspend_data",): 64000, ("progress_measure",): 20},
}


@dataclass(frozen=True)
class Score:
    scaled: float | None
    raw: float | None
    min: float | None
    max: float | None


@dataclass(frozen=True)
class Outcome:
    """What the platform tracks of one commit, in SCORM 2004's terms for both standards."""

    completion: str  # completed, incomplete, not attempted, unknown
    success: str  # passed, failed, unknown
    score: Score | None
    location: str
    suspend_data: str
    exit: str
    session_seconds: float | None
    lesson_status: str | None = None  # SCORM 1.2 only, after the mastery score was applied


def _get(cmi: dict, path: tuple[str, ...]) -> Any:
    value: Any = cmi
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(cmi: dict, path: tuple[str, ...], element: str, limit: int | None = None) -> str:
    value = _get(cmi, path)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailedError(
            _("%(element)s muss eine Zeichenkette sein.", element=element), field=element)
    if limit is not None and len(value) > limit:
        raise ValidationFailedError(
            _("%(element)s ist länger als %(limit)d Zeichen erlaubt (%(length)d).",
              element=element, limit=limit, length=len(value)), field=element)
    return value


def _choice(cmi: dict, path: tuple[str, ...], element: str, allowed: tuple[str, ...]) -> str:
    value = _text(cmi, path, element)
    if value not in allowed and value != "":
        raise ValidationFailedError(
            _("%(element)s: „%(value)s“ ist kein erlaubter Wert (%(allowed)s).",
              element=element, value=value[:40], allowed=", ".join(a for a in allowed if a)),
            field=element)
    return value


def _number(cmi: dict, path: tuple[str, ...], element: str,
            low: float | None = None, high: float | None = None) -> float | None:
    value = _get(cmi, path)
    if value is None or value == "":
        return None
    try:
        number = float(value) if isinstance(value, str | int | float) \
            and not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not math.isfinite(number):
        raise ValidationFailedError(
            _("%(element)s muss eine Zahl sein.", element=element), field=element)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationFailedError(
            _("%(element)s liegt außerhalb von %(low)s bis %(high)s.",
              element=element, low=low, high=high), field=element)
    return number


def _session_seconds(cmi: dict, standard: str) -> float | None:
    if standard == SCORM12:
        text = _text(cmi, ("core", "session_time"), "cmi.core.session_time")
        seconds = parse_timespan(text) if text else None
        element = "cmi.core.session_time"
    else:
        text = _text(cmi, ("session_time",), "cmi.session_time")
        seconds = parse_duration(text) if text else None
        element = "cmi.session_time"
    if text and seconds is None:
        raise ValidationFailedError(
            _("%(element)s: „%(value)s“ ist keine gültige Zeitangabe.",
              element=element, value=text[:40]), field=element)
    return seconds


def read_outcome(cmi: Any, standard: str, mastery: float | None) -> Outcome:
    """Check a committed CMI object and read what the platform tracks of it.

    :param mastery: the item's mastery score (0…1): SCORM 1.2 ``masteryscore`` / 100,
        SCORM 2004 ``scaled_passing_score``. In SCORM 1.2 a SCO that reports a raw score
        but no passed/failed gets its status from it, as the RTE book lets the LMS do.
    :raises ValidationFailedError: an element breaks the data model (what and which).
    """
    if not isinstance(cmi, dict):
        raise ValidationFailedError(_("Die CMI-Daten fehlen oder sind kein Objekt."), field="cmi")
    for path, limit in LIMITS[standard].items():
        _text(cmi, path, "cmi." + ".".join(path), limit)
    if standard == SCORM12:
        return _outcome_12(cmi, mastery)
    return _outcome_2004(cmi, mastery)


def _score_12(cmi: dict) -> Score | None:
    raw = _number(cmi, ("core", "score", "raw"), "cmi.core.score.raw", 0, 100)
    low = _number(cmi, ("core", "score", "min"), "cmi.core.score.min", 0, 100)
    high = _number(cmi, ("core", "score", "max"), "cmi.core.score.max", 0, 100)
    if raw is None:
        return None
    bottom, top = (low if low is not None else 0.0), (high if high is not None else 100.0)
    scaled = (raw - bottom) / (top - bottom) if top > bottom else None
    if scaled is not None:
        scaled = min(max(scaled, 0.0), 1.0)
    return Score(scaled, raw, low, high)


def _outcome_12(cmi: dict, mastery: float | None) -> Outcome:
    status = _choice(cmi, ("core", "lesson_status"), "cmi.core.lesson_status",
                     LESSON_STATUSES_12) or "not attempted"
    exit_ = _choice(cmi, ("core", "exit"), "cmi.core.exit", EXITS_12)
    score = _score_12(cmi)
    if mastery is not None and score is not None and score.raw is not None \
            and status not in ("passed", "failed"):
        status = "passed" if score.raw >= mastery * 100 - 1e-9 else "failed"
    completion = {"passed": "completed", "completed": "completed", "failed": "completed",
                  "incomplete": "incomplete", "browsed": "incomplete"}.get(status, "not attempted")
    success = status if status in ("passed", "failed") else "unknown"
    return Outcome(completion, success, score,
                   _text(cmi, ("core", "lesson_location"), "cmi.core.lesson_location"),
                   _text(cmi, ("suspend_data",), "cmi.suspend_data"), exit_,
                   _session_seconds(cmi, SCORM12), lesson_status=status)


def _outcome_2004(cmi: dict, mastery: float | None) -> Outcome:
    completion = _choice(cmi, ("completion_status",), "cmi.completion_status",
                         COMPLETION_STATUSES) or "unknown"
    success = _choice(cmi, ("success_status",), "cmi.success_status",
                      SUCCESS_STATUSES) or "unknown"
    exit_ = _choice(cmi, ("exit",), "cmi.exit", EXITS_2004)
    _number(cmi, ("progress_measure",), "cmi.progress_measure", 0, 1)
    scaled = _number(cmi, ("score", "scaled"), "cmi.score.scaled", -1, 1)
    raw = _number(cmi, ("score", "raw"), "cmi.score.raw")
    low = _number(cmi, ("score", "min"), "cmi.score.min")
    high = _number(cmi, ("score", "max"), "cmi.score.max")
    score = Score(scaled, raw, low, high) if scaled is not None or raw is not None else None
    if mastery is not None and scaled is not None:
        # the LMS decides against scaled_passing_score (RTE 4.2.22), whatever the SCO said
        success = "passed" if scaled >= mastery - 1e-9 else "failed"
    return Outcome(completion, success, score, _text(cmi, ("location",), "cmi.location"),
                   _text(cmi, ("suspend_data",), "cmi.suspend_data"), exit_,
                   _session_seconds(cmi, SCORM2004))


def is_satisfied(outcome: Outcome, mastery: float | None) -> bool:
    """Whether the item counts as done: completed, and passed where a mastery score exists.

    A SCORM 1.2 ``passed`` implies completion; a 2004 SCO that reports only ``passed``
    without a completion status counts as well.
    """
    if mastery is not None:
        return outcome.success == "passed"
    return outcome.completion == "completed" or outcome.success == "passed"


def xapi_score(score: Score | None) -> dict[str, float] | None:
    """``result.score`` for a statement: only the parts xAPI accepts together.

    xAPI wants ``min ≤ raw ≤ max`` and ``scaled`` in −1…1; a SCO's odd combination loses
    the bounds rather than the statement.
    """
    if score is None:
        return None
    result: dict[str, float] = {}
    if score.scaled is not None:
        result["scaled"] = round(score.scaled, 4)
    if score.raw is not None:
        result["raw"] = score.raw
        low = score.min if score.min is not None else None
        high = score.max if score.max is not None else None
        if low is not None and low <= score.raw:
            result["min"] = low
        if high is not None and high >= score.raw and high >= result.get("min", high):
            result["max"] = high
    return result or None
