"""The platform profile: verbs, activity types, stable IRIs, the learner actor."""

import pytest

from xapi import validate_statement
from xapi.vocabulary import (
    ACTIVITY_TYPES,
    COURSE_VERSION,
    VERBS,
    activity,
    course_iri,
    course_version_extension,
    extension_iri,
    learner_actor,
    lesson_iri,
    module_iri,
    platform_base,
    profile_iri,
    question_iri,
    session_iri,
    verb,
)

BASE = "https://Campus.Example.com/"


def test_verbs_use_adl_and_cmi5_iris():
    assert verb("completed") == {
        "id": "http://adlnet.gov/expapi/verbs/completed",
        "display": {"en": "completed", "de": "abgeschlossen"},
    }
    assert VERBS["satisfied"].id == "https://w3id.org/xapi/adl/verbs/satisfied"
    assert VERBS["voided"].id == "http://adlnet.gov/expapi/verbs/voided"
    for name in (
        "registered",
        "launched",
        "experienced",
        "answered",
        "attempted",
        "passed",
        "failed",
        "completed",
        "attended",
        "voided",
        "terminated",
        "progressed",
    ):
        assert name in VERBS


def test_unknown_verb_is_refused():
    with pytest.raises(KeyError):
        verb("liked")


def test_activity_iris_are_stable_and_nested():
    assert course_iri(BASE, "c1") == "https://campus.example.com/xapi/activities/course/c1"
    assert module_iri(BASE, "c1", "m1") == course_iri(BASE, "c1") + "/module/m1"
    assert lesson_iri(BASE, "c1", "m1", "l1") == module_iri(BASE, "c1", "m1") + "/lesson/l1"
    assert question_iri(BASE, "c1", "m1", "l1", "q1") == (
        lesson_iri(BASE, "c1", "m1", "l1") + "/question/q1"
    )
    assert session_iri(BASE, "c1", 42) == course_iri(BASE, "c1") + "/session/42"
    assert profile_iri(BASE) == "https://campus.example.com/xapi/profile"


def test_ids_are_percent_encoded_so_they_cannot_add_segments():
    assert (
        course_iri(BASE, "a/b c") == "https://campus.example.com/xapi/activities/course/a%2Fb%20c"
    )
    assert course_iri(BASE, "schweißen") == (
        "https://campus.example.com/xapi/activities/course/schwei%C3%9Fen"
    )


def test_base_url_under_a_path_is_kept():
    assert course_iri("https://lms.example.com/campus/", "c1") == (
        "https://lms.example.com/campus/xapi/activities/course/c1"
    )


@pytest.mark.parametrize("base", ["campus.example.com", "ftp://x.org", "https://x.org/?a=1", ""])
def test_base_url_must_be_http(base):
    with pytest.raises(ValueError):
        platform_base(base)


def test_empty_id_is_refused():
    with pytest.raises(ValueError):
        lesson_iri(BASE, "c1", "", "l1")


def test_course_version_goes_into_context_extensions_not_the_iri():
    assert course_version_extension(BASE, 3) == {
        "https://campus.example.com/xapi/extensions/course-version": "3"
    }
    assert extension_iri(BASE, COURSE_VERSION).endswith("/xapi/extensions/course-version")


def test_learner_actor_is_an_account_never_an_mbox():
    assert learner_actor(BASE, "u-8f3a") == {
        "objectType": "Agent",
        "account": {"homePage": "https://campus.example.com", "name": "u-8f3a"},
    }
    with pytest.raises(ValueError):
        learner_actor(BASE, "anna@example.com")
    with pytest.raises(ValueError):
        learner_actor(BASE, " ")


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_statements_built_from_the_profile_validate(version):
    lesson = lesson_iri(BASE, "c1", "m1", "l1")
    document = {
        "actor": learner_actor(BASE, "u-8f3a"),
        "verb": verb("experienced"),
        "object": activity(lesson, "lesson", {"de": "Sicherheit am Arbeitsplatz"}),
        "context": {
            "contextActivities": {
                "parent": [activity(module_iri(BASE, "c1", "m1"), "module")],
                "grouping": [activity(course_iri(BASE, "c1"), "course")],
                "category": [activity(profile_iri(BASE), "profile")],
            },
            "extensions": course_version_extension(BASE, "2024.2"),
        },
    }
    validate_statement(document, version)
    assert document["object"]["definition"]["type"] == ACTIVITY_TYPES["lesson"]
    assert ACTIVITY_TYPES["question"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
