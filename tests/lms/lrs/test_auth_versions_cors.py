"""Who may call, in which version, from which origin: Basic auth, scopes, version header, CORS."""

import base64

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.lrs import services
from tests.fixtures.lrs import basic_auth
from tests.lms.lrs.builders import statement

REALM = 'Basic realm="ATLAS Campus LRS"'


@pytest.mark.parametrize("header", [None, "2.1.0", "0.95", "1.1", "3.0", "garbage"])
def test_missing_or_unsupported_version_is_400_with_the_latest_version(xapi, header):
    response = xapi.get("statements", version=header)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert response.json["error"] == "unsupported version"
    assert response.json["reason"] == ("missing" if header is None else "unsupported")


@pytest.mark.parametrize("header", [None, "0.95", "garbage"])
def test_without_a_valid_version_the_answer_names_the_credentials_version(
    caller, make_client, header
):
    """XAPI-00331: 400 whatever the credential; the version header of the answer is the
    one the credential speaks, as the LRS cannot guess it from the request."""
    lrs_client, auth = make_client("all")
    lrs_client.xapi_version = "1.0.3"
    db.session.flush()
    response = caller(auth, header).get("statements")
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.json["reason"] == ("missing" if header is None else "unsupported")
    wrong = caller(basic_auth(lrs_client.key, "not-the-secret"), header).get("statements")
    assert wrong.headers["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize(("header", "echo"), [("1.0", "1.0.3"), ("1.0.1", "1.0.3"),
                                              ("1.0.3", "1.0.3"), ("2.0", "2.0.0"),
                                              ("2.0.0", "2.0.0")])
def test_version_is_negotiated_and_echoed(xapi, header, echo):
    response = xapi.get("statements", version=header)
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == echo


def test_about_needs_neither_credentials_nor_version(xapi):
    response = xapi.get("about", auth=None, version=None)
    assert response.status_code == 200
    assert response.json["version"] == ["1.0.3", "2.0.0"]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert xapi.post("about", auth=None, version=None).status_code == 405


@pytest.mark.parametrize("auth", [
    None,
    "Bearer abc",
    "Basic:" + base64.b64encode(b"a:b").decode(),
    "Basic !!!notbase64",
    "Basic " + base64.b64encode(b"nocolon").decode(),
    "Basic " + base64.b64encode(b"unknownkey:secret").decode(),
])
def test_missing_or_malformed_credentials_are_401(xapi, auth):
    response = xapi.get("statements", auth=auth)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert response.json["error"] == "unauthorized"


def test_wrong_secret_is_401(caller, make_client):
    client, _auth = make_client("all")
    wrong = "Basic " + base64.b64encode(f"{client.key}:not-the-secret".encode()).decode()
    assert caller(wrong).get("statements").status_code == 401


def test_revoked_client_is_401(caller, make_client):
    client, auth = make_client("all")
    assert caller(auth).get("statements").status_code == 200
    services.revoke_client(None, client.key, utcnow())
    db.session.flush()
    assert caller(auth).get("statements").status_code == 401


def test_first_use_records_last_used_at(caller, make_client):
    client, auth = make_client("all")
    assert client.last_used_at is None
    caller(auth).get("statements")
    db.session.refresh(client)
    assert client.last_used_at is not None


@pytest.mark.parametrize(("scopes", "method", "resource", "status"), [
    (("statements/read",), "POST", "statements", 403),
    (("statements/write",), "GET", "statements", 403),
    (("all/read",), "POST", "statements", 403),
    (("all/read",), "GET", "statements", 200),
    (("statements/write",), "POST", "statements", 200),
    (("state",), "GET", "activities/profile", 403),
    (("profile",), "GET", "activities/state", 403),
    (("statements/write",), "GET", "activities", 403),
    (("define",), "GET", "activities", 200),
])
def test_scopes(caller, make_client, scopes, method, resource, status):
    _client, auth = make_client(*scopes)
    agent = '{"mbox": "mailto:a@example.org"}'
    params = {
        "statements": None,
        "activities": {"activityId": "https://campus.example/a"},
        "activities/profile": {"activityId": "https://campus.example/a", "profileId": "p"},
        "activities/state": {"activityId": "https://campus.example/a", "stateId": "s",
                             "agent": agent},
    }[resource]
    response = caller(auth).request(method, resource, params=params,
                                    json=statement() if method == "POST" else None)
    assert response.status_code == status, response.json
    if status == 403:
        assert response.json["error"] == "forbidden"


def test_read_mine_sees_only_its_own_statements(caller, make_client):
    _writer, writer_auth = make_client("statements/write")
    _mine, mine_auth = make_client("statements/write", "statements/read/mine")
    theirs = statement()
    own = statement()
    assert caller(writer_auth).post("statements", json=theirs).status_code == 200
    assert caller(mine_auth).post("statements", json=own).status_code == 200
    me = caller(mine_auth)
    listed = me.get("statements").json
    assert [s["id"] for s in listed["statements"]] == [own["id"]]
    assert me.get("statements", params={"statementId": own["id"]}).status_code == 200
    assert me.get("statements", params={"statementId": theirs["id"]}).status_code == 404
    learner = '{"account": {"homePage": "https://campus.example", "name": "learner-1"}}'
    by_agent = me.get("statements", params={"agent": learner}).json
    assert [s["id"] for s in by_agent["statements"]] == [own["id"]]


def test_read_mine_pages_with_more(caller, make_client):
    _mine, auth = make_client("statements/write", "statements/read/mine")
    _other, other_auth = make_client("statements/write")
    me, other = caller(auth), caller(other_auth)
    mine_ids = []
    for _ in range(3):
        sent = statement()
        mine_ids.append(sent["id"])
        me.post("statements", json=sent)
        other.post("statements", json=statement())
    learner = '{"account": {"homePage": "https://campus.example", "name": "learner-1"}}'
    for params in ({"limit": "2"}, {"limit": "2", "agent": learner}):
        seen, page = [], me.get("statements", params=params)
        while True:
            seen += [s["id"] for s in page.json["statements"]]
            if not page.json["more"]:
                break
            page = me.client.get(page.json["more"], headers=me.headers())
        assert seen == list(reversed(mine_ids)), params


def test_cors_preflight_needs_no_credentials(client):
    response = client.options("/xapi/statements", headers={
        "Origin": "https://content.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type, x-experience-api-version",
    })
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    for name in ("authorization", "content-type", "x-experience-api-version", "if-match",
                 "if-none-match"):
        assert name in allowed
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_responses_expose_xapi_headers_to_scripts(xapi):
    response = xapi.get("statements")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("ETag", "Last-Modified", "X-Experience-API-Consistent-Through",
                 "X-Experience-API-Version"):
        assert name in exposed
    assert xapi.get("statements", auth=None).headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_resource_is_a_json_404(xapi):
    response = xapi.get("nothing/here")
    assert response.status_code == 404
    assert response.json["error"] == "not found"
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_api_needs_no_csrf_token(xapi):
    assert xapi.post("statements", json=statement()).status_code == 200


def test_unexpected_errors_never_leak_a_traceback(app, xapi, monkeypatch):
    from lms.lrs import statements_views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(statements_views, "validate_statement", broken)
    response = xapi.post("statements", json=statement())
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert response.json["error"] == "internal error"


def test_api_responses_set_no_cookies(xapi):
    for response in (xapi.get("statements"), xapi.post("statements", json=statement()),
                     xapi.get("statements", auth=None)):
        assert "Set-Cookie" not in response.headers
