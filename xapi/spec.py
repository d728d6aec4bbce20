"""What the xAPI specification fixes: constants, agent identifiers, ids and canonical formats.

Statements stay plain JSON dicts everywhere in ``xapi``: they arrive as JSON,
are validated as JSON and are stored as JSON, so a class hierarchy would only
add a conversion on every path.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


class Ifi(NamedTuple):
    """An inverse functional identifier in canonical form, e.g. for indexing agents."""

    kind: str
    value: str

    @property
    def key(self) -> str:
        """One string per identity: ``mbox:mailto:a@example.com``, ``account:["https://…","42"]``."""
        return f"{self.kind}:{self.value}"


def agent_ifi(actor: Mapping[str, Any]) -> Ifi | None:
    """The IFI of a validated Agent or identified Group; ``None`` for an anonymous Group.

    The mbox domain is lowercased (domains are case-insensitive, Data 2.4.2.3.s4)
    and hex digests too, so equal identities give equal keys.
    """
    for kind in IFI_KEYS:
        if kind in actor:
            value = actor[kind]
            if kind == "mbox":
                return Ifi(kind, normalize_mbox(value))
            if kind == "mbox_sha1sum":
                return Ifi(kind, value.lower())
            if kind == "account":
                pair = [value["homePage"], value["name"]]
                return Ifi(kind, json.dumps(pair, ensure_ascii=False, separators=(",", ":")))
            return Ifi(kind, value)
    return None


def normalize_mbox(mbox: str) -> str:
    """``mailto:`` with the domain lowercased; the local part is case-sensitive (RFC 5321)."""
    address = mbox[len("mailto:") :]
    local, _, domain = address.rpartition("@")
    return f"mailto:{local}@{domain.lower()}"


def mbox_sha1sum(mbox: str) -> str:
    """The ``mbox_sha1sum`` of an ``mbox``, so queries by mbox can match either form."""
    return hashlib.sha1(normalize_mbox(mbox).encode()).hexdigest()


def is_anonymous_group(actor: Mapping[str, Any]) -> bool:
    return actor.get("objectType") == "Group" and not any(k in actor for k in IFI_KEYS)


# --- format=ids ---------------------------------------------------------------------------------


def ids_format(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement as ``GET /statements?format=ids`` returns it.

    Agents and Groups keep only objectType and their IFI (anonymous Groups: the
    members, each reduced the same way), Activities only their id, Verbs only their
    id (Communication 2.1.3 "format", XAPI-00171), in SubStatements as well.
    """
    out = dict(statement)
    for key in ("actor", "authority"):
        if key in out:
            out[key] = _ids_actor(out[key])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _ids_object(statement["object"])
    if "context" in out:
        out["context"] = _ids_context(out["context"])
    return out


def _ids_actor(actor: Mapping[str, Any]) -> dict[str, Any]:
    object_type = actor.get("objectType", "Agent")
    reduced: dict[str, Any] = {"objectType": object_type}
    for kind in IFI_KEYS:
        if kind in actor:
            reduced[kind] = actor[kind]
            return reduced
    reduced["member"] = [_ids_actor(member) for member in actor.get("member", ())]
    return reduced


def _ids_object(obj: Mapping[str, Any]) -> dict[str, Any]:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": obj["id"]}
    if object_type in ("Agent", "Group"):
        return _ids_actor(obj)
    if object_type == "SubStatement":
        return ids_format(obj)
    return dict(obj)


def _ids_context(context: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(context)
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _ids_actor(out[key])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [{"id": a["id"]} for a in as_list(activities)]
            for kind, activities in out["contextActivities"].items()
        }
    if "contextAgents" in out:
        out["contextAgents"] = [
            {**entry, "agent": _ids_actor(entry["agent"])} for entry in out["contextAgents"]
        ]
    if "contextGroups" in out:
        out["contextGroups"] = [
            {**entry, "group": _ids_actor(entry["group"])} for entry in out["contextGroups"]
        ]
    return out


def as_list(value: Any) -> list:
    """A contextActivities value as the array the LRS must return (Data 2.4.6.2.s4.b3)."""
    return value if type(value) is list else [value]


def with_context_activity_arrays(statement: dict[str, Any]) -> dict[str, Any]:
    """``statement`` with every contextActivities value an array, its SubStatement's too.

    The LRS MUST return them as arrays even when a single Activity arrived (Data
    2.4.6.2, XAPI-00096); the store keeps them that way. Returns ``statement`` itself
    when nothing needs wrapping (the common case costs two dict lookups).
    """
    out = _wrap_context(statement)
    obj = out.get("object")
    if type(obj) is dict and obj.get("objectType") == "SubStatement":
        wrapped = _wrap_context(obj)
        if wrapped is not obj:
            out = {**out, "object": wrapped}
    return out


def _wrap_context(statement: dict[str, Any]) -> dict[str, Any]:
    context = statement.get("context")
    if type(context) is not dict:
        return statement
    activities = context.get("contextActivities")
    if type(activities) is not dict or all(type(v) is list for v in activities.values()):
        return statement
    wrapped = {kind: as_list(value) for kind, value in activities.items()}
    return {**statement, "context": {**context, "contextActivities": wrapped}}


# --- format=canonical: one language per language map ----------------------------------------------


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges of an Accept-Language header, best first (RFC 9110 12.5.4); no ``*``."""
    if not header:
        return []
    weighted = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def pick_language(language_map: Mapping[str, str], preferred: Sequence[str]) -> dict[str, str]:
    """Reduce a language map to its one best entry for ``preferred`` (canonical format).

    Exact tag first, then the same language with another region ("de" for
    "de-CH" and vice versa), then "und", then the first entry in tag order so
    the choice is stable.
    """
    if len(language_map) <= 1:
        return dict(language_map)
    by_lower = {tag.lower(): tag for tag in language_map}
    for wanted in preferred:
        tag = by_lower.get(wanted.lower())
        if tag is not None:
            return {tag: language_map[tag]}
    for wanted in preferred:
        primary = wanted.lower().split("-")[0]
        for lower, tag in sorted(by_lower.items()):
            if lower.split("-")[0] == primary:
                return {tag: language_map[tag]}
    tag = by_lower.get("und") or sorted(language_map)[0]
    return {tag: language_map[tag]}


def canonical_languages(statement: Mapping[str, Any], preferred: Sequence[str]) -> dict[str, Any]:
    """The statement with every language map reduced by :func:`pick_language`.

    Substituting the LRS's canonical Activity definitions is the store's job;
    this is the part of ``format=canonical`` that needs no database.
    """
    out = dict(statement)
    verb = out["verb"]
    if "display" in verb:
        out["verb"] = {**verb, "display": pick_language(verb["display"], preferred)}
    out["object"] = _canonical_object(out["object"], preferred)
    if "context" in out and "contextActivities" in out["context"]:
        activities = out["context"]["contextActivities"]
        out["context"] = {
            **out["context"],
            "contextActivities": {
                kind: [_canonical_activity(a, preferred) for a in as_list(items)]
                for kind, items in activities.items()
            },
        }
    if "attachments" in out:
        out["attachments"] = [_canonical_maps(a, preferred) for a in out["attachments"]]
    return out


def _canonical_object(obj: Mapping[str, Any], preferred: Sequence[str]) -> dict[str, Any]:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _canonical_activity(obj, preferred)
    if object_type == "SubStatement":
        return canonical_languages(obj, preferred)
    return dict(obj)


def _canonical_activity(activity: Mapping[str, Any], preferred: Sequence[str]) -> dict[str, Any]:
    if "definition" not in activity:
        return dict(activity)
    definition = _canonical_maps(activity["definition"], preferred)
    for name in ("choices", "scale", "source", "target", "steps"):
        if name in definition:
            definition[name] = [_canonical_maps(c, preferred) for c in definition[name]]
    return {**activity, "definition": definition}


def _canonical_maps(obj: Mapping[str, Any], preferred: Sequence[str]) -> dict[str, Any]:
    out = dict(obj)
    for key in ("name", "description", "display"):
        if key in out:
            out[key] = pick_language(out[key], preferred)
    return out
