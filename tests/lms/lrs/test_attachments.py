"""Statements with attachments (multipart/mixed both ways) and signed statements."""

import base64
import copy
import hashlib
import json
from email.parser import BytesParser
from email.policy import HTTP

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import func, select

from lms.extensions import db
from tests.lms.lrs.builders import statement
from xapi.store_sql import statements as statements_table

BOUNDARY = "-------314159265358979323846"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


def attachment_object(content: bytes, content_type: str = "text/plain", **extra) -> dict:
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def multipart(statements, parts: list[tuple[bytes, str]], *, hashes_override=None) -> bytes:
    chunks = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(),
              json.dumps(statements).encode(), b"\r\n"]
    for index, (content, content_type) in enumerate(parts):
        sha2 = (hashes_override or {}).get(index, hashlib.sha256(content).hexdigest())
        chunks += [f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n"
                   f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
                   .encode(), content, b"\r\n"]
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def post_multipart(xapi, body: bytes):
    return xapi.post("statements", data=body,
                     content_type=f"multipart/mixed; boundary={BOUNDARY}")


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(statements_table))


def parse_response(response):
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {response.headers['Content-Type']}\r\n\r\n".encode() + response.get_data()
    )
    parts = list(message.iter_parts())
    return json.loads(parts[0].get_payload(decode=True)), [
        (p["X-Experience-API-Hash"], p.get_content_type(), p.get_payload(decode=True))
        for p in parts[1:]
    ]


def test_multipart_round_trip(xapi):
    text, image = b"here is a simple attachment", bytes(range(256))
    sent = statement(attachments=[attachment_object(text),
                                  attachment_object(image, "image/png")])
    response = post_multipart(xapi, multipart([sent], [(text, "text/plain"),
                                                       (image, "image/png")]))
    assert response.status_code == 200, response.json
    single = xapi.get("statements", params={"statementId": sent["id"], "attachments": "true"})
    assert single.status_code == 200
    assert single.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    first, parts = parse_response(single)
    assert first["id"] == sent["id"]
    assert sorted(parts) == sorted([
        (hashlib.sha256(text).hexdigest(), "text/plain", text),
        (hashlib.sha256(image).hexdigest(), "image/png", image),
    ])
    listed = xapi.get("statements", params={"attachments": "true"})
    result, parts = parse_response(listed)
    assert [s["id"] for s in result["statements"]] == [sent["id"]]
    assert len(parts) == 2
    plain = xapi.get("statements", params={"statementId": sent["id"]})
    assert plain.headers["Content-Type"].startswith("application/json")


def test_part_with_a_wrong_hash_is_refused(xapi):
    text = b"here is a simple attachment"
    sent = statement(attachments=[attachment_object(text)])
    body = multipart([sent], [(text, "text/plain")], hashes_override={0: "ab" * 32})
    response = post_multipart(xapi, body)
    assert response.status_code == 400
    assert response.json["error"] == "invalid attachments"
    assert stored_count() == 0


def test_attachment_without_part_or_file_url_is_refused(xapi):
    text = b"never sent"
    sent = statement(attachments=[attachment_object(text)])
    response = xapi.post("statements", json=sent)
    assert response.status_code == 400
    assert response.json["pointer"] == "/attachments/0"
    with_url = statement(attachments=[attachment_object(text, fileUrl="http://over.there/f.txt")])
    assert xapi.post("statements", json=with_url).status_code == 200


def test_extra_part_is_refused(xapi):
    text, extra = b"one", b"two"
    sent = statement(attachments=[attachment_object(text)])
    response = post_multipart(xapi, multipart([sent], [(text, "text/plain"),
                                                       (extra, "text/plain")]))
    assert response.status_code == 400
    assert stored_count() == 0


def _jws(payload: dict, key) -> bytes:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "RS256"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{b64(signature)}".encode()


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signed(original: dict, key, *, tamper: bool = False) -> tuple[dict, bytes]:
    payload = copy.deepcopy(original)
    if tamper:
        payload["verb"] = {"id": "http://adlnet.gov/expapi/verbs/failed"}
    token = _jws(payload, key)
    statement_with_signature = copy.deepcopy(original)
    statement_with_signature["attachments"] = [attachment_object(
        token, "application/octet-stream", usageType=SIGNATURE_USAGE)]
    return statement_with_signature, token


def test_signed_statement_is_verified(xapi, signing_key):
    sent, token = signed(statement(), signing_key)
    response = post_multipart(xapi, multipart(sent, [(token, "application/octet-stream")]))
    assert response.status_code == 200, response.json
    tampered, token = signed(statement(), signing_key, tamper=True)
    response = post_multipart(xapi, multipart(tampered, [(token, "application/octet-stream")]))
    assert response.status_code == 400
    assert response.json["error"] == "invalid signature"
    assert stored_count() == 1
