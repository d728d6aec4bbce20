"""Sample statements for the xapi tests, and helpers to derive broken ones by JSON pointer."""

import copy
from typing import Any

import pytest

from xapi import StatementValidationError, validate_statement

VERSIONS = ("1.0.3", "2.0.0")
DELETE = object()

ACTIVITY_ID = "https://campus.example.com/xapi/activities/course/c1/module/m1/lesson/l1"
STATEMENT_ID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
OTHER_ID = "e05aa883-acaf-40ad-bf54-02c8ce485fb0"
SHA256_HEX = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"


def agent(**overrides: Any) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": "mailto:learner@example.com", **overrides}


def account_agent() -> dict[str, Any]:
    return {"account": {"homePage": "https://campus.example.com", "name": "u-1625378"}}


def identified_group() -> dict[str, Any]:
    return {
        "objectType": "Group",
        "name": "Team PB",
        "mbox": "mailto:teampb@example.com",
        "member": [agent(), {"openid": "http://toby.openid.example.org/"}],
    }


def anonymous_group() -> dict[str, Any]:
    return {
        "objectType": "Group",
        "member": [agent(), {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}],
    }


def statement(**overrides: Any) -> dict[str, Any]:
    """A small valid statement, like the ones the platform writes."""
    base = {
        "id": STATEMENT_ID,
        "actor": {"objectType": "Agent", **account_agent()},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en": "completed", "de": "abgeschlossen"},
        },
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY_ID,
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/lesson",
                "name": {"de": "Lektion 1", "en-US": "Lesson 1"},
            },
        },
        "timestamp": "2024-05-01T10:00:00.000Z",
    }
    base.update(overrides)
    return base


def substatement(**overrides: Any) -> dict[str, Any]:
    sub = {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
        "object": {"objectType": "Activity", "id": "http://example.com/website"},
    }
    sub.update(overrides)
    return sub


def full_statement() -> dict[str, Any]:
    """The long example of Data Appendix A, plus result score and an attachment."""
    return {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": identified_group(),
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en-GB": "attended", "en-US": "attended"},
        },
        "result": {
            "extensions": {"http://example.com/profiles/meetings/minutes": "X:\\m"},
            "success": True,
            "completion": True,
            "response": "We agreed on some example actions.",
            "duration": "PT1H0M0S",
            "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://www.example.com/meetings/series/267"}],
                "category": [
                    {
                        "id": "http://www.example.com/meetings/categories/teammeeting",
                        "objectType": "Activity",
                        "definition": {
                            "name": {"en": "team meeting"},
                            "type": "http://example.com/expapi/activities/meetingcategory",
                        },
                    }
                ],
                "other": {"id": "http://www.example.com/meetings/occurances/34257"},
            },
            "instructor": {"name": "Andrew Downes", **account_agent(), "objectType": "Agent"},
            "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
            "platform": "Example virtual meeting software",
            "language": "tlh",
            "statement": {"objectType": "StatementRef", "id": STATEMENT_ID},
            "extensions": {"http://example.com/ext/room": {"name": "Kilby"}},
        },
        "timestamp": "2013-05-18T05:32:34.804+00:00",
        "stored": "2013-05-18T05:32:34.804+00:00",
        "authority": {
            "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
            "objectType": "Agent",
        },
        "version": "1.0.0",
        "object": {
            "id": "http://www.example.com/meetings/occurances/34534",
            "definition": {
                "extensions": {"http://example.com/ext/room": {"id": "http://example.com/r/342"}},
                "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                "description": {"en-US": "An example meeting."},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "http://virtualmeeting.example.com/345256",
            },
            "objectType": "Activity",
        },
        "attachments": [
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "description": {"en-US": "A test attachment (description)"},
                "contentType": "text/plain; charset=ascii",
                "length": 27,
                "sha2": SHA256_HEX,
            }
        ],
    }


def patched(document: Any, pointer: str, value: Any = DELETE) -> Any:
    """A deep copy of ``document`` with the value at ``pointer`` replaced, or removed."""
    result = copy.deepcopy(document)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    target = result
    for token in tokens[:-1]:
        target = target[int(token)] if type(target) is list else target[token]
    last = tokens[-1]
    if type(target) is list:
        if value is DELETE:
            del target[int(last)]
        else:
            target[int(last)] = value
    elif value is DELETE:
        del target[last]
    else:
        target[last] = value
    return result


def expect_invalid(document: Any, rule: str, pointer: str, version: str = "1.0.3") -> None:
    """Assert that validation fails with exactly this rule at exactly this pointer."""
    with pytest.raises(StatementValidationError) as info:
        validate_statement(document, version)
    assert (info.value.rule, info.value.pointer) == (rule, pointer), info.value.message
