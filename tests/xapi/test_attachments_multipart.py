"""multipart/mixed statement requests: parsing, hashes, matching parts to attachment objects."""

import hashlib
import json

import pytest

from xapi import AttachmentError
from xapi.attachments import parse_multipart, sha2_hex, verify_attachments

from .samples import SHA256_HEX, statement

TEXT = b"here is a simple attachment"
BOUNDARY = "abcABC0123'()+_,-./:=?"


def text_attachment(**overrides):
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": len(TEXT),
        "sha2": SHA256_HEX,
        **overrides,
    }


def body(statements, parts, *, boundary=BOUNDARY, newline=b"\r\n", preamble=b""):
    """Assemble a request body the way Communication 1.5.2's example does."""
    delimiter = b"--" + boundary.encode()
    chunks = [
        preamble + delimiter,
        b"Content-Type:application/json",
        b"",
        json.dumps(statements).encode(),
    ]
    for headers, content in parts:
        chunks.append(delimiter)
        chunks.extend(f"{name}:{value}".encode() for name, value in headers.items())
        chunks.append(b"")
        chunks.append(content)
    return newline.join(chunks) + newline + delimiter + b"--" + newline


def text_part(**overrides):
    headers = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": SHA256_HEX,
        **overrides,
    }
    return {k: v for k, v in headers.items() if v is not None}, TEXT


def content_type(boundary=BOUNDARY):
    return f'multipart/mixed; boundary="{boundary}"'


def test_the_spec_example_parses_and_matches():
    document = statement(attachments=[text_attachment()])
    parsed = parse_multipart(body(document, [text_part()]), content_type())
    assert parsed.statements == document
    assert [(p.sha2, p.content, p.content_type) for p in parsed.parts] == [
        (SHA256_HEX, TEXT, "text/plain")
    ]
    assert parsed.by_sha2() == {SHA256_HEX: TEXT}
    verify_attachments(parsed.statements, parsed.parts)


def test_sha2_hex_matches_the_spec_example():
    assert sha2_hex(TEXT) == SHA256_HEX
    assert sha2_hex(TEXT, 128) == hashlib.sha512(TEXT).hexdigest()


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_batches_with_binary_content_and_bare_lf(newline):
    binary = bytes(range(256)) * 4 + b"\r\n--not-the-boundary\r\n"
    digest = hashlib.sha384(binary).hexdigest()
    batch = [
        statement(attachments=[text_attachment()]),
        statement(
            attachments=[
                text_attachment(
                    contentType="application/octet-stream", length=len(binary), sha2=digest
                ),
                text_attachment(),
            ]
        ),
        statement(),
    ]
    parts = [text_part(), ({"X-Experience-API-Hash": digest.upper()}, binary)]
    parsed = parse_multipart(
        body(batch, parts, newline=newline, preamble=b"ignored\r\n"),
        f'Multipart/Mixed; Boundary="{BOUNDARY}"',
    )
    assert [p.content for p in parsed.parts] == [TEXT, binary]
    verify_attachments(parsed.statements, parsed.parts)


def test_unquoted_boundary_and_no_attachments():
    raw = body(statement(), [], boundary="simple-boundary")
    parsed = parse_multipart(raw, "multipart/mixed;boundary=simple-boundary")
    assert parsed.parts == ()
    verify_attachments(parsed.statements, parsed.parts)


def test_file_url_attachments_need_no_part():
    document = statement(attachments=[text_attachment(fileUrl="http://over.there.com/file.txt")])
    verify_attachments(document, [])


@pytest.mark.parametrize(
    ("raw", "header", "rule"),
    [
        (b"{}", "application/json", "Communication-1.5.2/multipart-content-type"),
        (b"{}", "multipart/mixed", "Communication-1.5.2/multipart-content-type"),
        (b"no boundary here", content_type(), "Communication-1.5.2.s2.b2/multipart-framing"),
        (
            b"--" + BOUNDARY.encode() + b"\r\nContent-Type:application/json\r\n\r\n{}",
            content_type(),
            "Communication-1.5.2.s2.b2/multipart-framing",
        ),
        (
            body(statement(), []).replace(
                b"Content-Type:application/json", b"Content-Type:text/plain"
            ),
            content_type(),
            "Communication-1.5.2.s2.b2.b1/statement-part",
        ),
        (
            body(statement(), []).replace(b'"actor"', b"actor"),
            content_type(),
            "Communication-1.5.2.s2.b2.b1/statement-part",
        ),
        (
            body(statement(), [text_part(**{"X-Experience-API-Hash": None})]),
            content_type(),
            "Communication-1.5.2.s2.b2.b3/part-hash-header",
        ),
        (
            body(statement(), [text_part(**{"X-Experience-API-Hash": "abc"})]),
            content_type(),
            "Communication-1.5.2.s2.b2.b3/part-hash-header",
        ),
        (
            body(statement(), [text_part(**{"Content-Transfer-Encoding": "base64"})]),
            content_type(),
            "Communication-1.5.2.s2.b2.b4/part-transfer-encoding",
        ),
        (
            body(statement(), [text_part(**{"X-Experience-API-Hash": "0" * 64})]),
            content_type(),
            "Communication-1.5.2.s1.b4/part-hash-mismatch",
        ),
    ],
)
def test_parse_errors(raw, header, rule):
    with pytest.raises(AttachmentError) as info:
        parse_multipart(raw, header)
    assert info.value.rule == rule
    assert info.value.to_dict()["error"] == "invalid attachments"


def test_missing_transfer_encoding_is_taken_as_binary():
    raw = body(
        statement(attachments=[text_attachment()]),
        [text_part(**{"Content-Transfer-Encoding": None})],
    )
    parsed = parse_multipart(raw, content_type())
    verify_attachments(parsed.statements, parsed.parts)


@pytest.mark.parametrize(
    ("statements", "parts", "rule", "pointer"),
    [
        (
            statement(attachments=[text_attachment()]),
            [],
            "Communication-1.5.2.s3.b5/attachment-without-part",
            "/attachments/0",
        ),
        (
            [
                statement(),
                statement(attachments=[text_attachment(), text_attachment(sha2="b" * 64)]),
            ],
            [text_part()],
            "Communication-1.5.2.s3.b5/attachment-without-part",
            "/1/attachments/1",
        ),
        (
            statement(
                object={
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:a@b.org"},
                    "verb": {"id": "http://x.org/v"},
                    "object": {"id": "http://x.org/a"},
                    "attachments": [text_attachment()],
                }
            ),
            [],
            "Communication-1.5.2.s3.b5/attachment-without-part",
            "/object/attachments/0",
        ),
        (statement(), [text_part()], "Communication-1.5.2.s1.b4/part-without-attachment", ""),
        (
            statement(attachments=[text_attachment(contentType="image/png")]),
            [text_part()],
            "Communication-1.5.2.s2.b2.b7/part-content-type-mismatch",
            "/attachments/0/contentType",
        ),
    ],
)
def test_matching_errors(statements, parts, rule, pointer):
    parsed = parse_multipart(body(statements, parts), content_type())
    with pytest.raises(AttachmentError) as info:
        verify_attachments(parsed.statements, parsed.parts)
    assert (info.value.rule, info.value.pointer) == (rule, pointer)


def test_parts_match_by_sha2_whatever_the_declared_length():
    """Communication 1.5.2: parts match by SHA-2; a wrong ``length`` is no reason to refuse."""
    parsed = parse_multipart(
        body(statement(attachments=[text_attachment(length=28)]), [text_part()]), content_type()
    )
    verify_attachments(parsed.statements, parsed.parts)
    assert parsed.by_sha2()[SHA256_HEX] == TEXT
