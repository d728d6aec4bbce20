"""Package pages in the studio: a SCORM/cmi5 zip as a lesson of the course being edited, or
as a course of its own (admins). Both write the studio draft; publishing is the studio's.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.catalog.models import Course
from lms.catalog.trainers import is_course_trainer
from lms.db import utcnow
from lms.extensions import db
from lms.packages import importing
from lms.packages.forms import PackageCourseForm, PackageLessonForm
from lms.unit_of_work import unit_of_work

bp = Blueprint("packages", __name__, url_prefix="/studio", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Every page needs a login; rights per course are checked in each view."""


def _editable_course(slug: str) -> Course:
    """The course if the user may edit its draft; 404 otherwise (as the studio answers)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or not (current_user.is_admin or is_course_trainer(current_user,
                                                                        course)):
        abort(404)
    return course


def _upload(form) -> tuple:
    """The uploaded zip's stream and file name."""
    upload = form.file.data
    return upload.stream, upload.filename or "paket.zip"


def _refusal(form, work) -> list[str]:
    """Show a refused import on the form (at the file unless a field is named); return the
    diagnostics (``file:line: …``) the page lists below it."""
    if not any(work.message in errors for errors in form.errors.values()):
        form.file.errors = [*form.file.errors, work.message]
    return list(getattr(work.error, "details", []))


def _limits():
    return importing.limits_from_config(current_app.config)


@bp.route("/<slug>/package", methods=["GET", "POST"])
def upload_lesson(slug: str):
    """A package zip as one lesson (all its SCOs/AUs in order) in a module of the draft."""
    course = _editable_course(slug)
    form = PackageLessonForm()
    modules = importing.draft_modules(course)
    form.module.choices = [(module_id, f"{module_id} ({folder})")
                           for module_id, folder in sorted(modules.items(),
                                                           key=lambda item: item[1])]
    details: list[str] = []
    if form.validate_on_submit():
        with unit_of_work(form, flash_error=False) as work:
            stream, filename = _upload(form)
            package = importing.read_package_zip(stream, filename, "paket", _limits())
            now = utcnow()
            plan = importing.plan_lesson(course, package, filename, form.module.data, now,
                                         form.title.data or "")
            importing.write_plan(course, plan, current_user, now)
            work.success = _("Das Paket %(name)s (%(standard)s) ist als Lektion im Entwurf: "
                             "%(lessons)s. Prüfen und veröffentlichen Sie den Entwurf.",
                             name=plan.name, standard=package.label,
                             lessons=", ".join(plan.lessons))
        if not work.failed:
            return redirect(url_for("studio.show_course", slug=slug))
        details = _refusal(form, work)
    status = 422 if form.errors or details else 200
    return render_template("packages/upload_lesson.html", course=course, form=form,
                           details=details, limits=_limits()), status


@bp.route("/packages/new-course", methods=["GET", "POST"])
def upload_course():
    """A package zip as a new course: one module with one lesson per SCO/AU (admins)."""
    if not current_user.is_admin:
        abort(404)
    form = PackageCourseForm()
    details: list[str] = []
    if form.validate_on_submit():
        with unit_of_work(form, flash_error=False) as work:
            stream, filename = _upload(form)
            package = importing.read_package_zip(stream, filename, "paket", _limits())
            course, plan = importing.create_package_course(
                current_user, form.course_id.data.strip(), form.title.data or "", package,
                filename, utcnow())
            work.success = _("Der Kurs %(course)s ist angelegt: %(count)d Lektion(en) aus dem "
                             "Paket %(name)s. Prüfen und veröffentlichen Sie ihn.",
                             course=course.slug, count=len(plan.lessons), name=plan.name)
        if not work.failed:
            return redirect(url_for("studio.show_course", slug=form.course_id.data.strip()))
        details = _refusal(form, work)
    status = 422 if form.errors or details else 200
    return render_template("packages/upload_course.html", form=form, details=details,
                           limits=_limits()), status
