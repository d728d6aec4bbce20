"""Session pages: scheduling, registration, roster and check-in."""

from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.errors import DomainError, PermissionDeniedError
from lms.extensions import db
from lms.learning.enrolment import active_enrolment
from lms.sessions import attendance, calendar, checkin, services
from lms.sessions.forms import ConfirmForm, SessionForm, WalkInForm
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("sessions", __name__, template_folder="templates")

#: pages where a session's end is noticed and its roster closed (no job queue yet)
_CLOSING_ENDPOINTS = {"catalog.show_course"}


def close_ended(course_id: int | None = None) -> None:
    """Credit the attendance of sessions that ended unclosed, in a unit of work of its own."""
    with unit_of_work(refusals=()):
        attendance.close_ended_sessions(utcnow(), course_id)


@bp.before_app_request
def close_ended_on_course_page():
    """The course page is where a learner looks for their credit: close what has ended."""
    if request.endpoint in _CLOSING_ENDPOINTS and request.method == "GET":
        slug = (request.view_args or {}).get("slug")
        course_id = db.session.scalar(select(Course.id).where(Course.slug == slug)) \
            if slug else None
        if course_id is not None:
            close_ended(course_id)


def _language() -> str:
    return str(get_locale() or "de")


def _published(slug: str):
    """The course's published version and its model (404 without one)."""
    version = catalog.find_published_course(slug)
    return version, content_for(version).course


def _ensure_trainer(course) -> None:
    if not services.can_manage(current_user, course):
        raise PermissionDeniedError(_("Nur Trainerinnen und Trainer dieses Kurses sehen "
                                      "diese Seite."))


def _managed_session(session_id: int):
    session = services.find_session(session_id)
    _ensure_trainer(session.course)
    return session


def _session_lessons(model) -> list[tuple[str, str]]:
    language = _language()
    return [(lesson.id, lesson.title(language)) for lesson in model.lessons("session")]


def _prepare(form: SessionForm, course, model) -> None:
    form.lesson_id.choices = [("", _("– keine –"))] + _session_lessons(model)
    form.trainer_id.choices = [(0, _("– noch offen –"))] + [
        (user.id, user.name) for user in services.course_trainer_choices(course)]


# --- trainers: scheduling ----------------------------------------------------


@bp.get("/sessions")
@login_required
def list_sessions():
    """The trainer's sessions across the courses they train, upcoming first.

    A learner's own seats are the "Meine Termine" panel of their start page: the address
    leads there instead of refusing them.
    """
    if not (current_user.is_admin or current_user.is_trainer):
        return redirect(url_for("core.home", _anchor="my-sessions-title"))
    close_ended()
    upcoming, past = services.trainer_sessions(current_user, utcnow())
    counts = services.seat_counts(upcoming)
    return render_template("sessions/list.html", upcoming=upcoming, past=past, counts=counts)


@bp.get("/courses/<slug>/sessions")
@login_required
def manage_sessions(slug: str):
    version, model = _published(slug)
    _ensure_trainer(version.course)
    close_ended(version.course.id)
    sessions = services.course_sessions(version.course)
    return render_template("sessions/manage.html", version=version, course=version.course,
                           title=model.title.get(_language()) or model.title.get("de"),
                           sessions=sessions, counts=services.seat_counts(sessions),
                           now=utcnow(), cancel_form=ConfirmForm())


def _edit_page(version, model, form, session=None, status=200):
    return render_template(
        "sessions/form.html", form=form, course=version.course, session=session,
        title=model.title.get(_language()) or model.title.get("de")), status


@bp.route("/courses/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(slug: str):
    version, model = _published(slug)
    course = version.course
    _ensure_trainer(course)
    form = SessionForm()
    _prepare(form, course, model)
    if request.method == "GET":
        form.capacity.data = 12
        if current_user.id in {choice[0] for choice in form.trainer_id.choices}:
            form.trainer_id.data = current_user.id
    if form.validate_on_submit():
        lessons = [lesson_id for lesson_id, _title in _session_lessons(model)]
        with unit_of_work(form, success=_("Der Termin ist angelegt.")) as work:
            services.schedule_session(current_user, course, form.details(), lessons, utcnow())
        if work.failed:
            return _edit_page(version, model, form, status=400)
        return redirect(url_for("sessions.manage_sessions", slug=slug))
    return _edit_page(version, model, form, status=400 if form.errors else 200)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session = _managed_session(session_id)
    version, model = _published(session.course.slug)
    form = SessionForm()
    _prepare(form, session.course, model)
    if request.method == "GET":
        form.fill_from(session)
    if form.validate_on_submit():
        lessons = [lesson_id for lesson_id, _title in _session_lessons(model)]
        with unit_of_work(form, success=_("Der Termin ist gespeichert.")) as work:
            services.update_session(current_user, session, form.details(), lessons, utcnow())
        if work.failed:
            return _edit_page(version, model, form, session, status=400)
        return redirect(url_for("sessions.manage_sessions", slug=session.course.slug))
    return _edit_page(version, model, form, session, status=400 if form.errors else 200)


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def cancel_session(session_id: int):
    session = _managed_session(session_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: services.cancel_session(current_user, session, utcnow()),
                        _("Der Termin ist abgesagt; alle Angemeldeten werden per E-Mail "
                          "benachrichtigt."))
    return redirect(url_for("sessions.manage_sessions", slug=session.course.slug))


# --- learners: registration --------------------------------------------------


def _back_to_course(course):
    return redirect(url_for("catalog.show_course", slug=course.slug) + "#upcoming-sessions")


@bp.post("/sessions/<int:session_id>/register")
@login_required
def register(session_id: int):
    session = services.find_session(session_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as work:
            registration = services.register_for_session(current_user, session, utcnow())
            if registration.status == "waitlisted":
                work.success = _(
                    "Der Termin ist ausgebucht. Sie stehen auf Platz %(n)d der Warteliste; "
                    "wir schreiben Ihnen, sobald ein Platz frei wird.",
                    n=services.waiting_position(registration))
            else:
                work.success = _("Sie sind für den Termin angemeldet.")
    return _back_to_course(session.course)


@bp.post("/sessions/registrations/<int:registration_id>/cancel")
@login_required
def cancel_registration(registration_id: int):
    registration = services.find_own_registration(current_user, registration_id)
    course = registration.session.course
    if ConfirmForm().validate_on_submit():
        commit_or_flash(
            lambda: services.cancel_registration(current_user, registration, utcnow()),
            _("Ihre Anmeldung ist storniert."))
    return _back_to_course(course)


def _uid_host() -> str:
    return urlsplit(current_app.config["ATLAS_BASE_URL"]).hostname or "atlas-campus"


@bp.get("/sessions/registrations/<int:registration_id>/calendar.ics")
@login_required
def download_ics(registration_id: int):
    registration = services.find_own_registration(current_user, registration_id)
    if registration.status not in services.OPEN_STATUSES:
        abort(404)
    session = registration.session
    version, model = _published(session.course.slug)
    body = calendar.session_ics(
        session, uid_host=_uid_host(),
        course_title=model.title.get(_language()) or model.title.get("de"),
        course_url=url_for("catalog.show_course", slug=session.course.slug, _external=True),
        now=utcnow())
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="termin-{session.id}.ics"')
    return response


@bp.app_template_global("upcoming_sessions")
def upcoming_sessions(course, user=None) -> list[services.SessionOffer]:
    """Template global for the course page: the course's upcoming sessions, one query."""
    return services.upcoming_offers(course, user, utcnow())


@bp.app_template_global("course_session_context")
def course_session_context(course, user) -> dict:
    """What the course page's session partial needs besides the offers."""
    is_enrolled = bool(user is not None and user.is_authenticated
                       and active_enrolment(user, course) is not None)
    return {"is_enrolled": is_enrolled, "can_manage": services.can_manage(user, course),
            "now": utcnow()}


# --- trainers: roster and sign-in sheet --------------------------------------


def _marks_from(form, full_minutes: int) -> tuple[dict[int, int | None], set[int], str | None]:
    """Read the roster form: ``shown-<id>`` (1 if ticked when shown), ``present-<id>``
    ticks and ``minutes-<id>`` numbers (empty: the whole session)."""
    marks: dict[int, int | None] = {}
    was_present: set[int] = set()
    for key, value in form.items():
        if not key.startswith("shown-") or not key.removeprefix("shown-").isdigit():
            continue
        user_id = int(key.removeprefix("shown-"))
        if value == "1":
            was_present.add(user_id)
        if not form.get(f"present-{user_id}"):
            marks[user_id] = None
            continue
        raw = (form.get(f"minutes-{user_id}") or "").strip()
        if raw and not raw.isdigit():
            return {}, set(), _("Minuten müssen eine ganze Zahl sein.")
        marks[user_id] = int(raw) if raw else full_minutes
    return marks, was_present, None


@bp.route("/sessions/<int:session_id>/roster", methods=["GET", "POST"])
@login_required
def roster(session_id: int):
    session = _managed_session(session_id)
    close_ended(session.course_id)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        marks, was_present, error = _marks_from(request.form, session.duration_minutes)
        if error:
            flash(error, "error")
        else:
            closing = request.form.get("close") == "1"

            def save():
                now = utcnow()
                attendance.save_roster(current_user, session, marks, now, was_present)
                if closing:
                    attendance.close_roster(current_user, session, now)

            if commit_or_flash(save, _("Die Anwesenheitsliste ist abgeschlossen; die "
                                       "Anwesenheit zählt jetzt.") if closing
                               else _("Die Anwesenheit ist gespeichert.")):
                return redirect(url_for("sessions.roster", session_id=session.id))
    now = utcnow()
    return render_template("sessions/roster.html", session=session,
                           roster=attendance.build_roster(session), form=ConfirmForm(),
                           walk_in_form=WalkInForm(), now=now,
                           is_recordable=now >= checkin.opens_at(session)
                           and session.cancelled_at is None,
                           is_closable=now >= session.starts_at
                           and session.cancelled_at is None
                           and not session.is_roster_closed)


@bp.post("/sessions/<int:session_id>/roster/walk-in")
@login_required
def add_walk_in(session_id: int):
    session = _managed_session(session_id)
    form = WalkInForm()
    if form.validate_on_submit():
        commit_or_flash(
            lambda: attendance.add_walk_in(current_user, session, form.email.data, utcnow(),
                                           form.minutes.data),
            _("Die Person ist als anwesend erfasst."))
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("sessions.roster", session_id=session.id) + "#walk-in")


@bp.get("/sessions/<int:session_id>/sign-in-sheet")
@login_required
def sign_in_sheet(session_id: int):
    session = _managed_session(session_id)
    return render_template("sessions/sign_in_sheet.html", session=session,
                           roster=attendance.build_roster(session))


# --- QR check-in -------------------------------------------------------------


def qr_svg(url: str) -> Markup:
    """The check-in URL as an inline SVG QR code (no script, no external request)."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=6, border=2, dark="#1d2b3a", omitsize=True))


@bp.get("/sessions/<int:session_id>/checkin")
@login_required
def show_checkin(session_id: int):
    session = _managed_session(session_id)
    now = utcnow()
    is_open = checkin.is_open(session, now)
    url = url_for("sessions.check_in", session_id=session.id,
                  token=checkin.make_token(session, now), _external=True)
    return render_template("sessions/checkin.html", session=session, is_open=is_open,
                           url=url, qr=qr_svg(url) if is_open else None,
                           is_over=now > session.ends_at,
                           opens_at=checkin.opens_at(session),
                           refresh=min(checkin.seconds_left(now) + 1, 60))


@bp.route("/sessions/<int:session_id>/checkin/<token>", methods=["GET", "POST"])
@login_required
def check_in(session_id: int, token: str):
    session = services.find_session(session_id)
    form = ConfirmForm()
    now = utcnow()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        with unit_of_work(flash_error=False) as work:
            _attendance, created = attendance.check_in(current_user, session, token, now)
        error = work.message
        if not work.failed:
            flash(_("Sie sind eingecheckt. Ihre Teilnahme wird angerechnet, wenn der Termin "
                    "endet oder die Trainerin oder der Trainer die Anwesenheitsliste "
                    "abschließt. Viel Erfolg beim Termin!") if created
                  else _("Sie waren bereits eingecheckt."), "success")
            return _back_to_course(session.course)
    else:
        try:
            checkin.ensure_open(session, token, now)
        except DomainError as refusal:
            error = refusal.message
    return render_template("sessions/confirm_checkin.html", session=session, token=token,
                           form=form, error=error), 400 if error else 200
