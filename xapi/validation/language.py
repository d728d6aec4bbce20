"""Well-formedness of RFC 5646 (BCP 47) language tags, as language maps and context.language need.

This checks the grammar of section 2.1 (subtag kinds, lengths and order), the
two well-formedness rules of section 2.2.9 that are not grammar (no repeated
variant, no repeated extension singleton) and the grandfathered tags. It does
not check subtags against the IANA registry: "xx-YY" is well-formed even if no
such language exists, which is what the spec asks of an LRS (Data 2.2.s4.b2).
"""

import re

_ASCII_TAG = re.compile(r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*")

# RFC 5646 section 2.2.8: tags registered before RFC 4646 that do not follow
# the grammar (irregular) or do but have no decomposition (regular).
_GRANDFATHERED = frozenset(
    {
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon",
        "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu",
        "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
        "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka",
        "zh-min", "zh-min-nan", "zh-xiang",
    }
)  # fmt: skip

# Tags seen in statements repeat endlessly ("en-US", "de"); remember the good ones.
_KNOWN_GOOD: set[str] = {"en", "en-US", "en-GB", "de", "de-DE", "und"}
_KNOWN_GOOD_LIMIT = 4096


def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed RFC 5646 language tag (case-insensitive)."""
    if type(tag) is not str:
        return False
    if tag in _KNOWN_GOOD:
        return True
    if _ASCII_TAG.fullmatch(tag) is None:
        return False
    lowered = tag.lower()
    if lowered in _GRANDFATHERED or _parse(lowered.split("-")):
        if len(_KNOWN_GOOD) < _KNOWN_GOOD_LIMIT:
            _KNOWN_GOOD.add(tag)
        return True
    return False


def _parse(parts: list[str]) -> bool:
    count = len(parts)
    first = parts[0]
    if first == "x":
        return _private_use(parts, 0)
    # language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
    if not (2 <= len(first) <= 8 and first.isalpha()):
        return False
    i = 1
    if len(first) <= 3:
        # extlang = 3ALPHA *2("-" 3ALPHA)
        while i < count and i <= 3 and len(parts[i]) == 3 and parts[i].isalpha():
            i += 1
    # script = 4ALPHA
    if i < count and len(parts[i]) == 4 and parts[i].isalpha():
        i += 1
    # region = 2ALPHA / 3DIGIT
    if i < count and (
        (len(parts[i]) == 2 and parts[i].isalpha()) or (len(parts[i]) == 3 and parts[i].isdigit())
    ):
        i += 1
    # variant = 5*8alphanum / (DIGIT 3alphanum); no variant twice (2.2.9)
    variants: set[str] = set()
    while i < count and (5 <= len(parts[i]) <= 8 or (len(parts[i]) == 4 and parts[i][0].isdigit())):
        if parts[i] in variants:
            return False
        variants.add(parts[i])
        i += 1
    # extension = singleton 1*("-" (2*8alphanum)); no singleton twice (2.2.9)
    singletons: set[str] = set()
    while i < count and len(parts[i]) == 1 and parts[i] != "x":
        if parts[i] in singletons:
            return False
        singletons.add(parts[i])
        i += 1
        start = i
        while i < count and len(parts[i]) >= 2:
            i += 1
        if i == start:
            return False
    if i < count and parts[i] == "x":
        return _private_use(parts, i)
    return i == count


def _private_use(parts: list[str], i: int) -> bool:
    """privateuse = "x" 1*("-" (1*8alphanum)); lengths were checked by the regex."""
    return len(parts) > i + 1
