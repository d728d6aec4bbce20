"""Links: meaningful link text, lesson links rewritten to lesson ids, course files recorded."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown.treeprocessors import Treeprocessor

from authoring.course_paths import course_path, is_external

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
SKIPPED_CLASSES = ("glossary-term", "footnote-ref", "footnote-backref", "download-link")
VAGUE_LINK_TEXTS = {
    "hier", "here", "klicken sie hier", "hier klicken", "klick hier", "click here", "mehr",
    "more", "mehr erfahren", "mehr dazu", "mehr infos", "weiter", "weiterlesen", "read more",
    "learn more", "link", "dieser link", "this link", "details", "siehe hier", "see here",
}


def vague_link_text(text: str) -> bool:
    """Tell whether link text says nothing about its target out of context (WCAG 2.4.4)."""
    return re.sub(r"[^\w ]+", "", text.casefold()).strip() in VAGUE_LINK_TEXTS


class LinkTreeprocessor(Treeprocessor):
    """Check and rewrite every author link once the tree is complete.

    Lesson links (``02-x.md``, ``../02-m/01-y.md#anchor``, ``lesson:<id>``) become
    ``href="<lesson-id>#anchor"`` with ``data-lesson-id``; targets and anchors
    are checked against the whole course afterwards.
    """

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        state = self.extension.state
        for link in root.iter("a"):
            classes = (link.get("class") or "").split()
            if any(name in classes for name in SKIPPED_CLASSES) or link.get("download"):
                continue
            href = link.get("href", "")
            line, column = state.locator.find("](" + href if href else "](", anchor="[")
            text = "".join(link.itertext()).strip()
            if not text and link.find(".//img") is None:
                state.sink.error(line, column, "link-text", "link has no text")
            elif vague_link_text(text):
                state.sink.error(
                    line, column, "link-text",
                    f"link text '{text}' does not say where the link goes",
                )
            self._target(link, href, line, column)

    def _target(self, link: etree.Element, href: str, line: int, column: int) -> None:
        state = self.extension.state
        if not href:
            state.sink.error(line, column, "link-broken", "link has no target")
            return
        if href.startswith("#"):
            state.links.append({"anchor": href[1:], "lesson": None, "line": line, "column": column})
            return
        if href.startswith("lesson:"):
            lesson_id, _, anchor = href[len("lesson:"):].partition("#")
            self._lesson_link(link, lesson_id, anchor, line, column)
            return
        if is_external(href):
            scheme = urlsplit(href).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                state.sink.error(
                    line, column, "link-scheme", f"links with '{scheme}:' are not allowed"
                )
                link.set("href", "#")
            return
        target, _, anchor = href.partition("#")
        if target.endswith(".md"):
            folder = posixpath.dirname(state.source)
            path, problem = course_path(target, folder)
            lesson_id = state.lesson_paths.get(path or "")
            if lesson_id is None:
                state.sink.error(
                    line, column, "link-broken",
                    f"link target '{target}' is not a lesson of this course",
                )
                return
            self._lesson_link(link, lesson_id, anchor, line, column)
            return
        path, problem = course_path(target)
        if problem:
            state.sink.error(line, column, "link-broken", f"link '{href}' {problem}")
            return
        link.set("href", path + (f"#{anchor}" if anchor else ""))
        state.add_media(path, "link", line, column)

    def _lesson_link(
        self, link: etree.Element, lesson_id: str, anchor: str, line: int, column: int
    ) -> None:
        state = self.extension.state
        state.links.append({"anchor": anchor, "lesson": lesson_id, "line": line, "column": column})
        link.set("href", lesson_id + (f"#{anchor}" if anchor else ""))
        link.set("class", "lesson-link")
        link.set("data-lesson-id", lesson_id)


BARE_URL = re.compile(r"(?<![\w/@.=\"'<])https?://[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]")
_NO_LINKS_INSIDE = {"a", "code", "pre", "script", "style"}


class BareUrlTreeprocessor(Treeprocessor):
    """Turn bare ``https://…`` addresses in text into links (sources cite them that way).

    Runs after inline parsing and before :class:`LinkTreeprocessor`, so the new links get
    the same checks; text inside links, code and preformatted blocks stays as written.
    """

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in _NO_LINKS_INSIDE:
            return
        if element.text and "://" in element.text:
            text, links = self._split(element.text)
            element.text = text
            for index, link in enumerate(links):
                element.insert(index, link)
            children = list(element)[len(links):]
        else:
            children = list(element)
        for child in children:
            self._walk(child)
            if child.tail and "://" in child.tail:
                tail, links = self._split(child.tail)
                child.tail = tail
                position = list(element).index(child) + 1
                for offset, link in enumerate(links):
                    element.insert(position + offset, link)

    @staticmethod
    def _split(text: str) -> tuple[str, list[etree.Element]]:
        """Return the text before the first URL and the links, each carrying what follows."""
        matches = list(BARE_URL.finditer(text))
        if not matches:
            return text, []
        links = []
        for index, match in enumerate(matches):
            link = etree.Element("a", {"href": match.group(0)})
            link.text = match.group(0)
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            link.tail = text[match.end():end]
            links.append(link)
        return text[:matches[0].start()], links
