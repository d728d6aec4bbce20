"""Download blocks: ``:::download src=…`` with the link text as body."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree

from markdown.blockparser import BlockParser

from authoring.blocks.directive import DirectiveBlock, parse_attributes
from authoring.blocks.media import checked_path
from authoring.render_state import RenderState


class DownloadBlock:
    """A file offered for download; the body names it for screen readers and everyone."""

    names = ("download",)
    markdown_body = False

    def prepare(self, block: DirectiveBlock, state: RenderState) -> None:
        block.attributes = parse_attributes(block, state, ("src",))
        if "src" not in block.attributes:
            state.sink.error(block.line, 1, "media-src-missing", "':::download' needs src=media/…")
        block.attributes["src"] = checked_path(block, state, "src", "download") or ""
        if not block.body.strip():
            state.sink.error(
                block.line, 1, "download-text",
                "':::download' needs a line of text naming the file",
            )

    def render(
        self, block: DirectiveBlock, parser: BlockParser, state: RenderState
    ) -> etree.Element:
        src = block.attributes["src"]
        paragraph = etree.Element("p", {"class": "download"})
        link = etree.SubElement(
            paragraph, "a", {"class": "download-link", "href": src, "download": "download"}
        )
        link.text = " ".join(block.body.split()) or posixpath.basename(src)
        return paragraph
