"""PUT and POST statements: stored as sent, batches all or nothing, errors with their pointer."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from tests.lms.lrs.builders import LESSON, statement
from xapi.store_sql import statements as statements_table


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(statements_table))


def stored(statement_id: str) -> dict:
    row = db.session.execute(
        select(statements_table.c.statement).where(statements_table.c.id == statement_id)
    ).scalar_one()
    return json.loads(row)


def test_put_stores_the_statement_with_the_clients_authority(xapi, make_client):
    client, _auth = make_client("statements/write", name="Kursplayer")
    sent = statement(authority={"objectType": "Agent", "mbox": "mailto:forged@example.org"})
    response = xapi.put("statements", params={"statementId": sent["id"]}, json=sent)
    assert response.status_code == 204
    kept = stored(sent["id"])
    assert kept["actor"] == sent["actor"] and kept["object"] == sent["object"]
    assert kept["authority"]["account"]["name"] != "forged"
    assert kept["authority"]["account"]["homePage"] == "http://localhost"
    assert kept["version"] == "2.0.0" and "stored" in kept


def test_put_answers_204_for_an_identical_resend_and_409_for_other_content(xapi):
    sent = statement()
    assert xapi.put("statements", params={"statementId": sent["id"]}, json=sent).status_code == 204
    assert xapi.put("statements", params={"statementId": sent["id"]}, json=sent).status_code == 204
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    conflict = xapi.put("statements", params={"statementId": sent["id"]}, json=changed)
    assert conflict.status_code == 409
    assert conflict.json["error"] == "conflict"
    assert stored(sent["id"])["verb"]["id"] == sent["verb"]["id"]


@pytest.mark.parametrize(("params", "rule"), [
    ({}, "Communication-2.1.1/statement-id-required"),
    ({"StatementId": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"},
     "Communication-3.2.s2.b1/unknown-parameter"),
    ({"statementId": "not-a-uuid"}, "store/bad-request"),
])
def test_put_needs_a_statement_id_parameter(xapi, params, rule):
    response = xapi.put("statements", params=params, json=statement())
    assert response.status_code == 400
    assert response.json["rule"] == rule
    assert stored_count() == 0


def test_put_refuses_a_body_id_that_differs_from_the_parameter(xapi):
    sent = statement()
    other = statement()["id"]
    response = xapi.put("statements", params={"statementId": other}, json=sent)
    assert response.status_code == 400
    assert stored_count() == 0


def test_post_returns_ids_in_order_and_assigns_missing_ones(xapi):
    first, second = statement(), statement(id=None)
    response = xapi.post("statements", json=[first, second])
    assert response.status_code == 200
    ids = response.json
    assert ids[0] == first["id"] and len(ids) == 2 and ids[1] != first["id"]
    assert stored(ids[1])["id"] == ids[1]


def test_post_single_statement_object(xapi):
    sent = statement()
    response = xapi.post("statements", json=sent)
    assert response.status_code == 200 and response.json == [sent["id"]]


def test_batch_with_one_invalid_statement_stores_nothing(xapi):
    broken = statement()
    broken["actor"] = {"objectType": "Agent", "mbox": "learner@example.org"}
    response = xapi.post("statements", json=[statement(), broken, statement()])
    assert response.status_code == 400
    body = response.json
    assert body["error"] == "invalid statement"
    assert body["pointer"] == "/1/actor/mbox"
    assert body["rule"].startswith("XAPI-00038")
    assert set(body) >= {"error", "rule", "pointer", "message"}
    assert stored_count() == 0


def test_single_statement_pointer_has_no_index(xapi):
    broken = statement(verb={"id": "not an iri"})
    response = xapi.post("statements", json=broken)
    assert response.status_code == 400
    assert response.json["pointer"] == "/verb/id"


def test_batch_conflicting_with_a_stored_statement_stores_nothing(xapi):
    kept = statement()
    xapi.post("statements", json=kept)
    fresh = statement()
    response = xapi.post("statements", json=[fresh, {**kept, "verb": {"id": "http://x.example/v"}}])
    assert response.status_code == 409
    assert stored_count() == 1


def test_batch_with_duplicate_ids_is_refused(xapi):
    twice = statement()
    response = xapi.post("statements", json=[twice, twice])
    assert response.status_code == 400
    assert stored_count() == 0


@pytest.mark.parametrize(("body", "content_type", "rule"), [
    ("{not json", "application/json", "Communication-1.5.1/json"),
    ("", "application/json", "Communication-1.5.1/json"),
    ('{"id": 1}', "text/plain", "Communication-1.5/statement-content-type"),
    ('{"id": 1}', "multipart/form-data; boundary=x", "Communication-1.5/statement-content-type"),
    ("NaN", "application/json", "Communication-1.5.1/json"),
    ("42", "application/json", "Communication-2.1.2/statements"),
])
def test_post_refuses_bodies_that_are_not_statements(xapi, body, content_type, rule):
    response = xapi.post("statements", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json["rule"] == rule


def test_post_refuses_query_parameters(xapi):
    response = xapi.post("statements", params={"verb": LESSON}, json=statement())
    assert response.status_code == 400
    assert stored_count() == 0


def test_unsupported_method_is_405_with_allow_header(xapi):
    response = xapi.delete("statements")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, PUT, HEAD"


def test_statements_of_1_0_3_clients_get_version_1_0_0(caller, make_client):
    _client, auth = make_client("all")
    old = caller(auth, "1.0.3")
    sent = statement()
    response = old.post("statements", json=sent)
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert stored(sent["id"])["version"] == "1.0.0"


def test_2_0_rules_apply_to_2_0_requests(caller, make_client):
    _client, auth = make_client("all")
    no_offset = statement(timestamp="2024-05-01T10:00:00")
    assert caller(auth, "1.0.3").post("statements", json=no_offset).status_code == 200
    again = statement(timestamp="2024-05-01T10:00:00")
    response = caller(auth, "2.0.0").post("statements", json=again)
    assert response.status_code == 400 and response.json["pointer"] == "/timestamp"


def test_body_over_the_limit_is_413(app, xapi):
    app.config["ATLAS_LRS_MAX_BODY"] = 2000
    try:
        response = xapi.post("statements", json=[statement() for _ in range(10)])
    finally:
        app.config["ATLAS_LRS_MAX_BODY"] = 16 * 1024 * 1024
    assert response.status_code == 413
    assert response.json["error"] == "request too large"
    assert stored_count() == 0


def test_statements_stored_hook_hears_new_statements_only(app, xapi):
    heard = []

    class Listener:
        from lms.plugins import hookimpl

        @hookimpl
        def lms_statements_stored(self, statements, now):
            heard.append([s["id"] for s in statements])

    manager = app.extensions["atlas_plugins"]
    listener = Listener()
    manager.register(listener)
    try:
        sent = statement()
        xapi.post("statements", json=[sent])
        xapi.post("statements", json=[sent])
    finally:
        manager.unregister(listener)
    assert heard == [[sent["id"]]]


def test_consistent_through_on_every_statement_response(xapi):
    """Communication 2.1 / XAPI-00157: the Statement resource's responses carry
    X-Experience-API-Consistent-Through, PUT and POST (and their errors) too."""
    sent = statement()
    put = xapi.put("statements", params={"statementId": sent["id"]}, json=sent)
    posted = xapi.post("statements", json=[statement()])
    refused = xapi.post("statements", json={"verb": {}})
    for response in (put, posted, refused):
        through = response.headers["X-Experience-API-Consistent-Through"]
        assert datetime.fromisoformat(through.replace("Z", "+00:00")).tzinfo is not None
    assert (put.status_code, posted.status_code, refused.status_code) == (204, 200, 400)
