"""Admin page for courses: versions, publishing, and trainers' rights per course."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from lms.access import admin_required
from lms.accounts.models import User
from lms.catalog import services, trainers
from lms.catalog.forms import TrainerGrantForm
from lms.catalog.labels import label_context
from lms.catalog.models import Course, CourseTrainer, CourseVersion
from lms.db import utcnow
from lms.extensions import db
from lms.forms import ActionForm
from lms.unit_of_work import commit_or_flash

bp = Blueprint("catalog_admin", __name__, url_prefix="/admin/courses",
               template_folder="templates")


@bp.context_processor
def inject_labels():
    return label_context()


def _grant_form(course: Course, candidates: list[User]) -> TrainerGrantForm:
    granted = {grant.user_id for grant in course.trainers}
    form = TrainerGrantForm(prefix=f"course-{course.id}")
    form.user_id.choices = [SelectChoice(user.id, f"{user.name} ({user.email})")
                            for user in candidates if user.id not in granted]
    return form


def _platform_trainers() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.is_trainer.is_(True), User.is_active_account.is_(True))
        .order_by(User.name)
    ))


@bp.get("")
@admin_required
def list_courses():
    courses = db.session.scalars(
        select(Course).order_by(Course.slug).options(
            selectinload(Course.versions).selectinload(CourseVersion.imported_by),
            selectinload(Course.trainers).selectinload(CourseTrainer.user),
        )
    ).all()
    candidates = _platform_trainers()
    forms = {course.id: _grant_form(course, candidates) for course in courses}
    return render_template("catalog/admin_courses.html", courses=courses, forms=forms,
                           action_form=ActionForm(), has_trainers=bool(candidates))


@bp.post("/<int:course_id>/trainers")
@admin_required
def grant_trainer(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = _grant_form(course, _platform_trainers())
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine Trainerin oder einen Trainer aus."), "error")
        return redirect(url_for("catalog_admin.list_courses"))
    user = db.get_or_404(User, form.user_id.data)
    commit_or_flash(
        lambda: trainers.grant_course_trainer(current_user, course, user, utcnow()),
        _("%(name)s ist jetzt Trainer/in für %(course)s.", name=user.name, course=course.slug),
    )
    return redirect(url_for("catalog_admin.list_courses", _anchor=f"course-{course.slug}"))


@bp.post("/<int:course_id>/trainers/<int:user_id>/revoke")
@admin_required
def revoke_trainer(course_id: int, user_id: int):
    course = db.get_or_404(Course, course_id)
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(
        lambda: trainers.revoke_course_trainer(current_user, course, user, utcnow()),
        _("%(name)s ist nicht mehr Trainer/in für %(course)s.", name=user.name,
          course=course.slug),
    )
    return redirect(url_for("catalog_admin.list_courses", _anchor=f"course-{course.slug}"))


@bp.post("/versions/<int:version_id>/publish")
@admin_required
def publish_version(version_id: int):
    version = db.get_or_404(CourseVersion, version_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(
        lambda: services.publish_version(version, current_user, utcnow()),
        _("Version %(version)s von %(course)s ist jetzt veröffentlicht.",
          version=version.version, course=version.course.slug),
    )
    return redirect(url_for("catalog_admin.list_courses",
                            _anchor=f"course-{version.course.slug}"))
