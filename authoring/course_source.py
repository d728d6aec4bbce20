"""Finding and reading every file of a course folder, through the render cache."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from authoring.blocks import BlockKind
from authoring.cache import MemoryCache, RenderCache
from authoring.course_file import read_course_file, read_module_file
from authoring.diagnostic import Diagnostic, DiagnosticSink
from authoring.glossary_file import glossary_index, read_glossary_file
from authoring.lesson_file import LessonFile, lesson_id_of, read_lesson_file
from authoring.model import (
    DEFAULT_LANGUAGE,
    SUBJECTS,
    Course,
    LocalizedText,
    Module,
    PackageRef,
)
from authoring.packages.folder import PACKAGE_NAME, PACKAGES_DIR, read_package_folder
from authoring.parser import LessonRenderer
from authoring.yaml_loader import Position

logger = logging.getLogger(__name__)

LESSON_NAME = re.compile(r"^(?P<base>.+?)(?:\.(?P<lang>[a-z]{2}))?\.md$")
ORDER_PREFIX = re.compile(r"^\d+-")
_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """Hash the authoring package's own source, so any code change invalidates the cache."""
    if not _CODE_DIGEST:
        digest = hashlib.sha256()
        package = Path(__file__).parent
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def _sha256(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass
class LessonSource:
    """One lesson file found on disk, before and after reading."""

    source: str
    module: str
    base: str
    language: str
    text: str | None = None
    result: LessonFile | None = None


@dataclass
class CourseSource:
    """Everything read from a course folder; validation and the build work from this.

    :param display_root: the course folder as the caller named it; diagnostics
        print paths below it.
    """

    root: Path
    display_root: str
    course: Course
    course_positions: dict[str, Position] = field(default_factory=dict)
    glossary_positions: dict[str, Position] = field(default_factory=dict)
    modules: list[tuple[Module, list[str], Position]] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: ``packages/<name>/`` folders: name → the package read (None: present but unusable)
    packages: dict[str, PackageRef | None] = field(default_factory=dict)

    def display(self, relative: str) -> str:
        """Return the path printed in diagnostics for a course-relative path."""
        return (Path(self.display_root) / relative).as_posix()

    def sink(self, relative: str) -> DiagnosticSink:
        return DiagnosticSink(self.display(relative))

    def report(self, relative: str, line: int, column: int, severity: str, code: str,
               message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.display(relative), line, column, severity, code, message)
        )


class CourseReader:
    """Read a course folder; one instance per build (it owns the Markdown renderer).

    :param cache: keeps rendered lessons by content hash between builds.
    :param kinds: ``:::`` block kinds, defaulting to the built-in ones.
    :param image_hosts: hosts lessons may show images from (see ``LessonRenderer``).
    :param subjects: the subject keys ``course.yml`` may name (default: ``model.SUBJECTS``).
    """

    def __init__(self, cache: RenderCache | None = None,
                 kinds: dict[str, BlockKind] | None = None,
                 image_hosts: Iterable[str] = (), subjects: Iterable[str] | None = None):
        self.cache = cache if cache is not None else MemoryCache()
        self.subjects = tuple(subjects) if subjects is not None else SUBJECTS
        self.renderer = LessonRenderer(kinds, image_hosts)
        self.hits = 0
        self.misses = 0

    def read(self, path: str | Path) -> CourseSource:
        root = Path(path)
        source = CourseSource(root, str(path), Course(id="", version="0.0.0",
                                                      title=LocalizedText()))
        if not root.is_dir():
            source.report("course.yml", 1, 1, "error", "course-missing",
                          f"course folder {source.display_root} not found")
            return source
        text = self._read_text(source, "course.yml", required=True)
        if text is not None:
            sink = source.sink("course.yml")
            source.course, source.course_positions = self.guard(
                source, "course.yml", (source.course, {}), read_course_file, text, sink,
                self.subjects,
            )
            source.diagnostics.extend(sink.items)
        self._read_glossary(source)
        self._find_modules(source)
        self._read_lessons(source)
        self._read_packages(source)
        return source

    def _read_packages(self, source: CourseSource) -> None:
        """Read every ``packages/<name>/`` folder (imported SCORM/cmi5 content)."""
        folder = source.root / PACKAGES_DIR
        if not folder.is_dir():
            return
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith("."):
                continue
            relative = f"{PACKAGES_DIR}/{entry.name}"
            if not entry.is_dir() or entry.is_symlink() or not PACKAGE_NAME.match(entry.name):
                source.report(relative, 1, 1, "error", "package-name",
                              f"'{relative}' must be a folder named in lowercase letters, "
                              "digits and hyphens")
                continue
            package, diagnostics = self.guard(
                source, relative, (None, []), read_package_folder, entry, entry.name,
                source.display(relative))
            source.packages[entry.name] = package
            source.diagnostics.extend(diagnostics)

    # --- files -------------------------------------------------------------------

    def _read_text(self, source: CourseSource, relative: str, required: bool) -> str | None:
        file = source.root / relative
        if not file.is_file():
            if required:
                source.report(relative, 1, 1, "error", "file-missing",
                              f"{relative} not found in {source.display_root}")
            return None
        try:
            return file.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            source.report(relative, 1, 1, "error", "file-encoding",
                          f"file is not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            source.report(relative, 1, 1, "error", "file-unreadable",
                          f"cannot read file: {exc.strerror or exc}")
        return None

    @staticmethod
    def guard(source: CourseSource, relative: str, fallback, action, /, *args, **kwargs):
        """Call ``action``; an unexpected exception becomes a diagnostic, never a traceback."""
        try:
            return action(*args, **kwargs)
        except Exception as exc:  # the validator must survive any input
            logger.exception("unexpected error while reading %s", relative)
            source.report(relative, 1, 1, "error", "internal-error",
                          f"could not process this file ({type(exc).__name__}: {exc})")
            return fallback

    def _read_glossary(self, source: CourseSource) -> None:
        text = self._read_text(source, "glossary.yml", required=False)
        if text is None:
            return
        sink = source.sink("glossary.yml")
        terms, positions = self.guard(
            source, "glossary.yml", ([], {}),
            read_glossary_file, text, sink, self.renderer, source.course.languages,
        )
        source.course.glossary = terms
        source.glossary_positions = positions
        source.diagnostics.extend(sink.items)

    def _find_modules(self, source: CourseSource) -> None:
        modules_dir = source.root / "modules"
        if not modules_dir.is_dir():
            source.report("course.yml", 1, 1, "error", "course-empty",
                          "course has no modules/ folder")
            return
        folders = sorted(p for p in modules_dir.iterdir() if p.is_dir()
                         and not p.name.startswith("."))
        for order, folder in enumerate(folders, start=1):
            relative = f"modules/{folder.name}"
            if not ORDER_PREFIX.match(folder.name):
                source.report(f"{relative}/module.yml", 1, 1, "warning", "order-prefix",
                              f"module folder '{folder.name}' has no NN- order prefix")
            text = self._read_text(source, f"{relative}/module.yml", required=True)
            sink = source.sink(f"{relative}/module.yml")
            module = Module(id="", title=LocalizedText(), order=order, folder=relative)
            id_position = Position(1, 1)
            if text is not None:
                module, id_position = self.guard(
                    source, f"{relative}/module.yml", (module, id_position),
                    read_module_file, text, sink, order, relative,
                )
            source.diagnostics.extend(sink.items)
            bases: list[str] = []
            for file in sorted(folder.glob("*.md")):
                if file.name.startswith("."):
                    continue
                match = LESSON_NAME.match(file.name)
                base, language = match["base"], match["lang"] or DEFAULT_LANGUAGE
                lesson_relative = f"{relative}/{file.name}"
                if language == DEFAULT_LANGUAGE and match["lang"] is None and not \
                        ORDER_PREFIX.match(file.name):
                    source.report(lesson_relative, 1, 1, "warning", "order-prefix",
                                  f"lesson file '{file.name}' has no NN- order prefix")
                if base not in bases:
                    bases.append(base)
                source.lessons.append(LessonSource(lesson_relative, relative, base, language))
            source.modules.append((module, bases, id_position))

    # --- lessons -----------------------------------------------------------------

    def _read_lessons(self, source: CourseSource) -> None:
        for lesson in source.lessons:
            lesson.text = self._read_text(source, lesson.source, required=True)
        lesson_paths = {
            lesson.source: lesson_id
            for lesson in source.lessons
            if lesson.text is not None and (lesson_id := self._lesson_id(lesson.text))
        }
        glossary = glossary_index(source.course.glossary)
        context = _sha256(
            code_digest(),
            json.dumps(sorted(lesson_paths.items())),
            json.dumps(
                [[term.term, term.slug, term.aliases, term.definition_html]
                 for term in source.course.glossary],
                sort_keys=True,
            ),
            json.dumps(sorted(self.renderer.kinds)),
            json.dumps(sorted(self.renderer.policy.image_hosts)),
        )
        for lesson in source.lessons:
            if lesson.text is None:
                continue
            lesson.result = self._read_lesson(source, lesson, glossary, lesson_paths, context)
            if lesson.result is not None:
                source.diagnostics.extend(lesson.result.diagnostic_list())

    def _lesson_id(self, text: str) -> str | None:
        key = "id-" + _sha256(code_digest(), text)
        cached = self.cache.get(key)
        if cached is not None:
            return cached.get("id")
        try:
            lesson_id = lesson_id_of(text)
        except Exception:  # reported properly when the lesson itself is read
            lesson_id = None
        self.cache.set(key, {"id": lesson_id})
        return lesson_id

    def _read_lesson(self, source, lesson, glossary, lesson_paths, context) -> LessonFile | None:
        key = "lesson-" + _sha256(context, source.display_root, lesson.source, lesson.language,
                                  lesson.text)
        cached = self.cache.get(key)
        if cached is not None:
            self.hits += 1
            return LessonFile.from_dict(cached)
        self.misses += 1
        result = self.guard(
            source, lesson.source, None, read_lesson_file,
            lesson.text, path=source.display(lesson.source), source=lesson.source,
            language=lesson.language, renderer=self.renderer, glossary=glossary,
            lesson_paths=lesson_paths,
        )
        if result is not None:
            self.cache.set(key, result.to_dict())
        return result
