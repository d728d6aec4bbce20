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
