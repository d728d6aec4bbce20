"""Agents, Groups and the authority: object types, inverse functional identifiers, members."""

from typing import Any

from xapi.validation.core import (
    check_keys,
    fail,
    require_dict,
    require_str,
    wrong_type,
)
from xapi.validation.identifiers import is_iri, is_irl, is_mailto, is_sha1_hex

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = frozenset({"objectType", "name", *IFIS})
GROUP_KEYS = AGENT_KEYS | {"member"}
ACCOUNT_KEYS = frozenset({"homePage", "name"})

ACTOR_OBJECT = "Data-2.4.2/actor-object"
ACTOR_OBJECT_TYPE = "Data-2.4.2/actor-object-type"
AGENT_ONE_IFI = "Data-2.4.2.1.s2.b1/agent-one-ifi"
GROUP_ONE_IFI = "XAPI-00037/group-one-ifi"
MEMBER_ARRAY = "XAPI-00036/member-array"
MEMBER_OUTSIDE_GROUP = "XAPI-00035/member-outside-group"
ANONYMOUS_GROUP_MEMBERS = "XAPI-00035/anonymous-group-member"
NESTED_GROUP = "Data-2.4.2.2.s4.b2/group-in-member"
MBOX = "XAPI-00038/mbox-format"
MBOX_SHA1SUM = "XAPI-00039/mbox-sha1sum-format"
OPENID = "Data-2.4.2.3.s3.table1.row3/openid-uri"
ACCOUNT = "Data-2.4.2.4/account-object"
ACCOUNT_HOMEPAGE = "Data-2.4.2.4.s2.table1.row1/account-homepage"
ACCOUNT_NAME = "Data-2.4.2.4.s2.table1.row2/account-name"
NAME = "Data-2.4.2.1.s2.table1.row2/name"
AUTHORITY = "XAPI-00024/authority-type"
AUTHORITY_GROUP = "XAPI-00098/authority-group"


def check_actor(value: Any, pointer: str, what: str, rule: str = ACTOR_OBJECT) -> str:
    """An Agent or a Group; returns which. A missing objectType means Agent (Data 2.4.2.1)."""
    actor = require_dict(value, rule, pointer, what)
    if "objectType" not in actor:
        check_agent(actor, pointer, what)
        return "Agent"
    object_type = actor["objectType"]
    if object_type == "Agent":
        check_agent(actor, pointer, what)
    elif object_type == "Group":
        check_group(actor, pointer, what)
    else:
        bad_object_type(object_type, ("Agent", "Group"), ACTOR_OBJECT_TYPE, pointer, what)
    return object_type


def check_agent(agent: dict, pointer: str, what: str) -> None:
    """An Agent: exactly one IFI, optional name (Data 2.4.2.1)."""
    if "member" in agent:
        fail(
            MEMBER_OUTSIDE_GROUP,
            f"{pointer}/member",
            f"{what} is an Agent; only a Group (objectType 'Group') has members.",
        )
    check_keys(agent, AGENT_KEYS, pointer, what)
    if "name" in agent:
        require_str(agent["name"], NAME, f"{pointer}/name", f"{what} name")
    if _check_ifi(agent, pointer, what, AGENT_ONE_IFI) == 0:
        fail(
            AGENT_ONE_IFI,
            pointer,
            f"{what} needs one inverse functional identifier: mbox, mbox_sha1sum, openid "
            "or account.",
        )


def check_group(group: dict, pointer: str, what: str) -> int:
    """A Group, anonymous or identified (Data 2.4.2.2); returns the number of IFIs (0 or 1)."""
    check_keys(group, GROUP_KEYS, pointer, what)
    if "name" in group:
        require_str(group["name"], NAME, f"{pointer}/name", f"{what} name")
    ifi_count = _check_ifi(group, pointer, what, GROUP_ONE_IFI)
    if "member" in group:
        members = group["member"]
        if type(members) is not list:
            wrong_type(members, "an array of Agents", MEMBER_ARRAY, f"{pointer}/member", "member")
        for index, member in enumerate(members):
            member_pointer = f"{pointer}/member/{index}"
            agent = require_dict(member, MEMBER_ARRAY, member_pointer, "a group member")
            if "objectType" in agent and agent["objectType"] != "Agent":
                if agent["objectType"] == "Group":
                    fail(
                        NESTED_GROUP,
                        member_pointer,
                        "a Group's members must be Agents, not Groups.",
                    )
                bad_object_type(
                    agent["objectType"], ("Agent",), ACTOR_OBJECT_TYPE, member_pointer, "member"
                )
            check_agent(agent, member_pointer, "group member")
        if ifi_count == 0 and not members:
            fail(ANONYMOUS_GROUP_MEMBERS, f"{pointer}/member", "an anonymous Group needs members.")
    elif ifi_count == 0:
        fail(
            ANONYMOUS_GROUP_MEMBERS,
            f"{pointer}/member",
            f"{what} is an anonymous Group (no inverse functional identifier), so it must "
            "list its members.",
        )
    return ifi_count


def check_authority(value: Any, pointer: str) -> None:
    """An Agent, or an anonymous Group of exactly two Agents for 3-legged OAuth (Data 2.4.9)."""
    authority = require_dict(value, AUTHORITY, pointer, "authority")
    if authority.get("objectType") == "Group":
        if check_group(authority, pointer, "authority") != 0:
            fail(
                AUTHORITY_GROUP,
                pointer,
                "an authority Group must be anonymous: an application and a user as its two "
                "members, no identifier of its own.",
            )
        if len(authority.get("member", ())) != 2:
            fail(
                AUTHORITY_GROUP, f"{pointer}/member", "an authority Group has exactly two members."
            )
        return
    check_actor(authority, pointer, "authority", AUTHORITY)


def bad_object_type(value: Any, allowed: tuple[str, ...], rule: str, pointer: str, what: str):
    if type(value) is not str:
        wrong_type(value, "a string", rule, f"{pointer}/objectType", f"{what} objectType")
    choices = " or ".join(repr(a) for a in allowed)
    hint = ""
    for name in allowed:
        if name.lower() == value.lower():
            hint = " (values are case-sensitive)"
    fail(
        rule, f"{pointer}/objectType", f"{what} objectType must be {choices}, not {value!r}{hint}."
    )


def _check_ifi(actor: dict, pointer: str, what: str, rule: str) -> int:
    found = [key for key in IFIS if key in actor]
    if len(found) > 1:
        fail(
            rule,
            f"{pointer}/{found[1]}",
            f"{what} has {' and '.join(found)}; exactly one inverse functional identifier "
            "is allowed.",
        )
    if not found:
        return 0
    key = found[0]
    value = actor[key]
    ifi_pointer = f"{pointer}/{key}"
    if key == "mbox":
        if type(value) is not str:
            wrong_type(value, "a string", MBOX, ifi_pointer, "mbox")
        if not is_mailto(value):
            fail(MBOX, ifi_pointer, f"mbox must be 'mailto:' and an e-mail address, not {value!r}.")
    elif key == "mbox_sha1sum":
        if type(value) is not str:
            wrong_type(value, "a string", MBOX_SHA1SUM, ifi_pointer, "mbox_sha1sum")
        if not is_sha1_hex(value):
            fail(MBOX_SHA1SUM, ifi_pointer, "mbox_sha1sum must be 40 hexadecimal digits.")
    elif key == "openid":
        if type(value) is not str:
            wrong_type(value, "a string", OPENID, ifi_pointer, "openid")
        if not is_iri(value):
            fail(OPENID, ifi_pointer, f"openid {value!r} is not an absolute URI.")
    else:
        _check_account(value, ifi_pointer)
    return 1


def _check_account(value: Any, pointer: str) -> None:
    account = require_dict(value, ACCOUNT, pointer, "account")
    check_keys(account, ACCOUNT_KEYS, pointer, "account")
    if "homePage" not in account:
        fail(ACCOUNT_HOMEPAGE, f"{pointer}/homePage", "account homePage is required.")
    home_page = account["homePage"]
    if type(home_page) is not str:
        wrong_type(home_page, "an IRL string", ACCOUNT_HOMEPAGE, f"{pointer}/homePage", "homePage")
    if not is_irl(home_page):
        fail(ACCOUNT_HOMEPAGE, f"{pointer}/homePage", f"homePage {home_page!r} is not an IRL.")
    if "name" not in account:
        fail(ACCOUNT_NAME, f"{pointer}/name", "account name is required.")
    name = account["name"]
    if type(name) is not str:
        wrong_type(name, "a string", ACCOUNT_NAME, f"{pointer}/name", "account name")
    if not name:
        fail(ACCOUNT_NAME, f"{pointer}/name", "account name must not be empty.")
