"""Agents, Groups, inverse functional identifiers, accounts and the authority."""

import pytest

from xapi import validate_statement

from .samples import (
    VERSIONS,
    account_agent,
    agent,
    anonymous_group,
    expect_invalid,
    identified_group,
    statement,
)

SHA1 = "cd9b00a5611f94eaa7b1661edab976068e364975"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "actor",
    [
        {"mbox": "mailto:xapi@adlnet.gov"},
        {"mbox": "mailto:first.last+tag@sub.example.co.uk", "name": "First Last"},
        {"mbox": "mailto:jürgen@münchen.example"},
        {"mbox_sha1sum": SHA1},
        {"mbox_sha1sum": SHA1.upper()},
        {"openid": "http://openid.example.org/12345"},
        {"objectType": "Agent", **account_agent()},
        identified_group(),
        anonymous_group(),
        {"objectType": "Group", "openid": "http://openid.example.org/g"},
        {"objectType": "Group", "account": {"homePage": "http://x.org", "name": "g"}, "member": []},
    ],
)
def test_valid_actors(actor, version):
    validate_statement(statement(actor=actor), version)


@pytest.mark.parametrize(
    ("actor", "rule", "pointer"),
    [
        ({}, "Data-2.4.2.1.s2.b1/agent-one-ifi", "/actor"),
        ({"name": "No IFI"}, "Data-2.4.2.1.s2.b1/agent-one-ifi", "/actor"),
        (
            {"mbox": "mailto:a@example.com", "openid": "http://o.example.org/a"},
            "Data-2.4.2.1.s2.b1/agent-one-ifi",
            "/actor/openid",
        ),
        ({"mbox": "http://should.fail.com"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": "mailto:should.fail.com"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": "a@example.com"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": "mailto:a@@example.com"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": "mailto:a b@example.com"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": "mailto:"}, "XAPI-00038/mbox-format", "/actor/mbox"),
        ({"mbox": ["mailto:a@example.com"]}, "XAPI-00038/mbox-format", "/actor/mbox"),
        (
            {"mbox_sha1sum": {"key": "value"}},
            "XAPI-00039/mbox-sha1sum-format",
            "/actor/mbox_sha1sum",
        ),
        ({"mbox_sha1sum": SHA1[:-1]}, "XAPI-00039/mbox-sha1sum-format", "/actor/mbox_sha1sum"),
        (
            {"mbox_sha1sum": SHA1[:-1] + "g"},
            "XAPI-00039/mbox-sha1sum-format",
            "/actor/mbox_sha1sum",
        ),
        (
            {"openid": "open.id.com/testUser"},
            "Data-2.4.2.3.s3.table1.row3/openid-uri",
            "/actor/openid",
        ),
        ({"account": "u1"}, "Data-2.4.2.4/account-object", "/actor/account"),
        (
            {"account": {"name": "u1"}},
            "Data-2.4.2.4.s2.table1.row1/account-homepage",
            "/actor/account/homePage",
        ),
        (
            {"account": {"homePage": "homePage.com/testUser", "name": "123456"}},
            "Data-2.4.2.4.s2.table1.row1/account-homepage",
            "/actor/account/homePage",
        ),
        (
            {"account": {"homePage": "ab=c://should.fail.com", "name": "1"}},
            "Data-2.4.2.4.s2.table1.row1/account-homepage",
            "/actor/account/homePage",
        ),
        (
            {"account": {"homePage": "http://x.org"}},
            "Data-2.4.2.4.s2.table1.row2/account-name",
            "/actor/account/name",
        ),
        (
            {"account": {"homePage": "http://x.org", "name": {"key": "x"}}},
            "Data-2.4.2.4.s2.table1.row2/account-name",
            "/actor/account/name",
        ),
        (
            {"account": {"homePage": "http://x.org", "name": ""}},
            "Data-2.4.2.4.s2.table1.row2/account-name",
            "/actor/account/name",
        ),
        (
            {"account": {"homePage": "http://x.org", "name": "1", "mbox": "mailto:a@b.org"}},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/actor/account/mbox",
        ),
        (
            {"mbox": "mailto:a@example.com", "name": 123},
            "Data-2.4.2.1.s2.table1.row2/name",
            "/actor/name",
        ),
        (
            {"objectType": "agent", "mbox": "mailto:a@example.com"},
            "Data-2.4.2/actor-object-type",
            "/actor/objectType",
        ),
        (
            {"objectType": "Activity", "id": "http://x.org/a"},
            "Data-2.4.2/actor-object-type",
            "/actor/objectType",
        ),
        (
            {"objectType": 123, "mbox": "mailto:a@example.com"},
            "Data-2.4.2/actor-object-type",
            "/actor/objectType",
        ),
        (
            {"mbox": "mailto:a@example.com", "member": [agent()]},
            "XAPI-00035/member-outside-group",
            "/actor/member",
        ),
        ({"mbox": "mailto:a@example.com", "Name": "x"}, "XAPI-00008/key-case", "/actor/Name"),
        ("mailto:a@example.com", "Data-2.4.2/actor-object", "/actor"),
    ],
)
def test_agent_rules(actor, rule, pointer):
    expect_invalid(statement(actor=actor), rule, pointer)


@pytest.mark.parametrize(
    ("group", "rule", "pointer"),
    [
        ({"objectType": "Group"}, "XAPI-00035/anonymous-group-member", "/actor/member"),
        (
            {"objectType": "Group", "member": []},
            "XAPI-00035/anonymous-group-member",
            "/actor/member",
        ),
        ({"objectType": "Group", "member": agent()}, "XAPI-00036/member-array", "/actor/member"),
        (
            {"objectType": "Group", "member": ["mailto:a@b.org"]},
            "XAPI-00036/member-array",
            "/actor/member/0",
        ),
        (
            {"objectType": "Group", "member": [agent(), {"name": "no ifi"}]},
            "Data-2.4.2.1.s2.b1/agent-one-ifi",
            "/actor/member/1",
        ),
        (
            {"objectType": "Group", "member": [anonymous_group()]},
            "Data-2.4.2.2.s4.b2/group-in-member",
            "/actor/member/0",
        ),
        (
            {**identified_group(), "member": [identified_group()]},
            "Data-2.4.2.2.s4.b2/group-in-member",
            "/actor/member/0",
        ),
        (
            {"objectType": "Group", "mbox": "mailto:g@example.com", "openid": "http://o.org/g"},
            "XAPI-00037/group-one-ifi",
            "/actor/openid",
        ),
        (
            {"objectType": "Group", "mbox": "mailto:should.fail.com"},
            "XAPI-00038/mbox-format",
            "/actor/mbox",
        ),
        (
            {"objectType": "Group", "member": [agent(objectType="Person")]},
            "Data-2.4.2/actor-object-type",
            "/actor/member/0/objectType",
        ),
    ],
)
def test_group_rules(group, rule, pointer):
    expect_invalid(statement(actor=group), rule, pointer)


@pytest.mark.parametrize("version", VERSIONS)
def test_group_as_object_follows_group_rules(version):
    expect_invalid(
        statement(object={"objectType": "Group"}),
        "XAPI-00035/anonymous-group-member",
        "/object/member",
        version,
    )


# --- authority -----------------------------------------------------------------------------------


def oauth_pair():
    return {
        "objectType": "Group",
        "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_x75db"}},
            {"mbox": "mailto:bob@example.com"},
        ],
    }


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("authority", [agent(), {"mbox": "mailto:lrs@example.com"}, oauth_pair()])
def test_valid_authorities(authority, version):
    validate_statement(statement(authority=authority), version)


@pytest.mark.parametrize(
    ("authority", "rule", "pointer"),
    [
        (
            {**oauth_pair(), "mbox": "mailto:bob@example.com"},
            "XAPI-00098/authority-group",
            "/authority",
        ),
        (
            {**oauth_pair(), "account": {"homePage": "http://www.example.com", "name": "x"}},
            "XAPI-00098/authority-group",
            "/authority",
        ),
        (
            {"objectType": "Group", "member": [agent()]},
            "XAPI-00098/authority-group",
            "/authority/member",
        ),
        (
            {"objectType": "Group", "member": [agent(), agent(), agent()]},
            "XAPI-00098/authority-group",
            "/authority/member",
        ),
        ({"objectType": "Group"}, "XAPI-00035/anonymous-group-member", "/authority/member"),
        ("lrs", "XAPI-00024/authority-type", "/authority"),
        ({"objectType": "Activity"}, "Data-2.4.2/actor-object-type", "/authority/objectType"),
        ({"mbox": "mailto:should.fail.com"}, "XAPI-00038/mbox-format", "/authority/mbox"),
    ],
)
def test_authority_rules(authority, rule, pointer):
    expect_invalid(statement(authority=authority), rule, pointer)
