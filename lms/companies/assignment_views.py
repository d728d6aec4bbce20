"""Assignment pages of the company portal: assign courses, see status, counts and charts."""


from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.catalog.models import Course
from lms.companies import assignments, charts, employees
from lms.companies.access import managed_organisation
from lms.companies.audit import record_access
from lms.companies.forms import AssignmentForm
from lms.companies.views import bp, language
from lms.companies.visibility import min_group_size
from lms.db import utcnow
from lms.extensions import db
from lms.forms import ActionForm
from lms.unit_of_work import commit_or_flash, unit_of_work


def _form(organisation, members) -> AssignmentForm:
    form = AssignmentForm()
    lang = language()
    form.course_id.choices = [
        SelectChoice(c.id, c.published_version.title(lang))
        for c in assignments.assignable_courses()
    ]
    form.department_id.choices = [SelectChoice(0, _("– keine –"))] + [
        SelectChoice(d.id, d.name) for d in organisation.departments
    ]
    form.user_ids.choices = [SelectChoice(m.user_id, m.user.name) for m in members]
    return form


def _page(organisation, form=None, status: int = 200):
    now = utcnow()
    members = employees.list_members(organisation)
    statuses = assignments.assignment_statuses(organisation, now, language())
    minimum = min_group_size()
    by_course = assignments.group_counts(statuses, "course", minimum)
    by_department = assignments.group_counts(statuses, "department", minimum)
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "view_assignments", now)
    return render_template(
        "companies/assignments.html", organisation=organisation,
        form=form or _form(organisation, members),
        assignments=assignments.list_assignments(organisation), statuses=statuses,
        by_course=by_course, by_department=by_department, minimum=minimum,
        segments=charts.stacked_segments, statuses_order=assignments.STATUSES,
        status_labels=assignments.STATUS_LABELS, action_form=ActionForm(formdata=None),
        now=now, lang=language(),
    ), status


@bp.get("/assignments")
@login_required
def list_assignments():
    return _page(managed_organisation(current_user))


@bp.post("/assignments")
@login_required
def create_assignment():
    organisation = managed_organisation(current_user)
    form = _form(organisation, employees.list_members(organisation))
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        if course is None:
            abort(400)
        with unit_of_work(form) as work:
            created = assignments.assign_course(
                current_user, organisation, course, now=utcnow(),
                user_ids=form.user_ids.data or [], department_id=form.department_id.data or None,
                due_on=form.due_date.data or None,
                has_reminders=form.has_reminders.data,
            )
            work.success = _("Kurs zugewiesen (%(count)s Zuweisungen).", count=len(created))
        if not work.failed:
            return redirect(url_for("companies.list_assignments"))
    return _page(organisation, form, 400)


@bp.post("/assignments/<int:assignment_id>/delete")
@login_required
def delete_assignment(assignment_id: int):
    organisation = managed_organisation(current_user)
    assignment = assignments.assignment_of(organisation, assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: assignments.delete_assignment(current_user, assignment),
                    _("Zuweisung aufgehoben. Bestehende Kursanmeldungen bleiben erhalten."))
    return redirect(url_for("companies.list_assignments"))
