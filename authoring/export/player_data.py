"""What the exported SCORM player knows of a course: texts, questions without solutions,
hashed answer keys (see answer_key.py), pass marks and the media list."""

from __future__ import annotations

from authoring.export.answer_key import question_key
from authoring.grading import DEFAULT_PASS_MARK
from authoring.learner_view import learner_view
from authoring.model import GRADED_KINDS, Course, Lesson, Module, Question

#: The seed of the option order the package shows (the browser shuffles nothing itself).
VIEW_SEED = "package"


def _question(question: Question, salt: str | None, language: str) -> dict:
    view = learner_view(question, VIEW_SEED, language)
    key = question_key(question, salt) if salt is not None else None
    if key is not None:
        view["key"] = key
    return view


def _lesson(lesson: Lesson, salt: str | None) -> dict:
    graded = lesson.kind in GRADED_KINDS
    data: dict = {
        "id": lesson.id,
        "kind": lesson.kind,
        "minutes": lesson.minutes,
        "content": {},
    }
    if graded:
        data["pass_mark"] = lesson.pass_mark if lesson.pass_mark is not None \
            else DEFAULT_PASS_MARK
        data["draw"] = lesson.draw
    for language, content in lesson.content.items():
        data["content"][language] = {
            "title": content.title,
            "html": content.html,
            "questions": [_question(q, salt, language) for q in content.questions],
            "checks": [_question(q, salt, language) for q in content.checks],
        }
    return data


def module_pass_mark(module: Module) -> int | None:
    """The one pass mark of a module's graded lessons, ``None`` when it has none or several."""
    marks = {lesson.pass_mark if lesson.pass_mark is not None else DEFAULT_PASS_MARK
             for lesson in module.lessons if lesson.kind in GRADED_KINDS}
    return marks.pop() if len(marks) == 1 else None


def is_graded(module: Module) -> bool:
    return any(lesson.kind in GRADED_KINDS for lesson in module.lessons)


def player_data(course: Course, salt: str | None, media_paths: list[str],
                module_ids: list[str] | None = None) -> dict:
    """The document ``data/course.js`` hands the player as ``window.ATLAS_PACKAGE``.

    :param salt: the answer-key salt; ``None`` leaves the keys out (a player that grades
        on the server, the cmi5 AU).
    :param module_ids: only these modules (default: all).
    """
    return {
        "course": {
            "id": course.id,
            "version": course.version,
            "title": dict(course.title),
            "languages": list(course.languages),
            "default_language": course.default_language,
        },
        "salt": salt,
        "media": sorted(media_paths),
        "glossary": [
            {"term": term.term, "slug": term.slug, "definition_html": dict(term.definition_html)}
            for term in course.glossary
        ],
        "modules": [
            {
                "id": module.id,
                "title": dict(module.title),
                "description": dict(module.description),
                "pass_mark": module_pass_mark(module),
                "lessons": [_lesson(lesson, salt) for lesson in module.lessons],
            }
            for module in course.modules
            if module_ids is None or module.id in module_ids
        ],
    }
