"""Statements and agents for the binding tests: valid xAPI 2.0 data with small overrides."""

import uuid
from typing import Any

HOME = "https://campus.example"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
LESSON = f"{HOME}/xapi/activities/course/brakes/module/m1/lesson/l1"
COURSE = f"{HOME}/xapi/activities/course/brakes"


def learner(name: str = "learner-1") -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}


def statement(**overrides: Any) -> dict[str, Any]:
    """learner-1 completed lesson 1 of the brakes course; a fresh id each time."""
    value: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": learner(),
        "verb": {"id": COMPLETED, "display": {"en-US": "completed", "de-DE": "abgeschlossen"}},
        "object": {
            "objectType": "Activity",
            "id": LESSON,
            "definition": {"name": {"en-US": "Lesson 1", "de-DE": "Lektion 1"}},
        },
        "context": {"contextActivities": {"parent": [{"id": COURSE}]}},
    }
    value.update(overrides)
    return {k: v for k, v in value.items() if v is not None}


def voiding(target_id: str) -> dict[str, Any]:
    return statement(
        actor=learner("admin"),
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        context=None,
    )
