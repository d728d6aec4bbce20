"""Signed statements: verifying the JWS attachment of a statement (Data 2.6).

A signed statement carries a JWS in compact serialization as an attachment
with usageType ``http://adlnet.gov/expapi/attachments/signature`` and content
type ``application/octet-stream``. Its payload is the statement as it was
before the signature was added. The LRS MUST reject malformed signatures and
must check that the payload is logically equivalent to the statement received
(Data 2.6.s5.b3), and, when the JWS header carries an X.509 chain (``x5c``),
that the signature verifies against its leaf certificate. Trusting that
certificate is a separate decision, outside the spec (Data 2.6 note).
"""

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi import jsontext
from xapi.comparison import statements_equivalent
from xapi.errors import SignatureError, StatementValidationError
from xapi.spec import SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE_TYPE
from xapi.validation import validate_statement
from xapi.versions import Version

ONE_SIGNATURE = "Data-2.6.s4.b1/one-signature"
CONTENT_TYPE = "Data-2.6.s4.b1/signature-content-type"
PART_MISSING = "Data-2.6.s5.b3.b1/signature-part-missing"
COMPACT = "Data-2.6.s4.b2/jws-compact-serialization"
MALFORMED = "Data-2.6.s5.b1/jws-malformed"
ALGORITHM = "Data-2.6.s4.b4/jws-algorithm"
CERTIFICATE = "Data-2.6.s5.b3.b3/x5c-certificate"
INVALID = "Data-2.6.s5.b3.b3/signature-invalid"
PAYLOAD = "Data-2.6.s4.b3/payload-statement"
MISMATCH = "Data-2.6.s5.b3.b2/payload-mismatch"

ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class SignatureCheck:
    """What was verified about a signed statement.

    :ivar algorithm: ``RS256``, ``RS384`` or ``RS512``.
    :ivar verified_with: ``"key"`` (the caller's key), ``"x5c"`` (the leaf
        certificate in the JWS header) or ``None``: no key to check against, so
        only the structure and the payload were checked.
    :ivar certificates: the decoded ``x5c`` chain, leaf first, for a trust decision.
    :ivar payload: the statement as signed.
    """

    algorithm: str
    verified_with: str | None
    certificates: tuple[x509.Certificate, ...]
    payload: dict[str, Any]


def signature_attachment(statement: Mapping[str, Any]) -> tuple[int, dict] | None:
    """The index and object of the statement's signature attachment, if it is signed.

    :raises SignatureError: when there is more than one.
    """
    found = [
        (index, attachment)
        for index, attachment in enumerate(statement.get("attachments", ()))
        if attachment.get("usageType") == SIGNATURE_USAGE_TYPE
    ]
    if len(found) > 1:
        raise SignatureError(
            ONE_SIGNATURE,
            "a statement carries at most one signature attachment.",
            pointer=f"/attachments/{found[1][0]}",
        )
    return found[0] if found else None


def verify_signed_statement(
    statement: Mapping[str, Any],
    parts: Mapping[str, bytes],
    *,
    version: Version = "1.0.3",
    public_key: rsa.RSAPublicKey | None = None,
    pointer: str = "",
) -> SignatureCheck | None:
    """Verify a statement's signature, if it has one; return ``None`` for unsigned statements.

    :param statement: a statement that passed :func:`xapi.validation.validate_statement`.
    :param parts: attachment contents by lowercase sha2, as
        :meth:`xapi.attachments.MultipartStatements.by_sha2` gives them.
    :param public_key: a key the caller trusts for this client; when given it is
        used instead of the certificate in the JWS header.
    :param pointer: the statement's place in a batch (``/2``), for error pointers.
    :raises SignatureError: for a malformed JWS, a signature that does not
        verify, or a payload that is not equivalent to ``statement``.
    """
    try:
        found = signature_attachment(statement)
    except SignatureError as exc:
        raise SignatureError(exc.rule, exc.message, pointer=pointer + exc.pointer) from None
    if found is None:
        return None
    index, attachment = found
    at = f"{pointer}/attachments/{index}"
    if attachment["contentType"].split(";")[0].strip().lower() != SIGNATURE_CONTENT_TYPE:
        raise SignatureError(
            CONTENT_TYPE,
            f"a signature attachment has contentType {SIGNATURE_CONTENT_TYPE}.",
            pointer=f"{at}/contentType",
        )
    content = parts.get(attachment["sha2"].lower())
    if content is None:
        raise SignatureError(
            PART_MISSING,
            "the signature must be sent as an attachment part of the request.",
            pointer=at,
        )
    header_b64, payload_b64, signature_b64 = _split_compact(content, at)
    header = _json_segment(header_b64, "header", at)
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise SignatureError(
            ALGORITHM,
            f"the JWS algorithm must be RS256, RS384 or RS512, not {algorithm!r}.",
            pointer=at,
        )
    certificates = _certificates(header, at)
    payload = _json_segment(payload_b64, "payload", at)
    signature = _decode(signature_b64, "signature", at)

    key, verified_with = public_key, "key"
    if key is None and certificates:
        key, verified_with = certificates[0].public_key(), "x5c"
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureError(
                CERTIFICATE, "the x5c certificate must hold an RSA key.", pointer=at
            )
    if key is not None:
        signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
        try:
            key.verify(signature, signing_input, padding.PKCS1v15(), ALGORITHMS[algorithm]())
        except InvalidSignature:
            raise SignatureError(
                INVALID, "the JWS signature does not verify against its key.", pointer=at
            ) from None
    else:
        verified_with = None

    try:
        validate_statement(payload, version)
    except StatementValidationError as exc:
        raise SignatureError(
            PAYLOAD, f"the signed payload is not a valid statement: {exc}", pointer=at
        ) from None
    if not statements_equivalent(payload, statement):
        raise SignatureError(
            MISMATCH, "the statement differs from the statement that was signed.", pointer=at
        )
    return SignatureCheck(algorithm, verified_with, certificates, payload)


def _split_compact(content: bytes, at: str) -> tuple[str, str, str]:
    try:
        text = content.decode("ascii").strip()
    except UnicodeDecodeError:
        raise SignatureError(MALFORMED, "the signature is not a JWS.", pointer=at) from None
    if text.startswith("{"):
        raise SignatureError(
            COMPACT,
            "only JWS compact serialization is supported, not the JSON serialization.",
            pointer=at,
        )
    segments = text.split(".")
    if len(segments) != 3 or not all(_BASE64URL.fullmatch(s) for s in segments):
        raise SignatureError(
            MALFORMED, "the signature is not a JWS in compact serialization.", pointer=at
        )
    return segments[0], segments[1], segments[2]


def _decode(segment: str, what: str, at: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise SignatureError(MALFORMED, f"the JWS {what} is not base64url.", pointer=at) from None


def _json_segment(segment: str, what: str, at: str) -> dict[str, Any]:
    try:
        value = jsontext.loads(_decode(segment, what, at).decode("utf-8"), what=f"the JWS {what}")
    except UnicodeDecodeError:
        raise SignatureError(MALFORMED, f"the JWS {what} is not JSON.", pointer=at) from None
    except jsontext.JsonTextError as exc:
        syntax = exc.rule == jsontext.SYNTAX_RULE
        message = f"the JWS {what} is not JSON." if syntax else exc.message
        raise SignatureError(MALFORMED, message, pointer=at) from None
    if type(value) is not dict:
        raise SignatureError(MALFORMED, f"the JWS {what} is not a JSON object.", pointer=at)
    return value


def _certificates(header: Mapping[str, Any], at: str) -> tuple[x509.Certificate, ...]:
    chain = header.get("x5c")
    if chain is None:
        return ()
    if type(chain) is not list or not chain:
        raise SignatureError(CERTIFICATE, "x5c must be a non-empty array.", pointer=at)
    certificates = []
    for encoded in chain:
        try:
            certificates.append(
                x509.load_der_x509_certificate(base64.b64decode(encoded, validate=True))
            )
        except (TypeError, ValueError, binascii.Error):
            raise SignatureError(
                CERTIFICATE, "x5c holds something that is not a certificate.", pointer=at
            ) from None
    return tuple(certificates)
