"""Studio pages of the subject list (admins): add a subject, rename its labels, retire it.

Registered on the studio blueprint; the rules live in ``lms.catalog.subjects``.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from lms.catalog import subjects as subject_service
from lms.catalog.models import Course
from lms.catalog.subjects import Subject, all_subjects
from lms.db import utcnow
from lms.extensions import db
from lms.studio.forms import SubjectForm
from lms.studio.views import bp
from lms.unit_of_work import unit_of_work


def _require_admin():
    if not current_user.is_admin:
        abort(404)


def _render_subjects(new_form=None, status: int = 200, failed: tuple | None = None):
    rows = []
    for subject in all_subjects():
        form = SubjectForm(prefix=f"s{subject.id}", formdata=None, obj=subject)
        if failed and failed[0] == subject.id:
            form = failed[1]
        rows.append((subject, form))
    counts = dict(db.session.execute(select(Course.subject, func.count(Course.id))
                                     .group_by(Course.subject)).all())
    return render_template("studio/subjects.html", rows=rows, counts=counts,
                           new_form=new_form or SubjectForm(prefix="new", formdata=None)), status


@bp.get("/subjects")
def subjects():
    _require_admin()
    return _render_subjects()


@bp.post("/subjects")
def add_subject():
    _require_admin()
    form = SubjectForm(prefix="new")
    if not form.validate_on_submit():
        return _render_subjects(form, 422)
    with unit_of_work(form) as work:
        subject = subject_service.add_subject(current_user, form.key.data, form.label_de.data,
                                              form.label_en.data, utcnow())
        work.success = _("Das Themenfeld %(key)s steht jetzt in der Liste.", key=subject.key)
    if work.failed:
        return _render_subjects(form, 422)
    return redirect(url_for("studio.subjects"))


def _subject(subject_id: int):
    subject = db.session.get(Subject, subject_id)
    if subject is None:
        abort(404)
    return subject


@bp.post("/subjects/<int:subject_id>")
def rename_subject(subject_id: int):
    _require_admin()
    subject = _subject(subject_id)
    form = SubjectForm(prefix=f"s{subject.id}")
    if not form.validate_on_submit():
        return _render_subjects(status=422, failed=(subject.id, form))
    with unit_of_work(form, success=_("Die Bezeichnung wurde geändert.")) as work:
        subject_service.rename_subject(current_user, subject, form.label_de.data,
                                       form.label_en.data)
    if work.failed:
        return _render_subjects(status=422, failed=(subject.id, form))
    return redirect(url_for("studio.subjects"))


@bp.post("/subjects/<int:subject_id>/retire")
def retire_subject(subject_id: int):
    _require_admin()
    subject = _subject(subject_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    retire = request.form.get("retire") != "0"
    with unit_of_work(success=_("Das Themenfeld %(key)s wird nicht mehr angeboten; Kurse, die "
                                "es nennen, bleiben gültig.", key=subject.key) if retire else
                      _("Das Themenfeld %(key)s wird wieder angeboten.", key=subject.key)):
        subject_service.retire_subject(current_user, subject, utcnow(), retired=retire)
    return redirect(url_for("studio.subjects"))
