"""Statement builders for the storage tests: valid xAPI 2.0 statements with small overrides."""

import uuid
from datetime import UTC, datetime
from typing import Any

HOME = "https://campus.example"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = f"{HOME}/courses/brakes"
AUTHORITY = {"objectType": "Agent", "account": {"homePage": HOME, "name": "lms"}}
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def learner(account_name: str, **extra: Any) -> dict[str, Any]:
    """An Agent as the platform writes learners: an account with an opaque name."""
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": account_name}, **extra}


def mailbox(address: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{address}"}


def activity(path: str, **definition: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"objectType": "Activity", "id": f"{HOME}/{path}"}
    if definition:
        result["definition"] = definition
    return result


def make_statement(**overrides: Any) -> dict[str, Any]:
    """A valid statement: learner-1 completed lesson 1 of the brakes course."""
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": learner("learner-1"),
        "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
        "object": activity("courses/brakes/lessons/1", name={"en-US": "Lesson 1"}),
        "context": {"contextActivities": {"parent": [{"id": COURSE}]}},
    }
    statement.update(overrides)
    return {k: v for k, v in statement.items() if v is not None}


def voiding(target_id: str, **overrides: Any) -> dict[str, Any]:
    defaults = {
        "actor": learner("admin"),
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
        "context": None,
    }
    return make_statement(**{**defaults, **overrides})


def ref_to(target_id: str, **overrides: Any) -> dict[str, Any]:
    """A statement about another statement (e.g. a comment on it)."""
    defaults = {
        "actor": learner("reviewer"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
        "object": {"objectType": "StatementRef", "id": target_id},
        "context": None,
    }
    return make_statement(**{**defaults, **overrides})
