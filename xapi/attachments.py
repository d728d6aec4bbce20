"""Statement requests with attachments: parsing multipart/mixed bodies and matching parts by SHA-2.

Pure functions on bytes (Communication 1.5.2): the HTTP binding hands over the
body and its Content-Type header, gets the statements and the attachment parts
back, validates the statements, then calls :func:`verify_attachments`.
"""

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from xapi import jsontext
from xapi.errors import AttachmentError
from xapi.validation.identifiers import is_sha2_hex

CONTENT_TYPE = "Communication-1.5.2/multipart-content-type"
FRAMING = "Communication-1.5.2.s2.b2/multipart-framing"
STATEMENT_PART = "Communication-1.5.2.s2.b2.b1/statement-part"
HASH_HEADER = "Communication-1.5.2.s2.b2.b3/part-hash-header"
TRANSFER_ENCODING = "Communication-1.5.2.s2.b2.b4/part-transfer-encoding"
HASH_MISMATCH = "Communication-1.5.2.s1.b4/part-hash-mismatch"
MISSING_PART = "Communication-1.5.2.s3.b5/attachment-without-part"
UNUSED_PART = "Communication-1.5.2.s1.b4/part-without-attachment"
TYPE_MISMATCH = "Communication-1.5.2.s2.b2.b7/part-content-type-mismatch"

_HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
_BOUNDARY = re.compile(r"""boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class AttachmentPart:
    """One attachment part: its raw octets and the hash its header declares."""

    sha2: str
    content: bytes
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MultipartStatements:
    """A parsed multipart/mixed statement request.

    :ivar statements: the decoded JSON of the first part (a statement or a list).
    :ivar parts: the attachment parts, in body order.
    """

    statements: Any
    parts: tuple[AttachmentPart, ...]

    def by_sha2(self) -> dict[str, bytes]:
        """Part contents keyed by lowercase hex hash, the way statements reference them."""
        return {part.sha2: part.content for part in self.parts}


def parse_multipart(body: bytes, content_type: str) -> MultipartStatements:
    """Split a multipart/mixed body (RFC 2046) into the statements and the attachment parts.

    Lines may end in CRLF, as RFC 2046 requires, or in a bare LF, which some
    clients send. A part without Content-Transfer-Encoding is taken as binary
    (the LRS SHOULD assume so, Communication 1.5.2.s3.b6); any other encoding
    is refused, since the hash is over the raw octets.

    :raises AttachmentError: for a wrong content type, broken framing, a first
        part that is not JSON, or a part without a usable X-Experience-API-Hash.
    """
    boundary = _boundary(content_type)
    parts = list(_split(body, boundary))
    if not parts:
        raise AttachmentError(FRAMING, "the multipart body has no parts.")
    first_headers, first_body = parts[0]
    first_type = first_headers.get("content-type", "")
    if _essence(first_type) != "application/json":
        raise AttachmentError(
            STATEMENT_PART,
            "the first part must hold the statements, with Content-Type application/json.",
        )
    statements = _load_json(first_body)
    attachment_parts = []
    for index, (headers, content) in enumerate(parts[1:], start=1):
        declared = headers.get("x-experience-api-hash", "").strip().lower()
        if not declared or not is_sha2_hex(declared):
            raise AttachmentError(
                HASH_HEADER, f"part {index} needs an X-Experience-API-Hash with a SHA-2 hex digest."
            )
        encoding = headers.get("content-transfer-encoding", "binary").strip().lower()
        if encoding != "binary":
            raise AttachmentError(
                TRANSFER_ENCODING,
                f"part {index} has Content-Transfer-Encoding {encoding!r}; only binary is allowed.",
            )
        if sha2_hex(content, len(declared)) != declared:
            raise AttachmentError(
                HASH_MISMATCH,
                f"part {index}: its content does not hash to its X-Experience-API-Hash.",
            )
        attachment_parts.append(
            AttachmentPart(declared, content, headers.get("content-type"), headers)
        )
    return MultipartStatements(statements, tuple(attachment_parts))


def verify_attachments(statements: Any, parts: tuple[AttachmentPart, ...] | list) -> None:
    """Match the attachment objects of validated statements with the received parts.

    Every attachment without a fileUrl needs a part with its sha2
    (Communication 1.5.2.s3.b5); parts are matched by SHA-2 alone, so a declared
    ``length`` that differs from the part is no reason to refuse (1.5.2: the hash
    identifies the data; the stored part is what GET returns); the content type must
    agree when both are given (1.5.2.s2.b2.b7); and a part no attachment refers to is
    refused, rather than stored unreachable.

    :raises AttachmentError: with the pointer of the attachment object at fault.
    """
    by_hash = {part.sha2: part for part in parts}
    used: set[str] = set()
    for pointer, attachment in iter_attachments(statements):
        sha2 = attachment["sha2"].lower()
        part = by_hash.get(sha2)
        if part is None:
            if "fileUrl" not in attachment:
                raise AttachmentError(
                    MISSING_PART,
                    "this attachment has no fileUrl and no part with its sha2 was sent.",
                    pointer=pointer,
                )
            continue
        used.add(sha2)
        if part.content_type and _essence(part.content_type) != _essence(attachment["contentType"]):
            raise AttachmentError(
                TYPE_MISMATCH,
                f"contentType is {attachment['contentType']!r}, the part says "
                f"{part.content_type!r}.",
                pointer=f"{pointer}/contentType",
            )
    unused = [part.sha2 for part in parts if part.sha2 not in used]
    if unused:
        raise AttachmentError(
            UNUSED_PART, f"no attachment object refers to the part with hash {unused[0]}."
        )


def iter_attachments(statements: Any) -> Iterator[tuple[str, dict]]:
    """Each attachment object of a statement or batch, SubStatements included, with its pointer."""
    batch = statements if type(statements) is list else [statements]
    for index, statement in enumerate(batch):
        prefix = f"/{index}" if type(statements) is list else ""
        yield from _statement_attachments(statement, prefix)


def sha2_hex(content: bytes, hex_length: int = 64) -> str:
    """Hex digest of ``content`` with the SHA-2 function whose digest has ``hex_length`` digits."""
    return _HASHES[hex_length](content).hexdigest()


def _statement_attachments(statement: Mapping, prefix: str) -> Iterator[tuple[str, dict]]:
    for index, attachment in enumerate(statement.get("attachments", ())):
        yield f"{prefix}/attachments/{index}", attachment
    obj = statement.get("object", {})
    if obj.get("objectType") == "SubStatement":
        yield from _statement_attachments(obj, f"{prefix}/object")


def _boundary(content_type: str) -> bytes:
    if _essence(content_type) != "multipart/mixed":
        raise AttachmentError(CONTENT_TYPE, "statements with attachments must be multipart/mixed.")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise AttachmentError(CONTENT_TYPE, "the multipart/mixed Content-Type has no boundary.")
    boundary = match.group(1) if match.group(1) is not None else match.group(2)
    boundary = re.sub(r"\\(.)", r"\1", boundary)
    if not 1 <= len(boundary) <= 70:
        raise AttachmentError(CONTENT_TYPE, "the multipart boundary must be 1 to 70 characters.")
    return boundary.encode("latin-1")


def _split(body: bytes, boundary: bytes) -> Iterator[tuple[dict[str, str], bytes]]:
    """Yield (headers, content) per part; headers keyed by lowercase name."""
    delimiter = b"--" + boundary
    if body.startswith(delimiter):
        position = 0
    else:
        position = body.find(b"\n" + delimiter)
        if position < 0:
            raise AttachmentError(FRAMING, "the body does not contain the declared boundary.")
        position += 1
    while True:
        position += len(delimiter)
        if body[position : position + 2] == b"--":
            return
        line_end = body.find(b"\n", position)
        if line_end < 0 or body[position:line_end].strip(b" \t\r"):
            raise AttachmentError(FRAMING, "a boundary line is not followed by a line break.")
        start = line_end + 1
        end = body.find(b"\n" + delimiter, start)
        if end < 0:
            raise AttachmentError(FRAMING, "the body ends without its closing boundary.")
        part = body[start : end - 1 if body[end - 1 : end] == b"\r" else end]
        yield _part(part)
        position = end + 1


def _part(raw: bytes) -> tuple[dict[str, str], bytes]:
    """Headers, a blank line, the content; a part may have no headers at all."""
    if raw.startswith((b"\r\n", b"\n")):
        head, content = b"", raw[2:] if raw.startswith(b"\r\n") else raw[1:]
    else:
        found = [(i, n) for i, n in ((raw.find(b"\r\n\r\n"), 4), (raw.find(b"\n\n"), 2)) if i >= 0]
        if not found:
            raise AttachmentError(FRAMING, "a part has no blank line after its headers.")
        index, width = min(found)
        head, content = raw[:index], raw[index + width :]
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines():
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise AttachmentError(FRAMING, f"malformed part header {line!r}.")
        headers[name.strip().lower()] = value.strip()
    return headers, content


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _load_json(data: bytes) -> Any:
    try:
        return jsontext.loads(data.decode("utf-8"), what="the statement part")
    except UnicodeDecodeError as exc:
        raise AttachmentError(
            STATEMENT_PART, f"the statement part is not valid UTF-8 JSON: {exc}"
        ) from None
    except jsontext.JsonTextError as exc:
        rule = STATEMENT_PART if exc.rule == jsontext.SYNTAX_RULE else exc.rule
        raise AttachmentError(rule, exc.message, pointer=exc.pointer) from None
