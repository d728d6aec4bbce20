"""Reading ``glossary.yml`` into glossary terms and the lookup ``{{term}}`` uses."""

from __future__ import annotations

from authoring.diagnostic import DiagnosticSink
from authoring.ids import slugify
from authoring.locator import SourceLocator
from authoring.model import GlossaryTerm, LocalizedText
from authoring.parser import LessonRenderer
from authoring.reader import FieldReader
from authoring.render_state import GlossaryEntry, RenderState
from authoring.sanitize import plain_text
from authoring.yaml_loader import Position, load_yaml

GLOSSARY_FIELDS = ("term", "aliases")


def glossary_index(terms: list[GlossaryTerm]) -> dict[str, GlossaryEntry]:
    """Map every casefolded term and alias to what a ``{{term}}`` link needs."""
    index: dict[str, GlossaryEntry] = {}
    for term in terms:
        titles = {lang: plain_text(html) for lang, html in term.definition_html.items()}
        entry = GlossaryEntry(term.term, term.slug, titles)
        for name in (term.term, *term.aliases):
            index.setdefault(name.casefold(), entry)
    return index


def read_glossary_file(
    text: str, sink: DiagnosticSink, renderer: LessonRenderer, languages: list[str]
) -> tuple[list[GlossaryTerm], dict[str, Position]]:
    """Read ``glossary.yml``: a list of ``term`` plus one definition per language.

    :return: the terms in file order and the position of each term (by slug).
    """
    data = load_yaml(text, sink)
    if data is None:
        return [], {}
    if not isinstance(data, list):
        start = getattr(data, "start", Position(1, 1))
        sink.error(start.line, start.column, "yaml-type", "glossary.yml must be a list of terms")
        return [], {}
    terms: list[GlossaryTerm] = []
    positions: dict[str, Position] = {}
    for item in data:
        reader = FieldReader(item, sink, "glossary entry")
        term = reader.text("term", required=True)
        if not term:
            continue
        definition = LocalizedText()
        for key in list(reader.data):
            if isinstance(key, str) and key not in GLOSSARY_FIELDS and len(key) == 2:
                definition[key] = reader.text(key) or ""
        if "de" not in definition:
            pos = reader.data.start
            sink.error(pos.line, pos.column, "missing-field",
                       f"glossary term '{term}' has no German definition (de)")
        for language in languages:
            if language != "de" and language not in definition:
                pos = reader.data.start
                sink.warning(
                    pos.line, pos.column, "translation-missing",
                    f"glossary term '{term}' has no '{language}' definition",
                )
        slug = slugify(term)
        position = reader.data.key_position("term")
        if slug in positions:
            sink.error(
                position.line, position.column, "glossary-duplicate",
                f"glossary term '{term}' is defined twice (first at line {positions[slug].line})",
            )
            continue
        positions[slug] = position
        terms.append(
            GlossaryTerm(
                term=term, slug=slug, definition=definition,
                aliases=reader.text_list("aliases"),
            )
        )
        reader.finish()
    _render_definitions(terms, text, sink, renderer)
    return terms, positions


def _render_definitions(
    terms: list[GlossaryTerm], text: str, sink: DiagnosticSink,
    renderer: LessonRenderer,
) -> None:
    """Render definitions as Markdown; ``{{other term}}`` inside them links too."""
    index = glossary_index(terms)
    for term in terms:
        for language, definition in term.definition.items():
            state = RenderState(
                path=sink.path, source="glossary.yml", language=language,
                locator=SourceLocator(text.split("\n"), 1), sink=sink, glossary=index,
            )
            term.definition_html[language] = renderer.render_snippet_with(state, definition)
