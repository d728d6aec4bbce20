"""Markdown → sanitized HTML for lessons, with the ATLAS blocks, glossary and checks."""

from __future__ import annotations

from collections.abc import Iterable

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
from authoring.sanitize import SanitizePolicy, Sanitizer

STANDARD_EXTENSIONS = ("tables", "fenced_code", "footnotes", "sane_lists", "def_list")


class AtlasExtension(Extension):
    """Registers the ATLAS processors; ``state`` is set before each conversion.

    :param kinds: the ``:::`` block kinds by name.
    :param whole_lessons: ``False`` for snippets (answers, feedback), which
        have no ``:::`` blocks and no heading structure of their own.
    """

    def __init__(self, kinds: dict[str, BlockKind], whole_lessons: bool = True,
                 policy: SanitizePolicy | None = None):
        super().__init__()
        self.kinds = kinds
        self.whole_lessons = whole_lessons
        self.policy = policy or SanitizePolicy()
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
        # bare https:// addresses (source lists cite them so) become links, after the link
        # checks: an address is its own link text
        md.treeprocessors.register(AutolinkTreeprocessor(md), "atlas_autolink", 2)

    def reset(self) -> None:
        self.directives = []


class LessonRenderer:
    """Render lesson bodies; build one per course build and reuse it for every lesson.

    Creating Markdown instances costs more than converting a short lesson,
    so the two instances (lessons and snippets) are kept and reset.

    :param kinds: the ``:::`` block kinds; each may list the ``css_classes`` it emits,
        which the sanitizer then keeps.
    :param image_hosts: hosts lessons may load images and media from (``"*"``: any),
        the operator's choice; none by default, so only course files are shown.
    """

    def __init__(self, kinds: dict[str, BlockKind] | None = None,
                 image_hosts: Iterable[str] = ()):
        self.kinds = kinds if kinds is not None else default_blocks()
        self.policy = SanitizePolicy.build(
            (name for kind in self.kinds.values() for name in getattr(kind, "css_classes", ())),
            image_hosts,
        )
        self._sanitizer = Sanitizer(self.policy)
        self._lesson_extension = AtlasExtension(self.kinds, policy=self.policy)
        self._lesson_md = Markdown(
            extensions=[
                self._lesson_extension,
                *STANDARD_EXTENSIONS,
                TocExtension(slugify=lambda text, separator: slugify(text, separator)),
            ],
            output_format="html",
        )
        self._snippet_extension = AtlasExtension(self.kinds, whole_lessons=False,
                                                 policy=self.policy)
        self._snippet_md = Markdown(
            extensions=[self._snippet_extension, "tables", "sane_lists"], output_format="html"
        )

    def render(self, body: str, state: RenderState) -> str:
        """Return the sanitized HTML of a lesson body; findings go to ``state``."""
        self._lesson_extension.state = state
        self._snippet_extension.state = state
        state.fragment = self.render_snippet
        self._lesson_md.reset()
        html = self._sanitizer.clean(self._lesson_md.convert(body))
        for url in dict.fromkeys(self._sanitizer.refused_sources):
            line, column = state.locator.find(url)
            state.sink.error(
                line, column, "media-path",
                f"'{url}' must be a file in the course folder: external images and media "
                "are shown only from hosts the platform allows",
            )
        return state.restore(html)

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
        return self._sanitizer.clean(html)
