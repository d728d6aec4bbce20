"""State documents: single and multiple operations, registrations, JSON merge on POST."""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest

from tests.xapi.store_factories import HOME, T0, learner
from xapi import documents as docs
from xapi.store_errors import BadRequestError, ConflictError, NotFoundError

ACTIVITY = f"{HOME}/courses/brakes/lessons/1"
ADA = learner("ada")


def key(state_id="progress", registration=None, agent=ADA):
    return docs.state_key(ACTIVITY, agent, state_id, registration)


def put(conn, k, body, content_type="application/json", version="2.0.0", **headers):
    return docs.put_document(
        conn, k, json.dumps(body).encode(), content_type, now=T0, version=version, **headers
    )


def test_put_then_get(conn):
    stored = put(conn, key(), {"page": 3})
    got = docs.get_document(conn, key())
    assert json.loads(got.content) == {"page": 3}
    assert got.content_type == "application/json"
    assert got.etag == stored.etag == f'"{hashlib.sha1(got.content).hexdigest()}"'
    assert got.updated == T0


def test_missing_document_is_not_found(conn):
    with pytest.raises(NotFoundError):
        docs.get_document(conn, key())


def test_agent_is_identified_by_ifi_only(conn):
    put(conn, key(agent=learner("ada", name="Ada")), {"page": 1})
    assert json.loads(docs.get_document(conn, key()).content) == {"page": 1}


@pytest.mark.parametrize(
    ("activity_id", "agent", "state_id", "registration"),
    [
        (None, ADA, "s", None),
        (ACTIVITY, None, "s", None),
        (ACTIVITY, {"name": "no ifi"}, "s", None),
        (ACTIVITY, ADA, None, None),
        (ACTIVITY, ADA, "s", "not-a-uuid"),
    ],
)
def test_state_key_needs_its_parameters(activity_id, agent, state_id, registration):
    with pytest.raises(BadRequestError):
        docs.state_key(activity_id, agent, state_id, registration)


def test_put_over_existing_without_precondition(conn):
    put(conn, key(), {"page": 1})
    with pytest.raises(ConflictError):
        put(conn, key(), {"page": 2}, version="2.0.0")
    put(conn, key(), {"page": 2}, version="1.0.3")  # 1.0.3 lets State PUT overwrite
    assert json.loads(docs.get_document(conn, key()).content) == {"page": 2}


def test_registration_separates_documents(conn):
    registration = str(uuid.uuid4())
    put(conn, key(), {"plain": True})
    put(conn, key(registration=registration), {"registered": True})
    assert json.loads(docs.get_document(conn, key()).content) == {"plain": True}
    assert json.loads(docs.get_document(conn, key(registration=registration)).content) == {
        "registered": True
    }


def test_post_creates_then_merges_top_level_properties(conn):
    docs.post_document(conn, key(), b'{"x": "foo", "y": {"a": 1}}', "application/json", now=T0)
    merged = docs.post_document(
        conn,
        key(),
        b'{"x": "bash", "y": {"b": 2}, "z": "faz"}',
        "application/json; charset=utf-8",
        now=T0 + timedelta(seconds=1),
    )
    assert json.loads(merged.content) == {"x": "bash", "y": {"b": 2}, "z": "faz"}
    got = docs.get_document(conn, key())
    assert got.etag == merged.etag and got.updated == T0 + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("existing", "posted", "posted_type"),
    [
        (b'{"a": 1}', b"[1, 2]", "application/json"),
        (b'{"a": 1}', b"not json", "application/json"),
        (b'{"a": 1}', b'{"b": 2}', "text/plain"),
        (b"plain text", b'{"b": 2}', "application/json"),
    ],
)
def test_post_merge_needs_two_json_objects(conn, existing, posted, posted_type):
    existing_type = "application/json" if existing.startswith(b"{") else "text/plain"
    docs.post_document(conn, key(), existing, existing_type, now=T0)
    with pytest.raises(BadRequestError):
        docs.post_document(conn, key(), posted, posted_type, now=T0)
    assert docs.get_document(conn, key()).content == existing


def test_binary_documents_keep_their_bytes(conn):
    content = bytes(range(256))
    docs.put_document(conn, key(), content, "application/octet-stream", now=T0)
    got = docs.get_document(conn, key())
    assert got.content == content and got.content_type == "application/octet-stream"


def test_list_ids_since_and_last_modified(conn):
    for minute, state_id in enumerate(["a", "b", "c"]):
        docs.put_document(
            conn, key(state_id), b"{}", "application/json", now=T0 + timedelta(minutes=minute)
        )
    listed = docs.list_document_ids(conn, docs.STATE, activity_id=ACTIVITY, agent=ADA)
    assert listed.ids == ["a", "b", "c"]
    assert listed.last_modified == T0 + timedelta(minutes=2)
    since = docs.list_document_ids(
        conn, docs.STATE, activity_id=ACTIVITY, agent=ADA, since=T0 + timedelta(minutes=1)
    )
    assert since.ids == ["c"]


def test_list_and_delete_without_registration_cover_all_registrations(conn):
    registration = str(uuid.uuid4())
    put(conn, key("a"), {})
    put(conn, key("b", registration=registration), {})
    put(conn, key("c", agent=learner("bob")), {})
    only_registered = docs.list_document_ids(
        conn, docs.STATE, activity_id=ACTIVITY, agent=ADA, registration=registration
    )
    assert only_registered.ids == ["b"]
    assert docs.list_document_ids(conn, docs.STATE, activity_id=ACTIVITY, agent=ADA).ids == [
        "a",
        "b",
    ]
    assert docs.delete_documents(conn, activity_id=ACTIVITY, agent=ADA) == 2
    assert docs.list_document_ids(conn, docs.STATE, activity_id=ACTIVITY, agent=ADA).ids == []
    assert docs.get_document(conn, key("c", agent=learner("bob")))


def test_delete_single_document(conn):
    put(conn, key(), {})
    docs.delete_document(conn, key())
    docs.delete_document(conn, key())  # deleting nothing is fine
    with pytest.raises(NotFoundError):
        docs.get_document(conn, key())


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_post_creating_a_json_document_must_be_json(conn, content_type):
    """Communication 2.3/2.6/2.7 (XAPI-00235/00284/00314): a POST sent as application/json
    that is not JSON is 400, also when it would create the document; nothing is stored."""
    with pytest.raises(BadRequestError) as caught:
        docs.post_document(conn, key(), b'{"page": ', content_type, now=T0)
    assert "not valid JSON" in caught.value.message
    with pytest.raises(NotFoundError):
        docs.get_document(conn, key())
    docs.post_document(conn, key(), b"not json", "text/plain", now=T0)
    assert docs.get_document(conn, key()).content == b"not json"
