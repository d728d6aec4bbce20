"""Markdown → sanitized HTML for lessons, with the ATLAS blocks, glossary and checks."""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension

from authoring.blocks import BlockKind, default_blocks
from authoring.blocks.autolink import AutolinkTreeprocessor
from authoring.blocks.directive import DirectivePreprocessor, DirectiveProcessor
from authoring.blocks.figure import FigureTreeprocessor
from authoring.blocks.glossary import GlossaryInlineProcessor, GlossaryPipePreprocessor
from authoring.blocks.links import LinkTreeprocessor
from authoring.blocks.structure import StructureTreeprocessor
from authoring.ids import slugify
from authoring.render_state import RenderState
from authoring.sanitize import sanitize_html

STANDARD_EXTENSIONS = ("tables", "fenced_code", "footnotes", "sane_lists", "def_list")


class AtlasExtension(Extension):
    """Registers the ATLAS processors; ``state`` is set before each conversion.

    :param kinds: the ``:::`` block kinds by name.
    :param whole_lessons: ``False`` for snippets (answers, feedback), which
        have no ``:::`` blocks and no heading structure of their own.
    """

    def __init__(self, kinds: dict[str, BlockKind], whole_lessons: bool = True):
        super().__init__()
        self.kinds = kinds
        self.whole_lessons = whole_lessons
        self.state: RenderState | None = None
        self.directives: list = []

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        if self.whole_lessons:
            md.preprocessors.register(DirectivePreprocessor(md, self), "atlas_directives", 28)
            md.parser.blockprocessors.register(
                DirectiveProcessor(md.parser, self), "atlas_directive", 95
            )
            md.treeprocessors.register(StructureTreeprocessor(md, self), "atlas_structure", 3)
        md.preprocessors.register(GlossaryPipePreprocessor(md), "atlas_glossary_pipes", 24)
        md.inlinePatterns.register(GlossaryInlineProcessor(md, self), "atlas_glossary", 185)
        md.treeprocessors.register(FigureTreeprocessor(md, self), "atlas_figure", 15)
        md.treeprocessors.register(LinkTreeprocessor(md, self), "atlas_links", 4)
        md.treeprocessors.register(AutolinkTreeprocessor(md), "atlas_autolink", 2)

    def reset(self) -> None:
        self.directives = []


class LessonRenderer:
    """Render lesson bodies; build one per course build and reuse it for every lesson.

    Creating Markdown instances costs more than converting a short lesson,
    so the two instances (lessons and snippets) are kept and reset.
    """

    def __init__(self, kinds: dict[str, BlockKind] | None = None):
        self.kinds = kinds if kinds is not None else default_blocks()
        self._lesson_extension = AtlasExtension(self.kinds)
        self._lesson_md = Markdown(
            extensions=[
                self._lesson_extension,
                *STANDARD_EXTENSIONS,
                TocExtension(slugify=lambda text, separator: slugify(text, separator)),
            ],
            output_format="html",
        )
        self._snippet_extension = AtlasExtension(self.kinds, whole_lessons=False)
        self._snippet_md = Markdown(
            extensions=[self._snippet_extension, "tables", "sane_lists"], output_format="html"
        )

    def render(self, body: str, state: RenderState) -> str:
        """Return the sanitized HTML of a lesson body; findings go to ``state``."""
        self._lesson_extension.state = state
        self._snippet_extension.state = state
        state.fragment = self.render_snippet
        self._lesson_md.reset()
        return sanitize_html(self._lesson_md.convert(body))

    def render_snippet_with(self, state: RenderState, text: str, inline: bool = False) -> str:
        """Render a snippet outside a lesson (a glossary definition) against ``state``."""
        self._snippet_extension.state = state
        state.fragment = self.render_snippet
        return self.render_snippet(text, inline)

    def render_snippet(self, text: str, inline: bool = False) -> str:
        """Return sanitized HTML of a snippet; ``inline`` drops a lone ``<p>`` wrapper."""
        if not text.strip():
            return ""
        self._snippet_md.reset()
        html = self._snippet_md.convert(text).strip()
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return sanitize_html(html)
