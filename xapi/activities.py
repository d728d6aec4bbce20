"""Activities: which ones a statement mentions, and the canonical definitions the LRS keeps."""

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from xapi.jsontext import loads_stored
from xapi.store_errors import BadRequestError
from xapi.store_sql import activities, insert_ignore, where_in
from xapi.validation.identifiers import is_iri

# Roles of an activity in a statement, OR-ed into xapi_statement_activities.roles.
ROLE_OBJECT = 1
ROLE_PARENT = 2
ROLE_GROUPING = 4
ROLE_CATEGORY = 8
ROLE_OTHER = 16
ROLE_SUBSTATEMENT = 32

CONTEXT_ROLES = {
    "parent": ROLE_PARENT,
    "grouping": ROLE_GROUPING,
    "category": ROLE_CATEGORY,
    "other": ROLE_OTHER,
}
LANGUAGE_MAPS = ("name", "description")
MERGED_MAPS = (*LANGUAGE_MAPS, "extensions")
DEFINITIONS_BY_ID = "SELECT id, definition FROM xapi_activities WHERE id IN ({in})"


def is_activity(obj: Any) -> bool:
    """Whether a statement object is an Activity (objectType may be omitted for one)."""
    return isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity"


def context_activity_list(value: Any) -> list[Mapping[str, Any]]:
    """A contextActivities entry as a list: xAPI 1.0.0 allowed a single object there."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _statement_activities(
    statement: Mapping[str, Any], out: list[tuple[Mapping[str, Any], int, bool]], sub: bool
) -> list[tuple[Mapping[str, Any], int, bool]]:
    """The walk behind :func:`iter_statement_activities`, appending to a list (no
    generators: it runs for every statement stored)."""
    extra = ROLE_SUBSTATEMENT if sub else 0
    obj = statement.get("object")
    if is_activity(obj) and "id" in obj:
        out.append((obj, ROLE_OBJECT | extra, not sub))
    elif isinstance(obj, dict) and obj.get("objectType") == "SubStatement" and not sub:
        _statement_activities(obj, out, True)
    context = statement.get("context")
    if isinstance(context, dict):
        lists = context.get("contextActivities")
        if isinstance(lists, dict):
            for name, role in CONTEXT_ROLES.items():
                value = lists.get(name)
                if value is None:
                    continue
                for activity in context_activity_list(value):
                    if "id" in activity:
                        out.append((activity, role | extra, False))
    return out


def iter_statement_activities(
    statement: Mapping[str, Any],
) -> Iterator[tuple[Mapping[str, Any], int, bool]]:
    """Every activity object in a statement as ``(object, roles, is_direct)``.

    ``is_direct`` marks the statement's own object, which is all the ``activity``
    filter matches without ``related_activities``.
    """
    return iter(_statement_activities(statement, [], False))


class DefinitionCollector:
    """Merges, in batch order, the activity definitions a batch of statements brings.

    Fed during the index walk so each statement is walked once; exact repeats of the
    last definition seen for an activity (the common case) are skipped.
    """

    def __init__(self) -> None:
        self.merged: dict[str, dict[str, Any]] = {}
        self._last: dict[str, Any] = {}

    def add(self, activity: Mapping[str, Any]) -> None:
        definition = activity.get("definition")
        if not isinstance(definition, dict) or not definition:
            return
        activity_id = activity["id"]
        if self._last.get(activity_id) == definition:
            return
        self._last[activity_id] = definition
        self.merged[activity_id] = merge_definition(self.merged.get(activity_id, {}), definition)


def statement_activity_index(
    statement: Mapping[str, Any], definitions: DefinitionCollector | None = None
) -> dict[str, tuple[int, bool]]:
    """``{activity id: (roles, is_direct)}`` for the statement's index rows.

    :param definitions: also collect the statement's activity definitions into this.
    """
    index: dict[str, tuple[int, bool]] = {}
    for activity, role, direct in _statement_activities(statement, [], False):
        activity_id = activity["id"]
        found = index.get(activity_id)
        index[activity_id] = (
            (role, direct) if found is None else (found[0] | role, found[1] or direct)
        )
        if definitions is not None:
            definitions.add(activity)
    return index


def merge_definition(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical definition after a statement brought ``new``.

    Language maps and extensions merge entry by entry, so a statement in German does
    not erase the English name; every other property is replaced when present.
    """
    merged = dict(old)
    for key, value in new.items():
        if key in MERGED_MAPS and isinstance(value, Mapping) and isinstance(old.get(key), Mapping):
            merged[key] = {**old[key], **value}
        else:
            merged[key] = value
    return merged


def save_definitions(
    conn: Connection, definitions: Mapping[str, Mapping[str, Any]], now: datetime
) -> None:
    """Merge a batch's definitions into the canonical ones, writing only what changed.

    Most statements repeat the definition already held, so the common case is one
    SELECT. Concurrent writers of the same activity are last-writer-wins.
    """
    if not definitions:
        return
    ids = sorted(definitions)
    current = {
        activity_id: loads_stored(text)
        for activity_id, text in where_in(conn, DEFINITIONS_BY_ID, ids)
    }
    inserts, updates = [], []
    for activity_id in ids:
        if activity_id not in current:
            inserts.append(
                {
                    "id": activity_id,
                    "definition": json.dumps(definitions[activity_id]),
                    "updated_at": now,
                }
            )
            continue
        merged = merge_definition(current[activity_id], definitions[activity_id])
        if merged != current[activity_id]:
            updates.append(
                {"b_id": activity_id, "b_definition": json.dumps(merged), "b_updated_at": now}
            )
    if inserts:
        conn.execute(insert_ignore(conn, activities, ["id"]), inserts)
    if updates:
        conn.execute(
            update(activities)
            .where(activities.c.id == bindparam("b_id"))
            .values(definition=bindparam("b_definition"), updated_at=bindparam("b_updated_at")),
            updates,
        )


def load_definitions(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Canonical definitions for ``ids`` (those the LRS has one for)."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        rows = conn.execute(
            select(activities.c.id, activities.c.definition).where(activities.c.id.in_(chunk))
        )
        found.update({row.id: json.loads(row.definition) for row in rows})
    return found


def activity_ids(statement: Mapping[str, Any]) -> set[str]:
    """Ids of every activity in a statement (to load their canonical definitions)."""
    return {activity["id"] for activity, _role, _direct in iter_statement_activities(statement)}


def with_canonical_definitions(
    statement: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The statement with each activity's definition replaced by the canonical one.

    This is the database half of ``format=canonical``; choosing one language per map
    is :func:`xapi.spec.canonical_languages`.
    """

    def canonical(activity: Mapping[str, Any]) -> dict[str, Any]:
        definition = definitions.get(activity.get("id"))
        return {**activity, "definition": definition} if definition else dict(activity)

    result = dict(statement)
    obj = result.get("object")
    if is_activity(obj):
        result["object"] = canonical(obj)
    elif isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        result["object"] = with_canonical_definitions(obj, definitions)
    context = result.get("context")
    if isinstance(context, Mapping) and isinstance(context.get("contextActivities"), Mapping):
        result["context"] = {
            **context,
            "contextActivities": {
                name: [canonical(a) for a in context_activity_list(value)]
                for name, value in context["contextActivities"].items()
            },
        }
    return result


def require_activity_iri(activity_id: Any, name: str = "activityId") -> str:
    """:raises BadRequestError: the value is not an absolute IRI, as activity ids must be."""
    if not isinstance(activity_id, str) or not activity_id:
        raise BadRequestError(f"{name} is required")
    if not is_iri(activity_id):
        raise BadRequestError(
            f"{name} must be an absolute IRI such as https://example.org/activities/1, "
            f"not {activity_id[:200]!r}"
        )
    return activity_id


def get_activity(conn: Connection, activity_id: str) -> dict[str, Any]:
    """The Activity object with the canonical definition, or with the id alone if none is known.

    :raises BadRequestError: ``activity_id`` is not an absolute IRI (Data 2.4.4.1).
    """
    require_activity_iri(activity_id)
    result: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition = load_definitions(conn, [activity_id]).get(activity_id)
    if definition:
        result["definition"] = definition
    return result
