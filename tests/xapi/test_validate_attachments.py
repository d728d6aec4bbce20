"""Attachment objects inside statements (Data 2.4.11): the metadata, not the parts."""

import pytest

from xapi import validate_statement
from xapi.spec import SIGNATURE_USAGE_TYPE

from .samples import SHA256_HEX, VERSIONS, expect_invalid, statement, substatement


def attachment(**overrides):
    return {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment", "de": "Ein Testanhang"},
        "description": {"en-US": "A test attachment (description)"},
        "contentType": "text/plain; charset=ascii",
        "length": 27,
        "sha2": SHA256_HEX,
        "fileUrl": "http://over.there.com/file.txt",
        **overrides,
    }


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "attachments",
    [
        [],
        [attachment()],
        [{k: v for k, v in attachment().items() if k != "fileUrl"}],
        [attachment(sha2="a" * 128, length=0)],
        [attachment(usageType=SIGNATURE_USAGE_TYPE, contentType="application/octet-stream")],
    ],
)
def test_valid_attachments(attachments, version):
    validate_statement(statement(attachments=attachments), version)


def test_substatement_may_carry_attachments():
    validate_statement(statement(object=substatement(attachments=[attachment()])))


@pytest.mark.parametrize(
    ("attachments", "rule", "pointer"),
    [
        (attachment(), "XAPI-00025/attachments-array", "/attachments"),
        ([12345], "Data-2.4.11/attachment-object", "/attachments/0"),
        (["should fail"], "Data-2.4.11/attachment-object", "/attachments/0"),
        (
            [attachment(usageType="should fail")],
            "XAPI-00107/attachment-usage-type",
            "/attachments/0/usageType",
        ),
        (
            [attachment(usageType="example.com/attachment-usage/test")],
            "XAPI-00107/attachment-usage-type",
            "/attachments/0/usageType",
        ),
        ([attachment(display=12345)], "XAPI-00106/attachment-display", "/attachments/0/display"),
        ([attachment(display={})], "XAPI-00106/attachment-display", "/attachments/0/display"),
        (
            [attachment(display={"de-419-DE": "x"})],
            "XAPI-00121/language-tag",
            "/attachments/0/display/de-419-DE",
        ),
        (
            [attachment(description="should error")],
            "Data-2.4.11.s2.table1.row3/attachment-description",
            "/attachments/0/description",
        ),
        (
            [attachment(contentType=999)],
            "XAPI-00105/attachment-content-type",
            "/attachments/0/contentType",
        ),
        (
            [attachment(contentType="plain text")],
            "XAPI-00105/attachment-content-type",
            "/attachments/0/contentType",
        ),
        (
            [attachment(length="should fail")],
            "XAPI-00102/attachment-length",
            "/attachments/0/length",
        ),
        ([attachment(length=27.0)], "XAPI-00102/attachment-length", "/attachments/0/length"),
        ([attachment(length=True)], "XAPI-00102/attachment-length", "/attachments/0/length"),
        ([attachment(length=-1)], "XAPI-00102/attachment-length", "/attachments/0/length"),
        ([attachment(sha2=12345)], "XAPI-00103/attachment-sha2", "/attachments/0/sha2"),
        ([attachment(sha2="abc")], "XAPI-00103/attachment-sha2", "/attachments/0/sha2"),
        (
            [attachment(fileUrl="should fail")],
            "XAPI-00104/attachment-file-url",
            "/attachments/0/fileUrl",
        ),
        ([attachment(size=3)], "Data-2.2.s4.b1.b7/unknown-property", "/attachments/0/size"),
        (
            [attachment(), attachment(usageType=SIGNATURE_USAGE_TYPE)],
            "Data-2.6.s4.b1/signature-content-type",
            "/attachments/1/contentType",
        ),
    ],
)
def test_attachment_rules(attachments, rule, pointer):
    expect_invalid(statement(attachments=attachments), rule, pointer)


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("usageType", "XAPI-00107/attachment-usage-type"),
        ("display", "XAPI-00106/attachment-display"),
        ("contentType", "XAPI-00105/attachment-content-type"),
        ("length", "XAPI-00102/attachment-length"),
        ("sha2", "XAPI-00103/attachment-sha2"),
    ],
)
def test_attachment_required_properties(key, rule):
    broken = attachment()
    del broken[key]
    expect_invalid(statement(attachments=[broken]), rule, f"/attachments/0/{key}")
