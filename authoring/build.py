"""Loading a course folder into the model and building its content-addressed package."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable
from pathlib import Path

from authoring.blocks import BlockKind
from authoring.cache import RenderCache
from authoring.course_source import CourseReader, CourseSource
from authoring.diagnostic import Diagnostic, has_errors
from authoring.media_file import hash_file, media_type
from authoring.model import DEFAULT_LANGUAGE, GRADED_KINDS, Course, Lesson, PackageRef
from authoring.package import FORMAT, FORMAT_VERSION, Package, package_digest, sha256_of
from authoring.packages.folder import PACKAGES_DIR, package_files
from authoring.validate import check_course


class CourseInvalidError(Exception):
    """The course has errors; ``diagnostics`` says which and where."""

    def __init__(self, diagnostics: list[Diagnostic]):
        errors = [d for d in diagnostics if d.is_error]
        super().__init__(f"course has {len(errors)} error(s); first: {errors[0].format()}")
        self.diagnostics = diagnostics


def _assemble(source: CourseSource) -> Course:
    """Group lesson files into lessons (one per base name, all languages) and modules."""
    course = source.course
    course.modules = []
    for module, bases, _ in source.modules:
        module.lessons = []
        for base in bases:
            variants = [
                lesson for lesson in source.lessons
                if lesson.module == module.folder and lesson.base == base and lesson.result
            ]
            default = next((v for v in variants if v.language == DEFAULT_LANGUAGE), None)
            if default is None:
                for variant in variants:
                    source.report(variant.source, 1, 1, "error", "translation-orphan",
                                  f"translation has no German lesson file '{base}.md'")
                continue
            result = default.result
            graded = result.kind in GRADED_KINDS
            module.lessons.append(
                Lesson(
                    id=result.id,
                    kind=result.kind,
                    module_id=module.id,
                    order=len(module.lessons) + 1,
                    content={v.language: v.result.content for v in variants},
                    minutes=result.content.minutes,
                    pass_mark=(result.pass_mark if result.pass_mark is not None
                               else course.pass_mark) if graded else None,
                    attempts=result.attempts if graded else None,
                    draw=result.draw if graded else None,
                    reviewed=result.reviewed,
                    review_every_months=result.review_every_months,
                    legal=result.legal,
                    package=_package_of(source, result),
                )
            )
        course.modules.append(module)
    return course


def _package_of(source: CourseSource, result) -> PackageRef | None:
    """The package a ``type: package`` lesson plays: its one ``item`` or all items.
    Missing packages and items are reported by ``validate``."""
    if result.kind != "package" or not result.package:
        return None
    package = source.packages.get(result.package)
    if package is None:
        return None
    items = package.items
    if result.item:
        items = [item for item in items if item.identifier == result.item]
    return PackageRef(package.name, package.standard, package.version_label,
                      copy.deepcopy(items), package.title)


def package_media(source_root: Path, course: Course) -> set[str]:
    """Every file of every package a lesson of ``course`` plays (course-relative)."""
    names = {lesson.package.name for lesson in course.lessons() if lesson.package}
    return {f"{PACKAGES_DIR}/{name}/{path}" for name in names
            for path in package_files(source_root / PACKAGES_DIR / name)}


def _read(path: str | Path, cache: RenderCache | None, kinds: dict[str, BlockKind] | None,
          image_hosts: Iterable[str] = (), today: datetime.date | None = None,
          subjects: Iterable[str] | None = None) -> tuple[Course, CourseSource]:
    source = CourseReader(cache, kinds, image_hosts, subjects).read(path)
    course = _assemble(source)
    CourseReader.guard(source, "course.yml", None, check_course, source, course, today)
    source.diagnostics = sorted(set(source.diagnostics))
    return course, source


def load_course(
    path: str | Path, cache: RenderCache | None = None,
    kinds: dict[str, BlockKind] | None = None, image_hosts: Iterable[str] = (),
    today: datetime.date | None = None, subjects: Iterable[str] | None = None,
) -> tuple[Course, list[Diagnostic]]:
    """Read and validate the course folder at ``path``.

    Never raises for problems in the sources: every one of them, including
    unexpected failures while reading a file, is returned as a diagnostic.

    :param cache: a :class:`~authoring.cache.MemoryCache` or
        :class:`~authoring.cache.DirectoryCache` that makes re-reading fast.
    :param kinds: ``:::`` block kinds (defaults to the built-in ones).
    :param image_hosts: hosts lessons may show images from (``"*"``: any); by default
        none, so only the course's own files.
    :param today: the date lessons' review dates are compared with (default: today).
    :param subjects: the subject keys ``course.yml`` may name (default: the built-in
        ``model.SUBJECTS``; the LMS passes its managed list).
    :return: the course model and the diagnostics, sorted by file and line.
    """
    course, source = _read(path, cache, kinds, image_hosts, today, subjects)
    return course, source.diagnostics


def validate_course(path: str | Path, cache: RenderCache | None = None,
                    today: datetime.date | None = None) -> list[Diagnostic]:
    """Return the diagnostics of the course folder at ``path``."""
    return load_course(path, cache, today=today)[1]


#: model fields left out of content hashes: a new review date or a flag does not change
#: what a learner read, and leaving out empty new fields keeps the hashes of lessons
#: built before they existed (so publishing does not reopen anyone's progress)
_UNHASHED_CONTENT = ("reviewed",)
_UNHASHED_WHEN_EMPTY = ("checks",)
_UNHASHED_LESSON = ("content", "reviewed", "review_every_months", "legal")


def _hashable_content(content) -> dict:
    data = content.to_dict()
    for key in _UNHASHED_CONTENT:
        data.pop(key, None)
    for key in _UNHASHED_WHEN_EMPTY:
        if not data.get(key):
            data.pop(key, None)
    return data


def _hash_content(course: Course, media: dict[str, dict]) -> None:
    """Record content hashes on questions, lesson languages and lessons.

    Each language has its own hash (text, questions, checks and the bytes of the
    files it uses). The lesson's hash covers the German original only: the LMS
    compares it to tell which lessons changed between two versions, and a new or
    corrected translation must not reopen the progress of learners who read the
    unchanged original. The English learner's record of a changed translation
    stays valid for the same reason: the original, which the translation follows,
    did not change.
    """
    for lesson in course.lessons():
        package = _package_hashes(lesson, media)
        for content in lesson.content.values():
            for question in content.questions + content.checks:
                question.content_hash = ""
                question.content_hash = sha256_of(question.to_dict())
            content.content_hash = ""
            content.content_hash = sha256_of(
                {
                    "content": _hashable_content(content),
                    "media": {ref.path: media[ref.path]["sha256"] for ref in content.media
                              if ref.path in media},
                } | package
            )
        lesson.content_hash = ""
        original = lesson.content.get(DEFAULT_LANGUAGE)
        lesson.content_hash = sha256_of(
            {key: value for key, value in lesson.to_dict().items()
             if key not in _UNHASHED_LESSON}
            | {"content": {DEFAULT_LANGUAGE: original.content_hash if original else ""}}
        )


def _package_hashes(lesson: Lesson, media: dict[str, dict]) -> dict:
    """What a package lesson plays: its items and every file of its package. A new
    package (other bytes, other items) changes the lesson, so progress on it reopens."""
    if lesson.package is None:
        return {}
    prefix = f"{PACKAGES_DIR}/{lesson.package.name}/"
    return {"package": {
        "ref": lesson.package.to_dict(),
        "files": {path: entry["sha256"] for path, entry in media.items()
                  if path.startswith(prefix)},
    }}


def _language_variants(used: set[str], languages: Iterable[str], root: Path) -> set[str]:
    """Figures' language variants that exist beside them (``x.svg`` → ``x.en.svg``).

    A figure with text in it may have one per course language; the LMS shows it to readers
    of that language, so it travels in the package although no lesson names it.
    """
    variants = set()
    for relative in used:
        stem, dot, extension = relative.rpartition(".")
        if not dot or not stem:
            continue
        for language in languages:
            if language == DEFAULT_LANGUAGE:
                continue
            variant = f"{stem}.{language}.{extension}"
            if (root / variant).is_file():
                variants.add(variant)
    return variants


def build_package(
    path: str | Path, out_dir: str | Path | None = None, cache: RenderCache | None = None,
    kinds: dict[str, BlockKind] | None = None, image_hosts: Iterable[str] = (),
    today: datetime.date | None = None, subjects: Iterable[str] | None = None,
) -> Package:
    """Build the package of the course folder at ``path``.

    The package is deterministic: the same sources give the same bytes and
    the same ``digest``, with no timestamps. Media files are listed by
    SHA-256 and only those lessons use are included.

    :param out_dir: when given, write ``package.json`` and ``media/<sha256>`` there.
    :param image_hosts: as for :func:`load_course`.
    :param subjects: as for :func:`load_course`.
    :raises CourseInvalidError: when the course has errors.
    """
    course, source = _read(path, cache, kinds, image_hosts, today, subjects)
    if has_errors(source.diagnostics):
        raise CourseInvalidError(source.diagnostics)
    used = {ref.path for lesson in course.lessons()
            for content in lesson.content.values() for ref in content.media}
    used |= _language_variants(used, course.languages, source.root)
    used |= package_media(source.root, course)
    media_files = {relative: source.root / relative for relative in sorted(used)}
    media = {}
    for relative, file in media_files.items():
        digest, size = hash_file(file, cache)
        media[relative] = {"sha256": digest, "size": size, "media_type": media_type(relative)}
    _hash_content(course, media)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "course": course.to_dict(),
        "media": media,
    }
    document["digest"] = package_digest(document)
    package = Package(course, document, media_files, source.diagnostics)
    if out_dir is not None:
        package.write(out_dir)
    return package
