"""Stable identifiers: id syntax, slugs for anchors and content-derived option ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
)


def is_valid_id(value: object) -> bool:
    """Tell whether ``value`` is a stable id: lowercase letters, digits and single hyphens."""
    return isinstance(value, str) and bool(ID_PATTERN.match(value))


def slugify(text: str, separator: str = "-") -> str:
    """Turn a heading or glossary term into an ASCII anchor.

    German umlauts become ``ae``/``oe``/``ue`` instead of vanishing, so
    ``Übersicht`` gives ``uebersicht`` rather than ``bersicht``.
    """
    text = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator) or "section"


def text_id(prefix: str, text: str) -> str:
    """Derive an option id from its text.

    The id survives shuffling and re-publishing an unchanged question, so the
    browser can send ids and grading never depends on display order.
    """
    normalized = " ".join(text.split()).casefold()
    return prefix + hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:10]
