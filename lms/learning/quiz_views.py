"""Quiz and assessment pages, graded on the server."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.routing import BuildError

from authoring.learner_view import TRUE_FALSE_LABELS
from authoring.model import GRADED_KINDS
from lms.accounts.models import User
from lms.catalog.labels import label_context
from lms.catalog.trainers import is_course_trainer
from lms.db import utcnow
from lms.errors import PermissionDeniedError
from lms.extensions import db
from lms.learning import answer_files, quiz_form
from lms.learning import quiz_services as quizzes
from lms.learning.enrolment import active_enrolment
from lms.learning.forms import GrantAttemptsForm
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("quizzes", __name__, url_prefix="/learn", template_folder="templates")


@bp.context_processor
def inject_labels():
    return {**label_context(), "decimal": format_decimal, "blank_gaps": quiz_form.blank_gaps}


@bp.app_template_filter("read_only_questions")
def read_only_questions(html: str) -> Markup:
    """Lesson HTML for reading (catalogue, print, player): the gap inputs of quiz stems
    become blanks, so no live input box stands outside the quiz form."""
    return Markup(quiz_form.blank_gaps(str(html), _("Lücke")))


def lesson_url(slug: str, lesson) -> str:
    """The learner's page of a lesson: the quiz page for graded kinds, else the player."""
    if lesson.kind in GRADED_KINDS:
        return url_for("quizzes.take_quiz", slug=slug, lesson_id=lesson.id)
    try:
        return url_for("learning.show_lesson", slug=slug, lesson_id=lesson.id)
    except BuildError:  # the lesson player is not there: the catalogue's read-only page
        return url_for("lessons.preview_lesson", slug=slug, lesson_id=lesson.id)


def _lesson_html(quiz: quizzes.QuizLesson, language: str) -> str:
    slug = quiz.course.slug

    def link(lesson_id: str) -> str:
        target = quiz.model.lesson(lesson_id)
        return lesson_url(slug, target) if target else "#"

    return quiz_form.rewrite_links(quiz.lesson.variant(language).html,
                                   url_for("catalog.show_course", slug=slug) + "/media/", link)


def _uploads(views: list[dict]) -> dict[str, answer_files.Upload]:
    """The files attached to open questions that take one, read up to one byte over the
    limit (so a too-large file is reported, not cut)."""
    found = {}
    for view in views:
        if view["kind"] != "open" or not view.get("upload"):
            continue
        file = request.files.get(quiz_form.field_name(view["id"], "file"))
        if file is None or not file.filename:
            continue
        found[view["id"]] = answer_files.Upload(
            file.filename, file.stream.read(answer_files.max_bytes() + 1))
    for file in request.files.values():
        file.close()  # large parts are spooled to temporary files: let them go now
    return found


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
        quiz.lesson, quizzes.attempt_seed(enrolment.registration, number), language,
        quizzes.drawn_questions(quiz, enrolment.registration, number, language))

    if request.method == "POST":
        responses = quiz_form.read_responses(views, request.form)
        files = _uploads(views)
        stored = []

        def submit():
            stored.append(quizzes.submit_attempt(
                current_user, enrolment, quiz, responses, language, utcnow(),
                number=_number(request.form.get("attempt")), files=files))

        if commit_or_flash(submit):
            return redirect(url_for(".show_attempt", slug=slug, lesson_id=lesson_id,
                                    number=stored[0].number))
        return redirect(url_for(".take_quiz", slug=slug, lesson_id=lesson_id))

    attempts = quizzes.cycle_attempts(current_user, course, lesson_id, enrolment.registration)
    extra = quizzes.extra_attempts(current_user, course, lesson_id, enrolment.registration)
    left = quizzes.attempts_left(quiz.lesson, len(attempts), extra)
    by_id = {view["id"]: view for view in views}
    segments = quiz_form.segments(_lesson_html(quiz, language))
    placed = {value for kind, value in segments if kind == "question"}
    return render_template(
        "learning/quiz.html", course=course, quiz=quiz, lesson=quiz.lesson,
        content=quiz.lesson.variant(language), language=language,
        page_language=str(get_locale() or "de"), segments=segments, views=by_id,
        unplaced=[view for view in views if view["id"] not in placed],
        number=number, attempts=attempts, left=left,
        limit=(quiz.lesson.attempts or 0) + extra,
        waiting_until=quizzes.waiting_until(quiz, attempts, utcnow()),
        trainers=quizzes.course_trainers(course) if left == 0 else [],
        total_points=sum(view["points"] for view in views),
        named_stem=quiz_form.with_named_gaps, field_name=quiz_form.field_name,
        open_max=quiz_form.MAX_OPEN_TEXT,
        upload_limit=answer_files.format_size(answer_files.max_bytes()),
        is_pending=any(attempt.is_pending for attempt in attempts),
    )


@bp.get("/<slug>/<lesson_id>/quiz/attempts/<int:number>")
@login_required
def show_attempt(slug: str, lesson_id: str, number: int):
    """The result of one of the learner's own attempts, with feedback where allowed."""
    course = quizzes.find_course(slug)
    attempt, quiz = quizzes.load_attempt(current_user, course, lesson_id, number)
    attempts = quizzes.cycle_attempts(current_user, course, lesson_id, attempt.registration)
    extra = quizzes.extra_attempts(current_user, course, lesson_id, attempt.registration)
    left = quizzes.attempts_left(quiz.lesson, len(attempts), extra)
    enrolment = active_enrolment(current_user, course)
    is_current_cycle = enrolment is not None and enrolment.registration == attempt.registration
    waiting = quizzes.waiting_until(quiz, attempts, utcnow())
    may_retry = is_current_cycle and left != 0 and waiting is None
    result = quizzes.regrade(quiz, attempt)
    labels = TRUE_FALSE_LABELS.get(attempt.language, TRUE_FALSE_LABELS["de"])
    by_id = {question.id: question for question in quiz.lesson.questions(attempt.language)}
    questions = [
        (number_, by_id[outcome.question_id], outcome,
         quiz_form.given_answer(by_id[outcome.question_id],
                                attempt.responses.get(outcome.question_id), labels))
        for number_, outcome in enumerate(result.questions, start=1)
    ]
    answers = quizzes.attempt_answers(attempt)
    if not attempt.is_pending:
        with unit_of_work(refusals=()):
            quizzes.mark_feedback_seen(answers, utcnow())
    following = quiz.following()
    return render_template(
        "learning/quiz_result.html", course=course, quiz=quiz, lesson=quiz.lesson,
        attempt=attempt, questions=questions, answers=answers, attempts=attempts, left=left,
        may_retry=may_retry, show_solutions=quizzes.may_show_solutions(quiz, attempts, extra),
        limit=(quiz.lesson.attempts or 0) + extra, is_current_cycle=is_current_cycle,
        waiting_until=waiting,
        trainers=quizzes.course_trainers(course) if left == 0 else [],
        language=attempt.language, page_language=str(get_locale() or "de"),
        following=following,
        following_url=lesson_url(slug, following) if following else None,
    )


# --- trainers: attempts and grants --------------------------------------------


def _trained_course(slug: str):
    course = quizzes.find_course(slug)
    if not (current_user.is_admin or is_course_trainer(current_user, course)):
        raise PermissionDeniedError(_("Nur Trainerinnen und Trainer dieses Kurses sehen "
                                      "diese Seite."))
    return course


@bp.get("/<slug>/attempts")
@login_required
def manage_attempts(slug: str):
    """Learners' attempts at the limited quizzes, with a grant form for those out of them."""
    course = _trained_course(slug)
    version = course.published_version
    return render_template(
        "learning/quiz_attempts_trainer.html", course=course,
        title=version.title(str(get_locale() or "de")) if version else course.slug,
        standings=quizzes.attempt_standings(course), grants=quizzes.grants_of(course),
        form=GrantAttemptsForm(), page_language=str(get_locale() or "de"))


@bp.post("/<slug>/attempts/grant")
@login_required
def grant_attempts(slug: str):
    """Record a trainer's grant of extra attempts to one learner at one quiz."""
    course = _trained_course(slug)
    form = GrantAttemptsForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
        return redirect(url_for(".manage_attempts", slug=slug))
    learner = db.session.get(User, int(form.user_id.data)) if form.user_id.data.isdigit() \
        else None
    enrolment = active_enrolment(learner, course) if learner is not None else None
    if enrolment is None:
        abort(404)
    quiz = quizzes.quiz_lesson(course, enrolment.course_version, form.lesson_id.data)
    commit_or_flash(
        lambda: quizzes.grant_attempts(current_user, learner, enrolment, quiz,
                                       form.extra.data, form.reason.data, utcnow()),
        ngettext("%(name)s hat %(num)d weiteren Versuch für „%(quiz)s“.",
                 "%(name)s hat %(num)d weitere Versuche für „%(quiz)s“.", form.extra.data,
                 name=learner.name, quiz=quiz.lesson.title(str(get_locale() or "de"))))
    return redirect(url_for(".manage_attempts", slug=slug))


@bp.get("/<slug>/answer-files/<token>")
@login_required
def answer_file(slug: str, token: str):
    """A file the learner attached to one of their own open answers (only theirs)."""
    course = quizzes.find_course(slug)
    answer = quizzes.own_answer_file(current_user, course, token)
    return answer_files.send(answer.file_token, answer.file_type, answer.file_name)

