"""Context: registration, instructor, team, contextActivities, revision/platform, 2.0 additions."""

import pytest

from xapi import validate_statement

from .samples import (
    OTHER_ID,
    VERSIONS,
    agent,
    anonymous_group,
    expect_invalid,
    full_statement,
    identified_group,
    statement,
    substatement,
)

PARENT = {"id": "https://campus.example.com/xapi/activities/course/c1/module/m1"}


def with_context(**context):
    return statement(context=context)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "context",
    [
        {},
        {"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7"},
        {"instructor": agent()},
        {"instructor": identified_group()},
        {"team": anonymous_group()},
        {"contextActivities": {"parent": PARENT}},
        {
            "contextActivities": {
                "parent": [PARENT],
                "grouping": [PARENT, PARENT],
                "category": [],
                "other": {**PARENT, "objectType": "Activity"},
            }
        },
        {"revision": "r2", "platform": "ATLAS Campus", "language": "de-DE"},
        {"language": "zh-Hant-TW"},
        {"statement": {"objectType": "StatementRef", "id": OTHER_ID}},
        {"extensions": {"https://campus.example.com/xapi/extensions/course-version": "3"}},
        {"extensions": {}},
    ],
)
def test_valid_contexts(context, version):
    validate_statement(with_context(**context), version)


@pytest.mark.parametrize(
    ("context", "rule", "pointer"),
    [
        ({"registration": {"key": "x"}}, "XAPI-00087-1/registration-uuid", "/context/registration"),
        (
            {"registration": "should fail"},
            "XAPI-00087-1/registration-uuid",
            "/context/registration",
        ),
        (
            {"instructor": {"key": "x"}},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/context/instructor/key",
        ),
        ({"instructor": "should fail"}, "XAPI-00087-2/instructor", "/context/instructor"),
        (
            {"instructor": {"mbox": "http://should.fail.com"}},
            "XAPI-00038/mbox-format",
            "/context/instructor/mbox",
        ),
        ({"team": agent()}, "XAPI-00088/team-group", "/context/team"),
        ({"team": "should fail"}, "XAPI-00088/team-group", "/context/team"),
        (
            {"team": {"objectType": "Group"}},
            "XAPI-00035/anonymous-group-member",
            "/context/team/member",
        ),
        (
            {"contextActivities": "should fail"},
            "XAPI-00086/context-activities-object",
            "/context/contextActivities",
        ),
        (
            {"contextActivities": {"invalid": [PARENT]}},
            "XAPI-00093/context-activities-key",
            "/context/contextActivities/invalid",
        ),
        (
            {"contextActivities": {"other": [PARENT, {"key": "should fail"}]}},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/context/contextActivities/other/1/key",
        ),
        (
            {"contextActivities": {"parent": [PARENT, {"id": "not an iri"}]}},
            "XAPI-00047/activity-id",
            "/context/contextActivities/parent/1/id",
        ),
        (
            {"contextActivities": {"parent": ["http://x.org/a"]}},
            "XAPI-00094/context-activity",
            "/context/contextActivities/parent/0",
        ),
        (
            {"contextActivities": {"grouping": {**PARENT, "objectType": "Agent"}}},
            "XAPI-00094/context-activity",
            "/context/contextActivities/grouping/objectType",
        ),
        ({"revision": 12345}, "XAPI-00089/revision-string", "/context/revision"),
        ({"revision": {"key": "x"}}, "XAPI-00089/revision-string", "/context/revision"),
        ({"platform": 12345}, "XAPI-00090/platform-string", "/context/platform"),
        ({"language": 12345}, "XAPI-00091/context-language", "/context/language"),
        ({"language": {"a12345": "x"}}, "XAPI-00091/context-language", "/context/language"),
        ({"language": "en_US"}, "XAPI-00091/context-language", "/context/language"),
        (
            {"statement": {"objectType": "statementref"}},
            "XAPI-00092/context-statement",
            "/context/statement/objectType",
        ),
        (
            {"statement": {"id": "should fail"}},
            "XAPI-00092/context-statement",
            "/context/statement/objectType",
        ),
        (
            {"statement": {"objectType": "StatementRef", "id": "should fail"}},
            "XAPI-00072/statement-ref-id",
            "/context/statement/id",
        ),
        (
            {"extensions": {"example.com/extension/wrong": 1}},
            "Data-4.1.s3.b1/extension-key-iri",
            "/context/extensions/example.com~1extension~1wrong",
        ),
        ({"Registration": OTHER_ID}, "XAPI-00008/key-case", "/context/Registration"),
        ({"contextAgents": []}, "Data-2.2.s4.b1.b7/unknown-property", "/context/contextAgents"),
        ({"contextGroups": []}, "Data-2.2.s4.b1.b7/unknown-property", "/context/contextGroups"),
    ],
)
def test_context_rules(context, rule, pointer):
    expect_invalid(with_context(**context), rule, pointer)


def test_context_must_be_an_object():
    expect_invalid(statement(context="x"), "Data-2.4.6/context-object", "/context")


@pytest.mark.parametrize("key", ["revision", "platform"])
@pytest.mark.parametrize(
    ("object_", "valid"),
    [
        ({"objectType": "Agent", "mbox": "mailto:a@example.com"}, False),
        (anonymous_group(), False),
        ({"objectType": "StatementRef", "id": OTHER_ID}, False),
        (substatement(), False),
        ({"id": "http://example.com/a"}, True),
        ({"objectType": "Activity", "id": "http://example.com/a"}, True),
    ],
)
def test_revision_and_platform_only_with_an_activity_object(key, object_, valid):
    document = statement(object=object_, context={key: "x"})
    rule = {
        "revision": "XAPI-00084/revision-needs-activity",
        "platform": "XAPI-00085/platform-needs-activity",
    }[key]
    if valid:
        validate_statement(document)
    else:
        expect_invalid(document, rule, f"/context/{key}")


def test_revision_inside_a_substatement_looks_at_the_substatement_object():
    sub = substatement(
        object={"objectType": "Agent", "mbox": "mailto:a@example.com"}, context={"revision": "r1"}
    )
    expect_invalid(
        statement(object=sub), "XAPI-00084/revision-needs-activity", "/object/context/revision"
    )
    validate_statement(statement(object=substatement(context={"platform": "p"})))


# --- xAPI 2.0: contextAgents and contextGroups ---------------------------------------------------

INSTRUCTOR_TYPE = "https://w3id.org/xapi/cmi5/activitytype/instructor"


def context_agent(**overrides):
    return {
        "objectType": "contextAgent",
        "agent": agent(),
        "relevantTypes": [INSTRUCTOR_TYPE],
        **overrides,
    }


def context_group(**overrides):
    return {
        "objectType": "contextGroup",
        "group": identified_group(),
        "relevantTypes": ["https://example.com/types/team"],
        **overrides,
    }


@pytest.mark.parametrize(
    "context",
    [
        {"contextAgents": [context_agent()]},
        {"contextAgents": [{"objectType": "contextAgent", "agent": {"openid": "http://o.org/x"}}]},
        {"contextAgents": []},
        {"contextGroups": [context_group(), context_group(group=anonymous_group())]},
        {
            "contextAgents": [context_agent()],
            "contextGroups": [context_group()],
            "instructor": agent(),
        },
    ],
)
def test_valid_context_agents_and_groups_in_2_0(context):
    validate_statement(with_context(**context), "2.0.0")
    validate_statement(statement(object=substatement(context=context)), "2.0.0")


def test_context_agents_are_rejected_under_1_0_3_with_a_hint():
    document = with_context(contextAgents=[context_agent()])
    expect_invalid(document, "Data-2.2.s4.b1.b7/unknown-property", "/context/contextAgents")


@pytest.mark.parametrize(
    ("context", "rule", "pointer"),
    [
        ({"contextAgents": context_agent()}, "9274.1.1/context-agents", "/context/contextAgents"),
        ({"contextAgents": ["x"]}, "9274.1.1/context-agents", "/context/contextAgents/0"),
        (
            {"contextAgents": [context_agent(objectType="Should fail")]},
            "9274.1.1/context-agent-object-type",
            "/context/contextAgents/0/objectType",
        ),
        (
            {"contextAgents": [{"agent": agent()}]},
            "9274.1.1/context-agent-object-type",
            "/context/contextAgents/0/objectType",
        ),
        (
            {"contextAgents": [context_agent(agent={"key": "Should fail"})]},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/context/contextAgents/0/agent/key",
        ),
        (
            {"contextAgents": [{"objectType": "contextAgent"}]},
            "9274.1.1/context-agent-agent",
            "/context/contextAgents/0/agent",
        ),
        (
            {"contextAgents": [context_agent(agent=identified_group())]},
            "Data-2.4.2/actor-object-type",
            "/context/contextAgents/0/agent/objectType",
        ),
        (
            {"contextAgents": [context_agent(relevantTypes=[])]},
            "9274.1.1/relevant-types",
            "/context/contextAgents/0/relevantTypes",
        ),
        (
            {"contextAgents": [context_agent(relevantTypes=["abc"])]},
            "9274.1.1/relevant-types",
            "/context/contextAgents/0/relevantTypes/0",
        ),
        (
            {"contextAgents": [context_agent(relevantTypes="http://x.org/t")]},
            "9274.1.1/relevant-types",
            "/context/contextAgents/0/relevantTypes",
        ),
        (
            {"contextAgents": [context_agent(role="x")]},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/context/contextAgents/0/role",
        ),
        (
            {"contextGroups": [context_group(objectType="Should fail")]},
            "9274.1.1/context-group-object-type",
            "/context/contextGroups/0/objectType",
        ),
        (
            {"contextGroups": [context_group(group={"key": "Should fail"})]},
            "9274.1.1/context-group-group",
            "/context/contextGroups/0/group",
        ),
        (
            {"contextGroups": [context_group(group=agent())]},
            "9274.1.1/context-group-group",
            "/context/contextGroups/0/group",
        ),
        (
            {"contextGroups": [{"objectType": "contextGroup"}]},
            "9274.1.1/context-group-group",
            "/context/contextGroups/0/group",
        ),
        (
            {"contextGroups": [context_group(relevantTypes=[])]},
            "9274.1.1/relevant-types",
            "/context/contextGroups/0/relevantTypes",
        ),
        (
            {"contextGroups": [context_group(relevantTypes=["abc"])]},
            "9274.1.1/relevant-types",
            "/context/contextGroups/0/relevantTypes/0",
        ),
        ({"contextGroups": "x"}, "9274.1.1/context-groups", "/context/contextGroups"),
    ],
)
def test_context_agent_and_group_rules(context, rule, pointer):
    expect_invalid(with_context(**context), rule, pointer, "2.0.0")
    sub = statement(object=substatement(context=context))
    expect_invalid(sub, rule, "/object" + pointer, "2.0.0")


def test_full_statement_with_2_0_additions_passes_in_2_0():
    document = full_statement()
    document["context"]["contextAgents"] = [context_agent()]
    document["version"] = "2.0.0"
    validate_statement(document, "2.0.0")
