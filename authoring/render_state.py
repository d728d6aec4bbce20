"""The per-lesson state the Markdown extensions share while one lesson renders."""

from __future__ import annotations

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

    def add_media(self, path: str, kind: str, line: int, column: int, **extra) -> None:
        """Record a course file the lesson uses, for the existence check and the package."""
        self.media.append({"path": path, "kind": kind, "line": line, "column": column, **extra})
