"""`atlas lrs …`: credentials, GDPR erasure and export, upstream registration."""

import json

from sqlalchemy import func, select

from lms.extensions import db
from lms.lrs import services
from lms.lrs.models import LrsClient
from tests.fixtures.lrs import XapiCaller, basic_auth
from tests.lms.lrs.builders import learner, statement
from xapi.store_sql import documents, statements


def test_create_client_json_prints_a_working_secret_once(runner, client):
    result = runner.invoke(args=["lrs", "create-client", "Kursplayer", "--scope",
                                 "statements/write", "--scope", "statements/read", "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert set(created) == {"name", "key", "secret", "scopes", "endpoint", "xapi_version"}
    assert created["xapi_version"] == "2.0.0"
    assert created["scopes"] == ["statements/write", "statements/read"]
    assert created["endpoint"] == "http://localhost/xapi/"
    stored = db.session.scalar(select(LrsClient).where(LrsClient.key == created["key"]))
    assert created["secret"] not in stored.secret_hash and len(stored.secret_hash) == 64
    caller = XapiCaller(client, basic_auth(created["key"], created["secret"]))
    assert caller.post("statements", json=statement()).status_code == 200
    listed = runner.invoke(args=["lrs", "list-clients"])
    assert created["key"] in listed.output and created["secret"] not in listed.output


def test_create_client_refuses_unknown_scopes(runner):
    result = runner.invoke(args=["lrs", "create-client", "X", "--scope", "everything"])
    assert result.exit_code != 0
    assert "everything" in result.output
    missing = runner.invoke(args=["lrs", "create-client", "X"])
    assert missing.exit_code != 0


def test_revoke_client(runner, make_client, caller):
    lrs_client, auth = make_client("all")
    result = runner.invoke(args=["lrs", "revoke-client", lrs_client.key])
    assert result.exit_code == 0, result.output
    assert caller(auth).get("statements").status_code == 401
    again = runner.invoke(args=["lrs", "revoke-client", lrs_client.key])
    assert again.exit_code != 0 and "bereits gesperrt" in again.output
    unknown = runner.invoke(args=["lrs", "revoke-client", "nope"])
    assert unknown.exit_code != 0 and "nope" in unknown.output


def _count(table, **where) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return db.session.scalar(query)


def test_erase_agent_by_pseudonym_deletes_statements_and_documents(runner, xapi, caplog):
    anna = {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": "p-anna"}}
    xapi.post("statements", json=[statement(actor=anna), statement(actor=anna), statement()])
    xapi.put("activities/state", params={"activityId": "https://campus.example/a",
                                         "agent": json.dumps(anna), "stateId": "s"}, json={"a": 1})
    result = runner.invoke(args=["lrs", "erase-agent", "p-anna", "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased 2 statements and 1 documents" in result.output
    assert _count(statements) == 1
    assert _count(documents) == 0
    logged = [r.getMessage() for r in caplog.records if "GDPR erasure" in r.getMessage()]
    assert len(logged) == 1 and "p-anna" not in logged[0]
    assert services.agent_fingerprint(anna) in logged[0]


def test_erase_agent_asks_first_and_accepts_json(runner, xapi):
    ben = {"objectType": "Agent", "mbox": "mailto:ben@example.org"}
    xapi.post("statements", json=statement(actor=ben))
    declined = runner.invoke(args=["lrs", "erase-agent", json.dumps(ben)], input="n\n")
    assert declined.exit_code != 0 and _count(statements) == 1
    accepted = runner.invoke(args=["lrs", "erase-agent", json.dumps(ben)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _count(statements) == 0


def test_erase_agent_refuses_e_mail_addresses_and_bad_json(runner):
    assert "JSON" in runner.invoke(args=["lrs", "erase-agent", "ben@example.org"]).output
    assert runner.invoke(args=["lrs", "erase-agent", "{nope"]).exit_code != 0
    assert runner.invoke(args=["lrs", "erase-agent", '{"name": "x"}', "--yes"]).exit_code != 0


def test_export_agent_to_file(runner, xapi, tmp_path):
    xapi.post("statements", json=[statement(actor=learner("anna")), statement()])
    out = tmp_path / "export.json"
    agent = json.dumps(learner("anna"))
    result = runner.invoke(args=["lrs", "export-agent", agent, "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert len(exported["statements"]) == 1
    assert exported["statements"][0]["actor"] == learner("anna")
    stdout = runner.invoke(args=["lrs", "export-agent", agent])
    assert json.loads(stdout.output)["agent"] == learner("anna")


def test_upstream_add_and_list(runner, xapi):
    result = runner.invoke(args=[
        "lrs", "upstream", "add", "landes-lrs", "https://lrs.example/xapi", "--user", "k",
        "--password", "s", "--verbs", "http://adlnet.gov/expapi/verbs/completed", "--no-results"])
    assert result.exit_code == 0, result.output
    xapi.post("statements", json=[statement(), statement()])
    listed = runner.invoke(args=["lrs", "upstream", "list"])
    assert "landes-lrs  enabled  https://lrs.example/xapi/  pending 2, sent 0, failed 0" in (
        listed.output)
    duplicate = runner.invoke(args=["lrs", "upstream", "add", "landes-lrs", "https://x.example/"])
    assert duplicate.exit_code != 0
    not_http = runner.invoke(args=["lrs", "upstream", "add", "ftp", "ftp://x.example/"])
    assert not_http.exit_code != 0 and "http" in not_http.output


def test_forward_once_without_upstreams(runner):
    result = runner.invoke(args=["lrs", "forward", "--once"])
    assert result.exit_code == 0
    assert "no enabled upstream" in result.output


def test_create_client_with_an_xapi_version(runner, client):
    """Communication 3.3 (XAPI-00331): a request without a version header is still 400,
    and the answer names the version the credential speaks."""
    result = runner.invoke(args=["lrs", "create-client", "Alt-Player", "--scope", "all",
                                 "--xapi-version", "1.0.3", "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["xapi_version"] == "1.0.3"
    caller = XapiCaller(client, basic_auth(created["key"], created["secret"]), version=None)
    response = caller.get("statements")
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert "xAPI 1.0.3" in runner.invoke(args=["lrs", "list-clients"]).output
    refused = runner.invoke(args=["lrs", "create-client", "X", "--scope", "all",
                                  "--xapi-version", "1.1"])
    assert refused.exit_code != 0
