"""Real HTTP against a server on 127.0.0.1: the tincan client (xAPI 1.0.3), urllib (2.0),
and forwarding from one platform to another through the outbox.
"""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    LanguageMap,
    RemoteLRS,
    StateDocument,
    Statement,
    Verb,
)

from lms.db import utcnow
from lms.extensions import db
from lms.lrs import services
from lms.lrs.embedded import platform_lrs, record_statement
from lms.lrs.forwarding import forward_round
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.lms.lrs.builders import statement
from tests.lms.lrs.live import live_lrs

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY = "https://campus.example/xapi/activities/course/brakes"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_lrs(tmp_path_factory.mktemp("live-lrs")) as server:
        yield server


def call(live, method, resource, *, params=None, body=None, content_type=None,
         version="2.0.0", headers=None):
    query = "?" + urllib.parse.urlencode(params) if params else ""
    request = urllib.request.Request(f"{live.endpoint}{resource}{query}", data=body,
                                     method=method)
    token = base64.b64encode(f"{live.key}:{live.secret}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    if version:
        request.add_header("X-Experience-API-Version", version)
    if content_type:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_tincan_client_round_trip_in_1_0_3(live):
    lrs = RemoteLRS(endpoint=live.endpoint, version="1.0.3", username=live.key,
                    password=live.secret)
    anna = Agent(name="Anna", mbox="mailto:anna@example.org")
    sent = Statement(
        actor=anna,
        verb=Verb(id=COMPLETED, display=LanguageMap({"en-US": "completed"})),
        object=Activity(id=ACTIVITY,
                        definition=ActivityDefinition(name=LanguageMap({"en-US": "Brakes"}))),
    )
    saved = lrs.save_statement(sent)
    assert saved.success, saved.data
    batch = lrs.save_statements([
        Statement(actor=anna, verb=Verb(id=COMPLETED), object=Activity(id=f"{ACTIVITY}/{n}"))
        for n in range(3)
    ])
    assert batch.success, batch.data
    got = lrs.retrieve_statement(saved.content.id)
    assert got.success and got.content.object.id == ACTIVITY
    page = lrs.query_statements({"agent": anna, "limit": 2})
    assert page.success and len(page.content.statements) == 2 and page.content.more
    rest = lrs.more_statements(page.content)
    assert rest.success and len(rest.content.statements) == 2
    document = StateDocument(activity=Activity(id=ACTIVITY), agent=anna, id="bookmark",
                             content='{"page": 3}', content_type="application/json")
    assert lrs.save_state(document).success
    ids = lrs.retrieve_state_ids(activity=Activity(id=ACTIVITY), agent=anna)
    assert ids.success and ids.content == ["bookmark"]
    state = lrs.retrieve_state(activity=Activity(id=ACTIVITY), agent=anna, state_id="bookmark")
    assert state.success and json.loads(bytes(state.content.content)) == {"page": 3}
    # tincan looks for headers in the list getheaders() returns, so it never sees the ETag
    # (docs/xapi.md, "HTTP binding"); the LRS does send it.
    assert state.content.etag is None
    status, headers, _body = call(live, "GET", "activities/state", version="1.0.3", params={
        "activityId": ACTIVITY, "agent": anna.to_json(), "stateId": "bookmark"})
    assert status == 200 and headers["ETag"].startswith('"')


def test_urllib_round_trip_in_2_0(live):
    sent = statement()
    status, headers, _ = call(live, "PUT", "statements", params={"statementId": sent["id"]},
                              body=json.dumps(sent).encode(), content_type="application/json")
    assert status == 204 and headers["X-Experience-API-Version"] == "2.0.0"
    status, headers, body = call(live, "GET", "statements", params={"statementId": sent["id"]})
    assert status == 200 and json.loads(body)["id"] == sent["id"]
    assert "X-Experience-API-Consistent-Through" in headers
    state = {"activityId": ACTIVITY, "agent": json.dumps(sent["actor"]), "stateId": "s"}
    status, _headers, _ = call(live, "POST", "activities/state", params=state,
                               body=b'{"a": 1}', content_type="application/json")
    assert status == 204
    status, headers, body = call(live, "GET", "activities/state", params=state)
    assert status == 200 and json.loads(body) == {"a": 1} and headers["ETag"]
    status, _headers, body = call(live, "GET", "statements", version=None)
    assert status == 400 and json.loads(body)["error"] == "unsupported version"
    status, _headers, body = call(live, "GET", "about", version=None)
    assert status == 200 and json.loads(body) == {"version": ["1.0.3", "2.0.0"]}


def test_preflight_over_http(live):
    request = urllib.request.Request(f"{live.endpoint}statements", method="OPTIONS", headers={
        "Origin": "https://content.example", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_forwarding_to_an_upstream_lrs(live, tmp_path):
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance")
        try:
            with app.app_context():
                services.add_upstream(None, name="upstream", endpoint=live.endpoint,
                                      username=live.key, password=live.secret, now=utcnow())
                sent = statement(id=str(uuid.uuid4()))
                record_statement(sent, utcnow())
                db.session.commit()
                reports = forward_round(db.engine, platform_lrs())
                assert reports["upstream"].sent == 1
                [status] = services.upstream_statuses()
                assert status.counts == {"pending": 0, "sent": 1, "failed": 0}
                db.session.rollback()
            code, _headers, body = call(live, "GET", "statements",
                                        params={"statementId": sent["id"]})
            assert code == 200 and json.loads(body)["verb"] == sent["verb"]
        finally:
            dispose_engines(app)
