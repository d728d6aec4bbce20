"""Grading queue, open answers and item analysis (routes on ``teaching``)."""

import re

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from authoring.model import GRADED_KINDS
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.errors import NotFoundError, PermissionDeniedError
from lms.learning import answer_files
from lms.learning import quiz_services as quizzes
from lms.plugins import hooks
from lms.teaching import grading, grading_queue, item_analysis
from lms.teaching.blueprint import bp
from lms.teaching.grading_forms import GradeForm
from lms.unit_of_work import unit_of_work


def _language() -> str:
    return str(get_locale() or "de")


@bp.get("/grading")
@login_required
def show_grading_queue():
    """Open answers waiting for a grade in the trainer's courses, oldest first."""
    courses = grading_queue.gradable_courses(current_user)
    if not courses and not current_user.is_admin:
        raise PermissionDeniedError(_("Die Bewertung ist für Trainerinnen und Trainer."))
    by_id = {course.id: course for course in courses}
    chosen = request.args.get("course", type=int)
    if chosen is not None and chosen not in by_id:
        abort(404)
    ids = [chosen] if chosen is not None else list(by_id)
    counts = grading_queue.waiting_by_course(list(by_id))
    language = _language()
    titles = {course.slug: (course.published_version.title(language)
                            if course.published_version else course.slug) for course in courses}
    return render_template(
        "teaching/grading_queue.html", courses=courses, chosen=chosen, counts=counts,
        titles=titles,
        rows=grading_queue.waiting_answers(ids), waiting=sum(counts.get(i, 0) for i in ids),
        page_size=grading_queue.PAGE_SIZE)


@bp.route("/grading/answers/<int:answer_id>", methods=["GET", "POST"])
@login_required
def grade_answer(answer_id: int):
    """One open answer with the question and the graders' hint, and the grade form."""
    item = grading.answer_for_grader(current_user, answer_id)
    form = GradeForm()
    if request.method == "POST" and item.answer.is_pending:
        if form.validate_on_submit():
            with unit_of_work(form) as work:
                done = grading.grade_answer(
                    current_user, item, float(form.points.data), form.feedback.data or "",
                    utcnow())
                work.success = (_("Bewertung gespeichert; die lernende Person sieht ihr "
                                  "Ergebnis.") if done else
                                _("Bewertung gespeichert; weitere offene Antworten dieses "
                                  "Versuchs warten noch."))
            if not work.failed:
                return redirect(url_for(".show_grading_queue",
                                        course=request.args.get("course", type=int)))
        status = 422
    else:
        status = 200
        with unit_of_work(refusals=()):
            grading.record_trainer_view(
                current_user, item.learner, "trainer_view_open_answer",
                f"{item.course.slug}/{item.answer.lesson_id}/{item.answer.question_id}",
                utcnow())
    return render_template(
        "teaching/grading_answer.html", item=item, form=form,
        decimal=format_decimal), status


@bp.get("/grading/answers/<int:answer_id>/file")
@login_required
def show_answer_file(answer_id: int):
    """The file of an open answer, for the course's trainers and admins; logged."""
    item = grading.answer_for_grader(current_user, answer_id)
    if not item.answer.file_token:
        raise NotFoundError(_("Diese Datei gibt es nicht."))
    with unit_of_work(refusals=()):
        grading.record_trainer_view(
            current_user, item.learner, "trainer_view_answer_file",
            f"{item.course.slug}/{item.answer.lesson_id}/{item.answer.question_id}: "
            f"{item.answer.file_name}", utcnow())
    return answer_files.send(item.answer.file_token, item.answer.file_type,
                             item.answer.file_name)


def _trained_course(slug: str):
    course = quizzes.find_course(slug)
    if not grading.may_grade(current_user, course):
        raise PermissionDeniedError(
            _("Nur Trainerinnen und Trainer dieses Kurses sehen die Aufgabenanalyse."))
    if course.published_version is None:
        raise NotFoundError(_("Dieser Kurs ist nicht veröffentlicht."))
    return course


@bp.get("/courses/<slug>/item-analysis")
@login_required
def list_item_analyses(slug: str):
    """The graded lessons of a course, each linking to its item analysis."""
    course = _trained_course(slug)
    model = content_for(course.published_version).course
    lessons = [lesson for lesson in model.lessons() if lesson.kind in GRADED_KINDS]
    return render_template("teaching/grading_item_index.html", course=course, model=model,
                           lessons=lessons, language=_language())


def _question_lines(course, lesson) -> tuple[str, dict[str, int]]:
    """The lesson's German source path and the line each question starts on in it."""
    path = lesson.variant("de").source
    text = hooks().lms_course_source_text(course=course, path=path) or ""
    lines = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = re.match(r"^\s*:::(?:quiz|open)\b.*?\bid=([\w-]+)", line)
        if match:
            lines.setdefault(match.group(1), number)
    return path, lines


def _studio_link(course, path: str, line: int | None) -> str | None:
    if line is None:
        return None
    try:
        return url_for("studio.edit", slug=course.slug, path=path, line=line)
    except BuildError:  # the studio is not installed
        return None


@bp.get("/courses/<slug>/item-analysis/<lesson_id>")
@login_required
def show_item_analysis(slug: str, lesson_id: str):
    """Per-question figures of one quiz or assessment over the course's graded attempts."""
    course = _trained_course(slug)
    quiz = quizzes.quiz_lesson(course, course.published_version, lesson_id)
    language = quizzes.quiz_language(quiz.lesson, _language())
    analysis = item_analysis.analyse(course.id, quiz.lesson, language)
    path, lines = _question_lines(course, quiz.lesson)
    questions = {q.id: q for q in quiz.lesson.questions(language)}
    rows = [(number, item, questions[item.question_id],
             _studio_link(course, path, lines.get(item.question_id)))
            for number, item in enumerate(analysis.items, start=1)]
    return render_template(
        "teaching/grading_item_analysis.html", course=course, quiz=quiz, analysis=analysis,
        rows=rows, language=language, decimal=format_decimal,
        hard_below=item_analysis.HARD_BELOW, easy_above=item_analysis.EASY_ABOVE)
