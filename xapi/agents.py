"""Agents and Groups: canonical IFI keys, the agents a statement mentions, and the Person object."""

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from xapi.spec import IFI_KEYS, agent_ifi
from xapi.store_errors import BadRequestError

# Roles of an agent in a statement, OR-ed into xapi_statement_agents.roles.
ROLE_ACTOR = 1
ROLE_OBJECT = 2
ROLE_MEMBER = 4
ROLE_AUTHORITY = 8
ROLE_INSTRUCTOR = 16
ROLE_TEAM = 32
ROLE_CONTEXT_AGENT = 64
ROLE_CONTEXT_GROUP = 128
ROLE_SUBSTATEMENT = 256


@lru_cache(maxsize=65536)
def _cached_key(prop: str, value: Any, home_page: Any = None) -> str | None:
    if prop == "account":
        ifi = agent_ifi({"account": {"homePage": home_page, "name": value}})
    else:
        ifi = agent_ifi({prop: value})
    return ifi.key if ifi is not None else None


def agent_key(agent: Mapping[str, Any]) -> str | None:
    """The canonical key of an Agent or Identified Group, or None for an Anonymous Group.

    The key is :attr:`xapi.spec.Ifi.key` (``mbox:mailto:x@example.org``,
    ``account:["https://home","name"]``), so storage and validation agree on identity.
    Keys are cached: the same few agents recur in every statement of a batch.
    """
    for prop in IFI_KEYS:
        if prop in agent:
            value = agent[prop]
            if prop == "account":
                if not isinstance(value, dict):
                    return None
                return _cached_key(prop, value.get("name"), value.get("homePage"))
            return _cached_key(prop, value) if isinstance(value, str) else None
    return None


def require_agent_key(agent: Any, *, name: str = "agent") -> str:
    """The key of an agent given as a request parameter.

    :raises BadRequestError: when ``agent`` is not an object with exactly one IFI.
    """
    if not isinstance(agent, Mapping):
        raise BadRequestError(f"{name} must be a JSON object")
    present = [p for p in IFI_KEYS if p in agent]
    if len(present) != 1:
        raise BadRequestError(f"{name} must have exactly one inverse functional identifier")
    value = agent[present[0]]
    if present == ["account"]:
        if not (
            isinstance(value, Mapping)
            and isinstance(value.get("homePage"), str)
            and isinstance(value.get("name"), str)
        ):
            raise BadRequestError(f"{name}.account needs homePage and name")
    elif not isinstance(value, str) or (present == ["mbox"] and not value.startswith("mailto:")):
        raise BadRequestError(f"{name}.{present[0]} is malformed")
    key = agent_key(agent)
    assert key is not None
    return key


def _add_with_members(
    out: list[tuple[Mapping[str, Any], int, bool]], agent: Any, role: int, direct: bool
) -> None:
    if not isinstance(agent, dict):
        return
    out.append((agent, role, direct))
    members = agent.get("member")
    if isinstance(members, list):
        member_role = role | ROLE_MEMBER
        for member in members:
            if isinstance(member, dict):
                out.append((member, member_role, direct))


def _statement_agents(
    statement: Mapping[str, Any], out: list[tuple[Mapping[str, Any], int, bool]], sub: bool
) -> list[tuple[Mapping[str, Any], int, bool]]:
    """The walk behind :func:`iter_statement_agents`, appending to a list (no generators:
    it runs for every statement stored)."""
    extra = ROLE_SUBSTATEMENT if sub else 0
    direct = not sub
    _add_with_members(out, statement.get("actor"), ROLE_ACTOR | extra, direct)
    obj = statement.get("object")
    if isinstance(obj, dict):
        kind = obj.get("objectType")
        if kind in ("Agent", "Group"):
            _add_with_members(out, obj, ROLE_OBJECT | extra, direct)
        elif kind == "SubStatement" and not sub:
            _statement_agents(obj, out, True)
    if not sub:
        _add_with_members(out, statement.get("authority"), ROLE_AUTHORITY, False)
    context = statement.get("context")
    if isinstance(context, dict):
        _add_with_members(out, context.get("instructor"), ROLE_INSTRUCTOR | extra, False)
        _add_with_members(out, context.get("team"), ROLE_TEAM | extra, False)
        for item in context.get("contextAgents") or ():
            if isinstance(item, dict):
                _add_with_members(out, item.get("agent"), ROLE_CONTEXT_AGENT | extra, False)
        for item in context.get("contextGroups") or ():
            if isinstance(item, dict):
                _add_with_members(out, item.get("group"), ROLE_CONTEXT_GROUP | extra, False)
    return out


def iter_statement_agents(
    statement: Mapping[str, Any],
) -> Iterator[tuple[Mapping[str, Any], int, bool]]:
    """Every agent and group object in a statement as ``(object, roles, is_direct)``.

    ``is_direct`` marks what the ``agent`` filter matches without ``related_agents``:
    the actor and an agent or group object, and the members of those groups, but not
    inside a SubStatement.
    """
    return iter(_statement_agents(statement, [], False))


def statement_agent_index(statement: Mapping[str, Any]) -> dict[str, tuple[int, bool]]:
    """``{agent key: (roles, is_direct)}`` for the statement's index rows."""
    index: dict[str, tuple[int, bool]] = {}
    for agent, role, direct in _statement_agents(statement, [], False):
        key = agent_key(agent)
        if key is None:
            continue
        found = index.get(key)
        index[key] = (role, direct) if found is None else (found[0] | role, found[1] or direct)
    return index


def person(agent: Mapping[str, Any], seen: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The Person object for ``agent``: its IFI and every name it was seen with.

    The LRS never links different IFIs to one person, so each IFI list has one entry;
    ``seen`` holds agent objects with the same key, newest first.
    """
    result: dict[str, Any] = {"objectType": "Person"}
    names: list[str] = []
    for candidate in [agent, *seen]:
        name = candidate.get("name")
        if isinstance(name, str) and name not in names:
            names.append(name)
    if names:
        result["name"] = names
    for prop in IFI_KEYS:
        if prop in agent:
            result[prop] = [agent[prop]]
            break
    return result
