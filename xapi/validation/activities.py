"""Activities and their definitions (Data 2.4.4.1)."""

from typing import Any

from xapi.validation.core import (
    check_extensions,
    check_iri,
    check_keys,
    check_language_map,
    fail,
    require_dict,
    wrong_type,
)
from xapi.validation.identifiers import is_irl
from xapi.validation.interactions import INTERACTION_PROPERTIES, check_interaction

ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {"name", "description", "type", "moreInfo", "extensions", "interactionType"}
    | set(INTERACTION_PROPERTIES)
)
INTERACTION_KEYS = frozenset({"interactionType", *INTERACTION_PROPERTIES})

ACTIVITY_ID = "XAPI-00047/activity-id"
DEFINITION = "XAPI-00048/definition-object"
NAME = "XAPI-00056/definition-name"
DESCRIPTION = "XAPI-00059/definition-description"
TYPE = "XAPI-00060/definition-type"
MORE_INFO = "XAPI-00061/definition-more-info"


def check_activity(activity: dict, pointer: str, what: str) -> None:
    """An Activity whose objectType is absent or ``"Activity"``; the caller checked which."""
    check_keys(activity, ACTIVITY_KEYS, pointer, what)
    if "id" not in activity:
        fail(ACTIVITY_ID, f"{pointer}/id", f"{what} needs an id (an IRI).")
    check_iri(activity["id"], ACTIVITY_ID, f"{pointer}/id", f"{what} id")
    if "definition" in activity:
        check_definition(activity["definition"], f"{pointer}/definition")


def check_definition(value: Any, pointer: str) -> None:
    definition = require_dict(value, DEFINITION, pointer, "activity definition")
    check_keys(definition, DEFINITION_KEYS, pointer, "an activity definition")
    for key, item in definition.items():
        if key == "name":
            check_language_map(item, NAME, f"{pointer}/name", "definition name")
        elif key == "description":
            check_language_map(
                item, DESCRIPTION, f"{pointer}/description", "definition description"
            )
        elif key == "type":
            check_iri(item, TYPE, f"{pointer}/type", "activity type")
        elif key == "moreInfo":
            if type(item) is not str:
                wrong_type(item, "an IRL string", MORE_INFO, f"{pointer}/moreInfo", "moreInfo")
            if not is_irl(item):
                fail(MORE_INFO, f"{pointer}/moreInfo", f"moreInfo {item!r} is not an IRL.")
        elif key == "extensions":
            check_extensions(item, f"{pointer}/extensions")
    if not INTERACTION_KEYS.isdisjoint(definition):
        check_interaction(definition, pointer)
