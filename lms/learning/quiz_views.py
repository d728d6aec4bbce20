"""Quiz and assessment pages, graded on the server."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from authoring.learner_view import TRUE_FALSE_LABELS
from authoring.model import GRADED_KINDS
from lms.actions import commit_or_flash
from lms.catalog.views import label_context
from lms.db import utcnow
from lms.learning import quiz_form
from lms.learning import quiz_services as quizzes
from lms.learning.enrolment import active_enrolment

bp = Blueprint("quizzes", __name__, url_prefix="/learn", template_folder="templates")


@bp.context_processor
def inject_labels():
    return {**label_context(), "decimal": format_decimal, "blank_gaps": quiz_form.blank_gaps}


def lesson_url(slug: str, lesson) -> str:
    """The learner's page of a lesson: the quiz page for graded kinds, else the player."""
    if lesson.kind in GRADED_KINDS:
        return url_for("quizzes.take_quiz", slug=slug, lesson_id=lesson.id)
    try:
        return url_for("learning.show_lesson", slug=slug, lesson_id=lesson.id)
    except BuildError:  # the lesson player is not there: the catalogue's read-only page
        return url_for("lessons.show_lesson", slug=slug, lesson_id=lesson.id)


def _lesson_html(quiz: quizzes.QuizLesson, language: str) -> str:
    slug = quiz.course.slug

    def link(lesson_id: str) -> str:
        target = quiz.model.lesson(lesson_id)
        return lesson_url(slug, target) if target else "#"

    return quiz_form.rewrite_links(quiz.lesson.variant(language).html,
                                   url_for("catalog.show_course", slug=slug) + "/media/", link)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.route("/<slug>/<lesson_id>/quiz", methods=["GET", "POST"])
@login_required
def take_quiz(slug: str, lesson_id: str):
    """Show the questions of the learner's next attempt, or grade a submitted one."""
    course = quizzes.find_course(slug)
    enrolment = active_enrolment(current_user, course)
    if enrolment is None:
        flash(_("Melden Sie sich für den Kurs an, um den Test zu bearbeiten."), "error")
        return redirect(url_for("catalog.show_course", slug=slug))
    quiz = quizzes.quiz_lesson(course, enrolment.course_version, lesson_id)
    language = quizzes.quiz_language(quiz.lesson, str(get_locale() or "de"))
    number = quizzes.next_attempt_number(current_user, course, lesson_id)
    views = quiz_form.question_views(
        quiz.lesson, quizzes.attempt_seed(enrolment.registration, number), language)

    if request.method == "POST":
        responses = quiz_form.read_responses(views, request.form)
        stored = []

        def submit():
            stored.append(quizzes.submit_attempt(
                current_user, enrolment, quiz, responses, language, utcnow(),
                number=_number(request.form.get("attempt"))))

        if commit_or_flash(submit):
            return redirect(url_for(".show_attempt", slug=slug, lesson_id=lesson_id,
                                    number=stored[0].number))
        return redirect(url_for(".take_quiz", slug=slug, lesson_id=lesson_id))

    attempts = quizzes.cycle_attempts(current_user, course, lesson_id, enrolment.registration)
    by_id = {view["id"]: view for view in views}
    segments = quiz_form.segments(_lesson_html(quiz, language))
    placed = {value for kind, value in segments if kind == "question"}
    return render_template(
        "learning/quiz.html", course=course, quiz=quiz, lesson=quiz.lesson,
        content=quiz.lesson.variant(language), language=language,
        page_language=str(get_locale() or "de"), segments=segments, views=by_id,
        unplaced=[view for view in views if view["id"] not in placed],
        number=number, attempts=attempts,
        left=quizzes.attempts_left(quiz.lesson, len(attempts)),
        total_points=sum(view["points"] for view in views),
        named_stem=quiz_form.with_named_gaps, field_name=quiz_form.field_name,
    )


@bp.get("/<slug>/<lesson_id>/quiz/attempts/<int:number>")
@login_required
def show_attempt(slug: str, lesson_id: str, number: int):
    """The result of one of the learner's own attempts, with feedback where allowed."""
    course = quizzes.find_course(slug)
    attempt, quiz = quizzes.load_attempt(current_user, course, lesson_id, number)
    attempts = quizzes.cycle_attempts(current_user, course, lesson_id, attempt.registration)
    left = quizzes.attempts_left(quiz.lesson, len(attempts))
    enrolment = active_enrolment(current_user, course)
    may_retry = (enrolment is not None and enrolment.registration == attempt.registration
                 and left != 0)
    result = quizzes.regrade(quiz, attempt)
    labels = TRUE_FALSE_LABELS.get(attempt.language, TRUE_FALSE_LABELS["de"])
    questions = [
        (number_, question, outcome,
         quiz_form.given_answer(question, attempt.responses.get(question.id), labels))
        for number_, (question, outcome) in enumerate(
            zip(quiz.lesson.questions(attempt.language), result.questions, strict=True),
            start=1)
    ]
    following = quiz.following()
    return render_template(
        "learning/quiz_result.html", course=course, quiz=quiz, lesson=quiz.lesson,
        attempt=attempt, questions=questions, attempts=attempts, left=left,
        may_retry=may_retry, show_solutions=quizzes.may_show_solutions(quiz, attempts),
        language=attempt.language, page_language=str(get_locale() or "de"),
        following=following,
        following_url=lesson_url(slug, following) if following else None,
    )
