"""Callout blocks: ``:::note``, ``:::tip``, ``:::warning``, ``:::safety [title]``, and the
plain-language ``:::summary`` and the ``:::applies`` decision box."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.blockparser import BlockParser

from authoring.blocks.directive import DirectiveBlock
from authoring.render_state import RenderState

DEFAULT_TITLES = {
    "note": {"de": "Hinweis", "en": "Note"},
    "tip": {"de": "Tipp", "en": "Tip"},
    "warning": {"de": "Achtung", "en": "Warning"},
    "safety": {"de": "Sicherheit", "en": "Safety"},
    "summary": {"de": "Das Wichtigste in Kürze", "en": "In brief"},
    "applies": {"de": "Gilt das für uns?", "en": "Does this apply to us?"},
}


class Callout:
    """A boxed aside; the optional text after the name replaces the default title."""

    names = tuple(DEFAULT_TITLES)
    markdown_body = True
    css_classes = tuple(f"callout-{name}" for name in DEFAULT_TITLES)

    def prepare(self, block: DirectiveBlock, state: RenderState) -> None:
        if not any(text.strip() for _, text in block.lines):
            state.sink.error(block.line, 1, "block-empty", f"':::{block.name}' block is empty")

    def render(
        self, block: DirectiveBlock, parser: BlockParser, state: RenderState
    ) -> etree.Element:
        titles = DEFAULT_TITLES[block.name]
        aside = etree.Element("aside", {"class": f"callout callout-{block.name}"})
        title = etree.SubElement(aside, "p", {"class": "callout-title"})
        title.text = block.args.strip() or titles.get(state.language, titles["de"])
        return aside
