"""The cmi5 statement rules (Quartz 7.1, 9.3, 9.5, 9.6, 10.0), checked per statement.

The LRS refuses a statement that breaks them (cmi5 6.3: the LMS SHOULD reject), with 403 and
a message naming the rule. A statement is checked against its launch session and the AU's
state in the registration, and the rows are updated as it is accepted, so the next
statement of the same batch sees them. Order is the order of arrival (a batch: array
order), not the statements' timestamps.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_models import Cmi5Session, Cmi5UnitState

JUDGED = ("passed", "failed")
WITH_DURATION = ("completed", "passed", "failed", "terminated")


class Cmi5Violation(Exception):
    """A statement that breaks a cmi5 rule; ``rule`` names the section."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def _ids(context: Mapping[str, Any], kind: str) -> list[str]:
    found = (context.get("contextActivities") or {}).get(kind) or []
    if isinstance(found, Mapping):  # xAPI 1.0 allows a single object
        found = [found]
    return [a.get("id") for a in found if isinstance(a, Mapping)]


def session_id_of(statement: Mapping[str, Any]) -> str | None:
    """The cmi5 session id a statement names in its context extensions, if any."""
    extensions = (statement.get("context") or {}).get("extensions") or {}
    value = extensions.get(c.SESSION_ID) if isinstance(extensions, Mapping) else None
    return value if isinstance(value, str) else None


def is_cmi5_defined(statement: Mapping[str, Any]) -> bool:
    """Carries the cmi5 category (cmi5 7.1.3 "cmi5 defined"); else at most "cmi5 allowed"."""
    return c.CATEGORY_CMI5 in _ids(statement.get("context") or {}, "category")


def lms_only_verb(statement: Mapping[str, Any]) -> str | None:
    """The short name of a verb only the LMS may use (launched, abandoned, waived,
    satisfied), else None."""
    return c.LMS_VERBS.get((statement.get("verb") or {}).get("id"))


def _result_rules(verb: str, statement: Mapping[str, Any], session: Cmi5Session) -> None:
    result = statement.get("result") or {}
    context = statement.get("context") or {}
    success, completion = result.get("success"), result.get("completion")
    if verb == "passed" and success is not True:
        raise Cmi5Violation("cmi5-9.5.2/success", "a passed statement needs result.success true.")
    if verb == "failed" and success is not False:
        raise Cmi5Violation("cmi5-9.5.2/success",
                            "a failed statement needs result.success false.")
    if verb not in JUDGED and "success" in result:
        raise Cmi5Violation("cmi5-9.5.2/success",
                            f"a {verb} statement must not carry result.success.")
    if verb == "completed" and completion is not True:
        raise Cmi5Violation("cmi5-9.5.3/completion",
                            "a completed statement needs result.completion true.")
    if verb != "completed" and "completion" in result:
        raise Cmi5Violation("cmi5-9.5.3/completion",
                            f"a {verb} statement must not carry result.completion.")
    if verb not in JUDGED and "score" in result:
        raise Cmi5Violation("cmi5-9.5.1/score",
                            f"only passed and failed statements may carry a score, not {verb}.")
    has_moveon = c.CATEGORY_MOVEON in _ids(context, "category")
    if ("success" in result or "completion" in result) != has_moveon:
        raise Cmi5Violation(
            "cmi5-9.6.2.2/moveon-category",
            "the moveOn category activity belongs in exactly the cmi5 statements whose result "
            "has success or completion.")
    if verb in WITH_DURATION and not result.get("duration"):
        raise Cmi5Violation("cmi5-9.5.4/duration",
                            f"a {verb} statement needs result.duration.")
    if verb in JUDGED and session.mastery_score is not None:
        extensions = context.get("extensions") or {}
        named = extensions.get(c.MASTERY_SCORE)
        if not isinstance(named, int | float) or abs(float(named) - session.mastery_score) > 1e-9:
            raise Cmi5Violation(
                "cmi5-9.6.3.2/mastery-score",
                f"a {verb} statement must name the launch's masteryScore "
                f"({session.mastery_score:g}) in the context extension {c.MASTERY_SCORE}.")
        scaled = (result.get("score") or {}).get("scaled")
        if isinstance(scaled, int | float):
            if verb == "passed" and scaled < session.mastery_score:
                raise Cmi5Violation(
                    "cmi5-9.3.4/passed-below-mastery",
                    f"passed with score {scaled:g} below the masteryScore "
                    f"{session.mastery_score:g}; send failed.")
            if verb == "failed" and scaled >= session.mastery_score:
                raise Cmi5Violation(
                    "cmi5-9.3.5/failed-at-mastery",
                    f"failed with score {scaled:g} at or above the masteryScore "
                    f"{session.mastery_score:g}; send passed.")


def _order_rules(verb: str | None, session: Cmi5Session, unit: Cmi5UnitState) -> None:
    if session.abandoned_at is not None:
        raise Cmi5Violation("cmi5-9.3.6/abandoned",
                            "the session was abandoned (a newer launch); it takes no statements.")
    if session.terminated_at is not None:
        raise Cmi5Violation("cmi5-9.3.8/terminated-last",
                            "the session is terminated; terminated must be its last statement.")
    if session.initialized_at is None and verb != "initialized":
        raise Cmi5Violation("cmi5-9.3.2/initialized-first",
                            "the first statement of a session must be initialized.")
    if verb == "initialized" and session.initialized_at is not None:
        raise Cmi5Violation("cmi5-9.3/initialized-once",
                            "initialized was already sent in this session.")
    if verb in ("completed", "passed", "failed") and session.launch_mode != c.NORMAL:
        raise Cmi5Violation(
            "cmi5-10.0/launch-mode",
            f"the AU was launched in {session.launch_mode} mode: only initialized and "
            "terminated may be sent.")
    if verb == "completed" and unit.completed_at is not None:
        raise Cmi5Violation("cmi5-9.3/completed-once",
                            "completed was already sent for this AU in this registration.")
    if verb == "passed" and unit.passed_at is not None:
        raise Cmi5Violation("cmi5-9.3/passed-once",
                            "passed was already sent for this AU in this registration.")
    if verb == "failed" and unit.passed_at is not None:
        raise Cmi5Violation("cmi5-9.3/failed-after-passed",
                            "failed must not follow passed in the same registration.")
    if verb in JUDGED and any(seen in JUDGED for seen in session.verbs):
        raise Cmi5Violation("cmi5-9.3/one-judgement-per-session",
                            "a session carries at most one passed or failed statement.")


def accept(statement: Mapping[str, Any], session: Cmi5Session, unit: Cmi5UnitState,
           now: datetime) -> None:
    """Check one statement of ``session`` and record it in the rows.

    :raises Cmi5Violation: the statement breaks a rule; the rows may be half updated,
        which the refusal's rollback undoes.
    """
    statement_id = statement.get("id")
    if isinstance(statement_id, str) and statement_id.lower() in session.statement_ids:
        return  # a resend of an accepted statement: the store answers it, nothing new
    only_lms = lms_only_verb(statement)
    if only_lms:
        raise Cmi5Violation("cmi5-9.3/lms-verbs",
                            f"{only_lms} statements are made by the LMS only, never by an AU.")
    if session_id_of(statement) != session.session_id:
        raise Cmi5Violation(
            "cmi5-9.6.3.1/session-id",
            f"every statement of this launch needs the context extension {c.SESSION_ID} "
            f"with the session id {session.session_id} (from the contextTemplate).")
    verb = None
    if is_cmi5_defined(statement):
        verb = c.AU_VERBS.get((statement.get("verb") or {}).get("id"))
        if verb is None:
            raise Cmi5Violation(
                "cmi5-7.1.3/defined-verbs",
                "a statement with the cmi5 category must use a cmi5 verb (initialized, "
                "completed, passed, failed, terminated); drop the category for other verbs.")
        if (statement.get("object") or {}).get("id") != session.activity_id:
            raise Cmi5Violation("cmi5-9.4/object",
                                f"the object of a cmi5 statement must be the AU's activityId "
                                f"{session.activity_id}.")
        if session.publisher_id not in _ids(statement.get("context") or {}, "grouping"):
            raise Cmi5Violation(
                "cmi5-9.6.2.3/publisher-id",
                "a cmi5 statement needs the publisher id activity of the contextTemplate "
                "in contextActivities.grouping.")
        _result_rules(verb, statement, session)
    _order_rules(verb, session, unit)
    at = now  # the LMS's clock: the AU's timestamps may be off
    if verb is not None:
        session.verbs = [*session.verbs, verb]
    if verb == "initialized":
        session.initialized_at = at
    elif verb == "terminated":
        session.terminated_at = at
    elif verb == "completed":
        unit.completed_at = at
    elif verb == "passed":
        unit.passed_at = at
    elif verb == "failed":
        unit.failed_at = unit.failed_at or at
    if verb in JUDGED:
        scaled = ((statement.get("result") or {}).get("score") or {}).get("scaled")
        if isinstance(scaled, int | float):
            unit.best_scaled = max(unit.best_scaled or 0.0, float(scaled))
    session.last_statement_at = now
    if isinstance(statement_id, str):
        session.statement_ids = [*session.statement_ids, statement_id.lower()]


def move_on_met(move_on: str, unit: Cmi5UnitState) -> bool:
    """Whether the AU's moveOn criterion holds (cmi5 13.1.4)."""
    completed, passed = unit.completed_at is not None, unit.passed_at is not None
    return {
        "Passed": passed,
        "Completed": completed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
        "NotApplicable": True,
    }.get(move_on, False)
