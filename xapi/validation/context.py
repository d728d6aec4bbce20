"""The context of a statement, including 2.0's contextAgents and contextGroups (Data 2.4.6)."""

from typing import Any

from xapi.validation.activities import check_activity
from xapi.validation.actors import ACTOR_OBJECT_TYPE, bad_object_type, check_actor, check_group
from xapi.validation.core import (
    UNKNOWN_PROPERTY,
    check_extensions,
    check_iri,
    check_keys,
    fail,
    require_dict,
    require_str,
    wrong_type,
)
from xapi.validation.identifiers import is_uuid
from xapi.validation.language import is_language_tag
from xapi.validation.statement_ref import check_statement_ref

CONTEXT_KEYS_1 = frozenset(
    {
        "registration", "instructor", "team", "contextActivities", "revision", "platform",
        "language", "statement", "extensions",
    }
)  # fmt: skip
CONTEXT_KEYS_2 = CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})

CONTEXT = "Data-2.4.6/context-object"
REGISTRATION = "XAPI-00087-1/registration-uuid"
INSTRUCTOR = "XAPI-00087-2/instructor"
TEAM = "XAPI-00088/team-group"
CONTEXT_ACTIVITIES = "XAPI-00086/context-activities-object"
CONTEXT_ACTIVITIES_KEY = "XAPI-00093/context-activities-key"
CONTEXT_ACTIVITY = "XAPI-00094/context-activity"
REVISION = "XAPI-00089/revision-string"
REVISION_OBJECT = "XAPI-00084/revision-needs-activity"
PLATFORM = "XAPI-00090/platform-string"
PLATFORM_OBJECT = "XAPI-00085/platform-needs-activity"
LANGUAGE = "XAPI-00091/context-language"
STATEMENT = "XAPI-00092/context-statement"
CONTEXT_AGENTS = "9274.1.1/context-agents"
CONTEXT_AGENT_TYPE = "9274.1.1/context-agent-object-type"
CONTEXT_AGENT_AGENT = "9274.1.1/context-agent-agent"
CONTEXT_GROUPS = "9274.1.1/context-groups"
CONTEXT_GROUP_TYPE = "9274.1.1/context-group-object-type"
CONTEXT_GROUP_GROUP = "9274.1.1/context-group-group"
RELEVANT_TYPES = "9274.1.1/relevant-types"


def check_context(value: Any, pointer: str, *, object_type: str, v2: bool) -> None:
    """Check ``context``; ``object_type`` is the statement object's, for revision and platform."""
    context = require_dict(value, CONTEXT, pointer, "context")
    if not v2:
        for key in ("contextAgents", "contextGroups"):
            if key in context:
                fail(
                    UNKNOWN_PROPERTY,
                    f"{pointer}/{key}",
                    f"{key} is new in xAPI 2.0; send X-Experience-API-Version: 2.0.0 to use it.",
                )
    check_keys(context, CONTEXT_KEYS_2 if v2 else CONTEXT_KEYS_1, pointer, "context")
    for key, item in context.items():
        item_pointer = f"{pointer}/{key}"
        if key == "registration":
            if type(item) is not str:
                wrong_type(item, "a UUID string", REGISTRATION, item_pointer, "registration")
            if not is_uuid(item):
                fail(REGISTRATION, item_pointer, f"registration {item!r} is not a UUID.")
        elif key == "instructor":
            check_actor(item, item_pointer, "instructor", INSTRUCTOR)
        elif key == "team":
            team = require_dict(item, TEAM, item_pointer, "team")
            if team.get("objectType") != "Group":
                fail(TEAM, item_pointer, "team must be a Group (objectType 'Group').")
            check_group(team, item_pointer, "team")
        elif key == "contextActivities":
            _check_context_activities(item, item_pointer)
        elif key == "revision":
            require_str(item, REVISION, item_pointer, "revision")
            if object_type != "Activity":
                fail(
                    REVISION_OBJECT,
                    item_pointer,
                    f"revision is only allowed when the object is an Activity, not {object_type}.",
                )
        elif key == "platform":
            require_str(item, PLATFORM, item_pointer, "platform")
            if object_type != "Activity":
                fail(
                    PLATFORM_OBJECT,
                    item_pointer,
                    f"platform is only allowed when the object is an Activity, not {object_type}.",
                )
        elif key == "language":
            require_str(item, LANGUAGE, item_pointer, "language")
            if not is_language_tag(item):
                fail(LANGUAGE, item_pointer, f"language {item!r} is not an RFC 5646 language tag.")
        elif key == "statement":
            check_statement_ref(item, item_pointer, "context statement", STATEMENT)
        elif key == "extensions":
            check_extensions(item, item_pointer)
        elif key == "contextAgents":
            _check_context_agents(item, item_pointer)
        elif key == "contextGroups":
            _check_context_groups(item, item_pointer)


def _check_context_activities(value: Any, pointer: str) -> None:
    """Each of parent/grouping/category/other: an Activity or an array of them (Data 2.4.6.2)."""
    activities = require_dict(value, CONTEXT_ACTIVITIES, pointer, "contextActivities")
    if not CONTEXT_ACTIVITY_KEYS.issuperset(activities):
        key = next(k for k in activities if k not in CONTEXT_ACTIVITY_KEYS)
        fail(
            CONTEXT_ACTIVITIES_KEY,
            f"{pointer}/{key}",
            f"contextActivities key {key!r} is not parent, grouping, category or other.",
        )
    for key, item in activities.items():
        if type(item) is list:
            for index, activity in enumerate(item):
                _check_context_activity(activity, f"{pointer}/{key}/{index}", key)
        else:
            _check_context_activity(item, f"{pointer}/{key}", key)


def _check_context_activity(value: Any, pointer: str, key: str) -> None:
    activity = require_dict(value, CONTEXT_ACTIVITY, pointer, f"a {key} context activity")
    if "objectType" in activity and activity["objectType"] != "Activity":
        bad_object_type(activity["objectType"], ("Activity",), CONTEXT_ACTIVITY, pointer, key)
    check_activity(activity, pointer, f"{key} activity")


def _check_context_agents(value: Any, pointer: str) -> None:
    if type(value) is not list:
        wrong_type(value, "an array", CONTEXT_AGENTS, pointer, "contextAgents")
    for index, item in enumerate(value):
        item_pointer = f"{pointer}/{index}"
        entry = require_dict(item, CONTEXT_AGENTS, item_pointer, "a contextAgent")
        check_keys(entry, CONTEXT_AGENT_KEYS, item_pointer, "a contextAgent")
        if entry.get("objectType") != "contextAgent":
            fail(
                CONTEXT_AGENT_TYPE,
                f"{item_pointer}/objectType",
                "a contextAgent must have objectType 'contextAgent'.",
            )
        if "agent" not in entry:
            fail(CONTEXT_AGENT_AGENT, f"{item_pointer}/agent", "a contextAgent needs an agent.")
        agent = require_dict(entry["agent"], CONTEXT_AGENT_AGENT, f"{item_pointer}/agent", "agent")
        if "objectType" in agent and agent["objectType"] != "Agent":
            bad_object_type(
                agent["objectType"], ("Agent",), ACTOR_OBJECT_TYPE, f"{item_pointer}/agent", "agent"
            )
        check_actor(agent, f"{item_pointer}/agent", "contextAgent agent", CONTEXT_AGENT_AGENT)
        if "relevantTypes" in entry:
            _check_relevant_types(entry["relevantTypes"], f"{item_pointer}/relevantTypes")


def _check_context_groups(value: Any, pointer: str) -> None:
    if type(value) is not list:
        wrong_type(value, "an array", CONTEXT_GROUPS, pointer, "contextGroups")
    for index, item in enumerate(value):
        item_pointer = f"{pointer}/{index}"
        entry = require_dict(item, CONTEXT_GROUPS, item_pointer, "a contextGroup")
        check_keys(entry, CONTEXT_GROUP_KEYS, item_pointer, "a contextGroup")
        if entry.get("objectType") != "contextGroup":
            fail(
                CONTEXT_GROUP_TYPE,
                f"{item_pointer}/objectType",
                "a contextGroup must have objectType 'contextGroup'.",
            )
        if "group" not in entry:
            fail(CONTEXT_GROUP_GROUP, f"{item_pointer}/group", "a contextGroup needs a group.")
        group_pointer = f"{item_pointer}/group"
        group = require_dict(entry["group"], CONTEXT_GROUP_GROUP, group_pointer, "group")
        if group.get("objectType") != "Group":
            fail(CONTEXT_GROUP_GROUP, group_pointer, "a contextGroup's group must be a Group.")
        check_group(group, group_pointer, "contextGroup group")
        if "relevantTypes" in entry:
            _check_relevant_types(entry["relevantTypes"], f"{item_pointer}/relevantTypes")


def _check_relevant_types(value: Any, pointer: str) -> None:
    """A non-empty array of activity type IRIs."""
    if type(value) is not list:
        wrong_type(value, "an array of IRIs", RELEVANT_TYPES, pointer, "relevantTypes")
    if not value:
        fail(RELEVANT_TYPES, pointer, "relevantTypes, when given, must list at least one IRI.")
    for index, iri in enumerate(value):
        check_iri(iri, RELEVANT_TYPES, f"{pointer}/{index}", "relevant type")
