"""Trainer start page, participants, overrides and announcements (routes on ``teaching``).

Every page checks that the reader trains the course (admins see all) and answers 404
otherwise; every page or export showing a learner's results writes that learner's access
log in the same unit of work.
"""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.formatting import display_locale, format_datetime
from lms.forms import ActionForm
from lms.learning.models import QuizAttempt
from lms.learning.quiz_services import attempts_left, extra_attempts
from lms.teaching import announcements, overrides, participants
from lms.teaching.access import may_teach, trained_course
from lms.teaching.access_log import record_trainer_access
from lms.teaching.blueprint import bp
from lms.teaching.start_page import start_page as build_start_page
from lms.unit_of_work import commit_or_flash, unit_of_work

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", participants.export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             participants.export_xlsx),
}


@bp.context_processor
def _helpers():
    return {"decimal": format_decimal}


def _language() -> str:
    return str(get_locale() or "de")


def _require_teacher() -> None:
    if not may_teach(current_user):
        abort(403)


def _instant(value) -> str:
    return format_datetime(value, "short") if value is not None else ""


@bp.get("/")
@login_required
def start_page():
    """The trainer's start page: courses in figures, stuck learners, sessions, open answers."""
    _require_teacher()
    now = utcnow()
    with unit_of_work(refusals=()):
        page = build_start_page(current_user, _language(), now)
        # "stuck" tells something about a person's results: it goes into their log too
        by_course: dict = {}
        for stuck in page.stuck:
            by_course.setdefault(stuck.course, set()).add(stuck.user.id)
        for course, user_ids in by_course.items():
            record_trainer_access(current_user, course, user_ids, "trainer_view_stuck", now)
    return render_template("teaching/start.html", page=page, form=ActionForm())


@bp.get("/courses/<slug>/participants")
@login_required
def list_participants(slug: str):
    """One page of the course's participants, most recently active first."""
    course = trained_course(current_user, slug)
    error = None
    try:
        filters = participants.read_filters(request.args)
    except ValidationFailedError as refused:
        filters, error = participants.Filters(), refused.message
    page_number = request.args.get("page", 1, type=int) or 1
    with unit_of_work(refusals=()):
        page = participants.participants_page(course, filters, page_number)
        participants.result_cells(page, display_locale())
        record_trainer_access(current_user, course, [row.user_id for row in page.rows],
                              "trainer_view_participants", utcnow())
    return render_template(
        "teaching/participants.html", course=course, page=page, filters=filters, error=error,
        title=_course_title(course), companies=participants.company_choices(course),
        sessions=participants.session_choices(course), statuses=participants.STATUSES,
        status_label=participants.status_label), 400 if error else 200


@bp.get("/courses/<slug>/participants.<fmt>")
@login_required
def export_participants(slug: str, fmt: str):
    """The filtered participants list as CSV or Excel, logged for every learner in it."""
    course = trained_course(current_user, slug)
    if fmt not in EXPORTS:
        abort(404)
    try:
        filters = participants.read_filters(request.args)
    except ValidationFailedError as refused:
        return Response(refused.message, status=400, mimetype="text/plain")
    media_type, writer = EXPORTS[fmt]
    with unit_of_work(refusals=()):
        rows, graded = participants.all_participants(course, filters)
        record_trainer_access(current_user, course, [row.user_id for row in rows],
                              f"trainer_export_{fmt}", utcnow(),
                              detail=" ".join(filter(None, [course.slug, filters.describe()])))
    body = writer(rows, graded, _language(), _instant)
    filename = f"teilnehmende-{course.slug}-{utcnow():%Y%m%d}.{fmt}"
    return Response(body, mimetype=media_type.split(";")[0], headers={
        "Content-Type": media_type,
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _course_title(course) -> str:
    version = course.published_version
    return version.title(_language()) if version else course.slug


@bp.get("/courses/<slug>/participants/<int:user_id>")
@login_required
def show_participant(slug: str, user_id: int):
    """One learner's results in the course, with the trainer's corrections."""
    course = trained_course(current_user, slug)
    learner, enrolment = overrides.learner_enrolment(course, user_id)
    model = content_for(enrolment.course_version).course
    attempts = list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.course_id == course.id,
        QuizAttempt.registration == enrolment.registration)
        .order_by(QuizAttempt.lesson_id, QuizAttempt.number)))
    quizzes = []
    for lesson in model.lessons():
        if lesson.kind not in ("quiz", "assessment"):
            continue
        done = [a for a in attempts if a.lesson_id == lesson.id]
        extra = extra_attempts(learner, course, lesson.id, enrolment.registration)
        quizzes.append({"lesson": lesson, "attempts": done, "extra": extra,
                        "left": attempts_left(lesson, len(done), extra),
                        "passed": any(a.is_passed for a in done)})
    with unit_of_work(refusals=()):
        record_trainer_access(current_user, course, [learner.id], "trainer_view_participant",
                              utcnow())
    return render_template(
        "teaching/participant.html", course=course, title=_course_title(course),
        learner=learner, enrolment=enrolment, model=model, quizzes=quizzes,
        overrides=overrides.overrides_of(course, learner.id), language=_language(),
        form=ActionForm())


def _back(slug: str, user_id: int):
    return redirect(url_for(".show_participant", slug=slug, user_id=user_id))


@bp.post("/courses/<slug>/participants/<int:user_id>/attempts")
@login_required
def grant_attempts(slug: str, user_id: int):
    """Give a learner more attempts at a limited quiz, with a reason."""
    course = trained_course(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    learner, enrolment = overrides.learner_enrolment(course, user_id)
    extra = request.form.get("extra", "").strip()
    if not extra.isdigit():
        commit_or_flash(lambda: _refuse(_("Bitte geben Sie die Zahl der Versuche als ganze "
                                          "Zahl an."), "extra"))
        return _back(slug, user_id)
    commit_or_flash(
        lambda: overrides.grant_attempts(current_user, course, learner, enrolment,
                                         request.form.get("lesson_id", ""), int(extra),
                                         request.form.get("reason", ""), utcnow()),
        _("Weitere Versuche für %(name)s freigegeben.", name=learner.name))
    return _back(slug, user_id)


def _refuse(message: str, field: str):
    raise ValidationFailedError(message, field=field)


@bp.post("/courses/<slug>/participants/<int:user_id>/attempts/<lesson_id>/<int:number>/reset")
@login_required
def reset_attempt(slug: str, user_id: int, lesson_id: str, number: int):
    """Take one attempt back: its result is voided and the attempt given again."""
    course = trained_course(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    learner, enrolment = overrides.learner_enrolment(course, user_id)
    commit_or_flash(
        lambda: overrides.reset_attempt(current_user, course, learner, enrolment, lesson_id,
                                        number, request.form.get("reason", ""), utcnow()),
        _("Versuch %(num)d von %(name)s zurückgesetzt.", num=number, name=learner.name))
    return _back(slug, user_id)


@bp.post("/courses/<slug>/participants/<int:user_id>/complete")
@login_required
def mark_complete(slug: str, user_id: int):
    """Mark a lesson, module or the course complete for a learner, with a reason."""
    course = trained_course(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    learner, enrolment = overrides.learner_enrolment(course, user_id)
    scope, _sep, target = request.form.get("target", "").partition(":")
    commit_or_flash(
        lambda: overrides.mark_complete(current_user, course, learner, enrolment, scope,
                                        target, request.form.get("reason", ""), utcnow()),
        _("Als erledigt markiert; %(name)s sieht es mit Ihrem Grund.", name=learner.name))
    return _back(slug, user_id)


@bp.post("/courses/<slug>/overrides/<int:override_id>/undo")
@login_required
def undo_override(slug: str, override_id: int):
    """Take a completion override back."""
    course = trained_course(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    found = {}

    def undo():
        found["override"] = overrides.undo_override(current_user, course, override_id, utcnow())

    commit_or_flash(undo, _("Markierung zurückgenommen."))
    user_id = found["override"].user_id if found else request.form.get("user_id", type=int)
    if user_id:
        return _back(slug, user_id)
    return redirect(url_for(".list_participants", slug=slug))


@bp.route("/courses/<slug>/announcements", methods=["GET", "POST"])
@login_required
def course_announcements(slug: str):
    """Write to the course's participants (or one session's), and the list of past ones."""
    course = trained_course(current_user, slug)
    form = ActionForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        raw_session = request.form.get("session_id", "").strip()
        session_id = int(raw_session) if raw_session.isdigit() else None
        with unit_of_work() as work:
            sent = announcements.post_announcement(
                current_user, course, session_id, request.form.get("subject", ""),
                request.form.get("body", ""), utcnow(),
                dashboard_url=url_for("core.home", _external=True))
            work.success = _("Ankündigung an %(num)d Teilnehmende gesendet.",
                             num=sent.recipients)
        if not work.failed:
            return redirect(url_for(".course_announcements", slug=slug))
        status = 400
    return render_template(
        "teaching/announcements.html", course=course, title=_course_title(course), form=form,
        sessions=participants.session_choices(course),
        items=announcements.course_announcements(course),
        subject=request.form.get("subject", ""), body=request.form.get("body", "")), status


@bp.get("/announcement-mails")
@login_required
def announcement_mail_page():
    """The learner's setting for announcement e-mails (linked from "Mein Konto")."""
    return render_template("teaching/announcement_mails.html",
                           mail_off=announcements.mail_is_off(current_user))


@bp.post("/announcement-mails")
@login_required
def announcement_mails():
    """A learner turns announcement e-mails off or on (the dashboard keeps them anyway)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    is_off = request.form.get("mail") == "off"
    commit_or_flash(
        lambda: announcements.set_mail_choice(current_user, is_off, utcnow()),
        _("Sie erhalten Ankündigungen nicht mehr per E-Mail.") if is_off
        else _("Sie erhalten Ankündigungen wieder per E-Mail."))
    if request.form.get("back") == "settings":
        return redirect(url_for(".announcement_mail_page"))
    return redirect(url_for("core.home"))
