"""Model helpers: agent identifiers, the ids format, one language per map."""

import hashlib

from xapi import validate_statement
from xapi.spec import (
    agent_ifi,
    canonical_languages,
    ids_format,
    is_anonymous_group,
    mbox_sha1sum,
    parse_accept_language,
    pick_language,
)

from .samples import anonymous_group, full_statement, identified_group, statement, substatement


def test_agent_ifi_is_canonical():
    assert agent_ifi({"mbox": "mailto:Anna@Example.COM"}).key == "mbox:mailto:Anna@example.com"
    assert agent_ifi({"mbox_sha1sum": "ABC"}).key == "mbox_sha1sum:abc"
    assert agent_ifi({"openid": "http://o.org/x"}).value == "http://o.org/x"
    ifi = agent_ifi({"account": {"name": "42", "homePage": "https://x.org"}})
    assert ifi.key == 'account:["https://x.org","42"]'
    assert agent_ifi(anonymous_group()) is None
    assert agent_ifi(identified_group()).kind == "mbox"


def test_anonymous_group():
    assert is_anonymous_group(anonymous_group())
    assert not is_anonymous_group(identified_group())
    assert not is_anonymous_group({"mbox": "mailto:a@b.org"})


def test_mbox_sha1sum_hashes_the_normalised_mbox():
    expected = hashlib.sha1(b"mailto:anna@example.com").hexdigest()
    assert mbox_sha1sum("mailto:anna@EXAMPLE.com") == expected


def test_ids_format_keeps_only_identifiers():
    document = full_statement()
    document["object"] = substatement(actor=identified_group())
    del document["context"]["platform"]  # only allowed with an Activity object
    reduced = ids_format(document)
    assert reduced["actor"] == {"objectType": "Group", "mbox": "mailto:teampb@example.com"}
    assert reduced["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert reduced["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
    }
    assert reduced["object"]["actor"] == reduced["actor"]
    activities = reduced["context"]["contextActivities"]
    assert activities["other"] == [{"id": "http://www.example.com/meetings/occurances/34257"}]
    assert "definition" not in activities["category"][0]
    assert reduced["context"]["instructor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://campus.example.com", "name": "u-1625378"},
    }
    validate_statement(reduced)
    anonymous = ids_format(statement(actor=anonymous_group()))
    assert anonymous["actor"]["member"][1] == {
        "objectType": "Agent",
        "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
    }
    assert ids_format(statement())["object"] == {"id": statement()["object"]["id"]}


def test_ids_format_reduces_activities_to_their_id_in_substatements_too():
    """Communication 2.1.3, XAPI-00171: an Activity in format=ids is ``{"id": …}`` only."""
    sub = substatement()
    sub["object"] = {"objectType": "Activity", "id": "http://x.org/a",
                     "definition": {"name": {"en": "A"}}}
    sub["context"] = {"contextActivities": {"parent": {"id": "http://x.org/p",
                                                        "objectType": "Activity"}}}
    reduced = ids_format(statement(object=sub))
    assert reduced["object"]["object"] == {"id": "http://x.org/a"}
    assert reduced["object"]["context"]["contextActivities"] == {"parent": [{"id": "http://x.org/p"}]}


def test_parse_accept_language():
    assert parse_accept_language("de-CH, en;q=0.5, fr;q=0.8, *;q=0.1") == ["de-CH", "fr", "en"]
    assert parse_accept_language(None) == []
    assert parse_accept_language("en;q=0, de;q=x") == []


def test_pick_language_prefers_exact_then_same_language_then_und():
    names = {"en-US": "Lesson", "de-DE": "Lektion", "und": "L"}
    assert pick_language(names, ["de-DE"]) == {"de-DE": "Lektion"}
    assert pick_language(names, ["de-CH", "en"]) == {"de-DE": "Lektion"}
    assert pick_language(names, ["fr"]) == {"und": "L"}
    assert pick_language({"en": "a", "de": "b"}, []) == {"de": "b"}
    assert pick_language({"en": "a"}, ["de"]) == {"en": "a"}


def test_canonical_languages_reduces_every_map():
    document = full_statement()
    reduced = canonical_languages(document, ["en-US"])
    assert reduced["verb"]["display"] == {"en-US": "attended"}
    assert reduced["object"]["definition"]["name"] == {"en-US": "example meeting"}
    assert reduced["attachments"][0]["display"] == {"en-US": "A test attachment"}
    assert document["verb"]["display"] == {"en-GB": "attended", "en-US": "attended"}
    validate_statement(reduced)
