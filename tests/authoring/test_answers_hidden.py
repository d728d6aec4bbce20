"""The lesson HTML shows each question but never its solution, feedback or explanation."""

import re

import pytest

from authoring.sanitize import plain_text


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("lesson_id", ["grundlagen-quiz", "abschlusstest"])
def test_solutions_are_not_in_the_lesson_html(course, lesson_id, language):
    content = course.lesson(lesson_id).variant(language)
    html = content.html
    text = plain_text(html).casefold()
    secrets = []
    for question in content.questions:
        secrets += [plain_text(c.text) for c in question.choices]
        secrets += [plain_text(c.feedback) for c in question.choices]
        secrets += [plain_text(p.right.text) for p in question.pairs]
        secrets += [answer for gap in question.gaps for answer in gap.answers]
        secrets += [plain_text(question.explanation), plain_text(question.feedback)]
        if question.numeric:
            secrets.append(f"{question.numeric.value:g}")
    for secret in filter(None, secrets):
        assert secret.casefold() not in text, secret
    assert "is_correct" not in html and "data-answer" not in html


def test_each_question_leaves_a_placeholder_with_its_stem(course):
    content = course.lesson("grundlagen-quiz").variant("de")
    ids = re.findall(r'data-question-id="([^"]+)"', content.html)
    assert ids == [q.id for q in content.questions]
    for question in content.questions:
        assert question.stem in content.html


def test_gaps_become_empty_inputs(course):
    question = course.lesson("grundlagen-quiz").question("erste-regel")
    assert '<input type="text" class="quiz-gap" data-gap-id="g1"' in question.stem
    assert "Freischalten" not in question.stem
    numeric = course.lesson("grundlagen-quiz").question("ladeleistung")
    assert 'data-gap-id="value"' in numeric.stem and "50" not in numeric.stem
