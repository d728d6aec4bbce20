"""The learner's pages: enrolment, the lesson player, and the learner's own data."""

import datetime
import json
import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.routing import BuildError

from lms.actions import commit_or_flash
from lms.catalog import services as catalog
from lms.catalog.outline import build_outline
from lms.catalog.views import label_context, version_media_url
from lms.db import utcnow
from lms.errors import DomainError
from lms.formatting import format_date
from lms.learning import checks as check_services
from lms.learning import enrolment as enrolments
from lms.learning import player, quiz_form, version_move
from lms.learning import statements as builders
from lms.own_data.collect import personal_data as collect_personal_data
from lms.own_data.collect import statements_json
from lms.own_data.readable import readable_sections
from lms.unit_of_work import unit_of_work

LEADING_TITLE = re.compile(r"\A\s*<h1\b[^>]*>.*?</h1>\s*", re.S)

#: No url_prefix: the player lives under /learn, the learner's own data under /me.
bp = Blueprint("learning", __name__, template_folder="templates")


@bp.context_processor
def inject_labels():
    return label_context()


@bp.app_template_filter("without_title")
def without_title(html: str) -> Markup:
    """Lesson HTML without its leading level-1 heading: the player shows the title itself.

    Lesson sources start with ``# Title``; kept, a page would have two ``h1`` headings.
    """
    return Markup(LEADING_TITLE.sub("", html, count=1))


@bp.app_template_filter("reviewed_date")
def reviewed_date(value: str | None) -> str:
    """A lesson's ISO review date in the reader's language ("7. Dezember 2026")."""
    if not value:
        return ""
    try:
        return format_date(datetime.date.fromisoformat(value), format="long")
    except ValueError:
        return value


@bp.app_template_global("lesson_segments")
def lesson_segments(html: str) -> list[tuple[str, Markup]]:
    """Split lesson HTML at its ``:::check`` placeholders: ("html", chunk), ("check", id)."""
    return [(kind, Markup(value) if kind == "html" else value)
            for kind, value in quiz_form.segments(str(html), quiz_form.CHECK_PLACEHOLDER)]


@bp.app_template_global("course_enrolment_state")
def course_enrolment_state(course) -> dict:
    """What the enrolment box on a course page shows for the current user."""
    state = {"enrolment": None, "progress": None, "is_logged_in": current_user.is_authenticated,
             "may_self_enrol": enrolments.may_self_enrol(course)}
    if current_user.is_authenticated:
        enrolment = enrolments.find_enrolment(current_user, course)
        state["enrolment"] = enrolment if enrolment and enrolment.is_active else None
        state["withdrawn"] = enrolment if enrolment and not enrolment.is_active else None
        state["progress"] = player.course_progress(current_user, course)
    return state


def _language() -> str:
    return str(get_locale() or "de")


def _course(slug: str):
    return catalog.find_published_course(slug).course


def _enrolment_or_redirect(slug: str):
    """The current user's active enrolment on ``slug``, or a redirect to the course page."""
    course = _course(slug)
    enrolment = enrolments.active_enrolment(current_user, course)
    if enrolment is None:
        flash(_("Melden Sie sich zuerst für den Kurs an."), "info")
        return course, None
    with unit_of_work(refusals=()):
        moved = version_move.move_if_due(enrolment, utcnow())
    if moved is not None:
        flash(move_notice(moved), "info")
    return course, enrolment


def move_notice(moved) -> str:
    """What the learner is told after moving to a new version: what changed, what stays."""
    model = catalog.load_version_model(moved.to_version)
    titles = {lesson.id: lesson.title(_language()) for lesson in model.lessons()}
    parts = [_("Der Kurs wurde auf Version %(version)s aktualisiert.",
               version=moved.to_version.version)]
    if moved.reopened:
        parts.append(ngettext(
            "%(num)d Lektion hat sich geändert und ist wieder offen: %(titles)s.",
            "%(num)d Lektionen haben sich geändert und sind wieder offen: %(titles)s.",
            len(moved.reopened), titles=", ".join(titles[i] for i in moved.reopened)))
    if moved.added:
        parts.append(ngettext("%(num)d Lektion ist neu: %(titles)s.",
                              "%(num)d Lektionen sind neu: %(titles)s.", len(moved.added),
                              titles=", ".join(titles[i] for i in moved.added)))
    if moved.carried:
        parts.append(ngettext("%(num)d erledigte Lektion bleibt erledigt.",
                              "%(num)d erledigte Lektionen bleiben erledigt.",
                              len(moved.carried)))
    return " ".join(parts)


def quiz_url(slug: str, lesson_id: str) -> str | None:
    """The quiz page of a graded lesson, when the quizzes area provides one."""
    try:
        return url_for("quizzes.take_quiz", slug=slug, lesson_id=lesson_id)
    except BuildError:
        return None


# --- enrolment ---------------------------------------------------------------------------


@bp.post("/learn/<slug>/enrol")
@login_required
def enrol_course(slug: str):
    course = _course(slug)
    if commit_or_flash(lambda: enrolments.enrol(current_user, course, current_user, utcnow()),
                       _("Sie sind für den Kurs angemeldet. Viel Erfolg!")):
        return redirect(url_for("learning.resume_course", slug=slug))
    return redirect(url_for("catalog.show_course", slug=slug))


@bp.route("/learn/<slug>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_course(slug: str):
    course = _course(slug)
    enrolment = enrolments.active_enrolment(current_user, course)
    if enrolment is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    if request.method == "POST":
        commit_or_flash(lambda: enrolments.withdraw(current_user, course, current_user, utcnow()),
                        _("Sie sind vom Kurs abgemeldet."))
        return redirect(url_for("catalog.show_course", slug=slug))
    version = enrolment.course_version
    return render_template("learning/withdraw.html", course=course, enrolment=enrolment,
                           title=version.title(_language()))


@bp.post("/learn/<slug>/retake")
@login_required
def retake_course(slug: str):
    course = _course(slug)
    if commit_or_flash(
            lambda: enrolments.retake_course(current_user, course, current_user, utcnow()),
            _("Sie beginnen den Kurs von vorn. Ihr bisheriges Zertifikat bleibt gültig.")):
        return redirect(url_for("learning.resume_course", slug=slug))
    return redirect(url_for("catalog.show_course", slug=slug))


# --- the player ----------------------------------------------------------------------------


@bp.get("/learn/<slug>")
@login_required
def resume_course(slug: str):
    """Continue where the learner left off."""
    course, enrolment = _enrolment_or_redirect(slug)
    if enrolment is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    state = player.lesson_state(enrolment)
    return redirect(url_for("learning.show_lesson", slug=slug,
                            lesson_id=state.resume_lesson_id))


def _player_context(slug: str, lesson_id: str, *, record: bool):
    course, enrolment = _enrolment_or_redirect(slug)
    if enrolment is None:
        return None
    state = player.lesson_state(enrolment)
    language = _language()
    if record:
        with unit_of_work(refusals=()):
            lesson = player.open_lesson(state, lesson_id, language, utcnow())
        # the commit expired the rows: load them again in two queries, not one per lesson
        state = player.lesson_state(enrolment)
    else:
        lesson = state.model.lesson(lesson_id)
        if lesson is None:
            abort(404)
    index = state.index_of(lesson.id)
    content = lesson.variant(language)
    glossary = [term for term in state.model.glossary if term.slug in content.glossary]
    return {
        "course": course, "enrolment": enrolment, "state": state, "lesson": lesson,
        "content": content, "language": content.language, "page_language": language,
        "version": enrolment.course_version, "glossary": glossary,
        "outline": build_outline(state.model, language),
        "previous": state.lessons[index - 1] if index > 0 else None,
        "following": state.lessons[index + 1] if index + 1 < len(state.lessons) else None,
        "row": state.rows.get(lesson.id),
        "quiz_url": quiz_url(slug, lesson.id) if lesson.kind in ("quiz", "assessment") else None,
        "check_views": check_services.check_views(
            lesson, content.language, check_services.check_seed(enrolment.registration)),
        "check_outcomes": {}, "interactive_checks": record,
        "field_name": quiz_form.field_name, "named_stem": quiz_form.with_named_gaps,
    }


@bp.get("/learn/<slug>/<lesson_id>")
@login_required
def show_lesson(slug: str, lesson_id: str):
    context = _player_context(slug, lesson_id, record=True)
    if context is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    return render_template("learning/lesson.html", **context)


@bp.post("/learn/<slug>/<lesson_id>/check/<check_id>")
@login_required
def answer_check(slug: str, lesson_id: str, check_id: str):
    """Grade one ungraded check and show the lesson again with its feedback.

    Nothing is stored. Without JavaScript the form posts here and the page comes back
    scrolled to the check; ``learning.js`` posts with ``Accept: application/json`` and
    swaps in the returned feedback instead of reloading.
    """
    context = _player_context(slug, lesson_id, record=False)
    if context is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    lesson, content = context["lesson"], context["content"]
    try:
        outcome = check_services.answer_check(
            lesson, check_id, content.language,
            check_services.check_seed(context["enrolment"].registration), request.form)
    except DomainError as error:
        abort(error.status_code)
    context["check_outcomes"] = {check_id: outcome}
    context["interactive_checks"] = True
    if request.accept_mimetypes.best == "application/json":
        html = render_template("learning/_check_feedback.html", outcome=outcome,
                               language=content.language)
        return {"check": check_id, "correct": outcome.result.is_correct, "html": html}
    return render_template("learning/lesson.html", **context)


@bp.get("/learn/<slug>/<lesson_id>/print")
@login_required
def print_lesson(slug: str, lesson_id: str):
    context = _player_context(slug, lesson_id, record=False)
    if context is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    return render_template("learning/print.html", **context)


@bp.post("/learn/<slug>/<lesson_id>/done")
@login_required
def mark_done(slug: str, lesson_id: str):
    course, enrolment = _enrolment_or_redirect(slug)
    if enrolment is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    state = player.lesson_state(enrolment)
    if not commit_or_flash(
            lambda: player.mark_lesson_done(state, lesson_id, _language(), utcnow()),
            _("Lektion als erledigt markiert.")):
        return redirect(url_for("learning.show_lesson", slug=slug, lesson_id=lesson_id))
    index = state.index_of(lesson_id)
    if index is not None and index + 1 < len(state.lessons):
        return redirect(url_for("learning.show_lesson", slug=slug,
                                lesson_id=state.lessons[index + 1].id))
    return redirect(url_for("learning.show_lesson", slug=slug, lesson_id=lesson_id))


@bp.get("/learn/<slug>/media/<path:relpath>")
@bp.get("/learn/<slug>/<lesson_id>/media/<path:relpath>")
@bp.get("/learn/<slug>/<lesson_id>/quiz/attempts/media/<path:relpath>")
@login_required
def relative_media(slug: str, relpath: str, lesson_id: str | None = None):
    """Where a lesson's relative ``media/…`` URL lands from a page under /learn that did not
    rewrite it (quiz pages, HTML saved offline): send it on to the file of the version the
    learner is on (the published one when not enrolled)."""
    course = _course(slug)
    enrolment = enrolments.active_enrolment(current_user, course)
    version = enrolment.course_version if enrolment is not None else course.published_version
    response = redirect(version_media_url(version, relpath))
    response.headers["Cache-Control"] = "private, no-cache"  # the learner's version may move
    return response


@bp.post("/learn/<slug>/<lesson_id>/position")
@login_required
def save_position(slug: str, lesson_id: str):
    """Store the scroll position (JSON ``{"position": 0…1}``, sent by learning.js)."""
    course = _course(slug)
    enrolment = enrolments.active_enrolment(current_user, course)
    if enrolment is None:
        abort(404)
    body = request.get_json(silent=True) or {}
    with unit_of_work(flash_error=False) as work:
        player.save_position(enrolment, lesson_id, body.get("position"), utcnow())
    if work.failed:
        return {"error": work.message}, work.error.status_code
    return "", 204


# --- the learner's own data ------------------------------------------------------------------


@bp.get("/me/data")
@login_required
def personal_data():
    return render_template("learning/personal_data.html",
                           sections=readable_sections(collect_personal_data(current_user)))


@bp.get("/me/data.json")
@login_required
def personal_data_json():
    body = json.dumps({"sections": collect_personal_data(current_user)}, ensure_ascii=False,
                      indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="atlas-campus-meine-daten.json"'})


@bp.get("/me/statements.json")
@login_required
def statements_download():
    agent = builders.learner(current_user)
    return Response(stream_with_context(statements_json(agent)), mimetype="application/json",
                    headers={"Content-Disposition":
                             'attachment; filename="atlas-campus-lernaufzeichnungen.json"'})
