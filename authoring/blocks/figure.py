"""Images: alt-text checks, course paths, and a lone image paragraph becoming a figure."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

from authoring.course_paths import course_path, is_external

USELESS_ALT = {
    "bild", "image", "img", "foto", "photo", "grafik", "graphic", "abbildung", "abb",
    "figure", "picture", "bild 1", "image 1", "screenshot", "icon", "logo", "platzhalter",
    "placeholder", "diagramm", "diagram",
}
FILE_NAME = re.compile(r"^[\w\-. ]+\.(?:png|jpe?g|gif|svg|webp|avif|bmp|tiff?)$", re.IGNORECASE)
MIN_ALT_LENGTH = 5


def alt_text_problem(alt: str | None, src: str) -> str | None:
    """Return why ``alt`` does not describe the image, or ``None`` when it does."""
    text = (alt or "").strip()
    if not text:
        return "image has no alt text: describe what it shows"
    normalized = re.sub(r"[^\w ]+", "", text.casefold()).strip()
    if (
        normalized in USELESS_ALT
        or FILE_NAME.match(text)
        or text == posixpath.basename(src)
        or len(text) < MIN_ALT_LENGTH
    ):
        return f"alt text '{text}' does not describe the image"
    return None


class FigureTreeprocessor(Treeprocessor):
    """Check every image, then wrap each image standing alone in a paragraph in a figure.

    The Markdown title (``"Abb. 1: …"``) becomes the ``<figcaption>``.
    """

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        state = self.extension.state
        for image in root.iter("img"):
            src = image.get("src", "")
            line, column = state.locator.find(src or "![", anchor="![")
            problem = alt_text_problem(image.get("alt"), src)
            if problem:
                state.sink.error(line, column, "image-alt", problem)
            if is_external(src) and self.extension.policy.allows_source(src):
                image.set("loading", "lazy")  # an operator-allowed host: shown as it is
                continue
            path, path_problem = course_path(src)
            if path_problem:
                state.sink.error(line, column, "media-path", f"image '{src}' {path_problem}")
                continue
            image.set("src", path)
            image.set("loading", "lazy")
            state.add_media(
                path, "image", line, column, alt=image.get("alt"), caption=image.get("title")
            )
        for paragraph in root.iter("p"):
            if (
                len(paragraph) == 1
                and paragraph[0].tag == "img"
                and not (paragraph.text or "").strip()
                and not (paragraph[0].tail or "").strip()
            ):
                image = paragraph[0]
                paragraph.tag = "figure"
                title = image.attrib.pop("title", None)
                if title:
                    caption = etree.SubElement(paragraph, "figcaption")
                    caption.text = title
