"""ETag concurrency on the three document resources (Communication 3.1)."""

import json

import pytest

from tests.xapi.store_factories import HOME, T0, learner
from xapi import documents as docs
from xapi.store_errors import BadRequestError, ConflictError, PreconditionFailedError

KEYS = {
    "state": lambda: docs.state_key(f"{HOME}/a", learner("ada"), "s"),
    "activity_profile": lambda: docs.activity_profile_key(f"{HOME}/a", "profile"),
    "agent_profile": lambda: docs.agent_profile_key(learner("ada"), "profile"),
}


@pytest.fixture(params=sorted(KEYS))
def key(request):
    return KEYS[request.param]()


def put(conn, key, body, **headers):
    return docs.put_document(
        conn, key, json.dumps(body).encode(), "application/json", now=T0, **headers
    )


def content(conn, key):
    return json.loads(docs.get_document(conn, key).content)


def test_put_with_matching_if_match_replaces(conn, key):
    first = put(conn, key, {"v": 1})
    put(conn, key, {"v": 2}, if_match=first.etag)
    assert content(conn, key) == {"v": 2}


@pytest.mark.parametrize("tag", ['"1111111111111111111111111111111111111111"', "1234"])
def test_put_with_stale_if_match_fails(conn, key, tag):
    put(conn, key, {"v": 1})
    with pytest.raises(PreconditionFailedError) as caught:
        put(conn, key, {"v": 2}, if_match=tag)
    assert caught.value.status_code == 412
    assert content(conn, key) == {"v": 1}


def test_if_match_star_needs_an_existing_document(conn, key):
    with pytest.raises(PreconditionFailedError):
        put(conn, key, {"v": 1}, if_match="*")
    put(conn, key, {"v": 1})
    put(conn, key, {"v": 2}, if_match="*")
    assert content(conn, key) == {"v": 2}


def test_if_none_match_star_creates_only(conn, key):
    put(conn, key, {"v": 1}, if_none_match="*")
    with pytest.raises(PreconditionFailedError):
        put(conn, key, {"v": 2}, if_none_match="*")
    assert content(conn, key) == {"v": 1}


def test_weak_and_listed_etags_are_understood(conn, key):
    first = put(conn, key, {"v": 1})
    put(conn, key, {"v": 2}, if_match=f'"other", W/{first.etag}')
    assert content(conn, key) == {"v": 2}


def test_put_without_precondition_on_existing_document_conflicts_in_2_0(conn, key):
    put(conn, key, {"v": 1})
    with pytest.raises(ConflictError) as caught:
        put(conn, key, {"v": 2}, version="2.0.0")
    assert "If-Match" in caught.value.message
    assert content(conn, key) == {"v": 1}


@pytest.mark.parametrize("kind", ["agent_profile", "activity_profile"])
def test_profile_put_without_precondition_is_400_in_1_0_3(conn, kind):
    """Communication 2.6/2.7 (XAPI-00273/00287/00293): under 1.0.x a profile PUT needs
    If-Match or If-None-Match, whether the document exists or not."""
    key = KEYS[kind]()
    with pytest.raises(BadRequestError) as caught:
        put(conn, key, {"v": 1}, version="1.0.3")
    assert "If-None-Match" in caught.value.message
    created = put(conn, key, {"v": 1}, version="1.0.3", if_none_match="*")
    with pytest.raises(BadRequestError):
        put(conn, key, {"v": 2}, version="1.0.3")
    put(conn, key, {"v": 2}, version="1.0.3", if_match=created.etag)
    assert content(conn, key) == {"v": 2}


def test_post_and_delete_honour_if_match(conn, key):
    first = put(conn, key, {"v": 1})
    with pytest.raises(PreconditionFailedError):
        docs.post_document(conn, key, b'{"w": 1}', "application/json", now=T0, if_match='"x"')
    merged = docs.post_document(
        conn, key, b'{"w": 1}', "application/json", now=T0, if_match=first.etag
    )
    assert content(conn, key) == {"v": 1, "w": 1}
    with pytest.raises(PreconditionFailedError):
        docs.delete_document(conn, key, if_match=first.etag)
    docs.delete_document(conn, key, if_match=merged.etag)
    with pytest.raises(PreconditionFailedError):
        docs.delete_document(conn, key, if_match="*")


def test_post_without_headers_on_existing_document_merges(conn, key):
    put(conn, key, {"v": 1})
    docs.post_document(conn, key, b'{"w": 2}', "application/json", now=T0)
    assert content(conn, key) == {"v": 1, "w": 2}


def test_profile_ids_are_listed_per_activity_and_agent(conn):
    docs.put_document(
        conn, docs.activity_profile_key(f"{HOME}/a", "p1"), b"x", "text/plain", now=T0
    )
    docs.put_document(
        conn, docs.activity_profile_key(f"{HOME}/b", "p2"), b"x", "text/plain", now=T0
    )
    docs.put_document(
        conn, docs.agent_profile_key(learner("ada"), "p3"), b"x", "text/plain", now=T0
    )
    listed = docs.list_document_ids(conn, docs.ACTIVITY_PROFILE, activity_id=f"{HOME}/a")
    assert listed.ids == ["p1"]
    assert docs.list_document_ids(conn, docs.AGENT_PROFILE, agent=learner("ada")).ids == ["p3"]
