"""Value formats: language tags, IRIs, durations, mailto, media types, timestamps."""

from datetime import UTC, datetime

import pytest

from xapi import validate_statement
from xapi.validation.identifiers import is_iri, is_mailto, is_media_type, is_sha2_hex
from xapi.validation.language import is_language_tag
from xapi.validation.timestamps import is_duration, parse_timestamp

from .samples import expect_invalid, statement


@pytest.mark.parametrize(
    "tag",
    [
        "de", "en-US", "zh-Hant-TW", "und", "x-private", "ine", "zh-Hant", "sr-Latn",
        "zh-cmn-Hans-CN", "sr-Latn-RS", "sl-rozaj-biske", "de-CH-1901", "hy-Latn-IT-arevela",
        "de-DE", "az-Arab-x-AZE-derbend", "x-whatever", "i-enochian", "en-GB-oed", "es-419",
        "tlh", "EN-us", "en-a-bbb-x-a-ccc", "de-DE-u-co-phonebk", "sgn-BE-FR", "qaa",
    ],
)  # fmt: skip
def test_well_formed_language_tags(tag):
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "en_US", "", "123", "de-419-DE", "a-DE", "ar-a-aaa-b-bbb-a-ccc", "x", "en-", "-en",
        "en--US", "de-1901-1901", "en-a", "en-x", "toolonglanguage", "e", "en-US ", "ü",
        "supercalifragilisticexpialidociouswhatabouthhhhhhh", "en-US-x-verylongsubtag",
    ],
)  # fmt: skip
def test_malformed_language_tags(tag):
    assert not is_language_tag(tag)


def test_language_map_keys_are_checked_everywhere():
    document = statement(verb={"id": "http://x.org/v", "display": {"en_US": "x"}})
    expect_invalid(document, "XAPI-00121/language-tag", "/verb/display/en_US")
    document = statement(verb={"id": "http://x.org/v", "display": {}})
    expect_invalid(document, "Data-2.4.3.s3.table1.row2/verb-display", "/verb/display")
    document = statement(verb={"id": "http://x.org/v", "display": "should error"})
    expect_invalid(document, "Data-2.4.3.s3.table1.row2/verb-display", "/verb/display")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("http://adlnet.gov/expapi/verbs/completed", True),
        ("https://campus.example.com/xapi/activities/course/c%C3%BC", True),
        ("https://例え.jp/パス", True),
        ("urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", True),
        ("tag:example.com,2024:x", True),
        ("http://example.com/xapi/verbs#defenestrated", True),
        ("http://[::1]:8080/x", True),
        ("ab=c://should.fail.com", False),
        ("should fail", False),
        ("example.com/x", False),
        ("http://", False),
        ("http:///x", False),
        ("http://exa mple.com", False),
        ("http://example.com/<x>", False),
        ("http://example.com/%GG", False),
        ("1http://example.com", False),
        ("", False),
    ],
)
def test_iris(value, valid):
    assert is_iri(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("PT4H35M59.14S", True), ("P16559.14S", False), ("PT16559.14S", True),
        ("P3Y1M29DT4H35M59.14S", True), ("P3Y", True), ("P4W", True), ("PT1H0M0.1S", True),
        ("P0D", True), ("PT0,5S", True), ("P1.5DT2H", False), ("P4W1D", False), ("P", False),
        ("PT", False), ("P1DT", False), ("PA1H0M0S", False), ("1H", False), ("PT1H30", False),
        ("-PT1H", False), ("pt1h", False),
    ],
)  # fmt: skip
def test_durations(value, valid):
    assert is_duration(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("mailto:xapi@adlnet.gov", True), ("mailto:o'brien+x@mail.example.org", True),
        ("mailto:user@localhost", True), ("mailto:a.@example.com", False),
        ("mailto:.a@example.com", False), ("mailto:a@example..com", False),
        ("mailto:a@-example.com", False), ("MAILTO:a@example.com", False),
        ("mailto:a@example.com?subject=x", False),
    ],
)  # fmt: skip
def test_mailto(value, valid):
    assert is_mailto(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("text/plain; charset=ascii", True), ("application/octet-stream", True),
        ('multipart/mixed; boundary="a b"', True), ("image/svg+xml", True), ("text", False),
        ("text/", False), ("text/plain;", False), ("999", False), ("text/pl ain", False),
    ],
)  # fmt: skip
def test_media_types(value, valid):
    assert is_media_type(value) is valid


def test_sha2_hex_lengths():
    assert is_sha2_hex("a" * 56) and is_sha2_hex("A" * 64) and is_sha2_hex("0" * 96)
    assert is_sha2_hex("f" * 128)
    assert not is_sha2_hex("a" * 40) and not is_sha2_hex("g" * 64) and not is_sha2_hex("")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-05-18T05:32:34.804Z", datetime(2013, 5, 18, 5, 32, 34, 804000, tzinfo=UTC)),
        ("2013-05-18T07:32:34.804+02:00", datetime(2013, 5, 18, 5, 32, 34, 804000, tzinfo=UTC)),
        ("2013-05-18T05:32:34", datetime(2013, 5, 18, 5, 32, 34, tzinfo=UTC)),
        ("20130518T0532-0130", datetime(2013, 5, 18, 7, 2, tzinfo=UTC)),
        ("2013-05-18T24:00:00Z", datetime(2013, 5, 19, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_gives_utc(value, expected):
    assert parse_timestamp(value) == expected


def test_parse_timestamp_refuses_non_timestamps():
    with pytest.raises(ValueError):
        parse_timestamp("yesterday")


def test_stored_follows_the_version_rules():
    validate_statement(statement(stored="2013-05-18T05:32:34.804"), "1.0.3")
    expect_invalid(
        statement(stored="2013-05-18T05:32:34.804"),
        "Data-2.4.8.s3.b1/stored-format",
        "/stored",
        "2.0.0",
    )
