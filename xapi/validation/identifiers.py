"""Format checks for identifiers: IRIs and IRLs, UUIDs, mailto addresses, hashes, media types.

IRI checking is best effort, as the spec allows (Data 2.2.s4.b6): an absolute
IRI with a valid scheme, no characters RFC 3987 forbids, well-formed percent
escapes, and a host for http(s). That rejects everything the conformance suite
sends ("ab=c://…", "should fail", scheme-less "example.com/x").
"""

import re

# Unrolled "chars, then (escape chars)*" rather than an alternation per
# character: the regex engine runs it several times faster.
_CHAR = r"""[^\x00-\x20\x7f-\x9f<>"{}|\\^`%]"""
_IRI = re.compile(
    r"(?:(?i:https?)://(?![/?#])|(?!(?i:https?):)[A-Za-z][A-Za-z0-9+.\-]*:)"
    rf"(?=.){_CHAR}*(?:%[0-9A-Fa-f]{{2}}{_CHAR}*)*",
    re.DOTALL,
)
# IRIs repeat across statements (verbs, activity types, extension keys, the
# activities of a course): remember valid ones, up to a bound.
_KNOWN_IRIS: set[str] = set()
_KNOWN_IRIS_LIMIT = 16384

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# The local part allows RFC 5322 atext and dots (not leading, trailing or
# doubled); the domain is dot-separated labels, internationalised ones included.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_LABEL = (
    r"[A-Za-z0-9\u0080-\U0010ffff](?:[A-Za-z0-9\-\u0080-\U0010ffff]*[A-Za-z0-9\u0080-\U0010ffff])?"
)
_MAILTO = re.compile(rf"mailto:{_ATEXT}+(?:\.{_ATEXT}+)*@{_LABEL}(?:\.{_LABEL})*")

_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
_HEX = re.compile(r"[0-9a-fA-F]+")
#: Hex lengths of the SHA-2 family: SHA-224, SHA-256, SHA-384, SHA-512.
SHA2_HEX_LENGTHS = frozenset({56, 64, 96, 128})

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z\-]+"
_MEDIA_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|\"(?:[^\"\\\r\n]|\\.)*\"))*[ \t]*"
)


def is_iri(value: str) -> bool:
    """An absolute IRI (RFC 3987), best effort; relative references are not IRIs."""
    if value in _KNOWN_IRIS:
        return True
    if _IRI.fullmatch(value) is None:
        return False
    if len(_KNOWN_IRIS) < _KNOWN_IRIS_LIMIT:
        _KNOWN_IRIS.add(value)
    return True


def is_irl(value: str) -> bool:
    """An IRL: an IRI meant to be resolvable. Resolvability is not checked."""
    return is_iri(value)


def is_uuid(value: str) -> bool:
    """A UUID in its standard 8-4-4-4-12 hex string form (Data 4.4)."""
    return _UUID.fullmatch(value) is not None


def is_mailto(value: str) -> bool:
    """``mailto:`` followed by one plain e-mail address, as an ``mbox`` needs."""
    return _MAILTO.fullmatch(value) is not None


def is_sha1_hex(value: str) -> bool:
    return _SHA1.fullmatch(value) is not None


def is_sha2_hex(value: str) -> bool:
    """Hex digest of one of the SHA-2 functions, told apart by its length."""
    return len(value) in SHA2_HEX_LENGTHS and _HEX.fullmatch(value) is not None


def is_media_type(value: str) -> bool:
    """An Internet media type (RFC 2045/6838): ``type/subtype`` with optional parameters."""
    return _MEDIA_TYPE.fullmatch(value) is not None
