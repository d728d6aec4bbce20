"""Bare URLs in lesson text become links: source lists are full of them, and readers click."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

#: http(s) URLs up to whitespace, angle brackets, quotes or Markdown's stash markers
_URL = re.compile(r"https?://[^\s<>\"'\x02\x03]+")
#: punctuation that ends a sentence rather than the URL
_TRAILING = ".,;:!?»“”’"
#: elements whose text must stay as written
_SKIPPED = {"a", "code", "pre", "kbd", "samp", "script", "style"}


def _trim(url: str) -> str:
    """Drop sentence punctuation and an unbalanced closing bracket from the end of ``url``."""
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url


def _split(text: str) -> list[str | etree.Element]:
    """Return ``text`` as plain strings and ``<a>`` elements, in order."""
    parts: list[str | etree.Element] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) <= len("https://"):
            continue
        parts.append(text[position:match.start()])
        link = etree.Element("a", {"href": url, "class": "bare-url"})
        link.text = url
        parts.append(link)
        position = match.start() + len(url)
    parts.append(text[position:])
    return parts


class AutolinkTreeprocessor(Treeprocessor):
    """Turn ``https://…`` in text (not in links or code) into ``<a href>``.

    Runs after the link checks: an address written out in full says where it goes.
    """

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in _SKIPPED:
            return
        for child in list(element):
            self._walk(child)
            self._link_tail(element, child)
        if element.text and "://" in element.text:
            parts = _split(element.text)
            if len(parts) > 1:
                element.text = parts[0]
                self._insert(element, 0, parts[1:])

    def _link_tail(self, parent: etree.Element, child: etree.Element) -> None:
        if not child.tail or "://" not in child.tail:
            return
        parts = _split(child.tail)
        if len(parts) > 1:
            child.tail = parts[0]
            self._insert(parent, list(parent).index(child) + 1, parts[1:])

    @staticmethod
    def _insert(parent: etree.Element, index: int, parts: list) -> None:
        """Insert alternating links and text (``parts`` starts with a link) at ``index``."""
        last: etree.Element | None = None
        for part in parts:
            if isinstance(part, str):
                if last is not None:
                    last.tail = (last.tail or "") + part
            else:
                parent.insert(index, part)
                index += 1
                last = part
