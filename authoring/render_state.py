"""The per-lesson state the Markdown extensions share while one lesson renders."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from authoring.diagnostic import DiagnosticSink
from authoring.locator import SourceLocator
from authoring.model import Question


@dataclass(frozen=True)
class GlossaryEntry:
    """What a ``{{term}}`` needs: the anchor slug and a plain-text title per language."""

    term: str
    slug: str
    titles: dict[str, str]


@dataclass
class RenderState:
    """Inputs and findings of rendering one lesson file.

    The Markdown extensions read the inputs and append findings; the lesson
    reader turns the findings into the model and diagnostics.

    :param path: the file path printed in diagnostics.
    :param source: the course-relative path of the lesson file.
    :param language: the language of this lesson file.
    :param glossary: lookup of casefolded terms and aliases.
    :param lesson_paths: course-relative ``.md`` path of every lesson file → lesson id.
    :param fragment: renders a Markdown snippet (answers, feedback) to sanitized HTML.
    """

    path: str
    source: str
    language: str
    locator: SourceLocator
    sink: DiagnosticSink
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    lesson_paths: dict[str, str] = field(default_factory=dict)
    fragment: Callable[[str], str] = str
    lesson_kind: str = "lesson"
    questions: list[Question] = field(default_factory=list)
    media: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    glossary_used: list[str] = field(default_factory=list)
    headings: list[dict] = field(default_factory=list)
    question_lines: list[tuple[str, int]] = field(default_factory=list)
    checks: list[Question] = field(default_factory=list)
    #: every ``:::`` block in order (name, line, key), for comparing translations
    blocks: list[dict] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)

    def add_media(self, path: str, kind: str, line: int, column: int, **extra) -> None:
        """Record a course file the lesson uses, for the existence check and the package."""
        self.media.append({"path": path, "kind": kind, "line": line, "column": column, **extra})

    def trust(self, html: str) -> str:
        """Return a text token for markup the renderer itself made (a quiz gap's input).

        The sanitizer removes form controls a trainer writes; the token passes it as
        text and :meth:`restore` puts the renderer's markup back afterwards.
        """
        self.trusted.append(html)
        return f"{_TRUST_OPEN}{len(self.trusted) - 1}{_TRUST_CLOSE}"

    def restore(self, html: str) -> str:
        """Replace the tokens of :meth:`trust` in sanitized ``html``; drop any others."""

        def markup(match: re.Match) -> str:
            index = int(match.group(1))
            return self.trusted[index] if index < len(self.trusted) else ""

        html = _TRUST_TOKEN.sub(markup, html)
        return html.replace(_TRUST_OPEN, "").replace(_TRUST_CLOSE, "")


# Private-use characters: no Markdown or HTML syntax, and kept by the sanitizer as text.
_TRUST_OPEN, _TRUST_CLOSE = "\ue000", "\ue001"
_TRUST_TOKEN = re.compile(f"{_TRUST_OPEN}(\\d{{1,6}}){_TRUST_CLOSE}")
