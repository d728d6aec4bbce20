"""Signed statements: JWS structure, RSA verification, payload equivalence."""

import base64
import copy
import datetime
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from xapi import SignatureError, validate_statement
from xapi.signature import verify_signed_statement
from xapi.spec import SIGNATURE_USAGE_TYPE

from .samples import statement

HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(private_key, public_key=None):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ATLAS test signer")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key or private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private_key, hashes.SHA256())
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, private_key, *, alg="RS256", header=None) -> bytes:
    header = {"alg": alg, **(header or {})}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    digest = HASHES.get(alg, hashes.SHA256)()
    signature = private_key.sign(signing_input.encode(), padding.PKCS1v15(), digest)
    return f"{signing_input}.{b64url(signature)}".encode()


def signed(original: dict, token: bytes) -> tuple[dict, dict[str, bytes]]:
    """The statement as sent: the original plus the signature attachment, and the parts."""
    digest = hashlib.sha256(token).hexdigest()
    sent = copy.deepcopy(original)
    sent.setdefault("attachments", []).append(
        {
            "usageType": SIGNATURE_USAGE_TYPE,
            "display": {"en-US": "Signature"},
            "contentType": "application/octet-stream",
            "length": len(token),
            "sha2": digest,
        }
    )
    return sent, {digest: token}


def original_statement():
    return statement(version="1.0.0")


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_good_signature_with_x5c(key, alg):
    cert = certificate(key)
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    original = original_statement()
    sent, parts = signed(original, jws(original, key, alg=alg, header={"x5c": x5c}))
    validate_statement(sent)
    check = verify_signed_statement(sent, parts)
    assert (check.algorithm, check.verified_with) == (alg, "x5c")
    assert check.certificates[0] == cert
    assert check.payload == original


def test_good_signature_with_callers_key(key):
    original = original_statement()
    sent, parts = signed(original, jws(original, key))
    check = verify_signed_statement(sent, parts, public_key=key.public_key())
    assert check.verified_with == "key"


def test_without_key_only_structure_and_payload_are_checked(key):
    original = original_statement()
    sent, parts = signed(original, jws(original, key))
    assert verify_signed_statement(sent, parts).verified_with is None


def test_unsigned_statement_gives_none():
    assert verify_signed_statement(statement(), {}) is None


def test_lrs_assigned_properties_do_not_break_the_match(key):
    original = original_statement()
    del original["id"]
    sent, parts = signed(original, jws(original, key))
    sent["id"] = "1a2b3c4d-0000-4000-8000-000000000000"
    sent["stored"] = "2024-05-02T00:00:00Z"
    sent["authority"] = {"mbox": "mailto:lrs@example.com"}
    sent["timestamp"] = "2024-05-01T12:00:00.000+02:00"  # the same instant as the original
    sent["verb"]["display"] = {"fr": "terminé"}  # display is not part of the statement
    sent["object"] = {"id": sent["object"]["id"]}  # objectType defaults, definition ignored
    assert verify_signed_statement(sent, parts, public_key=key.public_key())


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (
            lambda s: s["actor"]["account"].update(name="someone-else"),
            "Data-2.6.s5.b3.b2/payload-mismatch",
        ),
        (lambda s: s.update(result={"success": True}), "Data-2.6.s5.b3.b2/payload-mismatch"),
        (
            lambda s: s.update(timestamp="2024-05-01T10:00:01Z"),
            "Data-2.6.s5.b3.b2/payload-mismatch",
        ),
    ],
)
def test_tampered_statement_is_rejected(key, change, rule):
    original = original_statement()
    sent, parts = signed(original, jws(original, key))
    change(sent)
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts, public_key=key.public_key())
    assert (info.value.rule, info.value.pointer) == (rule, "/attachments/0")


def test_signature_by_another_key_is_rejected(key, other_key):
    original = original_statement()
    sent, parts = signed(original, jws(original, other_key))
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts, public_key=key.public_key())
    assert info.value.rule == "Data-2.6.s5.b3.b3/signature-invalid"


def test_x5c_certificate_of_another_key_is_rejected(key, other_key):
    cert = certificate(other_key)
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    original = original_statement()
    sent, parts = signed(original, jws(original, key, header={"x5c": x5c}))
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts)
    assert info.value.rule == "Data-2.6.s5.b3.b3/signature-invalid"


def test_non_rsa_certificate_is_rejected(key):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate(ec_key)
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    original = original_statement()
    sent, parts = signed(original, jws(original, key, header={"x5c": x5c}))
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts)
    assert info.value.rule == "Data-2.6.s5.b3.b3/x5c-certificate"


def header_b64(header: dict) -> str:
    return b64url(json.dumps(header).encode())


@pytest.mark.parametrize(
    ("token", "rule"),
    [
        (b'{"payload": "x", "signatures": []}', "Data-2.6.s4.b2/jws-compact-serialization"),
        (b"only.two", "Data-2.6.s5.b1/jws-malformed"),
        (b"a.b.c.d", "Data-2.6.s5.b1/jws-malformed"),
        (b"a+b.c.d", "Data-2.6.s5.b1/jws-malformed"),
        ("\u00e9.b.c".encode(), "Data-2.6.s5.b1/jws-malformed"),
        (b"bm90IGpzb24.e30.c2ln", "Data-2.6.s5.b1/jws-malformed"),
        (f"{b64url(b'[1]')}.e30.c2ln".encode(), "Data-2.6.s5.b1/jws-malformed"),
        (f"{header_b64({'alg': 'HS256'})}.e30.c2ln".encode(), "Data-2.6.s4.b4/jws-algorithm"),
        (f"{header_b64({'alg': 'none'})}.e30.".encode(), "Data-2.6.s4.b4/jws-algorithm"),
        (
            f"{header_b64({'alg': 'RS256', 'x5c': 'x'})}.e30.c2ln".encode(),
            "Data-2.6.s5.b3.b3/x5c-certificate",
        ),
        (
            f"{header_b64({'alg': 'RS256', 'x5c': ['bm90IGEgY2VydA==']})}.e30.c2ln".encode(),
            "Data-2.6.s5.b3.b3/x5c-certificate",
        ),
        (
            f"{header_b64({'alg': 'RS256'})}.{b64url(b'[]')}.c2ln".encode(),
            "Data-2.6.s5.b1/jws-malformed",
        ),
        (
            f"{header_b64({'alg': 'RS256'})}.{b64url(b'{}')}.c2ln".encode(),
            "Data-2.6.s4.b3/payload-statement",
        ),
    ],
)
def test_malformed_signatures(token, rule):
    sent, parts = signed(original_statement(), token)
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts)
    assert info.value.rule == rule
    assert info.value.to_dict()["error"] == "invalid signature"


def test_signature_part_must_be_sent(key):
    original = original_statement()
    sent, _ = signed(original, jws(original, key))
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, {}, pointer="/3")
    assert (info.value.rule, info.value.pointer) == (
        "Data-2.6.s5.b3.b1/signature-part-missing",
        "/3/attachments/0",
    )


def test_at_most_one_signature(key):
    original = original_statement()
    token = jws(original, key)
    sent, parts = signed(original, token)
    sent["attachments"].append(dict(sent["attachments"][0]))
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts)
    assert (info.value.rule, info.value.pointer) == (
        "Data-2.6.s4.b1/one-signature",
        "/attachments/1",
    )


def test_wrong_content_type_is_rejected(key):
    original = original_statement()
    sent, parts = signed(original, jws(original, key))
    sent["attachments"][0]["contentType"] = "application/jose"
    with pytest.raises(SignatureError) as info:
        verify_signed_statement(sent, parts)
    assert info.value.rule == "Data-2.6.s4.b1/signature-content-type"


def test_signed_statement_with_other_attachments(key):
    other = {
        "usageType": "http://example.com/attachment-usage/certificate",
        "display": {"de": "Zertifikat"},
        "contentType": "application/pdf",
        "length": 3,
        "sha2": hashlib.sha256(b"pdf").hexdigest(),
        "fileUrl": "https://campus.example.com/c/1.pdf",
    }
    original = statement(attachments=[other])
    sent, parts = signed(original, jws(original, key))
    assert verify_signed_statement(sent, parts, version="2.0.0", public_key=key.public_key())
