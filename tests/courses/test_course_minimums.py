"""The ATLAS courses keep the minimums the network agreed on, so they cannot erode.

Library test: reads the sources with `authoring`, never builds the app.
"""

import re
from html import unescape
from pathlib import Path

import pytest

from authoring.build import load_course

COURSES = Path(__file__).resolve().parents[2] / "courses"
COURSE_IDS = ["e-mobility", "digital-production", "sustainability"]

MIN_CONTENT_MODULES = 5
MIN_LESSONS_PER_MODULE = 3
MIN_WORDS_PER_LESSON = 500
MIN_QUIZ_QUESTIONS = 8
MIN_QUESTION_KINDS = 3
MIN_ASSESSMENT_QUESTIONS = 12
MIN_REFERENCES_PER_LESSON = 2
MIN_GLOSSARY_TERMS = 10

TAG = re.compile(r"<[^>]+>")
SOURCES_SECTION = re.compile(r"<h2[^>]*>\s*(Quellen|Sources)\s*</h2>(.*)$", re.S)


def words(html: str) -> int:
    return len(unescape(TAG.sub(" ", html)).split())


def references(html: str) -> int:
    match = SOURCES_SECTION.search(html)
    return match.group(2).count("<li") if match else 0


@pytest.fixture(scope="module", params=COURSE_IDS)
def course(request):
    course, diagnostics = load_course(COURSES / request.param)
    assert [d.format() for d in diagnostics] == [], \
        "course must validate without warnings"
    return course


def test_every_lesson_is_reviewed_and_lessons_open_with_a_plain_summary(course):
    for lesson in course.lessons():
        assert lesson.reviewed, lesson.id
        for language, content in lesson.content.items():
            assert content.reviewed == lesson.reviewed, (lesson.id, language)
            if lesson.kind == "lesson":
                first = re.search(r"<(\w+)[^>]*>", content.html.split("</h1>", 1)[-1])
                assert first and 'callout-summary' in first.group(0), (lesson.id, language)


def test_courses_listing_english_are_translated_completely(course):
    """A course that lists ``en`` has every lesson in English, with the same questions.

    The validator checks blocks, answer keys, media and stamps (``translation-*`` codes
    fail the ``course`` fixture); this asserts the result in the model.
    """
    if "en" not in course.languages:
        return
    assert course.title.get("en") and course.description.get("en")
    for lesson in course.lessons():
        assert "en" in lesson.content, lesson.id
        german, english = lesson.content["de"], lesson.content["en"]
        assert [q.id for q in english.questions] == [q.id for q in german.questions], lesson.id
        assert [q.id for q in english.checks] == [q.id for q in german.checks], lesson.id
        assert english.title and english.title != "", lesson.id


def content_modules(course):
    return [m for m in course.modules if any(lesson.kind == "quiz" for lesson in m.lessons)]


def test_course_file_has_the_facts_a_learner_and_company_need(course):
    assert course.duration_hours and course.duration_hours > 0
    assert course.level in ("beginner", "intermediate", "advanced")
    assert course.target_group.get("de") and course.target_group.get("en")
    assert course.title.get("de") and course.title.get("en")
    assert course.description.get("de") and course.description.get("en")
    assert course.prerequisites.get("de")
    assert course.objectives.get("de")
    assert course.certificate.enabled
    assert course.pass_mark > 0
    for module in course.modules:
        assert module.title.get("de") and module.title.get("en"), module.id


def test_enough_modules_with_enough_substantial_lessons(course):
    modules = content_modules(course)
    assert len(modules) >= MIN_CONTENT_MODULES
    for module in modules:
        lessons = [lesson for lesson in module.lessons if lesson.kind == "lesson"]
        assert len(lessons) >= MIN_LESSONS_PER_MODULE, module.id
        for lesson in lessons:
            content = lesson.variant("de")
            assert words(content.html) >= MIN_WORDS_PER_LESSON, lesson.id
            assert content.objectives, lesson.id
            assert lesson.minutes, lesson.id
            assert references(content.html) >= MIN_REFERENCES_PER_LESSON, lesson.id


def test_every_content_module_has_a_figure_with_alt_text(course):
    for module in content_modules(course):
        figures = [
            ref for lesson in module.lessons for ref in lesson.variant("de").media
            if ref.kind == "image"
        ]
        assert figures, module.id
        assert all(ref.alt and len(ref.alt) >= 10 for ref in figures), module.id


def test_every_content_module_has_a_varied_quiz_with_explanations(course):
    for module in content_modules(course):
        quiz = next(lesson for lesson in module.lessons if lesson.kind == "quiz")
        questions = quiz.questions("de")
        assert len(questions) >= MIN_QUIZ_QUESTIONS, module.id
        assert len({q.kind for q in questions}) >= MIN_QUESTION_KINDS, module.id
        for question in questions:
            assert question.explanation or question.feedback or any(
                c.feedback for c in question.choices
            ), question.id


def test_final_assessment_with_pass_mark_gates_completion(course):
    assessments = list(course.lessons("assessment"))
    assert len(assessments) == 1
    assessment = assessments[0]
    assert len(assessment.questions("de")) >= MIN_ASSESSMENT_QUESTIONS
    assert assessment.pass_mark and assessment.pass_mark > 0
    assert course.completion.assessment == "passed"


def test_blended_session_counts_toward_completion(course):
    sessions = list(course.lessons("session"))
    assert sessions
    assert course.completion.sessions >= 1
    for lesson in sessions:
        spec = lesson.variant("de").session
        assert spec.duration_minutes > 0 and spec.agenda and spec.bring and spec.trainer_checks


def test_glossary_is_used(course):
    assert len(course.glossary) >= MIN_GLOSSARY_TERMS
