"""The quiz page: who may open it, and that it shows the questions but never a solution."""

import re

import pytest

from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import (
    ASSESSMENT,
    QUIZ,
    SLUG,
    SOLUTION_MARKERS,
    enrol_directly,
    open_quiz,
    quiz_url,
)

pytest_plugins = ["tests.lms.learning.quiz_fixtures"]


def test_quiz_page_shows_every_question_kind_as_form_controls(client, quiz_enrolled):
    page = open_quiz(client)
    html = page.html
    assert html.count('<fieldset class="quiz-question"') == 7
    assert html.count("<legend>") == 7
    assert len(page.options("q-q-single")) == 3
    assert 'type="checkbox" name="q-q-multiple"' in html
    assert set(page.options("q-q-truefalse")) == {"wahr", "falsch"}
    assert re.search(r'<input[^>]*data-gap-id="g1"[^>]*name="q-q-gap-g1" id="q-q-gap-g1"', html)
    numeric = re.search(r'<input[^>]*name="q-q-numeric-value"[^>]*>', html).group(0)
    assert 'inputmode="decimal"' in numeric
    assert 'aria-describedby="q-q-numeric-value-hint"' in numeric
    assert 'id="q-q-numeric-value-hint"' in html
    ordering = page.selects("q-q-ordering-")
    assert set(ordering) == {"Freischalten", "Sichern", "Prüfen"}
    assert all(set(options) == {"Position 1", "Position 2", "Position 3"}
               for _name, options in ordering.values())
    matching = page.selects("q-q-matching-")
    assert set(matching) == {"LFP", "NMC"}
    assert all(set(options) >= {"zyklenfest", "energiedicht"} for _n, options in matching.values())
    # attempts, pass mark and points are stated
    assert "0 von 3 genutzt" in html
    assert "70 % der Punkte" in html
    assert "<dd>8</dd>" in html
    assert 'src="/static/js/quiz.js' in html


def test_quiz_page_leaks_no_solution(client, quiz_enrolled):
    html = open_quiz(client).html
    for marker in SOLUTION_MARKERS:
        assert marker not in html, marker
    # neither the accepted gap answers nor the numeric value's tolerance notation
    assert "Frei schalten" not in html
    assert "±" not in html
    # the ordering is not offered in the solution order
    ordering = re.findall(r'<label for="q-q-ordering-[^"]+">([^<]+)</label>', html)
    assert ordering != ["Freischalten", "Sichern", "Prüfen"]


def test_real_final_assessment_leaks_no_feedback_or_explanation(client, auth, quiz_e_mobility):
    from lms.catalog.version_content import content_for

    user = make_user()
    enrol_directly(user, quiz_e_mobility)
    auth.login(user.email)
    html = client.get(quiz_url("abschlusstest", "e-mobility")).get_data(as_text=True)
    lesson = content_for(quiz_e_mobility.published_version).course.lesson("abschlusstest")
    questions = lesson.questions("de")
    assert html.count('<fieldset class="quiz-question"') == len(questions)
    for question in questions:
        for text in filter(None, [question.explanation, question.feedback,
                                  *(c.feedback for c in question.choices),
                                  *(p.right.feedback for p in question.pairs)]):
            plain = re.sub(r"<[^>]+>", "", text).strip()
            assert plain not in html, plain
        for gap in question.gaps:
            for answer in gap.answers:
                assert f'value="{answer}"' not in html
    assert "Erklärung:" not in html
    assert "0 von 2 genutzt" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_not_enrolled_is_sent_to_the_course_page(client, auth, quiz_course, method):
    user = make_user()
    auth.login(user.email)
    response = getattr(client, method)(quiz_url(), data={"csrf_token": auth.csrf("/")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{SLUG}")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Melden Sie sich für den Kurs an" in follow


def test_withdrawn_learner_is_sent_to_the_course_page(client, quiz_enrolled):
    quiz_enrolled.status = "withdrawn"
    quiz_enrolled.withdrawn_at = utcnow()
    db.session.flush()
    response = client.get(quiz_url())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{SLUG}")


def test_anonymous_visitor_must_log_in(client, quiz_course):
    response = client.get(quiz_url())
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("lesson_id", ["quiz-test-einstieg", "quiz-test-praxis", "no-such-lesson"])
def test_only_graded_lessons_have_a_quiz_page(client, quiz_enrolled, lesson_id):
    assert client.get(quiz_url(lesson_id)).status_code == 404


def test_unknown_course_is_404(client, quiz_enrolled):
    assert client.get(quiz_url(QUIZ, "no-such-course")).status_code == 404


def test_english_ui_gets_the_english_questions(client, auth, quiz_course):
    user = make_user(locale="en")
    enrol_directly(user, quiz_course)
    auth.login(user.email)
    page = open_quiz(client)
    assert set(page.options("q-q-truefalse")) == {"true", "false"}
    assert "Which part does a BEV no longer have?" in page.html
    # the assessment exists only in German: German it is, marked as such
    html = client.get(quiz_url(ASSESSMENT)).get_data(as_text=True)
    assert "Welche Spannung gilt im Fahrzeug als Hochvolt?" in html
    assert 'lang="de"' in html
