"""Course-wide rules: unique ids, reachable completion, translations, links and files."""

from __future__ import annotations

from pathlib import Path

from authoring.course_source import CourseSource, LessonSource
from authoring.model import DEFAULT_LANGUAGE, Course
from authoring.yaml_loader import Position


def check_course(source: CourseSource, course: Course) -> None:
    """Apply every rule that needs more than one file; findings go to ``source``."""
    _check_course_file(source, course)
    _check_unique_ids(source)
    _check_completion(source, course)
    _check_translations(source, course)
    _check_files(source)
    _check_links(source, course)


def _at(source: CourseSource, key: str) -> Position:
    return source.course_positions.get(key, Position(1, 1))


def _check_course_file(source: CourseSource, course: Course) -> None:
    folder = source.root.resolve().name
    if course.id and course.id != folder:
        pos = _at(source, "id")
        source.report("course.yml", pos.line, pos.column, "warning", "course-folder",
                      f"course id '{course.id}' differs from its folder name '{folder}'")
    if source.modules and not any(lesson.result for lesson in source.lessons):
        source.report("course.yml", 1, 1, "error", "course-empty", "course has no lessons")
    for module, bases, _ in source.modules:
        if not bases:
            source.report(f"{module.folder}/module.yml", 1, 1, "warning", "module-empty",
                          f"module '{module.id or module.folder}' has no lessons")


def _check_unique_ids(source: CourseSource) -> None:
    modules: dict[str, str] = {}
    for module, _, position in source.modules:
        if not module.id:
            continue
        here = f"{module.folder}/module.yml"
        if module.id in modules:
            source.report(here, position.line, position.column, "error", "duplicate-id",
                          f"module id '{module.id}' is already used by {modules[module.id]}")
        else:
            modules[module.id] = here
    lessons: dict[str, str] = {}
    questions: dict[tuple[str, str], str] = {}
    for lesson in _read(source):
        result = lesson.result
        if result.id and lesson.language == DEFAULT_LANGUAGE:
            if result.id in lessons:
                source.report(lesson.source, result.id_line, 1, "error", "duplicate-id",
                              f"lesson id '{result.id}' is already used by {lessons[result.id]}")
            else:
                lessons[result.id] = lesson.source
        for question_id, line in result.questions:
            key = (lesson.language, question_id)
            if key in questions:
                source.report(lesson.source, line, 1, "error", "duplicate-id",
                              f"question id '{question_id}' is already used in {questions[key]}")
            else:
                questions[key] = f"{lesson.source}:{line}"


def _read(source: CourseSource) -> list[LessonSource]:
    return [lesson for lesson in source.lessons if lesson.result is not None]


def _check_completion(source: CourseSource, course: Course) -> None:
    rule = course.completion
    counts = {kind: sum(1 for _ in course.lessons(kind))
              for kind in ("lesson", "quiz", "assessment", "session")}

    def report(key: str, message: str) -> None:
        pos = _at(source, f"completion.{key}")
        source.report("course.yml", pos.line, pos.column, "error", "completion-unreachable",
                      message)

    if rule.sessions and rule.sessions > counts["session"]:
        report("sessions", f"completion requires {rule.sessions} attended sessions but the "
                           f"course has {counts['session']} session lesson(s)")
    if rule.assessment == "passed" and not counts["assessment"]:
        report("assessment", "completion requires a passed assessment but no lesson has "
                             "type: assessment")
    if rule.quizzes == "passed" and not counts["quiz"]:
        report("quizzes", "completion requires passed quizzes but no lesson has type: quiz")
    if isinstance(rule.lessons, int) and rule.lessons > counts["lesson"]:
        report("lessons", f"completion requires {rule.lessons} lessons but the course has "
                          f"{counts['lesson']} lesson(s) of type lesson")
    if course.certificate.enabled and not any(
        (rule.lessons, rule.quizzes, rule.assessment, rule.sessions)
    ):
        report("lessons", "the certificate is enabled but the completion rule asks for nothing")


def _check_translations(source: CourseSource, course: Course) -> None:
    others = [language for language in course.languages if language != DEFAULT_LANGUAGE]
    for language in others:
        for key, what in (("title", "title"), ("description", "description")):
            value = getattr(course, key)
            if value and language not in value:
                pos = _at(source, key)
                source.report("course.yml", pos.line, pos.column, "warning",
                              "translation-missing", f"course {what} has no '{language}' text")
        for module, _, _ in source.modules:
            if module.title and language not in module.title:
                source.report(f"{module.folder}/module.yml", 1, 1, "warning",
                              "translation-missing",
                              f"module title has no '{language}' text")
    groups: dict[tuple[str, str], dict[str, LessonSource]] = {}
    for lesson in _read(source):
        groups.setdefault((lesson.module, lesson.base), {})[lesson.language] = lesson
    for (module, base), variants in groups.items():
        default = variants.get(DEFAULT_LANGUAGE)
        if default is None:
            continue
        for language in others:
            if language not in variants:
                source.report(default.source, 1, 1, "warning", "translation-missing",
                              f"lesson '{default.result.id}' has no '{language}' translation "
                              f"({module}/{base}.{language}.md)")
        for language, variant in variants.items():
            if language != DEFAULT_LANGUAGE:
                _compare_translation(source, course, default, variant)


def _compare_translation(source: CourseSource, course: Course, default: LessonSource,
                         variant: LessonSource) -> None:
    original, translated = default.result, variant.result
    if variant.language not in course.languages:
        source.report(variant.source, 1, 1, "warning", "translation-unlisted",
                      f"language '{variant.language}' is not listed in course.yml languages")
    if translated.id != original.id:
        source.report(variant.source, translated.id_line, 1, "error", "translation-mismatch",
                      f"translation has id '{translated.id}' but the German lesson has "
                      f"'{original.id}'")
    if translated.kind != original.kind:
        source.report(variant.source, translated.kind_line, 1, "error", "translation-mismatch",
                      f"translation has type '{translated.kind}' but the German lesson has "
                      f"'{original.kind}'")
    expected = [(q.id, q.kind, q.points) for q in original.content.questions]
    found = [(q.id, q.kind, q.points) for q in translated.content.questions]
    if expected != found and translated.kind == original.kind:
        line = translated.questions[0][1] if translated.questions else 1
        source.report(
            variant.source, line, 1, "error", "translation-mismatch",
            "translated questions differ from the German lesson (same ids, kinds and points "
            f"in the same order expected: {', '.join(q[0] for q in expected) or 'none'})",
        )


def _check_files(source: CourseSource) -> None:
    root = source.root.resolve()
    checked: dict[str, bool] = {}
    for lesson in _read(source):
        for item in lesson.result.media:
            path = item["path"]
            if path not in checked:
                file = (source.root / path)
                checked[path] = file.is_file() and _inside(file, root)
            if not checked[path]:
                source.report(lesson.source, item["line"], item["column"], "error",
                              "media-missing", f"file '{path}' not found in the course folder")


def _inside(file: Path, root: Path) -> bool:
    try:
        file.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _check_links(source: CourseSource, course: Course) -> None:
    anchors: dict[tuple[str, str], set[str]] = {}
    for lesson in _read(source):
        anchors[(lesson.result.id, lesson.language)] = set(lesson.result.anchors)
    glossary = {f"glossary-{term.slug}" for term in course.glossary}
    for lesson in _read(source):
        for link in lesson.result.links:
            target = link["lesson"] or lesson.result.id
            available = anchors.get((target, lesson.language), anchors.get(
                (target, DEFAULT_LANGUAGE)))
            if available is None:
                source.report(lesson.source, link["line"], link["column"], "error",
                              "link-broken", f"no lesson with id '{target}' in this course")
            elif link["anchor"] and link["anchor"] not in available | glossary:
                where = "this lesson" if target == lesson.result.id else f"lesson '{target}'"
                source.report(lesson.source, link["line"], link["column"], "error",
                              "link-anchor", f"anchor '#{link['anchor']}' not found in {where}")
