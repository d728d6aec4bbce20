"""Logical equivalence of two statements, as signature checks and PUT conflict checks need it.

Data 2.3.1.s9: differences an LRS may legitimately introduce (the exceptions
to immutability) MUST be ignored, every other difference MUST NOT. So before
comparing, both statements are brought to one form: LRS-assigned properties
dropped, timestamps as UTC instants at millisecond precision, Verb displays and
Activity definitions dropped, Group members unordered, single context
activities as arrays, defaults for objectType filled in, case-insensitive
values (mbox domains, UUIDs, hex digests, language tags) lowercased, durations
cut to 0.01 s (Data 4.6.s1.b5).
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from xapi.spec import SIGNATURE_USAGE_TYPE, as_list, normalize_mbox
from xapi.validation.timestamps import parse_timestamp

# Set by the LRS, or outside the immutable statement (Data 2.3.1.b1).
_LRS_ASSIGNED = ("authority", "stored", "version")
# Assigned by the LRS when absent: compared only when both statements have them.
_ASSIGNED_IF_ABSENT = ("id", "timestamp")
_SECONDS = re.compile(r"(\d+)[.,](\d+)S$")


def statements_equivalent(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two valid statements say the same thing (Data 2.3.1.s9)."""
    a, b = comparable(first), comparable(second)
    for key in _ASSIGNED_IF_ABSENT:
        if key not in a or key not in b:
            a.pop(key, None)
            b.pop(key, None)
    return a == b


def comparable(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The normal form used by :func:`statements_equivalent`; also handy to diff in tests."""
    out = {k: v for k, v in statement.items() if k not in _LRS_ASSIGNED}
    if "id" in out:
        out["id"] = out["id"].lower()
    if "timestamp" in out:
        out["timestamp"] = parse_timestamp(out["timestamp"]).isoformat(timespec="milliseconds")
    out["actor"] = _actor(out["actor"])
    out["verb"] = {"id": out["verb"]["id"]}
    out["object"] = _object(out["object"])
    if "result" in out:
        out["result"] = _result(out["result"])
    if "context" in out:
        out["context"] = _context(out["context"])
    if "attachments" in out:
        attachments = [
            _attachment(a) for a in out["attachments"] if a["usageType"] != SIGNATURE_USAGE_TYPE
        ]
        if attachments:
            out["attachments"] = attachments
        else:
            del out["attachments"]
    return out


def _actor(actor: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(actor)
    out.setdefault("objectType", "Agent")
    if "mbox" in out:
        out["mbox"] = normalize_mbox(out["mbox"])
    if "mbox_sha1sum" in out:
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    if "member" in out:
        members = [_actor(member) for member in out["member"]]
        out["member"] = sorted(members, key=_sort_key)
    return out


def _object(obj: Mapping[str, Any]) -> dict[str, Any]:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _activity(obj)
    if object_type in ("Agent", "Group"):
        return _actor(obj)
    if object_type == "StatementRef":
        return {"objectType": "StatementRef", "id": obj["id"].lower()}
    return comparable(obj)


def _activity(activity: Mapping[str, Any]) -> dict[str, Any]:
    # The definition is not part of the statement (Data 2.3.1.b2).
    return {"objectType": "Activity", "id": activity["id"]}


def _result(result: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(result)
    if "duration" in out:
        out["duration"] = _SECONDS.sub(lambda m: f"{m[1]}.{m[2][:2]}S", out["duration"])
    return out


def _context(context: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(context)
    if "registration" in out:
        out["registration"] = out["registration"].lower()
    if "language" in out:
        out["language"] = out["language"].lower()
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _actor(out[key])
    if "statement" in out:
        out["statement"] = _object(out["statement"])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [_activity(a) for a in as_list(items)]
            for kind, items in out["contextActivities"].items()
        }
    if "contextAgents" in out:
        out["contextAgents"] = [{**e, "agent": _actor(e["agent"])} for e in out["contextAgents"]]
    if "contextGroups" in out:
        out["contextGroups"] = [{**e, "group": _actor(e["group"])} for e in out["contextGroups"]]
    return out


def _attachment(attachment: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(attachment)
    out["sha2"] = out["sha2"].lower()
    for key in ("display", "description"):
        if key in out:
            out[key] = {tag.lower(): text for tag, text in out[key].items()}
    return out


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
