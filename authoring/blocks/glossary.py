"""Inline glossary references: ``{{Begriff}}`` and ``{{shown text|Begriff}}``."""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

GLOSSARY_PATTERN = r"\{\{([^{}\n]+?)\}\}"
_REFERENCE = re.compile(GLOSSARY_PATTERN)
_BAR = re.compile(r"\\?\|")


def split_reference(raw: str) -> tuple[str, str]:
    """Return ``(shown text, term)`` of the inside of ``{{…}}``."""
    parts = _BAR.split(raw, maxsplit=1)
    shown, term = (parts[0], parts[-1])
    return shown.strip(), term.strip()


class GlossaryPipePreprocessor(Preprocessor):
    """Escape the ``|`` of ``{{shown|term}}`` in table rows so the row is not split there."""

    def run(self, lines: list[str]) -> list[str]:
        return [
            _REFERENCE.sub(lambda m: "{{" + re.sub(r"(?<!\\)\|", r"\\|", m[1]) + "}}", line)
            if "{{" in line and line.lstrip().startswith("|") else line
            for line in lines
        ]


def _hint(shown: str, term: str, has_bar: bool, glossary: dict) -> str:
    """Suggest the fix for the two usual slips: reversed order and inflected forms."""
    if has_bar and shown.casefold() in glossary:
        return f" (the term comes second: {{{{{term}|{shown}}}}})"
    close = difflib.get_close_matches(term.casefold(), list(glossary), n=1)
    if close:
        known = glossary[close[0]].term
        return f" (did you mean '{known}'? write {{{{{shown}|{known}}}}})"
    return ""


class GlossaryInlineProcessor(InlineProcessor):
    """Link a term to ``#glossary-<slug>`` with its definition as the title."""

    def __init__(self, md, extension):
        super().__init__(GLOSSARY_PATTERN, md)
        self.extension = extension

    def handleMatch(self, m: re.Match, data: str):
        state = self.extension.state
        raw = m.group(1)
        shown, term = split_reference(raw)
        line, column = state.locator.find(
            "{{" + raw + "}}", fallback="{{" + raw.replace("\\|", "|") + "}}"
        )
        entry = state.glossary.get(term.casefold())
        if entry is None:
            state.sink.error(
                line, column, "glossary-undefined",
                f"glossary term '{term}' is not defined in glossary.yml"
                + _hint(shown, term, "|" in raw, state.glossary),
            )
            return shown, m.start(0), m.end(0)
        if entry.slug not in state.glossary_used:
            state.glossary_used.append(entry.slug)
        title = entry.titles.get(state.language) or entry.titles.get("de", "")
        link = etree.Element(
            "a", {"class": "glossary-term", "href": f"#glossary-{entry.slug}", "title": title}
        )
        link.text = shown
        return link, m.start(0), m.end(0)
