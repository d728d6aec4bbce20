"""Reading one lesson file: front matter, rendered body, and what it refers to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from authoring.blocks.directive import OPENER
from authoring.currency import DEFAULT_REVIEW_MONTHS, parse_review_every
from authoring.diagnostic import Diagnostic, DiagnosticSink
from authoring.locator import SourceLocator
from authoring.model import (
    GRADED_KINDS,
    LESSON_KINDS,
    SESSION_FORMATS,
    LessonContent,
    MediaRef,
    Record,
    SessionSpec,
)
from authoring.packages.folder import PACKAGE_NAME
from authoring.parser import LessonRenderer
from authoring.reader import FieldReader
from authoring.render_state import GlossaryEntry, RenderState
from authoring.yaml_loader import LocatedMap, load_yaml

FRONT_MATTER_FENCE = "---"
SESSION_FIELDS = ("format", "duration_minutes", "agenda", "bring", "trainer_checks")
GRADED_FIELDS = ("pass_mark", "attempts", "draw")
PACKAGE_FIELDS = ("package", "item")
SOURCES_HEADINGS = ("quellen", "sources")
#: front matter a translation must copy unchanged from the German lesson
SHARED_FIELDS = ("id", "type", "minutes", "pass_mark", "attempts", "draw", "legal",
                 "reviewed", "review_every", "package", "item")
SOURCES_HEADING = re.compile(r"^##\s+(?:quellen|sources)\b", re.IGNORECASE)
SECTION_END = re.compile(r"^#{1,2}\s")
LINK = re.compile(r"https?://", re.IGNORECASE)


@dataclass
class FrontMatter:
    """A lesson file split at its ``---`` fences, with the line each part starts on."""

    yaml: str | None
    body: str
    body_line: int


def split_front_matter(text: str, sink: DiagnosticSink) -> FrontMatter:
    """Separate the YAML front matter from the Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        sink.error(1, 1, "front-matter-missing", "lesson must start with YAML front matter ('---')")
        return FrontMatter(None, text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in (FRONT_MATTER_FENCE, "..."):
            return FrontMatter("\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2)
    sink.error(1, 1, "front-matter-unclosed", "front matter is not closed with a line '---'")
    return FrontMatter(None, "", len(lines) + 1)


def lesson_id_of(text: str) -> str | None:
    """Return the ``id`` from a lesson's front matter, or ``None``; reports nothing.

    Lesson links are resolved to ids while rendering, so every id is needed
    before any lesson renders.
    """
    sink = DiagnosticSink("")
    front = split_front_matter(text, sink)
    if front.yaml is None:
        return None
    data = load_yaml(front.yaml, sink, line_offset=1)
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


@dataclass
class LessonFile(Record):
    """Everything read from one lesson file; JSON-able so the render cache can keep it."""

    id: str
    kind: str
    content: LessonContent
    id_line: int = 1
    kind_line: int = 1
    pass_mark: int | None = None
    attempts: int | None = None
    #: questions drawn per attempt from the lesson's pool (``draw: N``), and its line
    draw: int | None = None
    draw_line: int = 1
    questions: list[list] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    media: list[dict] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    diagnostics: list[dict] = field(default_factory=list)
    reviewed: str | None = None
    review_every_months: int = DEFAULT_REVIEW_MONTHS
    reviewed_line: int = 1
    legal: bool = False
    translation_of: str | None = None
    translation_of_line: int = 1
    #: the shared front matter as written: name → [value as text, line]
    shared: dict[str, list] = field(default_factory=dict)
    #: the ``:::`` blocks in order: name, line, id, src
    blocks: list[dict] = field(default_factory=list)
    has_front_matter: bool = False
    #: the ``# Title`` line, and whether a ``:::summary`` block follows it directly
    title_line: int = 1
    opens_with_summary: bool = False
    #: the line of a Quellen/Sources heading whose list has no link
    sources_without_links: int | None = None
    #: ``type: package``: the folder name under ``packages/`` and the optional SCO/AU id
    package: str | None = None
    package_line: int = 1
    item: str | None = None
    item_line: int = 1

    def diagnostic_list(self) -> list[Diagnostic]:
        return [Diagnostic.from_dict(item) for item in self.diagnostics]


def _session(reader: FieldReader) -> SessionSpec:
    return SessionSpec(
        format=reader.choice("format", SESSION_FORMATS, required=True) or "",
        duration_minutes=reader.integer("duration_minutes", required=True, minimum=1) or 0,
        agenda=reader.text_list("agenda"),
        bring=reader.text_list("bring"),
        trainer_checks=reader.text_list("trainer_checks"),
    )


def _package(reader: FieldReader, lesson: LessonFile) -> None:
    """``package:`` (required, a folder name) and ``item:`` (optional SCO/AU identifier)."""
    lesson.package = reader.text("package", required=True)
    lesson.package_line = reader.position("package").line
    if lesson.package and not PACKAGE_NAME.match(lesson.package):
        pos = reader.position("package")
        reader.sink.error(pos.line, pos.column, "invalid-id",
                          f"'package' must name a folder under packages/ in lowercase letters, "
                          f"digits and hyphens, got '{lesson.package}'")
        lesson.package = None
    lesson.item = reader.text("item") or None
    lesson.item_line = reader.position("item").line


def _misplaced(reader: FieldReader, fields: tuple[str, ...], kinds: str) -> None:
    for name in fields:
        if name in reader.data:
            reader.known.add(name)
            pos = reader.data.key_position(name)
            reader.sink.warning(
                pos.line, pos.column, "field-misplaced",
                f"'{name}' applies only to lessons of type {kinds}",
            )


def read_lesson_file(
    text: str,
    *,
    path: str,
    source: str,
    language: str,
    renderer: LessonRenderer,
    glossary: dict[str, GlossaryEntry],
    lesson_paths: dict[str, str],
) -> LessonFile:
    """Read and render one lesson file.

    :param path: the path printed in diagnostics.
    :param source: the course-relative path (``modules/01-x/01-y.md``).
    :param language: the language of this file (``de``, or ``en`` for ``.en.md``).
    """
    sink = DiagnosticSink(path)
    front = split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"), sink)
    data = load_yaml(front.yaml, sink, line_offset=1) if front.yaml is not None else None
    if front.yaml is not None and data is None and not sink.items:
        sink.error(2, 1, "front-matter-empty", "front matter is empty")
    reader = FieldReader(data if data is not None else LocatedMap(), sink, "front matter")
    if data is None:
        reader.known.update(reader.data)
    lesson_id = reader.identifier("id") if data is not None else None
    kind = reader.choice("type", LESSON_KINDS, default="lesson") or "lesson"
    content = LessonContent(
        language=language,
        title=(reader.text("title", required=data is not None) or ""),
        source=source,
        description=reader.text("description") or "",
        minutes=reader.integer("minutes", minimum=1),
        objectives=reader.text_list("objectives"),
    )
    lesson = LessonFile(
        id=lesson_id or "",
        kind=kind,
        content=content,
        id_line=reader.position("id").line,
        kind_line=reader.position("type").line,
    )
    if kind in GRADED_KINDS:
        lesson.pass_mark = reader.integer("pass_mark", minimum=0, maximum=100)
        lesson.attempts = reader.integer("attempts", minimum=1)
        lesson.draw = reader.integer("draw", minimum=1)
        lesson.draw_line = reader.position("draw").line
    else:
        _misplaced(reader, GRADED_FIELDS, "quiz or assessment")
    if kind == "session":
        content.session = _session(reader)
    else:
        _misplaced(reader, SESSION_FIELDS, "session")
    if kind == "package":
        _package(reader, lesson)
    else:
        _misplaced(reader, PACKAGE_FIELDS, "package")
    _read_currency(reader, lesson, content, data is not None)
    reader.finish()

    body_lines = front.body.split("\n")
    state = RenderState(
        path=path, source=source, language=language,
        locator=SourceLocator(body_lines, front.body_line), sink=sink,
        glossary=glossary, lesson_paths=lesson_paths, lesson_kind=kind,
    )
    content.html = renderer.render(front.body, state)
    content.questions = state.questions
    content.checks = state.checks
    lesson.blocks = state.blocks
    content.glossary = state.glossary_used
    content.media = _media_refs(state.media)
    lesson.questions = [list(item) for item in state.question_lines]
    lesson.links, lesson.media, lesson.anchors = state.links, state.media, state.anchors
    if data is not None:
        filled = [index for index, line in enumerate(body_lines) if line.strip()]
        _check_kind(lesson, state, sink, front.body_line + (filled[-1] if filled else 0))
        _record_currency(lesson, body_lines, front.body_line)
    lesson.diagnostics = [item.to_dict() for item in sink.items]
    return lesson


def _media_refs(found: list[dict]) -> list[MediaRef]:
    refs: dict[tuple[str, str], MediaRef] = {}
    for item in found:
        key = (item["path"], item["kind"])
        if key not in refs:
            refs[key] = MediaRef(item["path"], item["kind"], item.get("alt"), item.get("caption"))
    return list(refs.values())


def _check_kind(lesson: LessonFile, state: RenderState, sink: DiagnosticSink, last: int) -> None:
    """Apply the rules that depend on the lesson type."""
    if lesson.kind == "lesson" and not any(
        heading["level"] == 2 and heading["text"].casefold().startswith(SOURCES_HEADINGS)
        for heading in state.headings
    ):
        sink.warning(
            last, 1, "sources-missing",
            "lesson has no '## Quellen' ('## Sources') section listing its references",
        )
    if lesson.kind in GRADED_KINDS and not state.questions:
        sink.error(
            lesson.kind_line, 1, "quiz-none",
            f"a lesson of type {lesson.kind} needs at least one ':::quiz' question",
        )
    pool = len(state.questions)
    if lesson.draw is not None and state.questions and lesson.draw > pool:
        sink.error(
            lesson.draw_line, 1, "quiz-draw",
            f"'draw: {lesson.draw}' asks for more questions than the lesson's pool has "
            f"({pool}); write at most 'draw: {pool}' or add questions",
        )


def _read_currency(reader: FieldReader, lesson: LessonFile, content: LessonContent,
                   has_front_matter: bool) -> None:
    """Read ``reviewed``, ``review_every``, ``legal`` and ``translation_of``."""
    sink = reader.sink
    for name in SHARED_FIELDS:
        if name in reader.data:
            lesson.shared[name] = [str(reader.data[name]), reader.position(name).line]
    reviewed = reader.date("reviewed")
    lesson.reviewed_line = reader.position("reviewed").line
    if reviewed is not None:
        lesson.reviewed = content.reviewed = reviewed.isoformat()
    lesson.has_front_matter = has_front_matter
    every = reader.raw("review_every")
    if every is not None:
        months = parse_review_every(every) if isinstance(every, str) else None
        if months is None:
            pos = reader.position("review_every")
            sink.error(pos.line, pos.column, "review-every",
                       f"'review_every' must read like '6 months' or '2 years', got {every!r}")
        else:
            lesson.review_every_months = months
    lesson.legal = reader.boolean("legal", False)
    lesson.translation_of = reader.text("translation_of")
    lesson.translation_of_line = reader.position("translation_of").line


def _first_block_after_title(body_lines: list[str]) -> tuple[int, str | None]:
    """Return the index of the title line (or 0) and the name of the block right after it."""
    filled = [index for index, line in enumerate(body_lines) if line.strip()]
    if not filled:
        return 0, None
    title = filled[0] if body_lines[filled[0]].startswith("# ") else None
    following = [index for index in filled if title is None or index > title]
    if not following:
        return title or 0, None
    opener = OPENER.match(body_lines[following[0]])
    return (title if title is not None else following[0]), (opener["name"] if opener else None)


def _sources_without_links(body_lines: list[str]) -> int | None:
    """Return the index of a Quellen/Sources heading whose section has no link, or None."""
    for index, line in enumerate(body_lines):
        if not SOURCES_HEADING.match(line):
            continue
        section = []
        for following in body_lines[index + 1:]:
            if SECTION_END.match(following):
                break
            section.append(following)
        has_items = any(item.lstrip().startswith(("- ", "* ", "1.")) for item in section)
        if has_items and not any(LINK.search(item) for item in section):
            return index
    return None


def _record_currency(lesson: LessonFile, body_lines: list[str], first_line: int) -> None:
    """Record what the course-wide currency rules need (see ``authoring.validate``).

    The rules themselves run on the whole course, so that rendering one lesson
    (previews, examples) is not judged by rules meant for finished courses.
    """
    title, first = _first_block_after_title(body_lines)
    lesson.title_line = first_line + title
    lesson.opens_with_summary = first == "summary"
    heading = _sources_without_links(body_lines)
    lesson.sources_without_links = None if heading is None else first_line + heading
