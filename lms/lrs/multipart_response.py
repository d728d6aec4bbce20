"""Statement responses with attachments (``attachments=true``): multipart/mixed, statements first.

Each attachment part carries its Content-Type, ``Content-Transfer-Encoding: binary`` and
``X-Experience-API-Hash`` (Communication 1.5.2). The boundary goes unquoted into the
Content-Type header, which is what simple clients (the ADL test suite among them) parse.
"""

import uuid
from collections.abc import Iterable

from flask import Response

from xapi.lrs import AttachmentData

CRLF = b"\r\n"


def multipart_body(
    statements_json: bytes, attachments: Iterable[AttachmentData]
) -> tuple[bytes, str]:
    """The body and its Content-Type header value."""
    boundary = f"atlas-{uuid.uuid4().hex}"
    delimiter = b"--" + boundary.encode("ascii")
    chunks = [delimiter, CRLF, b"Content-Type: application/json; charset=utf-8", CRLF, CRLF,
              statements_json, CRLF]
    for attachment in attachments:
        chunks += [
            delimiter, CRLF,
            f"Content-Type: {attachment.content_type}".encode("latin-1", "replace"), CRLF,
            b"Content-Transfer-Encoding: binary", CRLF,
            f"X-Experience-API-Hash: {attachment.sha2}".encode("ascii"), CRLF, CRLF,
            attachment.content, CRLF,
        ]
    chunks += [delimiter, b"--", CRLF]
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def multipart_response(
    statements_json: bytes, attachments: Iterable[AttachmentData], headers: dict[str, str]
) -> Response:
    body, content_type = multipart_body(statements_json, attachments)
    return Response(body, status=200, content_type=content_type, headers=headers)
