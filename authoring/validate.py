"""Course-wide rules: unique ids, reachable completion, translations, links and files."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from authoring import currency
from authoring.course_source import CourseSource, LessonSource
from authoring.lesson_file import SHARED_FIELDS
from authoring.model import DEFAULT_LANGUAGE, Course, Question
from authoring.yaml_loader import Position

#: ``film.de.vtt`` and ``film.en.vtt`` are the same file in two languages
_LANGUAGE_SUFFIX = re.compile(r"\.[a-z]{2}(?=\.[A-Za-z0-9]+$)")


def check_course(source: CourseSource, course: Course,
                 today: datetime.date | None = None) -> None:
    """Apply every rule that needs more than one file; findings go to ``source``.

    :param today: the date ``review-due`` compares with (default: today).
    """
    _check_course_file(source, course)
    _check_unique_ids(source)
    _check_completion(source, course)
    _check_translations(source, course)
    _check_reviews(source, today or currency.today())
    _check_lesson_currency(source)
    _check_files(source)
    _check_links(source, course)
    _check_packages(source)


def _check_packages(source: CourseSource) -> None:
    """Each package lesson names a package folder that exists and, with ``item``, one of its
    SCOs/AUs; a package no lesson plays is probably forgotten."""
    used: set[str] = set()
    for lesson in _read(source):
        result = lesson.result
        if result.kind != "package" or not result.package:
            continue
        used.add(result.package)
        if result.package not in source.packages:
            source.report(lesson.source, result.package_line, 1, "error", "package-missing",
                          f"package '{result.package}' not found: the course has no folder "
                          f"packages/{result.package}/ (import the package zip first)")
            continue
        package = source.packages[result.package]
        if package is None or not result.item:
            continue  # an unusable package is reported at its manifest
        if package.item(result.item) is None:
            known = ", ".join(item.identifier for item in package.items) or "none"
            source.report(lesson.source, result.item_line, 1, "error", "package-item-missing",
                          f"package '{result.package}' has no item '{result.item}' "
                          f"(its items: {known})")
    for name in sorted(set(source.packages) - used):
        source.report(f"packages/{name}", 1, 1, "warning", "package-unused",
                      f"no lesson plays package '{name}' (a lesson with 'type: package' and "
                      f"'package: {name}')")


_SUMMARY_TITLE = {"de": "Das Wichtigste in Kürze", "en": "In brief"}


def _check_lesson_currency(source: CourseSource) -> None:
    """Review dates, plain-language summaries, decision boxes, checks and linked sources."""
    for lesson in _read(source):
        result = lesson.result
        if not result.has_front_matter:
            continue

        def report(line: int, severity: str, code: str, message: str,
                   where: str = lesson.source) -> None:
            source.report(where, line, 1, severity, code, message)

        if not result.reviewed and "reviewed" not in result.shared:
            report(2, currency.REVIEWED_MISSING_SEVERITY, "reviewed-missing",
                   "front matter has no 'reviewed: YYYY-MM-DD' (the date this lesson was last "
                   "checked against its sources)")
        names = [block["name"] for block in result.blocks]
        if result.kind == "lesson":
            if not result.opens_with_summary:
                where = "is not the first block after the title" if "summary" in names else \
                    "is missing"
                title = _SUMMARY_TITLE.get(lesson.language, _SUMMARY_TITLE["de"])
                report(result.title_line, currency.SUMMARY_MISSING_SEVERITY, "summary-missing",
                       f"the ':::summary' block ({title}) {where}: open the lesson with 3–5 "
                       "short sentences in plain language")
            minutes = result.content.minutes
            if minutes is not None and minutes >= currency.CHECK_MINUTES \
                    and not result.content.checks:
                report(result.title_line, "warning", "check-missing",
                       f"a lesson of {minutes} minutes needs one or two ':::check' questions "
                       "(ungraded understanding checks)")
        if result.legal and "applies" not in names:
            report(result.shared.get("legal", [None, 1])[1], currency.APPLIES_MISSING_SEVERITY,
                   "applies-missing",
                   "a lesson marked 'legal: true' needs a ':::applies' box saying when the duty "
                   "applies to a small or mid-sized supplier (thresholds, exemptions)")
        if result.sources_without_links is not None:
            report(result.sources_without_links, "warning", "sources-without-links",
                   "the sources list has no link: cite each source with a link to the primary "
                   "text (for laws: the paragraph and an access date)")


def _check_reviews(source: CourseSource, today: datetime.date) -> None:
    for lesson in _read(source):
        result = lesson.result
        if lesson.language != DEFAULT_LANGUAGE or not result.reviewed:
            continue
        reviewed = datetime.date.fromisoformat(result.reviewed)
        due = currency.review_due(reviewed, result.review_every_months)
        if due < today:
            source.report(
                lesson.source, result.reviewed_line, 1, "warning", "review-due",
                f"lesson '{result.id}' was reviewed on {reviewed.isoformat()} and is due for "
                f"review since {due.isoformat()} (every {result.review_every_months} months): "
                "check it against its sources, then update 'reviewed'",
            )


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
              for kind in ("lesson", "quiz", "assessment", "session", "package")}
    counts["lesson"] += counts["package"]  # a package lesson is done like a reading lesson

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
    if translated.kind != original.kind or translated.id != original.id:
        return
    german = f"{source.display(default.source)}"

    def mismatch(line: int, german_line: int, message: str) -> None:
        source.report(variant.source, line, 1, "error", "translation-mismatch",
                      f"{message} (German lesson: {german}:{german_line})")

    for name in SHARED_FIELDS[2:]:
        mine, theirs = translated.shared.get(name), original.shared.get(name)
        if (mine or [None])[0] != (theirs or [None])[0]:
            mismatch((mine or [None, 1])[1], (theirs or [None, 1])[1],
                     f"'{name}' is {mine[0] if mine else 'missing'!s} here but "
                     f"{theirs[0] if theirs else 'missing'!s} in the German lesson")
    _compare_blocks(original, translated, mismatch)
    _compare_media(original, translated, mismatch)
    missing = sorted(set(original.content.glossary) - set(translated.content.glossary))
    extra = sorted(set(translated.content.glossary) - set(original.content.glossary))
    if missing or extra:
        mismatch(1, 1, "glossary terms differ: "
                 + "; ".join(part for part in (
                     f"missing {', '.join(missing)}" if missing else "",
                     f"not in the German lesson {', '.join(extra)}" if extra else "")
                     if part))
    _check_stamp(source, default, variant)


def _block_key(block: dict) -> tuple:
    if block["name"] in ("quiz", "check"):
        return block["name"], block["id"]
    if block.get("src"):
        return block["name"], _LANGUAGE_SUFFIX.sub("", block["src"])
    return (block["name"],)


def _answer_key(question: Question) -> tuple:
    """What grading depends on: the same in every language of a question."""
    return (
        question.kind, question.points,
        tuple(choice.is_correct for choice in question.choices), question.answer,
        (question.numeric.value, question.numeric.tolerance) if question.numeric else None,
        len(question.gaps), len(question.pairs),
    )


def _compare_blocks(original, translated, mismatch) -> None:
    mine = [_block_key(block) for block in translated.blocks]
    theirs = [_block_key(block) for block in original.blocks]
    for index, (here, there) in enumerate(zip(mine, theirs, strict=False)):
        if here != there:
            mismatch(translated.blocks[index]["line"], original.blocks[index]["line"],
                     f"block {index + 1} is ':::{' '.join(here)}' here but "
                     f"':::{' '.join(there)}' in the German lesson (same blocks in the same "
                     "order expected)")
            return
    if len(mine) != len(theirs):
        shorter, longer = (translated, original) if len(mine) < len(theirs) else \
            (original, translated)
        extra = longer.blocks[len(shorter.blocks)]
        line = extra["line"] if longer is translated else (
            translated.blocks[-1]["line"] if translated.blocks else 1)
        german_line = extra["line"] if longer is original else (
            original.blocks[-1]["line"] if original.blocks else 1)
        mismatch(line, german_line,
                 f"the translation has {len(mine)} ':::' blocks, the German lesson "
                 f"{len(theirs)} (first unmatched: ':::{extra['name']}')")
        return
    german_lines = {qid: line for qid, line in original.questions}
    lines = {qid: line for qid, line in translated.questions}
    theirs_q = {q.id: q for q in original.content.questions + original.content.checks}
    for question in translated.content.questions + translated.content.checks:
        other = theirs_q.get(question.id)
        if other is not None and _answer_key(question) != _answer_key(other):
            mismatch(lines.get(question.id, 1), german_lines.get(question.id, 1),
                     f"question '{question.id}' has other answers or answer keys than in the "
                     "German lesson (same options in the same order, same markings and "
                     "numbers expected)")


def _compare_media(original, translated, mismatch) -> None:
    def files(result) -> list[tuple[str, str, int]]:
        return [(item["kind"], _LANGUAGE_SUFFIX.sub("", item["path"]), item["line"])
                for item in result.media if item["kind"] in ("image", "link")]

    mine, theirs = files(translated), files(original)
    if [item[:2] for item in mine] != [item[:2] for item in theirs]:
        wanted = ", ".join(path for _, path, _ in theirs) or "none"
        mismatch(mine[0][2] if mine else 1, theirs[0][2] if theirs else 1,
                 f"the translation uses other figures or files than the German lesson "
                 f"(expected in this order: {wanted})")


def _check_stamp(source: CourseSource, default: LessonSource, variant: LessonSource) -> None:
    stamp = variant.result.translation_of
    current = currency.source_hash(default.text or "")
    if not stamp:
        source.report(variant.source, 1, 1, "warning", "translation-outdated",
                      "translation has no 'translation_of' stamp: when it matches the German "
                      "lesson, run 'atlas course stamp-translations' on the course folder")
    elif stamp != current:
        source.report(variant.source, variant.result.translation_of_line, 1, "warning",
                      "translation-outdated",
                      f"the German lesson changed after this translation (stamp {stamp}, "
                      f"German file now {current}): update the translation, then run "
                      "'atlas course stamp-translations'")


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
