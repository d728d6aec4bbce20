"""Reading JSON from clients safely: a nesting limit checked before parsing, no lone surrogates.

Python's JSON parser and every recursive walk after it (validation, comparison, dumping)
recurse once per level of nesting, so a body of 100,000 nested arrays, or an extension
nested 990 levels deep, ends in ``RecursionError``. And ``"\\ud800"`` is valid JSON text
that decodes to a string no database can store as UTF-8. Both are refused here, with a
rule and a JSON pointer, before anything else sees the value.
"""

import json
import re
from itertools import accumulate
from typing import Any

import orjson

#: How deep arrays and objects may nest in any JSON a client sends (the outermost value
#: counts as level 1). A statement needs about 8 levels; extensions get the rest.
MAX_DEPTH = 64

DEPTH_RULE = "xapi/json-depth"
SURROGATE_RULE = "RFC-8259-8.2/lone-surrogate"
SYNTAX_RULE = "RFC-8259/syntax"

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
#: Every byte but the brackets and the quote, for bytes.translate(None, delete=…).
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_INNERMOST = re.compile(rb"\[\]|\{\}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
#: Text that may hold a lone surrogate once parsed: an escape \\uD800–\\uDFFF, or the
#: UTF-8-like bytes of one (json.loads decodes bytes with "surrogatepass").
_SURROGATE_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Every digit as "0", for the test for 19 digits in a row (a C-speed translate and
#: substring search: a regex like [0-9]{19} tries every position of a long body).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"0" * 9)
_NINETEEN_DIGITS = b"0" * 19


class JsonTextError(ValueError):
    """JSON a client sent that the LRS refuses: too deep, a lone surrogate, not JSON.

    A ``ValueError``, so callers that already turn bad JSON into a 400 keep doing so;
    ``rule`` and ``pointer`` say what and where.
    """

    def __init__(self, rule: str, message: str, pointer: str = ""):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.pointer = pointer


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _structure(text: str | bytes) -> bytes:
    """Only the structural brackets of JSON text, in order.

    Escapes are dropped first, so every remaining quote delimits a string; then all but
    quotes and brackets; then what lies between quotes. Linear, and all of it in C.
    Adjacent quotes go first: whether they close and open a string or enclose an
    empty one, no structural bracket lies between them, and mostly no quote is left.
    """
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    if b"\\" in text:
        text = _ESCAPE.sub(b"", text)
    kept = text.translate(None, delete=_NOT_STRUCTURE).replace(b'""', b"")
    if b'"' not in kept:
        return kept
    return b"".join(kept.split(b'"')[::2])


def nesting_depth(text: str | bytes) -> int:
    """How deep arrays and objects nest in JSON text, without parsing it (no recursion).

    For text that is not JSON the figure is rough; the parser reports that.
    """
    return max(accumulate(map(_STEP.__getitem__, _structure(text))), default=0)


def check_depth(text: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "the JSON") -> None:
    """:raises JsonTextError: arrays and objects in ``text`` nest deeper than ``max_depth``."""
    if isinstance(text, bytes):
        quick = text.count(b"[") + text.count(b"{")
    else:
        quick = text.count("[") + text.count("{")
    if quick <= max_depth:
        return
    # Each pass drops the innermost pairs; what is left after max_depth passes is deeper
    # (or unbalanced, which the parser reports). Typical statements need a few passes.
    bare = _structure(text)
    for _level in range(max_depth):
        if not bare:
            return
        # one pass, one level: {[]} becomes {} (the marker keeps [{}] from losing two)
        bare = bare.replace(b"{}", b"x").replace(b"[]", b"x").replace(b"x", b"")
    if _INNERMOST.search(bare):
        raise JsonTextError(
            DEPTH_RULE,
            f"{what} nests arrays and objects {nesting_depth(text)} levels deep; the LRS "
            f"accepts at most {max_depth}.",
        )


def check_value(value: Any, pointer: str = "", *, max_depth: int = MAX_DEPTH,
                what: str = "the JSON") -> None:
    """Refuse a parsed value nested deeper than ``max_depth`` or holding a lone surrogate.

    Iterative, so a deep value cannot exhaust the stack; keys are checked like values.

    :raises JsonTextError: with the JSON pointer of the first offending place.
    """
    if not _has_problem(value, max_depth):
        return
    stack: list[tuple[Any, str, int]] = [(value, pointer, 1)]
    while stack:
        current, at, depth = stack.pop()
        kind = type(current)
        if kind is str:
            if _SURROGATE.search(current):
                raise JsonTextError(SURROGATE_RULE, _surrogate_message(what), at)
        elif kind is dict:
            if depth > max_depth:
                raise JsonTextError(DEPTH_RULE, _depth_message(what, max_depth), at)
            for key, item in current.items():
                place = f"{at}/{_escape(key)}" if type(key) is str else f"{at}/{key}"
                if type(key) is str and _SURROGATE.search(key):
                    # the pointer goes into a JSON answer: spell the surrogate as an escape
                    printable = place.encode("utf-8", "backslashreplace").decode("utf-8")
                    raise JsonTextError(
                        SURROGATE_RULE, _surrogate_message(what, key=True), printable
                    )
                stack.append((item, place, depth + 1))
        elif kind is list:
            if depth > max_depth:
                raise JsonTextError(DEPTH_RULE, _depth_message(what, max_depth), at)
            stack.extend((item, f"{at}/{index}", depth + 1) for index, item in enumerate(current))


def _has_problem(value: Any, max_depth: int) -> bool:
    """A quick look, level by level, joining each level's strings for one regex search.

    About twice as fast as the walk with pointers; that walk runs only when this finds
    something (or non-string keys, which it leaves to the walk).
    """
    level, depth = [value], 0
    while level:
        depth += 1
        deeper: list[Any] = []
        texts: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is str:
                texts.append(item)
            elif kind is dict:
                if depth > max_depth:
                    return True
                texts.extend(item)
                deeper.extend(item.values())
            elif kind is list:
                if depth > max_depth:
                    return True
                deeper.extend(item)
        if texts:
            try:
                if _SURROGATE.search("".join(texts)):
                    return True
            except TypeError:
                return True
        level = deeper
    return False


def _surrogate_message(what: str, *, key: bool = False) -> str:
    place = "a property name" if key else "a string"
    return (f"{what} holds {place} with a lone UTF-16 surrogate (such as \\ud800), which is "
            "not a Unicode character; send the character itself or a complete surrogate pair.")


def _depth_message(what: str, max_depth: int) -> str:
    return f"{what} nests arrays and objects deeper than the LRS accepts ({max_depth} levels)."


def _refuse_constant(constant: str) -> Any:
    raise JsonTextError(SYNTAX_RULE, f"{constant} is not JSON; numbers must be finite.")


def _may_hold_surrogates(data: str | bytes) -> bool:
    """Cheap substring tests first; the regexes only for text that might match them."""
    if isinstance(data, bytes):
        return b"\xed" in data or (
            b"\\u" in data and bool(_SURROGATE_ESCAPE_BYTES.search(data))
        )
    if not data.isascii() and _SURROGATE.search(data):
        return True
    return "\\u" in data and bool(_SURROGATE_ESCAPE_TEXT.search(data))


def _has_long_digits(data: str | bytes) -> bool:
    """Whether the text has 19 digits in a row: it may hold an integer beyond 64 bits."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return _NINETEEN_DIGITS in data.translate(_DIGITS_AS_ZERO)


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "the JSON") -> Any:
    """Parse JSON from a client: depth checked before parsing, lone surrogates refused after.

    :param what: how messages name the text ("the body", "the agent parameter").
    :raises JsonTextError: too deep, a lone surrogate, NaN/Infinity, or not JSON at all
        (its message then carries the parser's).
    """
    check_depth(data, max_depth=max_depth, what=what)
    may_hold_surrogates = _may_hold_surrogates(data)
    if not may_hold_surrogates and not _has_long_digits(data):
        # orjson refuses all that the standard parser is told to refuse here (NaN and
        # Infinity, control characters, broken UTF-8) and more (1e400); anything it
        # refuses goes to the standard parser, whose message and rule stand. Text with
        # 19 digits in a row may hold an integer beyond 64 bits, which orjson would turn
        # into a float: the standard parser keeps it exact.
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except JsonTextError:
        raise
    except RecursionError:  # unbalanced brackets can still defeat the count above
        raise JsonTextError(DEPTH_RULE, _depth_message(what, max_depth)) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise JsonTextError(SYNTAX_RULE, f"{what} is not valid UTF-8 JSON: {error}") \
            from None
    if may_hold_surrogates:
        check_value(value, max_depth=max_depth, what=what)
    return value


def loads_stored(text: str | bytes) -> Any:
    """Parse JSON text the LRS wrote itself (a stored definition or statement).

    orjson, except for text with 19 digits in a row (an integer beyond 64 bits, which
    orjson would read as a float) and what orjson refuses: the standard parser then.
    """
    if not _has_long_digits(text):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII characters as themselves, keys in their order.

    orjson, or the standard library for what orjson does not take (integers beyond 64
    bits, keys that are not strings). Floats may be spelt differently (``1e16`` rather
    than ``1e+16``): the same number either way.
    """
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
