"""Course studio pages: my courses, a draft's overview, the editor with live preview, publishing.

Only admins and the course's trainers reach a draft; everybody else gets 404, so the studio
never reveals which other courses exist or what their drafts hold.
"""

import secrets
import time
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from authoring.currency import review_schedule
from authoring.media_file import media_type
from lms.accounts.models import User
from lms.catalog.labels import label_context
from lms.catalog.subjects import active_subjects
from lms.catalog.views import SVG_POLICY
from lms.db import utcnow
from lms.extensions import db
from lms.formatting import format_date
from lms.local_time import local_day
from lms.security import CONTENT_SECURITY_POLICY
from lms.studio import drafts, services
from lms.studio.diagnostic_text import diagnostic_text
from lms.studio.forms import (
    ID_HINT,
    EditorForm,
    NewCourseForm,
    NewLessonForm,
    NewModuleForm,
    PublishForm,
    UploadForm,
)
from lms.studio.workspace import DraftCheck, check_draft
from lms.unit_of_work import unit_of_work

bp = Blueprint("studio", __name__, url_prefix="/studio", template_folder="templates")


@bp.context_processor
def inject_labels():
    return {**label_context(), "id_hint": ID_HINT, "diagnostic_text": diagnostic_text,
            "forecast_text": forecast_text, "format_day": format_day}


def format_day(day) -> str:
    """A calendar date in the page's language ("7. Dezember 2026")."""
    return format_date(day, format="long")


@bp.before_request
@login_required
def require_login():
    """Every studio page needs a login; rights per course are checked in each view."""


def _course(slug: str):
    return services.find_course_for(current_user, slug)


def _lesson_for(check: DraftCheck, path: str):
    """The lesson and the language whose source file is ``path``, or (None, None)."""
    for lesson in check.model.lessons():
        for language, content in lesson.content.items():
            if content.source == path:
                return lesson, language
    return None, None


def _tree(course) -> list[dict]:
    """The draft's files grouped for the overview: top files, modules with lessons, media."""
    rows = drafts.list_files(course)
    modules: dict[str, dict] = {}
    top, media = [], []
    for row in rows:
        parts = row.path.split("/")
        if parts[0] == "modules" and len(parts) == 3:
            modules.setdefault(parts[1], {"folder": f"modules/{parts[1]}", "files": []})
            modules[parts[1]]["files"].append(row)
        elif parts[0] == "media":
            media.append(row)
        else:
            top.append(row)
    return [{"kind": "top", "files": top}, *modules.values(), {"kind": "media", "files": media}]


# --- my courses, new course ------------------------------------------------------------


def _new_course_form(**kwargs) -> NewCourseForm:
    form = NewCourseForm(**kwargs)
    form.subject.choices = [SelectChoice(s.key, s.label(str(get_locale())))
                            for s in active_subjects()]
    form.trainer_id.choices = [SelectChoice(0, _("– noch niemand –"))] + [
        SelectChoice(user.id, f"{user.name} ({user.email})")
        for user in services.trainer_candidates()]
    return form


def _render_index(new_course_form=None, status: int = 200):
    if not (current_user.is_admin or current_user.is_trainer):
        abort(404)
    courses = services.editable_courses(current_user)
    rows = [(course, drafts.find_draft(course)) for course in courses]
    if current_user.is_admin and new_course_form is None:
        new_course_form = _new_course_form(formdata=None)
    return render_template("studio/index.html", rows=rows,
                           new_course_form=new_course_form if current_user.is_admin else None
                           ), status


@bp.get("")
def index():
    return _render_index()


@bp.post("/new")
def create_course():
    if not current_user.is_admin:
        abort(404)
    form = _new_course_form()
    if not form.validate_on_submit():
        return _render_index(form, 422)
    trainer = db.session.get(User, form.trainer_id.data) if form.trainer_id.data else None
    with unit_of_work(form) as work:
        course = services.create_course(
            current_user, form.course_id.data, utcnow(), title=form.title.data,
            subject=form.subject.data, languages=form.languages.data, trainer=trainer)
        work.success = (_("Der Kurs %(id)s wurde angelegt; %(name)s ist Trainer/in des Kurses.",
                          id=course.slug, name=trainer.name) if trainer else
                        _("Der Kurs %(id)s wurde angelegt. Trainerinnen und Trainer berechtigen "
                          "Sie in der Kursverwaltung.", id=course.slug))
    if work.failed:
        return _render_index(form, 422)
    return redirect(url_for("studio.show_course", slug=course.slug))


# --- overview ----------------------------------------------------------------------------


def _lesson_form(course, **kwargs) -> NewLessonForm:
    form = NewLessonForm(prefix="lesson", **kwargs)
    form.module.choices = [SelectChoice(folder, folder.split("/", 1)[1])
                           for folder in services.module_folders(course)]
    return form


def _render_course(course, status: int = 200, **forms):
    """The draft overview; ``forms`` replaces a blank form with one that has errors."""
    with unit_of_work(refusals=()):
        services.ensure_draft(course, current_user, utcnow())
        check = services.check(course, utcnow())
    context = {
        "module_form": NewModuleForm(prefix="module", formdata=None),
        "lesson_form": _lesson_form(course, formdata=None),
        "upload_form": UploadForm(prefix="zip", formdata=None),
        "publish_form": PublishForm(version=services.suggested_version(course), formdata=None),
        **forms,
    }
    publish_form = context["publish_form"]
    context["forecast"] = None if check.errors else services.publish_forecast(
        course, publish_form.version.data or "", publish_form.learner_policy.data)
    return render_template(
        "studio/course.html", course=course, draft=drafts.find_draft(course), check=check,
        tree=_tree(course), draft_version=services.draft_version(course),
        reviews=review_schedule(check.model, local_day(utcnow())), **context), status


def forecast_text(forecast) -> str:
    """The sentences that say what publishing does (or did) to the learners and lessons."""
    version = forecast.version
    parts = []
    if forecast.moving:
        parts.append(ngettext(
            "%(num)d Lernende(r) wechselt beim nächsten Besuch auf %(version)s.",
            "%(num)d Lernende wechseln beim nächsten Besuch auf %(version)s.",
            forecast.moving, version=version))
    if forecast.staying_by_policy:
        parts.append(ngettext(
            "%(num)d Lernende(r) behält die bisherige Hauptversion.",
            "%(num)d Lernende behalten die bisherige Hauptversion.",
            forecast.staying_by_policy))
    if not forecast.moving and not forecast.staying_by_policy:
        parts.append(_("Niemand lernt gerade mit einer älteren Version; neue Anmeldungen "
                       "erhalten %(version)s.", version=version))
    if forecast.moving or forecast.policy == "move" or not forecast.is_major:
        parts.append(ngettext(
            "%(num)d Lektion bleibt erledigt,", "%(num)d Lektionen bleiben erledigt,",
            len(forecast.unchanged)) + " " + ngettext(
            "%(num)d wird wieder geöffnet", "%(num)d werden wieder geöffnet",
            len(forecast.changed)) + (
            f" ({', '.join(forecast.changed)})." if forecast.changed else "."))
    if forecast.added:
        parts.append(ngettext("%(num)d Lektion ist neu: %(titles)s.",
                              "%(num)d Lektionen sind neu: %(titles)s.", len(forecast.added),
                              titles=", ".join(forecast.added)))
    if forecast.removed:
        parts.append(ngettext("%(num)d Lektion entfällt: %(titles)s.",
                              "%(num)d Lektionen entfallen: %(titles)s.",
                              len(forecast.removed), titles=", ".join(forecast.removed)))
    if forecast.completed:
        parts.append(ngettext(
            "%(num)d Person hat den Kurs abgeschlossen und behält ihre Version.",
            "%(num)d Personen haben den Kurs abgeschlossen und behalten ihre Version.",
            forecast.completed))
    return " ".join(parts)


def form_errors(form) -> str:
    """All errors of ``form`` as one sentence per field, for a flash message.

    Messages are lazy strings; ``str`` them before joining (joining them raised a
    TypeError, a 500 for a lesson id like "Mein Test Quiz").
    """
    return " ".join(f"{getattr(form, name).label.text}: {' '.join(str(e) for e in errors)}"
                    for name, errors in form.errors.items() if hasattr(form, name))


@bp.get("/<slug>")
def show_course(slug: str):
    return _render_course(_course(slug))


@bp.post("/<slug>/modules")
def create_module(slug: str):
    course = _course(slug)
    form = NewModuleForm(prefix="module")
    if not form.validate_on_submit():
        return _render_course(course, 422, module_form=form)
    with unit_of_work(form, success=_("Das Modul wurde angelegt.")) as work:
        path = services.create_module(course, current_user, form.module_id.data,
                                      form.title.data, utcnow())
    if work.failed:
        return _render_course(course, 422, module_form=form)
    return redirect(url_for("studio.edit", slug=slug, path=path))


@bp.post("/<slug>/lessons")
def create_lesson(slug: str):
    course = _course(slug)
    form = _lesson_form(course)
    if not form.validate_on_submit():
        return _render_course(course, 422, lesson_form=form)
    with unit_of_work(form, success=_("Die Lektion wurde angelegt. Sie können sie jetzt "
                                      "bearbeiten.")) as work:
        path = services.create_lesson(course, current_user, form.module.data, form.kind.data,
                                      form.lesson_id.data, form.title.data, utcnow())
    if work.failed:
        return _render_course(course, 422, lesson_form=form)
    return redirect(url_for("studio.edit", slug=slug, path=path))


# --- editor ------------------------------------------------------------------------------


def _preview_context(course, path: str, text: str | None) -> dict:
    """Check the draft (with unsaved ``text`` for ``path``) and pick what the preview shows."""
    override = (path, text) if text is not None else None
    check = check_draft(course, override)
    lesson, language = _lesson_for(check, path)
    content = lesson.content[language] if lesson else None
    glossary = [term for term in check.model.glossary
                if content is not None and term.slug in content.glossary]
    return {"check": check, "file_diagnostics": check.for_file(path), "lesson": lesson,
            "content": content, "language": language, "glossary": glossary,
            "other_errors": [d for d in check.errors if d.path != path]}


def _media_rows(course):
    return [row for row in drafts.list_files(course) if row.path.startswith("media/")]


def _editable(course, path: str):
    row = drafts.read_file(course, path)
    if row is None or not drafts.is_text_path(path):
        abort(404)
    return row


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    course = _course(slug)
    path = request.values.get("path", "")
    row = _editable(course, path)
    form = EditorForm()
    text = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        text = (form.content.data or "").replace("\r\n", "\n")
        if request.form.get("action") == "save":
            with unit_of_work() as work:
                changed = drafts.write_file(course, path, text.encode("utf-8"), current_user,
                                            utcnow())
                work.success = (_("Entwurf gespeichert.") if changed else
                                _("Keine Änderungen – der Entwurf ist unverändert."))
            if not work.failed:
                return redirect(url_for("studio.edit", slug=slug, path=path))
    if text is None:
        text = row.content.decode("utf-8", errors="replace")
        form.content.data = text
    form.path.data = path
    context = _preview_context(course, path, text if request.method == "POST" else None)
    nonce = secrets.token_urlsafe(16)
    response = make_response(render_template(
        "studio/edit.html", course=course, path=path, form=form, line=request.args.get(
            "line", type=int), media=_media_rows(course),
        diagnostic_items=_diagnostic_items(context["file_diagnostics"]),
        editor_messages=_editor_messages(), style_nonce=nonce,
        upload_form=UploadForm(prefix="media"), is_unsaved=request.method == "POST",
        snippet=services.media_snippet, **context))
    response.headers["Content-Security-Policy"] = editor_policy(nonce)
    return response


def editor_policy(nonce: str) -> str:
    """The page policy plus one style nonce: the code editor (CodeMirror) writes its styles
    into a <style> element, which ``style-src 'self'`` alone blocks. Scripts stay 'self'."""
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'",
                                           f"style-src 'self' 'nonce-{nonce}'")


def _diagnostic_items(diagnostics) -> list[dict]:
    """The file's diagnostics for the editor's gutter: line, column, severity, text."""
    return [{"line": d.line, "column": d.column, "severity": d.severity, "code": d.code,
             "message": diagnostic_text(d)} for d in diagnostics]


def _editor_messages() -> dict:
    return {"uploading": _("Bild wird hochgeladen …"),
            "uploaded": _("%(path)s wurde hochgeladen und eingefügt."),
            "upload_failed": _("Das Bild wurde nicht hochgeladen:")}


@bp.post("/<slug>/preview")
def preview(slug: str):
    """The live preview: render posted, unsaved text; JSON with two HTML fragments."""
    started = time.perf_counter()
    course = _course(slug)
    path = request.form.get("path", "")
    _editable(course, path)
    text = request.form.get("content", "").replace("\r\n", "\n")
    context = _preview_context(course, path, text)
    body = {
        "preview": render_template("studio/_preview.html", course=course, path=path, **context),
        "diagnostics": render_template("studio/_diagnostics.html", course=course, path=path,
                                       **context),
        "errors": len(context["check"].errors),
        "warnings": len(context["check"].warnings),
        "items": _diagnostic_items(context["file_diagnostics"]),
    }
    response = jsonify(body)
    elapsed = (time.perf_counter() - started) * 1000
    response.headers["Server-Timing"] = f"preview;dur={elapsed:.1f}"
    return response


@bp.get("/<slug>/media/<path:relpath>")
def serve_media(slug: str, relpath: str):
    """A media file of the draft, for the preview (lesson HTML says ``media/…``)."""
    course = _course(slug)
    row = drafts.read_file(course, f"media/{relpath}")
    if row is None:
        abort(404)
    kind = media_type(row.path)
    response = send_file(BytesIO(row.content), mimetype=kind, etag=row.sha256, conditional=True,
                         max_age=None)
    response.headers["Cache-Control"] = "private, no-cache"
    if kind == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.post("/<slug>/media")
def upload_media(slug: str):
    course = _course(slug)
    form = UploadForm(prefix="media")
    back = request.form.get("back") or ""
    target = (url_for("studio.edit", slug=slug, path=back, _anchor="media")
              if drafts.clean_path(back) else url_for("studio.show_course", slug=slug))
    if not form.validate_on_submit():
        flash(form_errors(form) or _("Bitte wählen Sie eine Datei."), "error")
        return redirect(target)
    upload = form.file.data
    with unit_of_work() as work:
        path = services.upload_media(course, current_user, upload.filename,
                                     upload.read(drafts.MAX_FILE_BYTES + 1), utcnow())
        work.success = _("%(path)s wurde hochgeladen.", path=path)
    return redirect(target)


@bp.post("/<slug>/media/paste")
def upload_pasted_image(slug: str):
    """An image pasted or dropped into the editor: store it, answer with its Markdown (JSON).

    CSRF-protected like every POST (the editor sends the token as ``X-CSRFToken``).
    """
    course = _course(slug)
    upload = request.files.get("file")
    if upload is None:
        return jsonify(error=_("Ungültige Anfrage"),
                       message=_("Bitte wählen Sie eine Datei."), status=400), 400
    limit = int(current_app.config.get("ATLAS_STUDIO_IMAGE_MAX_BYTES", services.IMAGE_MAX_BYTES))
    content = upload.read(limit + 1)
    with unit_of_work(flash_error=False) as work:
        path = services.upload_pasted_image(course, current_user, upload.filename or "",
                                            content, utcnow(), max_bytes=limit)
    if work.failed:
        status = 413 if len(content) > limit else 415 if content else 400
        return jsonify(error=_("Das Bild wurde nicht hochgeladen:"), message=work.message,
                       status=status), status
    return jsonify(path=path, markdown=services.image_markdown(path),
                   url=url_for("studio.serve_media", slug=slug,
                               relpath=path.removeprefix("media/"))), 201


# --- publish, zip ----------------------------------------------------------------------


@bp.post("/<slug>/publish")
def publish(slug: str):
    course = _course(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("Bitte geben Sie eine Version der Form 1.2.3 an."), "error")
        return redirect(url_for("studio.show_course", slug=slug, _anchor="publish"))
    if request.form.get("action") == "preview":
        return _render_course(course, publish_form=form)  # the forecast for what was typed
    forecast = services.publish_forecast(course, form.version.data, form.learner_policy.data)
    with unit_of_work(flash_error=False, refusals=services.PublishRefusedError) as work:
        version = services.publish_draft(course, current_user, form.version.data, utcnow(),
                                         learner_policy=form.learner_policy.data)
        work.success = _("Version %(version)s ist veröffentlicht. Der Katalog und neue "
                         "Anmeldungen verwenden sie ab sofort.", version=version.version)
    if work.failed:
        return _render_course(course, 422, publish_form=form, publish_error=work.error)
    if forecast is not None:
        flash(forecast_text(forecast), "info")
    return redirect(url_for("studio.show_course", slug=slug))


@bp.get("/<slug>/download")
def download(slug: str):
    course = _course(slug)
    data = drafts.draft_zip(course)
    return send_file(BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}-entwurf.zip", max_age=0)


@bp.post("/<slug>/upload")
def upload_zip(slug: str):
    course = _course(slug)
    form = UploadForm(prefix="zip")
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie ein ZIP-Archiv."), "error")
        return redirect(url_for("studio.show_course", slug=slug, _anchor="zip"))
    limits = drafts.ZipLimits.from_config(current_app.config)
    with unit_of_work(flash_error=False) as work:
        files = drafts.read_zip(form.file.data.read(limits.total_bytes + 1), course, limits)
        report = drafts.replace_draft(course, files, current_user, utcnow())
    if work.failed:
        flash(_("Das Archiv wurde nicht übernommen: %(reason)s", reason=work.message), "error")
        return _render_course(course, 422)
    if report.is_empty:
        flash(_("Das Archiv entspricht dem Entwurf; nichts geändert."), "success")
    else:
        flash(_("Archiv übernommen: %(added)d neu, %(changed)d geändert, %(removed)d entfernt.",
                added=len(report.added), changed=len(report.changed),
                removed=len(report.removed)), "success")
        for label, paths in ((_("Neu"), report.added), (_("Geändert"), report.changed),
                             (_("Entfernt"), report.removed)):
            if paths:
                flash(f"{label}: {', '.join(paths[:20])}" + (" …" if len(paths) > 20 else ""),
                      "info")
    return redirect(url_for("studio.show_course", slug=slug))
