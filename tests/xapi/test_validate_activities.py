"""Activities, activity definitions and interaction activities."""

import pytest

from xapi import validate_statement

from .samples import VERSIONS, expect_invalid, statement

CMI = "http://adlnet.gov/expapi/activities/cmi.interaction"


def interaction(interaction_type, **properties):
    return {
        "objectType": "Activity",
        "id": "http://example.com/q/1",
        "definition": {"type": CMI, "interactionType": interaction_type, **properties},
    }


def components(*ids):
    return [{"id": i, "description": {"en-US": f"item {i}"}} for i in ids]


# One definition per interactionType, after Data Appendix C.
INTERACTIONS = [
    interaction("true-false", correctResponsesPattern=["true"]),
    interaction(
        "choice",
        correctResponsesPattern=["golf[,]tetris"],
        choices=components("golf", "facebook", "tetris"),
    ),
    interaction("fill-in", correctResponsesPattern=["Bob's your uncle"]),
    interaction("long-fill-in", correctResponsesPattern=["{case_matters=false}{lang=en}To store"]),
    interaction(
        "likert", correctResponsesPattern=["likert_3"], scale=components("likert_0", "likert_3")
    ),
    interaction(
        "matching",
        correctResponsesPattern=["ben[.]3[,]chris[.]2"],
        source=components("ben", "chris"),
        target=components("2", "3"),
    ),
    interaction(
        "performance",
        correctResponsesPattern=["pong[.]1:[,]dg[.]:10"],
        steps=components("pong", "dg"),
    ),
    interaction(
        "sequencing", correctResponsesPattern=["tim[,]mike"], choices=components("tim", "mike")
    ),
    interaction("numeric", correctResponsesPattern=["4[:]"]),
    interaction("other", correctResponsesPattern=["(35.937432,-86.868896)"]),
    interaction("choice", correctResponsesPattern=[]),
    interaction("other"),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("activity", INTERACTIONS, ids=lambda a: a["definition"]["interactionType"])
def test_every_interaction_type_of_appendix_c_passes(activity, version):
    validate_statement(statement(object=activity), version)


@pytest.mark.parametrize("version", VERSIONS)
def test_definition_with_everything_passes(version):
    activity = {
        "id": "https://campus.example.com/a/1",
        "definition": {
            "name": {"de": "Einführung", "en": "Introduction"},
            "description": {"de": "Die erste Lektion"},
            "type": "http://adlnet.gov/expapi/activities/lesson",
            "moreInfo": "https://campus.example.com/courses/1",
            "extensions": {
                "https://campus.example.com/xapi/extensions/x": None,
                "http://example.com/empty": {},
            },
        },
    }
    validate_statement(statement(object=activity), version)


@pytest.mark.parametrize(
    ("definition", "rule", "pointer"),
    [
        ("should error", "XAPI-00048/definition-object", "/object/definition"),
        ({"name": "should error"}, "XAPI-00056/definition-name", "/object/definition/name"),
        ({"name": 12345}, "XAPI-00056/definition-name", "/object/definition/name"),
        ({"name": {}}, "XAPI-00056/definition-name", "/object/definition/name"),
        ({"name": {"a12345": "x"}}, "XAPI-00121/language-tag", "/object/definition/name/a12345"),
        ({"name": {"en": 5}}, "XAPI-00056/definition-name", "/object/definition/name/en"),
        (
            {"description": "x"},
            "XAPI-00059/definition-description",
            "/object/definition/description",
        ),
        (
            {"description": {"de-419-DE": "x"}},
            "XAPI-00121/language-tag",
            "/object/definition/description/de-419-DE",
        ),
        ({"type": "should error"}, "XAPI-00060/definition-type", "/object/definition/type"),
        ({"type": "example.com/type"}, "XAPI-00060/definition-type", "/object/definition/type"),
        (
            {"moreInfo": "should error"},
            "XAPI-00061/definition-more-info",
            "/object/definition/moreInfo",
        ),
        (
            {"extensions": "should error"},
            "Data-4.1/extensions-object",
            "/object/definition/extensions",
        ),
        (
            {"extensions": {"id": "valid"}},
            "Data-4.1.s3.b1/extension-key-iri",
            "/object/definition/extensions/id",
        ),
        (
            {"extensions": {"not.valid.com/extension": 1}},
            "Data-4.1.s3.b1/extension-key-iri",
            "/object/definition/extensions/not.valid.com~1extension",
        ),
        ({"title": {"en": "x"}}, "Data-2.2.s4.b1.b7/unknown-property", "/object/definition/title"),
        ({"Name": {"en": "x"}}, "XAPI-00008/key-case", "/object/definition/Name"),
    ],
)
def test_definition_rules(definition, rule, pointer):
    activity = {"id": "http://example.com/a", "definition": definition}
    expect_invalid(statement(object=activity), rule, pointer)


@pytest.mark.parametrize(
    ("activity", "rule", "pointer"),
    [
        ({"objectType": "Activity"}, "XAPI-00047/activity-id", "/object/id"),
        ({"id": "ab=c://should.fail.com"}, "XAPI-00047/activity-id", "/object/id"),
        ({"id": "www.example.com/activity"}, "XAPI-00047/activity-id", "/object/id"),
        ({"id": "#fragment"}, "XAPI-00047/activity-id", "/object/id"),
        ({"id": 5}, "XAPI-00047/activity-id", "/object/id"),
        (
            {"id": "http://example.com/a", "name": "x"},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/object/name",
        ),
    ],
)
def test_activity_rules(activity, rule, pointer):
    expect_invalid(statement(object=activity), rule, pointer)


@pytest.mark.parametrize(
    ("properties", "rule", "pointer"),
    [
        (
            {"interactionType": "true-faLse"},
            "XAPI-00049/interaction-type",
            "/object/definition/interactionType",
        ),
        (
            {"interactionType": "Other"},
            "XAPI-00049/interaction-type",
            "/object/definition/interactionType",
        ),
        (
            {"interactionType": "http://example.com/choice"},
            "XAPI-00049/interaction-type",
            "/object/definition/interactionType",
        ),
        (
            {"interactionType": 12345},
            "XAPI-00049/interaction-type",
            "/object/definition/interactionType",
        ),
        (
            {"correctResponsesPattern": ["true"]},
            "XAPI-00064/interaction-type-required",
            "/object/definition/interactionType",
        ),
        (
            {"choices": components("a")},
            "XAPI-00064/interaction-type-required",
            "/object/definition/interactionType",
        ),
        (
            {"interactionType": "choice", "correctResponsesPattern": "a"},
            "Data-2.4.4.1.s8.table1.row2/correct-responses-pattern",
            "/object/definition/correctResponsesPattern",
        ),
        (
            {"interactionType": "choice", "correctResponsesPattern": ["a", 1]},
            "Data-2.4.4.1.s8.table1.row2/correct-responses-pattern",
            "/object/definition/correctResponsesPattern/1",
        ),
        (
            {"interactionType": "choice", "choices": components("a", "b", "a")},
            "Data-2.4.4.1.s16.b1/component-id-unique",
            "/object/definition/choices/2/id",
        ),
        (
            {"interactionType": "matching", "source": components("a"), "target": components("a")},
            None,
            None,
        ),
        (
            {"interactionType": "numeric", "choices": components("a")},
            "Data-2.4.4.1.s15.table2/component-list-for-type",
            "/object/definition/choices",
        ),
        (
            {"interactionType": "likert", "choices": components("a")},
            "Data-2.4.4.1.s15.table2/component-list-for-type",
            "/object/definition/choices",
        ),
        (
            {"interactionType": "choice", "choices": {"id": "a"}},
            "Data-2.4.4.1.s15.table1/interaction-component",
            "/object/definition/choices",
        ),
        (
            {"interactionType": "choice", "choices": [{"description": {"en": "x"}}]},
            "Data-2.4.4.1.s15.table1/interaction-component",
            "/object/definition/choices/0/id",
        ),
        (
            {"interactionType": "choice", "choices": [{"id": 1}]},
            "Data-2.4.4.1.s15.table1/interaction-component",
            "/object/definition/choices/0/id",
        ),
        (
            {"interactionType": "choice", "choices": [{"id": "a", "description": {}}]},
            "Data-2.4.4.1.s15.table1/interaction-component",
            "/object/definition/choices/0/description",
        ),
        (
            {"interactionType": "choice", "choices": [{"id": "a", "label": "x"}]},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/object/definition/choices/0/label",
        ),
    ],
)
def test_interaction_rules(properties, rule, pointer):
    activity = {"id": "http://example.com/q", "definition": properties}
    if rule is None:
        validate_statement(statement(object=activity))
    else:
        expect_invalid(statement(object=activity), rule, pointer)
