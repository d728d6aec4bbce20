"""Building blocks of the validator: failing with rule and pointer, type and key checks.

Everything here sits on the hot path of every stored statement, so checks use
``type(x) is T`` and set operations rather than generic schema walking, and
pointer strings are only escaped when a key is not one of the spec's own.
"""

import math
from typing import Any, NoReturn

from xapi.errors import StatementValidationError
from xapi.validation.identifiers import is_iri
from xapi.validation.language import is_language_tag

NULL_VALUE = "XAPI-00001/null-value"
UNKNOWN_PROPERTY = "Data-2.2.s4.b1.b7/unknown-property"
KEY_CASE = "XAPI-00008/key-case"
MISSING_PROPERTY = "Data-2.2.s2.b3/missing-property"


def fail(rule: str, pointer: str, message: str) -> NoReturn:
    raise StatementValidationError(rule, pointer, message)


def escape(key: str) -> str:
    """Escape one reference token of a JSON pointer (RFC 6901 section 3)."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


def describe(value: Any) -> str:
    """Name a JSON value's type the way an API client thinks of it."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "a boolean"
    if type(value) in (int, float):
        return "a number"
    if type(value) is str:
        return "a string"
    if type(value) is list:
        return "an array"
    if type(value) is dict:
        return "an object"
    return type(value).__name__


def wrong_type(value: Any, expected: str, rule: str, pointer: str, what: str) -> NoReturn:
    """Fail because ``value`` is not of the ``expected`` JSON type.

    Null gets its own rule: the spec forbids nulls outside extensions
    (Data 2.2.s4.b1.b1) whatever type the property has.
    """
    if value is None:
        fail(NULL_VALUE, pointer, f"{what} must not be null.")
    fail(rule, pointer, f"{what} must be {expected}, not {describe(value)}.")


def require_dict(value: Any, rule: str, pointer: str, what: str) -> dict:
    if type(value) is not dict:
        wrong_type(value, "an object", rule, pointer, what)
    return value


def require_str(value: Any, rule: str, pointer: str, what: str) -> str:
    if type(value) is not str:
        wrong_type(value, "a string", rule, pointer, what)
    return value


def require_bool(value: Any, rule: str, pointer: str, what: str) -> bool:
    if type(value) is not bool:
        wrong_type(value, "true or false", rule, pointer, what)
    return value


def require_number(value: Any, rule: str, pointer: str, what: str) -> float:
    """A JSON number: int or float, never a boolean, a numeric string or NaN/Infinity."""
    kind = type(value)
    if kind is not int and kind is not float:
        wrong_type(value, "a number", rule, pointer, what)
    if kind is float and not math.isfinite(value):
        fail(rule, pointer, f"{what} must be a finite number.")
    return value


def check_keys(obj: dict, allowed: frozenset[str], pointer: str, what: str) -> None:
    """Reject properties the specification does not define for this object."""
    if allowed.issuperset(obj):
        return
    for key in obj:
        if key in allowed:
            continue
        for name in allowed:
            if name.lower() == key.lower():
                fail(
                    KEY_CASE,
                    f"{pointer}/{escape(key)}",
                    f"{what} has {key!r}; property names are case-sensitive, use {name!r}.",
                )
        fail(UNKNOWN_PROPERTY, f"{pointer}/{escape(key)}", f"{what} does not allow {key!r}.")


def missing(pointer: str, what: str, rule: str = MISSING_PROPERTY) -> NoReturn:
    fail(rule, pointer, f"{what} is required.")


def check_language_map(value: Any, rule: str, pointer: str, what: str) -> None:
    """A language map: at least one entry, RFC 5646 tags as keys, strings as values.

    The conformance suite rejects empty maps ("needs at least 1 entry").
    """
    if type(value) is not dict:
        wrong_type(value, "a language map (an object)", rule, pointer, what)
    if not value:
        fail(rule, pointer, f"{what} must have at least one language entry.")
    for tag, text in value.items():
        if not is_language_tag(tag):
            fail(
                "XAPI-00121/language-tag",
                f"{pointer}/{escape(tag)}",
                f"{tag!r} in {what} is not an RFC 5646 language tag.",
            )
        if type(text) is not str:
            wrong_type(text, "a string", rule, f"{pointer}/{escape(tag)}", f"{what}[{tag!r}]")


def check_extensions(value: Any, pointer: str) -> None:
    """Extensions: an object whose keys are IRIs; values are free (Data 4.1.s3.b2)."""
    if type(value) is not dict:
        wrong_type(value, "an object", "Data-4.1/extensions-object", pointer, "extensions")
    for key in value:
        if not is_iri(key):
            fail(
                "Data-4.1.s3.b1/extension-key-iri",
                f"{pointer}/{escape(key)}",
                f"extension key {key!r} is not an IRI.",
            )


def check_iri(value: Any, rule: str, pointer: str, what: str) -> None:
    if type(value) is not str:
        wrong_type(value, "an IRI string", rule, pointer, what)
    if not is_iri(value):
        fail(rule, pointer, f"{what} {value!r} is not an absolute IRI.")
