"""Version negotiation from the X-Experience-API-Version header."""

import pytest

from xapi import VersionError, negotiate_version


@pytest.mark.parametrize(
    ("header", "version"),
    [
        ("1.0", "1.0.3"),
        ("1.0.0", "1.0.3"),
        ("1.0.1", "1.0.3"),
        ("1.0.3", "1.0.3"),
        (" 1.0.2 ", "1.0.3"),
        ("2.0", "2.0.0"),
        ("2.0.0", "2.0.0"),
        ("2.0.1", "2.0.0"),
    ],
)
def test_supported_headers(header, version):
    assert negotiate_version(header) == version


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header(header):
    with pytest.raises(VersionError) as info:
        negotiate_version(header)
    assert info.value.reason == "missing"
    assert info.value.to_dict()["error"] == "unsupported version"


@pytest.mark.parametrize(
    "header", ["0.9", "0.95", "1.1.0", "1.1", "3.0.0", "2.1.0", "1", "1.0.x", "v1.0.3", "1.0.3.1"]
)
def test_unsupported_header(header):
    with pytest.raises(VersionError) as info:
        negotiate_version(header)
    assert info.value.reason == "unsupported"
    assert header in info.value.message
