"""SCORM run-time data as xAPI statements, in the platform's profile.

The activity is the lesson (its native IRI) for a single-SCO lesson, and
``<lesson IRI>/item/<identifier>`` for each SCO of a multi-SCO lesson, whose lesson
``completed`` follows once every SCO is done. Statement ids are derived from the attempt's
random key and the event, so a statement is never stored twice for one event.
"""

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from lms.accounts.models import User
from lms.learning import statements as builders
from lms.lrs.embedded import platform_client
from lms.packages.cmi import Outcome, xapi_score
from lms.packages.runtime_models import ScormAttempt
from lms.packages.scorm_time import iso_duration
from xapi import vocabulary as v

#: ADL's verb for a suspended attempt (the platform's vocabulary has none of its own)
SUSPENDED = {"id": "http://adlnet.gov/expapi/verbs/suspended",
             "display": {"en": "suspended", "de": "unterbrochen"}}
#: names the statement ids of the runtime (uuid5 namespace)
NAMESPACE = uuid.UUID("6f1c3a52-3f7e-4d7b-9a55-2c0b4f9e1d30")


def new_key() -> str:
    return str(uuid.uuid4())


def statement_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def item_iri(lesson_iri: str, identifier: str) -> str:
    """The activity IRI of one SCO of a multi-SCO lesson."""
    return f"{lesson_iri}/item/{quote(identifier, safe='')}"


def is_stored(statement_id_: str) -> bool:
    """Whether the platform's LRS already holds a statement with this id."""
    return platform_client().get_statement(statement_id_) is not None


class StatementBuilder:
    """Builds the statements of one commit of one attempt."""

    def __init__(self, user: User, played, item, attempt: ScormAttempt, now: datetime):
        self.user, self.played, self.item, self.attempt, self.now = user, played, item, attempt, now

    def _lesson_statement(self, verb: str, result: dict[str, Any] | None) -> dict[str, Any]:
        played, enrolment = self.played, self.played.enrolment
        extensions = {builders.extension("package-attempt"): self.attempt.number}
        return builders.lesson_statement(
            self.user, verb, played.model, enrolment.course_version.version,
            enrolment.registration, played.lesson, self.now, result=result,
            extensions=extensions)

    def _statement(self, verb: str, key: str, result: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        statement = self._lesson_statement("completed" if verb == "suspended" else verb, result)
        if verb == "suspended":
            statement["verb"] = dict(SUSPENDED)
        if self.played.is_multi_item:
            lesson = statement["object"]
            statement["object"] = v.activity(item_iri(lesson["id"], self.item.identifier),
                                             "lesson", {"und": self.item.title})
            statement["context"]["contextActivities"]["parent"] = [{"id": lesson["id"]}]
        statement["id"] = statement_id(self.attempt.key, key)
        return statement

    def initialized(self) -> dict[str, Any]:
        return self._statement("initialized", "initialized")

    def verdict(self, outcome: Outcome, number: int) -> dict[str, Any]:
        """``passed`` or ``failed`` with the score, when the success status changes."""
        result: dict[str, Any] = {"success": outcome.success == "passed",
                                  "completion": outcome.completion == "completed"}
        score = xapi_score(outcome.score)
        if score:
            result["score"] = score
        return self._statement(outcome.success, f"verdict/{number}", result)

    def completed(self, outcome: Outcome) -> dict[str, Any]:
        result: dict[str, Any] = {"completion": True}
        if outcome.success in ("passed", "failed"):
            result["success"] = outcome.success == "passed"
        score = xapi_score(outcome.score)
        if score:
            result["score"] = score
        return self._statement("completed", "completed", result)

    def exited(self, outcome: Outcome, session: str) -> dict[str, Any]:
        """``suspended`` (exit = suspend) or ``terminated``, with the session's duration."""
        result: dict[str, Any] = {"completion": outcome.completion == "completed"}
        if outcome.session_seconds is not None:
            result["duration"] = iso_duration(outcome.session_seconds)
        verb = "suspended" if outcome.exit == "suspend" else "terminated"
        return self._statement(verb, f"exit/{session}", result)

    def lesson_completed(self) -> dict[str, Any]:
        """The lesson's ``completed`` once all its SCOs are done: one per enrolment cycle."""
        statement = self._lesson_statement("completed", {"completion": True})
        statement["context"]["extensions"].pop(builders.extension("package-attempt"), None)
        statement["id"] = statement_id(self.played.enrolment.registration,
                                       self.played.lesson.id, "completed")
        return statement
