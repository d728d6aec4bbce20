"""GET statements: by id, voided ones, filters, formats, paging with ``more``, headers."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from werkzeug.http import parse_date

from tests.lms.lrs.builders import ATTEMPTED, COURSE, LESSON, learner, statement, voiding


def post(xapi, *statements):
    response = xapi.post("statements", json=list(statements))
    assert response.status_code == 200, response.json
    return response.json


def ids_of(response):
    assert response.status_code == 200, response.json
    return [s["id"] for s in response.json["statements"]]


def test_get_by_id_returns_the_statement_with_headers(xapi):
    sent = statement()
    post(xapi, sent)
    response = xapi.get("statements", params={"statementId": sent["id"].upper()})
    assert response.status_code == 200
    assert response.json["id"] == sent["id"]
    assert response.json["object"] == sent["object"]
    stored = datetime.fromisoformat(response.json["stored"].replace("Z", "+00:00"))
    assert parse_date(response.headers["Last-Modified"]) == stored.replace(microsecond=0)
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    through = response.headers["X-Experience-API-Consistent-Through"]
    assert datetime.fromisoformat(through.replace("Z", "+00:00")) <= datetime.now(UTC)


def test_unknown_id_is_404(xapi):
    response = xapi.get("statements", params={"statementId": str(uuid.uuid4())})
    assert response.status_code == 404
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_voided_statement_only_by_voided_statement_id(xapi):
    target = statement()
    post(xapi, target)
    void = voiding(target["id"])
    post(xapi, void)
    assert xapi.get("statements", params={"statementId": target["id"]}).status_code == 404
    by_voided = xapi.get("statements", params={"voidedStatementId": target["id"]})
    assert by_voided.status_code == 200 and by_voided.json["id"] == target["id"]
    listed = ids_of(xapi.get("statements"))
    assert void["id"] in listed and target["id"] not in listed
    assert xapi.get("statements", params={"voidedStatementId": void["id"]}).status_code == 404


@pytest.mark.parametrize("params", [
    {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
    {"statementId": str(uuid.uuid4()), "verb": ATTEMPTED},
    {"statementId": str(uuid.uuid4()), "limit": "1"},
    {"foo": "bar"},
    {"LIMIT": "1"},
    {"Verb": ATTEMPTED},
    {"agent": "not json"},
    {"agent": '{"name": "no identifier"}'},
    {"limit": "-1"},
    {"ascending": "yes"},
    {"format": "full"},
    {"since": "yesterday"},
    {"registration": "not-a-uuid"},
    {"more": "forged.token"},
])
def test_bad_parameters_are_400_with_consistent_through(xapi, params):
    response = xapi.get("statements", params=params)
    assert response.status_code == 400
    assert "X-Experience-API-Consistent-Through" in response.headers
    assert response.json["message"]


def test_statement_id_with_format_and_attachments_is_allowed(xapi):
    sent = statement()
    post(xapi, sent)
    response = xapi.get("statements", params={"statementId": sent["id"], "format": "ids",
                                              "attachments": "false"})
    assert response.status_code == 200
    assert response.json["object"] == {"id": LESSON}


def test_filters_agent_verb_activity_registration(xapi):
    registration = str(uuid.uuid4())
    mine = statement(actor=learner("anna"), context={"registration": registration})
    attempt = statement(actor=learner("anna"), verb={"id": ATTEMPTED})
    other = statement(actor=learner("ben"), object={"id": f"{COURSE}/other"})
    post(xapi, mine, attempt, other)
    anna = '{"account": {"homePage": "https://campus.example", "name": "anna"}}'
    by_agent = ids_of(xapi.get("statements", params={"agent": anna}))
    assert set(by_agent) == {mine["id"], attempt["id"]}
    assert ids_of(xapi.get("statements", params={"verb": ATTEMPTED})) == [attempt["id"]]
    assert ids_of(xapi.get("statements", params={"activity": f"{COURSE}/other"})) == [other["id"]]
    assert ids_of(xapi.get("statements", params={"registration": registration})) == [mine["id"]]
    assert ids_of(xapi.get("statements", params={"activity": COURSE})) == []
    related = xapi.get("statements", params={"activity": COURSE, "related_activities": "true"})
    assert set(ids_of(related)) == {attempt["id"], other["id"]}  # mine has no parent


def test_related_agents_include_the_authority(xapi, make_client):
    _client, auth = make_client("statements/write")
    sent = statement()
    xapi.post("statements", json=sent, auth=auth)
    authority = xapi.get("statements", params={"statementId": sent["id"]}).json["authority"]
    agent = json.dumps({"account": authority["account"]})
    assert ids_of(xapi.get("statements", params={"agent": agent})) == []
    assert ids_of(xapi.get("statements", params={"agent": agent, "related_agents": "true"})) == [
        sent["id"]]


def test_since_until_limit_ascending(xapi):
    first, second, third = statement(), statement(), statement()
    for s in (first, second, third):
        post(xapi, s)
    stored = [xapi.get("statements", params={"statementId": s["id"]}).json["stored"]
              for s in (first, second, third)]
    newest_first = ids_of(xapi.get("statements"))
    assert newest_first == [third["id"], second["id"], first["id"]]
    assert ids_of(xapi.get("statements", params={"ascending": "true", "limit": "2"})) == [
        first["id"], second["id"]]
    since = ids_of(xapi.get("statements", params={"since": stored[0]}))
    assert first["id"] not in since
    assert [s["id"] for s, t in zip((second, third), stored[1:], strict=True) if t > stored[0]] == [
        i for i in reversed(since)]
    until = ids_of(xapi.get("statements", params={"until": stored[0]}))
    assert first["id"] in until
    assert not {s["id"] for s, t in zip((second, third), stored[1:], strict=True)
                if t > stored[0]} & set(until)


def test_more_paging_is_stable_while_new_statements_arrive(xapi):
    older = [statement() for _ in range(5)]
    for s in older:
        post(xapi, s)
    page = xapi.get("statements", params={"limit": "2"})
    seen = ids_of(page)
    more = page.json["more"]
    assert more.startswith("/xapi/statements?more=")
    post(xapi, statement(), statement())  # arrive while the client pages
    while more:
        page = xapi.client.get(more, headers=xapi.headers())
        seen += ids_of(page)
        more = page.json["more"]
    assert seen == [s["id"] for s in reversed(older)]


def test_more_cannot_be_combined_with_other_parameters(xapi):
    for _ in range(3):
        post(xapi, statement())
    more = xapi.get("statements", params={"limit": "1"}).json["more"]
    token = more.split("more=", 1)[1]
    response = xapi.get("statements", params={"more": token, "limit": "5"})
    assert response.status_code == 400


def test_format_ids_and_canonical(xapi):
    sent = statement()
    post(xapi, sent)
    ids = xapi.get("statements", params={"format": "ids"}).json["statements"][0]
    assert ids["verb"] == {"id": sent["verb"]["id"]}
    canonical = xapi.get("statements", params={"format": "canonical"},
                         headers={"Accept-Language": "de-DE"}).json["statements"][0]
    assert canonical["verb"]["display"] == {"de-DE": "abgeschlossen"}
    assert canonical["object"]["definition"]["name"] == {"de-DE": "Lektion 1"}
    exact = xapi.get("statements").json["statements"][0]
    assert exact["verb"]["display"] == sent["verb"]["display"]


def test_empty_result_is_a_statement_result(xapi):
    response = xapi.get("statements", params={"verb": "http://adlnet.gov/expapi/non/existent"})
    assert response.status_code == 200
    assert response.json == {"statements": [], "more": ""}
    assert "Last-Modified" not in response.headers


def test_head_returns_headers_without_body(xapi):
    sent = statement()
    post(xapi, sent)
    response = xapi.request("HEAD", "statements", params={"statementId": sent["id"]})
    assert response.status_code == 200
    assert response.get_data() == b""
    assert "Last-Modified" in response.headers
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_statements_keep_the_clients_json(xapi):
    sent = statement(result={"score": {"scaled": 0.5}, "extensions": {
        "https://campus.example/xapi/extensions/notes": {"z": 1, "a": [1, 2.50, None]}}})
    post(xapi, sent)
    got = xapi.get("statements", params={"statementId": sent["id"]}).json
    assert got["result"] == sent["result"]
    assert list(got["result"]["extensions"]["https://campus.example/xapi/extensions/notes"]) == [
        "z", "a"]
