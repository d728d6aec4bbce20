"""Interaction activities: interactionType, correctResponsesPattern and component lists."""

from typing import Any

from xapi.validation.core import check_keys, check_language_map, fail, wrong_type

#: Each interactionType and the component lists it supports (Data 2.4.4.1.s15).
INTERACTION_TYPES: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
INTERACTION_PROPERTIES = ("correctResponsesPattern", *COMPONENT_LISTS)
COMPONENT_KEYS = frozenset({"id", "description"})

INTERACTION_TYPE = "XAPI-00049/interaction-type"
INTERACTION_TYPE_REQUIRED = "XAPI-00064/interaction-type-required"
CORRECT_RESPONSES = "Data-2.4.4.1.s8.table1.row2/correct-responses-pattern"
LIST_FOR_TYPE = "Data-2.4.4.1.s15.table2/component-list-for-type"
COMPONENT = "Data-2.4.4.1.s15.table1/interaction-component"
COMPONENT_ID_UNIQUE = "Data-2.4.4.1.s16.b1/component-id-unique"


def check_interaction(definition: dict, pointer: str) -> None:
    """Check the interaction part of an activity definition that has one.

    The spec lets an LRS validate the properties that follow a valid
    interactionType (Data 2.4.4.1.s13.b3); we do, so a component list the type
    does not use (``choices`` on a ``numeric``) is rejected rather than kept as
    data nobody will read.
    """
    if "interactionType" not in definition:
        present = next(p for p in INTERACTION_PROPERTIES if p in definition)
        fail(
            INTERACTION_TYPE_REQUIRED,
            f"{pointer}/interactionType",
            f"an activity definition with {present!r} must state its interactionType.",
        )
    interaction_type = definition["interactionType"]
    type_pointer = f"{pointer}/interactionType"
    if type(interaction_type) is not str:
        wrong_type(interaction_type, "a string", INTERACTION_TYPE, type_pointer, "interactionType")
    if interaction_type not in INTERACTION_TYPES:
        hint = (
            " (values are case-sensitive)" if interaction_type.lower() in INTERACTION_TYPES else ""
        )
        fail(
            INTERACTION_TYPE,
            type_pointer,
            f"interactionType {interaction_type!r} is not one of "
            f"{', '.join(INTERACTION_TYPES)}{hint}.",
        )
    if "correctResponsesPattern" in definition:
        _check_patterns(definition["correctResponsesPattern"], f"{pointer}/correctResponsesPattern")
    supported = INTERACTION_TYPES[interaction_type]
    for name in COMPONENT_LISTS:
        if name in definition:
            if name not in supported:
                uses = " and ".join(sorted(supported)) or "no component list"
                fail(
                    LIST_FOR_TYPE,
                    f"{pointer}/{name}",
                    f"interactionType {interaction_type!r} uses {uses}, not {name!r}.",
                )
            _check_components(definition[name], f"{pointer}/{name}", name)


def _check_patterns(value: Any, pointer: str) -> None:
    if type(value) is not list:
        wrong_type(
            value, "an array of strings", CORRECT_RESPONSES, pointer, "correctResponsesPattern"
        )
    for index, pattern in enumerate(value):
        if type(pattern) is not str:
            wrong_type(
                pattern, "a string", CORRECT_RESPONSES, f"{pointer}/{index}", "a response pattern"
            )


def _check_components(value: Any, pointer: str, name: str) -> None:
    if type(value) is not list:
        wrong_type(value, "an array of interaction components", COMPONENT, pointer, name)
    seen: set[str] = set()
    for index, component in enumerate(value):
        item_pointer = f"{pointer}/{index}"
        if type(component) is not dict:
            wrong_type(component, "an object", COMPONENT, item_pointer, f"{name} item")
        check_keys(component, COMPONENT_KEYS, item_pointer, "an interaction component")
        if "id" not in component:
            fail(COMPONENT, f"{item_pointer}/id", "an interaction component needs an id.")
        component_id = component["id"]
        if type(component_id) is not str:
            wrong_type(component_id, "a string", COMPONENT, f"{item_pointer}/id", "component id")
        if component_id in seen:
            fail(
                COMPONENT_ID_UNIQUE,
                f"{item_pointer}/id",
                f"component id {component_id!r} appears twice in {name}.",
            )
        seen.add(component_id)
        if "description" in component:
            check_language_map(
                component["description"], COMPONENT, f"{item_pointer}/description", "description"
            )
