"""Reading numbers: learners' answers per language, and values in the course source.

Learners write numbers the way their language does. In German the comma is the
decimal separator and the point groups thousands (``6.120,5``); in English it is
the other way round (``6,120.5``). A space may group thousands in both. Anything
that does not fit the language's pattern cannot be read, so it is never guessed.

The course source has one rule for every language, so that the existing
``[[= 67.2 ± 0.3]]`` keeps meaning 67.2 in a German lesson: see
:func:`parse_source_number`.
"""

from __future__ import annotations

import re

from authoring.model import DEFAULT_LANGUAGE

#: The decimal separator per language; the other of ``.``/``,`` groups thousands.
DECIMAL_SEPARATORS = {"de": ",", "en": "."}
MAX_LENGTH = 64
MINUS_SIGNS = "-\u2212"
SPACES = re.compile(r"[\u00a0\u2007\u2009\u202f]")

#: A number as the course source may write it; :func:`parse_source_number` checks the rest.
SOURCE_NUMBER = r"[-+\u2212]?\d+(?:[.,]\d+)*"


def decimal_separator(language: str) -> str:
    """Return ``","`` or ``"."`` for a language code such as ``de``, ``en`` or ``en-GB``."""
    base = (language or "").split("-")[0].split("_")[0].lower()
    return DECIMAL_SEPARATORS.get(base, DECIMAL_SEPARATORS[DEFAULT_LANGUAGE])


def _answer_pattern(decimal: str) -> re.Pattern:
    group = "." if decimal == "," else ","
    whole = rf"(?:\d{{1,3}}(?P<sep>[{re.escape(group)} ])\d{{3}}(?:(?P=sep)\d{{3}})*|\d+)"
    return re.compile(
        rf"(?P<sign>[+\-\u2212]?)(?P<whole>{whole})?(?:{re.escape(decimal)}(?P<fraction>\d+))?"
    )


ANSWER_PATTERNS = {decimal: _answer_pattern(decimal) for decimal in (",", ".")}


def parse_answer_number(text: str, language: str = DEFAULT_LANGUAGE) -> float | None:
    """Read a learner's number in ``language``; ``None`` when it cannot be read safely.

    German (``de``, and languages without a rule of their own): ``6120``,
    ``6.120``, ``6 120``, ``6.120,5`` and ``6,12``; ``6.12`` is not a German
    number as such, but one separator of the other kind that cannot group
    thousands is read as a decimal (``49.5`` = 49,5). English (``en``): ``6120``,
    ``6,120``, ``6 120``, ``6,120.5`` and ``6.12``; likewise ``6,12`` = 6.12. Thousands groups have
    exactly three digits, and one number uses one kind of grouping.
    """
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    cleaned = SPACES.sub(" ", text).strip()
    decimal = decimal_separator(language)
    match = ANSWER_PATTERNS[decimal].fullmatch(cleaned)
    if not match or not (match["whole"] or match["fraction"]):
        return _other_decimal(cleaned, decimal)
    whole = re.sub(r"\D", "", match["whole"] or "") or "0"
    value = float(f"{whole}.{match['fraction'] or '0'}")
    return -value if match["sign"] and match["sign"] in MINUS_SIGNS else value


def _other_decimal(text: str, decimal: str) -> float | None:
    """Read ``49.5`` in German (or ``49,5`` in English) as a decimal number.

    Learners often type the other convention. One separator followed by one, two
    or four and more digits cannot be a thousands group, so reading it as the
    decimal separator is safe; exactly three digits (``6.120``) stays unreadable
    here because the language's own pattern already decided it.
    """
    other = "." if decimal == "," else ","
    match = re.fullmatch(rf"([+\-\u2212]?)(\d+){re.escape(other)}(\d+)", text)
    if not match or len(match[3]) == 3:
        return None
    value = float(f"{match[2]}.{match[3]}")
    return -value if match[1] else value


def parse_source_number(text: str) -> tuple[float | None, bool]:
    """Read a number from the course source; return ``(value, ambiguous)``.

    The rule does not depend on the lesson's language:

    * No separator: a whole number, ``6120``.
    * One separator, ``.`` or ``,``: the decimal separator, ``6120.5`` = ``6120,5``.
    * Both: the last one is the decimal separator and the other groups
      thousands in groups of three digits, ``6.120,5`` = ``6,120.5`` = 6120.5.
    * The same separator several times: thousands groups, ``1.234.567``.

    A single separator followed by exactly three digits after a group-like
    whole part (``6.120``, ``12,500``) is read as a decimal by the rule, but a
    reader may well mean thousands, so ``ambiguous`` is ``True`` and the
    validator warns. ``value`` is ``None`` when the text breaks the rule
    (``6.12,5``, ``1.2.3``).
    """
    text = text.strip()
    match = re.fullmatch(r"(?P<sign>[-+\u2212]?)(?P<digits>\d+(?:[.,]\d+)*)", text)
    if not match:
        return None, False
    digits = match["digits"]
    negative = match["sign"] in MINUS_SIGNS and bool(match["sign"])
    parts = re.split(r"([.,])", digits)
    numbers, separators = parts[0::2], parts[1::2]
    ambiguous = False
    if not separators:
        whole, fraction = digits, "0"
    elif separators.count(separators[-1]) == 1:
        whole_parts, fraction = numbers[:-1], numbers[-1]
        grouping = separators[:-1]  # only the other separator: the last one occurs once
        if grouping and not _grouped(whole_parts):
            return None, False
        whole = "".join(whole_parts)
        ambiguous = not grouping and len(fraction) == 3 and _grouped(whole_parts + [fraction])
    elif len(set(separators)) == 1 and _grouped(numbers):
        whole, fraction = "".join(numbers), "0"
    else:
        return None, False
    value = float(f"{whole}.{fraction}")
    return (-value if negative else value), ambiguous


def _grouped(numbers: list[str]) -> bool:
    """Whether ``numbers`` read as thousands groups: 1–3 digits not led by 0, then 3 each."""
    first, rest = numbers[0], numbers[1:]
    return (
        1 <= len(first) <= 3 and not first.startswith("0") and all(len(n) == 3 for n in rest)
    )
