"""A corpus of malformed input for /xapi/: every case is a 4xx with a message, never a 500,
and nothing is stored (issue 21: deep nesting, lone surrogates, huge and truncated bodies,
multipart edge cases, bad encodings, ids that are not IRIs)."""

import base64
import json

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from tests.lms.lrs.builders import learner, statement
from tests.lms.lrs.test_attachments import BOUNDARY, attachment_object, multipart
from xapi.jsontext import MAX_DEPTH
from xapi.store_sql import documents as documents_table
from xapi.store_sql import statements as statements_table

ACTIVITY = "https://campus.example/xapi/activities/course/brakes"
AGENT = json.dumps(learner("anna"))
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
MULTIPART = f"multipart/mixed; boundary={BOUNDARY}"
FORM = "application/x-www-form-urlencoded"


def nested(depth: int, leaf=1):
    """``depth`` arrays nested in each other around ``leaf``."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def deep_text(depth: int) -> str:
    return "[" * depth + "]" * depth


def with_extension(value) -> dict:
    return statement(result={"extensions": {"https://campus.example/x/deep": value}})


def deep_extension_text(depth: int) -> str:
    """A statement whose extension nests ``depth`` arrays, as text (json.dumps would recurse)."""
    text = json.dumps(with_extension("DEEP"))
    return text.replace('"DEEP"', "[" * depth + "1" + "]" * depth)


def json_body(value) -> dict:
    return {"data": json.dumps(value), "content_type": "application/json"}


def raw(body: bytes | str, content_type="application/json") -> dict:
    return {"data": body, "content_type": content_type}


LONE_SURROGATE_TEXT = json.dumps(statement()).replace(
    '"context"', '"result": {"response": "\\ud800"}, "context"', 1)
SURROGATE_KEY_TEXT = json.dumps(statement()).replace(
    '"context"', '"result": {"extensions": {"https://x.example/\\udc00": 1}}, "context"', 1)
VALID_TEXT = json.dumps(statement())

STATEMENT_BODIES = {
    "100000 nested arrays": raw(deep_text(100_000)),
    "100000 opening brackets only": raw("[" * 100_000),
    "990 levels in an extension": raw(deep_extension_text(990)),
    "one level past the limit": raw(f"[{deep_extension_text(MAX_DEPTH - 3)}]"),
    "lone high surrogate in result.response": raw(LONE_SURROGATE_TEXT),
    "lone low surrogate in an extension key": raw(SURROGATE_KEY_TEXT),
    "surrogate as raw bytes (CESU)": raw(VALID_TEXT.replace('"Lesson 1"', '"L\\u00e4"').encode()
                                         .replace(b"\\u00e4", b"\xed\xa0\x80")),
    "latin-1 body": raw(VALID_TEXT.replace("Lesson 1", "Lektion ä").encode("latin-1")),
    "utf-16 body": raw(VALID_TEXT.encode("utf-16")),
    "utf-8 BOM": raw(b"\xef\xbb\xbf" + VALID_TEXT.encode()),
    "truncated body": raw(VALID_TEXT[: len(VALID_TEXT) // 2]),
    "empty body": raw(b""),
    "whitespace only": raw(b" \r\n\t "),
    "null": raw(b"null"),
    "a number": raw(b"42"),
    "NaN": raw(b'[{"x": NaN}]'),
    "a lone backslash at the end": raw(b'{"a": "\\'),
    "binary garbage": raw(bytes(range(256)) * 4),
    "json with form content type": raw(VALID_TEXT, FORM),
    "no content type": raw(VALID_TEXT, ""),
    "multipart without boundary": raw(multipart(statement(), []), "multipart/mixed"),
    "multipart with another boundary": raw(multipart(statement(), []),
                                           "multipart/mixed; boundary=nope"),
    "multipart truncated": raw(multipart(statement(), [])[:-30], MULTIPART),
    "multipart empty": raw(b"", MULTIPART),
    "multipart only a boundary": raw(f"--{BOUNDARY}--\r\n".encode(), MULTIPART),
    "multipart part without blank line": raw(
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n{VALID_TEXT}\r\n--{BOUNDARY}--\r\n"
        .encode(), MULTIPART),
    "multipart statement part too deep": raw(
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{deep_text(5000)}\r\n"
        f"--{BOUNDARY}--\r\n".encode(), MULTIPART),
    "multipart statement part with a lone surrogate": raw(
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{LONE_SURROGATE_TEXT}\r\n"
        f"--{BOUNDARY}--\r\n".encode(), MULTIPART),
    "multipart statement part not utf-8": raw(
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()
        + VALID_TEXT.replace("Lesson 1", "Lektion ä").encode("latin-1")
        + f"\r\n--{BOUNDARY}--\r\n".encode(), MULTIPART),
    "multipart attachment part without hash": raw(
        multipart(statement(attachments=[attachment_object(b"abc")]), [(b"abc", "text/plain")])
        .replace(b"X-Experience-API-Hash", b"X-Other"), MULTIPART),
}


def jws_part(payload_text: str) -> tuple[dict, bytes]:
    """A statement with a signature attachment whose JWS payload is ``payload_text``."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(b'{"alg":"RS256"}')
    token = f"{header}.{b64(payload_text.encode())}.{b64(b'sig')}".encode()
    sent = statement(attachments=[attachment_object(
        token, "application/octet-stream",
        usageType="http://adlnet.gov/expapi/attachments/signature")])
    return sent, token


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(statements_table))


def assert_refused(response, status=None):
    assert response.status_code != 500, response.get_data(as_text=True)[:500]
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    if status is not None:
        assert response.status_code == status
    body = response.json
    assert body["message"] and "Traceback" not in body["message"]
    return body


@pytest.mark.parametrize("case", sorted(STATEMENT_BODIES))
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_malformed_statement_bodies_are_refused(xapi, case, method):
    params = {"statementId": statement()["id"]} if method == "PUT" else None
    response = xapi.request(method, "statements", params=params, **STATEMENT_BODIES[case])
    assert_refused(response, 400)
    assert _stored() == 0


def test_the_depth_error_names_the_limit(xapi):
    body = assert_refused(xapi.post("statements", **raw(deep_text(100_000))), 400)
    assert body["rule"] == "xapi/json-depth"
    assert f"at most {MAX_DEPTH}" in body["message"]


def test_a_lone_surrogate_is_refused_with_its_pointer(xapi):
    body = assert_refused(xapi.post("statements", **raw(LONE_SURROGATE_TEXT)), 400)
    assert body["pointer"] == "/result/response"
    assert "surrogate" in body["message"]
    body = assert_refused(xapi.post("statements", **raw(f"[{VALID_TEXT}, {SURROGATE_KEY_TEXT}]")))
    assert body["pointer"] == "/1/result/extensions/https:~1~1x.example~1\\udc00"


def test_depth_up_to_the_limit_and_brackets_in_strings_are_fine(xapi):
    at_limit = deep_extension_text(MAX_DEPTH - 3)  # statement 1, result 2, extensions 3
    assert xapi.post("statements", **raw(at_limit)).status_code == 200
    brackets = statement(result={"response": "[" * 5000 + '\\"{' * 100})
    assert xapi.post("statements", json=brackets).status_code == 200
    pair = statement(result={"response": "emoji \U0001F600 as a surrogate pair"})
    text = json.dumps(pair)  # ensure_ascii: the emoji travels as \ud83d\ude00
    assert "\\ud83d\\ude00" in text
    assert xapi.post("statements", **raw(text)).status_code == 200
    assert _stored() == 3


def test_a_body_over_the_limit_is_413(app, xapi, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_LRS_MAX_BODY", 20_000)
    body = assert_refused(xapi.post("statements", **raw(deep_text(50_000))), 413)
    assert "20000 bytes" in body["message"]


@pytest.mark.parametrize("payload", [
    deep_text(5000),
    json.dumps(statement(result={"response": "x"})).replace('"x"', '"\\ud800"'),
    "not json",
])
def test_signature_payloads_that_break_json_are_400(xapi, payload):
    sent, token = jws_part(payload)
    response = xapi.post("statements", data=multipart(sent, [(token, "application/octet-stream")]),
                         content_type=MULTIPART)
    body = assert_refused(response, 400)
    assert body["error"] == "invalid signature"
    assert _stored() == 0


@pytest.mark.parametrize("resource", ["activities/state", "activities/profile", "agents/profile"])
@pytest.mark.parametrize("posted", [deep_text(100_000), '{"a": ' + deep_text(990) + "}",
                                    '{"a": "\\ud800"}', '{"\\udfff": 1}'])
def test_document_merges_refuse_deep_or_surrogate_json(xapi, resource, posted):
    params = {"activities/state": STATE,
              "activities/profile": {"activityId": ACTIVITY, "profileId": "p"},
              "agents/profile": {"agent": AGENT, "profileId": "p"}}[resource]
    assert xapi.post(resource, params=params, json={"kept": True}).status_code == 204
    assert_refused(xapi.post(resource, params=params, **raw(posted)), 400)
    assert xapi.get(resource, params=params).json == {"kept": True}


def test_a_stored_deep_document_cannot_be_merged_into(xapi):
    assert xapi.put("activities/state", params=STATE, **raw(deep_text(5000))).status_code == 204
    body = assert_refused(xapi.post("activities/state", params=STATE, json={"a": 1}), 400)
    assert "at most" in body["message"] or "deeper" in body["message"]


BAD_AGENTS = {
    "deep": deep_text(100_000),
    "990 levels": '{"account": {"homePage": "https://x.example", "name": ' + deep_text(990) + "}}",
    "lone surrogate": '{"account": {"homePage": "https://x.example", "name": "\\ud800"}}',
    "surrogate mbox": '{"mbox": "mailto:\\udbff@example.org"}',
    "not json": "{",
}


@pytest.mark.parametrize("case", sorted(BAD_AGENTS))
@pytest.mark.parametrize(("resource", "params"), [
    ("statements", {}),
    ("agents", {}),
    ("activities/state", {"activityId": ACTIVITY, "stateId": "s"}),
    ("activities/state", {"activityId": ACTIVITY}),
    ("agents/profile", {"profileId": "p"}),
])
def test_bad_agent_parameters_are_400(xapi, case, resource, params):
    response = xapi.get(resource, params={**params, "agent": BAD_AGENTS[case]})
    assert_refused(response, 400)


@pytest.mark.parametrize("case", sorted(BAD_AGENTS))
def test_bad_agent_parameters_in_the_alternate_syntax_are_400(client, make_client, case):
    _lrs_client, auth = make_client("all")
    response = client.post("/xapi/activities/state", query_string={"method": "GET"}, data={
        "activityId": ACTIVITY, "stateId": "s", "agent": BAD_AGENTS[case],
        "Authorization": auth, "X-Experience-API-Version": "1.0.3",
    }, content_type=FORM)
    assert_refused(response, 400)


@pytest.mark.parametrize("content", [deep_text(100_000), LONE_SURROGATE_TEXT, "{", ""])
def test_bad_content_in_the_alternate_syntax_is_400(client, make_client, content):
    _lrs_client, auth = make_client("all")
    response = client.post("/xapi/statements", query_string={"method": "POST"}, data={
        "content": content, "Authorization": auth, "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }, content_type=FORM)
    assert_refused(response, 400)
    assert _stored() == 0


def test_invalid_utf8_in_a_form_is_refused_or_replaced_never_500(client, make_client):
    _lrs_client, auth = make_client("all")
    response = client.post(
        "/xapi/statements?method=POST",
        data=b"content=%ED%A0%80&Authorization=" + auth.encode().replace(b" ", b"+")
        + b"&X-Experience-API-Version=1.0.3",
        content_type=FORM,
    )
    assert_refused(response, 400)


@pytest.mark.parametrize("activity_id", ["not-an-iri", "relative/path", "urn", " "])
def test_activity_ids_that_are_not_iris_are_400(xapi, activity_id):
    body = assert_refused(xapi.get("activities", params={"activityId": activity_id}), 400)
    assert "IRI" in body["message"]
    body = assert_refused(xapi.get("activities/state", params={**STATE,
                                                               "activityId": activity_id}), 400)
    assert "IRI" in body["message"]
    assert_refused(xapi.put("activities/profile", params={"activityId": activity_id,
                                                          "profileId": "p"}, json={"a": 1}), 400)
    assert db.session.scalar(select(func.count()).select_from(documents_table)) == 0


def test_a_known_activity_id_still_answers(xapi):
    assert xapi.get("activities", params={"activityId": ACTIVITY}).status_code == 200
