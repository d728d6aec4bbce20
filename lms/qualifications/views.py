"""Qualification planning in the company portal, and the employee's own page.

Managers: matrix (with reasons, filters, paging, exports), roles, catalogue, a person's
evidence, closing gaps. The works council: counts only. Every manager look at people's
cells is written to the access log the people read.
"""

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms.accounts.models import Department
from lms.companies.access import (
    managed_organisation,
    membership_in,
    works_council_organisation,
)
from lms.companies.assignments import assignable_courses
from lms.companies.audit import record_access
from lms.companies.consent import consenting_user_ids
from lms.companies.employees import list_members
from lms.companies.visibility import fields_visible, min_group_size
from lms.db import utcnow
from lms.errors import NotFoundError
from lms.extensions import db
from lms.forms import ActionForm
from lms.learning import answer_files
from lms.local_time import local_day
from lms.qualifications import (
    catalogue,
    evidence,
    exports,
    gaps,
    matrix_page,
    records,
    roles,
    status,
)
from lms.qualifications.forms import (
    CsvForm,
    ExternalForm,
    GapForm,
    HoldersForm,
    LeadDaysForm,
    OnTheJobForm,
    PathStepForm,
    QualificationEditForm,
    QualificationForm,
    RequirementForm,
    RoleForm,
    TemplateForm,
)
from lms.qualifications.models import Evidence, JobRole, LearningPath
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("qualifications", __name__, url_prefix="/company/qualifications",
               template_folder="templates")
me_bp = Blueprint("my_qualifications", __name__, url_prefix="/me/qualifications",
                  template_folder="templates")


def language() -> str:
    return str(get_locale() or "de")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _filters(organisation) -> status.MatrixFilters:
    wanted = request.args.get("status") or None
    return status.MatrixFilters(
        department_id=_int_arg("department_id"), role_id=_int_arg("role_id"),
        status=wanted if wanted in {str(s) for s in status.STATUSES} else None,
        qualification_id=_int_arg("qualification_id"))


def _filter_labels(organisation, filters: status.MatrixFilters) -> list[tuple[str, str]]:
    labels = []
    if filters.department_id:
        department = db.session.get(Department, filters.department_id)
        if department is not None and department.organisation_id == organisation.id:
            labels.append((_("Abteilung"), department.name))
    if filters.role_id:
        role = db.session.get(JobRole, filters.role_id)
        if role is not None and role.organisation_id == organisation.id:
            labels.append((_("Rolle"), role.name))
    if filters.qualification_id:
        try:
            labels.append((_("Qualifikation"), catalogue.qualification_for(
                organisation, filters.qualification_id).title(language())))
        except NotFoundError:
            pass
    if filters.status:
        labels.append((_("Status"), str(exports.STATUS_LABELS[filters.status])))
    return labels


def _detail(labels) -> str:
    return "; ".join(f"{label}: {value}" for label, value in labels)


@bp.get("/")
@login_required
def show_matrix():
    organisation = managed_organisation(current_user)
    now = utcnow()
    filters = _filters(organisation)
    page = _int_arg("page") or 1
    result = status.matrix(organisation, local_day(now), filters, page=page,
                           language=language())
    labels = _filter_labels(organisation, filters)
    # rendered before the access log's commit, which would expire every loaded object
    html = render_template(
        "qualifications/matrix.html", organisation=organisation, matrix=result,
        rows=matrix_page.page_rows(result, exports.STATUS_LABELS),
        filters=filters, filter_labels=labels, roles=roles.company_roles(organisation),
        qualifications=catalogue.visible_qualifications(organisation),
        statuses=status.STATUSES, status_labels=exports.STATUS_LABELS,
        without_roles=status.count_members_without_roles(organisation),
        lang=language(), args={k: v for k, v in request.args.items() if k != "page"})
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "view_qualification_matrix", now,
                      detail=_detail(labels))
    return html


def _full_matrix(organisation, now):
    filters = _filters(organisation)
    return filters, status.matrix(organisation, local_day(now), filters, per_page=0,
                                  language=language())


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    organisation = managed_organisation(current_user)
    now = utcnow()
    filters, result = _full_matrix(organisation, now)
    data = exports.write_xlsx(result, language())
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "export_qualifications_xlsx", now,
                      detail=_detail(_filter_labels(organisation, filters)))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="qualifikationen-{local_day(now)}.xlsx"',
        "Cache-Control": "private, no-store"})


@bp.get("/audit.pdf")
@login_required
def export_pdf():
    organisation = managed_organisation(current_user)
    now = utcnow()
    filters, result = _full_matrix(organisation, now)
    labels = _filter_labels(organisation, filters)
    scope = organisation.name + (f" – {labels[0][1]}" if filters.department_id else "")
    data = exports.render_audit_pdf(result, organisation_name=organisation.name,
                                    today=local_day(now), now=now, scope=scope, filters=labels,
                                    actor_name=current_user.name, language=language())
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "export_qualifications_pdf", now,
                      detail=_detail(labels))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="qualifikationsmatrix-{local_day(now)}.pdf"',
        "Cache-Control": "private, no-store"})


# --- closing gaps ----------------------------------------------------------------------


def _gap_form(organisation, qualification_id: int | None = None) -> GapForm:
    form = GapForm()
    lang = language()
    form.qualification_id.choices = [SelectChoice(q.id, q.title(lang)) for q in
                                     catalogue.visible_qualifications(organisation)]
    form.user_ids.choices = [SelectChoice(m.user_id, m.user.name)
                             for m in list_members(organisation)]
    return form


@bp.route("/gap", methods=["GET", "POST"])
@login_required
def close_gap():
    organisation = managed_organisation(current_user)
    form = _gap_form(organisation)
    qualification = None
    if request.method == "GET":
        qualification_id = _int_arg("qualification_id")
        if qualification_id:
            qualification = catalogue.qualification_for(organisation, qualification_id)
            form.qualification_id.data = qualification.id
            wanted = [int(v) for v in request.args.getlist("user_id") if v.isdigit()]
            if not wanted:  # a whole column: everyone with a gap in it
                result = status.matrix(organisation, local_day(utcnow()),
                                       status.MatrixFilters(qualification_id=qualification.id),
                                       per_page=0)
                wanted = [row.user_id for row in result.rows
                          if row.cells[qualification.id].status in (
                              status.CellStatus.MISSING, status.CellStatus.EXPIRED,
                              status.CellStatus.EXPIRING_30)]
            form.user_ids.data = wanted
    elif form.validate_on_submit():
        qualification = catalogue.qualification_for(organisation, form.qualification_id.data)
        with unit_of_work(form) as work:
            created = gaps.assign_for_gap(current_user, organisation, qualification,
                                          form.user_ids.data, form.due_date.data, utcnow())
            work.success = _("Kurs zugewiesen (%(count)s Personen).", count=len(created))
        if not work.failed:
            return redirect(url_for("qualifications.show_matrix"))
    if qualification is None and form.qualification_id.data:
        qualification = catalogue.qualification_for(organisation, form.qualification_id.data)
    course = gaps.providing_course(qualification) if qualification else None
    return render_template("qualifications/gap.html", organisation=organisation, form=form,
                           qualification=qualification, course=course, lang=language()), (
        400 if request.method == "POST" else 200)


# --- roles -----------------------------------------------------------------------------


def _roles_page(organisation, status_code: int = 200, **forms):
    template_form = forms.get("template_form") or TemplateForm(formdata=None)
    template_form.template_id.choices = [SelectChoice(t.id, t.name) for t in roles.templates()]
    lead_form = forms.get("lead_form") or LeadDaysForm(
        formdata=None, lead_days=gaps.lead_days(organisation))
    return render_template(
        "qualifications/roles.html", organisation=organisation,
        roles=roles.company_roles(organisation), role_form=forms.get("role_form") or RoleForm(
            formdata=None), template_form=template_form,
        csv_form=forms.get("csv_form") or CsvForm(formdata=None), lead_form=lead_form,
        report=forms.get("report"), action_form=ActionForm(formdata=None),
        lang=language()), status_code


@bp.get("/roles")
@login_required
def list_roles():
    return _roles_page(managed_organisation(current_user))


@bp.post("/roles")
@login_required
def create_role():
    organisation = managed_organisation(current_user)
    form = RoleForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            role = roles.create_role(current_user, organisation, name=form.name.data,
                                     description=form.description.data or "",
                                     sso_department=form.sso_department.data or "")
            work.success = _("Rolle angelegt.")
        if not work.failed:
            return redirect(url_for("qualifications.show_role", role_id=role.id))
    return _roles_page(organisation, 400, role_form=form)


@bp.post("/roles/from-template")
@login_required
def copy_template():
    organisation = managed_organisation(current_user)
    form = TemplateForm()
    form.template_id.choices = [SelectChoice(t.id, t.name) for t in roles.templates()]
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            role = roles.copy_template(current_user, organisation, form.template_id.data)
            work.success = _("Rolle aus der Vorlage angelegt.")
        if not work.failed:
            return redirect(url_for("qualifications.show_role", role_id=role.id))
    return _roles_page(organisation, 400, template_form=form)


@bp.post("/roles/csv")
@login_required
def import_roles():
    organisation = managed_organisation(current_user)
    form = CsvForm()
    if not form.validate_on_submit():
        return _roles_page(organisation, 400, csv_form=form)
    data = form.file.data.read(roles.MAX_CSV_BYTES + 1)
    with unit_of_work(form) as work:
        report, added = roles.import_roles_csv(current_user, organisation, data, utcnow())
        if report.is_valid:
            work.success = _("Rollen vergeben (%(count)s neu).", count=added)
    if work.failed or not report.is_valid:
        return _roles_page(organisation, 400, csv_form=form, report=report)
    return redirect(url_for("qualifications.list_roles"))


@bp.post("/roles/sync-departments")
@login_required
def sync_departments():
    organisation = managed_organisation(current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: roles.sync_department_roles(organisation, utcnow()),
                    _("Rollen nach Abteilungen abgeglichen."))
    return redirect(url_for("qualifications.list_roles"))


@bp.post("/settings")
@login_required
def save_settings():
    organisation = managed_organisation(current_user)
    form = LeadDaysForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Gespeichert.")) as work:
            gaps.set_lead_days(organisation, form.lead_days.data)
        if not work.failed:
            return redirect(url_for("qualifications.list_roles"))
    return _roles_page(organisation, 400, lead_form=form)


def _role_page(organisation, role, status_code: int = 200, **forms):
    lang = language()
    requirement_form = forms.get("requirement_form") or RequirementForm(formdata=None)
    requirement_form.qualification_id.choices = [
        SelectChoice(q.id, q.title(lang)) for q in catalogue.visible_qualifications(organisation)]
    holders_form = forms.get("holders_form") or HoldersForm(formdata=None)
    holders_form.user_ids.choices = [SelectChoice(m.user_id, m.user.name)
                                     for m in list_members(organisation)]

    paths = list(db.session.scalars(select(LearningPath).where(LearningPath.role_id == role.id)))
    step_form = forms.get("step_form") or PathStepForm(formdata=None)
    _step_choices(step_form)
    return render_template(
        "qualifications/role.html", organisation=organisation, role=role,
        holders=roles.holders_of(role), requirement_form=requirement_form,
        holders_form=holders_form, action_form=ActionForm(formdata=None), paths=paths,
        step_form=step_form, lang=lang), status_code


def _step_choices(form: PathStepForm) -> None:
    form.course_slug.choices = [SelectChoice(c.slug, c.published_version.title(language()))
                                for c in assignable_courses()]


@bp.post("/roles/<int:role_id>/path")
@login_required
def add_path_step(role_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    form = PathStepForm()
    _step_choices(form)
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Schritt hinzugefügt.")) as work:
            roles.add_path_step(current_user, organisation, role, form.course_slug.data,
                                form.module_id.data)
        if not work.failed:
            return redirect(url_for("qualifications.show_role", role_id=role.id))
    return _role_page(organisation, role, 400, step_form=form)


@bp.post("/roles/<int:role_id>/path/<int:step_id>/delete")
@login_required
def delete_path_step(role_id: int, step_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: roles.remove_path_step(current_user, organisation, role, step_id),
                    _("Schritt entfernt."))
    return redirect(url_for("qualifications.show_role", role_id=role.id))


@bp.get("/roles/<int:role_id>")
@login_required
def show_role(role_id: int):
    organisation = managed_organisation(current_user)
    return _role_page(organisation, roles.role_of(organisation, role_id))


@bp.post("/roles/<int:role_id>/requirements")
@login_required
def add_requirement(role_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    form = RequirementForm()
    form.qualification_id.choices = _qualification_choices(organisation)
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Anforderung gespeichert.")) as work:
            roles.set_requirement(current_user, organisation, role, form.qualification_id.data,
                                  form.level.data)
        if not work.failed:
            return redirect(url_for("qualifications.show_role", role_id=role.id))
    return _role_page(organisation, role, 400, requirement_form=form)


@bp.post("/roles/<int:role_id>/requirements/<int:qualification_id>/delete")
@login_required
def delete_requirement(role_id: int, qualification_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: roles.remove_requirement(current_user, organisation, role,
                                                     qualification_id),
                    _("Anforderung entfernt."))
    return redirect(url_for("qualifications.show_role", role_id=role.id))


@bp.post("/roles/<int:role_id>/holders")
@login_required
def add_holders(role_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    form = HoldersForm()
    form.user_ids.choices = [SelectChoice(m.user_id, m.user.name)
                             for m in list_members(organisation)]
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            added = roles.assign_role(current_user, organisation, role, form.user_ids.data,
                                      utcnow())
            work.success = _("Rolle vergeben (%(count)s neu).", count=added)
        if not work.failed:
            return redirect(url_for("qualifications.show_role", role_id=role.id))
    return _role_page(organisation, role, 400, holders_form=form)


@bp.post("/roles/<int:role_id>/holders/<int:user_id>/delete")
@login_required
def delete_holder(role_id: int, user_id: int):
    organisation = managed_organisation(current_user)
    role = roles.role_of(organisation, role_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: roles.remove_holder(current_user, organisation, role, user_id),
                    _("Rolle entzogen."))
    return redirect(url_for("qualifications.show_role", role_id=role.id))


# --- catalogue -------------------------------------------------------------------------


def _catalogue_page(organisation, form=None, status_code: int = 200):
    form = form or QualificationForm(formdata=None)
    form.course_slug.choices = [SelectChoice("", _("– keiner –"))] + [
        SelectChoice(c.slug, c.published_version.title(language()))
        for c in assignable_courses()]
    return render_template("qualifications/catalogue.html", organisation=organisation,
                           qualifications=catalogue.visible_qualifications(
                               organisation, include_archived=True),
                           form=form, action_form=ActionForm(formdata=None),
                           kind_labels=exports.KIND_LABELS, lang=language()), status_code


@bp.get("/catalogue")
@login_required
def show_catalogue():
    return _catalogue_page(managed_organisation(current_user))


@bp.post("/catalogue")
@login_required
def create_qualification():
    organisation = managed_organisation(current_user)
    form = QualificationForm()
    form.course_slug.choices = [SelectChoice("", "")] + [
        SelectChoice(c.slug, c.slug) for c in assignable_courses()]
    if form.validate_on_submit():
        rules = [{"kind": "external"}, {"kind": "on_the_job"}]
        if form.course_slug.data:
            rules.insert(0, {"kind": "course", "course_slug": form.course_slug.data})
        with unit_of_work(form, success=_("Qualifikation angelegt.")) as work:
            catalogue.create_qualification(
                current_user, organisation, title_de=form.title_de.data,
                title_en=form.title_en.data or "", description_de=form.description_de.data or "",
                levels=form.levels.data.split(","), validity_months=form.validity_months.data,
                rules=rules, now=utcnow())
        if not work.failed:
            return redirect(url_for("qualifications.show_catalogue"))
    return _catalogue_page(organisation, form, 400)


def _course_choices(form) -> None:
    form.course_slug.choices = [SelectChoice("", _("– keiner –"))] + [
        SelectChoice(c.slug, c.published_version.title(language()))
        for c in assignable_courses()]


@bp.route("/catalogue/<int:qualification_id>/edit", methods=["GET", "POST"])
@login_required
def edit_qualification(qualification_id: int):
    organisation = managed_organisation(current_user)
    qualification = records.own_qualification(current_user, organisation, qualification_id)
    course_rule = next((r.course_slug for r in qualification.rules if r.kind == "course"), "")
    form = QualificationEditForm(obj=qualification, course_slug=course_rule or "")
    _course_choices(form)
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Qualifikation gespeichert.")) as work:
            records.edit_qualification(
                current_user, organisation, qualification, title_de=form.title_de.data,
                title_en=form.title_en.data or "", validity_months=form.validity_months.data,
                course_slug=form.course_slug.data or None, now=utcnow())
        if not work.failed:
            return redirect(url_for("qualifications.show_catalogue"))
    return render_template("qualifications/qualification_edit.html", organisation=organisation,
                           qualification=qualification, form=form, lang=language()), (
        400 if request.method == "POST" else 200)


@bp.post("/catalogue/<int:qualification_id>/archive")
@login_required
def archive_qualification(qualification_id: int):
    organisation = managed_organisation(current_user)
    qualification = records.own_qualification(current_user, organisation, qualification_id)
    wanted = request.form.get("archived")
    if not ActionForm().validate_on_submit() or wanted not in ("1", "0"):
        abort(400)
    # the state the button showed, not a toggle: a second submit changes nothing
    archived = wanted == "1"
    commit_or_flash(lambda: records.archive_qualification(
        current_user, organisation, qualification, archived, utcnow()),
        _("Qualifikation archiviert.") if archived else _("Qualifikation wiederhergestellt."))
    return redirect(url_for("qualifications.show_catalogue"))


# --- a person's evidence ---------------------------------------------------------------


def _qualification_choices(organisation):
    return [SelectChoice(q.id, q.title(language()))
            for q in catalogue.visible_qualifications(organisation)]


def _person_cells(organisation, user_id: int, today: date):
    needs, _roles = status.requirements_of(organisation, [user_id])
    found = status.person_cells(user_id, needs.get(user_id, {}), today)
    qualifications = {q.id: q for q in catalogue.visible_qualifications(
        organisation, include_archived=True) if q.id in found}
    cells = [(qualifications[qualification_id], cell)
             for qualification_id, cell in found.items() if qualification_id in qualifications]
    lang = language()
    return sorted(cells, key=lambda pair: pair[0].title(lang).casefold()), \
        _roles.get(user_id, ())


def _person_page(organisation, user_id: int, status_code: int = 200, **forms):
    membership = membership_in(organisation, user_id)
    now = utcnow()
    with unit_of_work(refusals=()):
        evidence.sync_derived_evidence([user_id], now)
        record_access(current_user, organisation, "view_qualification_evidence", now,
                      subject=membership.user)
    cells, held = _person_cells(organisation, user_id, local_day(now))
    consented = bool(consenting_user_ids([user_id], organisation.id))
    visible = status.STATUS_FIELD in fields_visible("manager", consented, organisation)
    if not visible:  # the profile withholds qualification status: roles only
        cells = [(q, status.Cell(cell.qualification_id, cell.level, None, hidden=True))
                 for q, cell in cells]
    external_form = forms.get("external_form") or ExternalForm(formdata=None)
    external_form.qualification_id.choices = _qualification_choices(organisation)
    job_form = forms.get("job_form") or OnTheJobForm(formdata=None)
    job_form.qualification_id.choices = _qualification_choices(organisation)
    return render_template(
        "qualifications/person.html", organisation=organisation, person=membership.user,
        cells=cells, roles_held=held, evidence=evidence.evidence_of(user_id) if visible else [],
        is_hidden=not visible, external_form=external_form, job_form=job_form,
        action_form=ActionForm(formdata=None),
        status_labels=exports.STATUS_LABELS, paths=gaps.paths_for(membership.user, language()),
        lang=language(), is_manager_view=True), status_code


@bp.get("/people/<int:user_id>")
@login_required
def show_person(user_id: int):
    return _person_page(managed_organisation(current_user), user_id)


def _upload(form) -> answer_files.Upload:
    storage = form.file.data
    return answer_files.Upload(storage.filename or "datei",
                               storage.read(answer_files.max_bytes() + 1))


@bp.post("/people/<int:user_id>/external")
@login_required
def add_external(user_id: int):
    organisation = managed_organisation(current_user)
    membership_in(organisation, user_id)
    form = ExternalForm()
    form.qualification_id.choices = _qualification_choices(organisation)
    if form.validate_on_submit():
        qualification = catalogue.qualification_for(organisation, form.qualification_id.data)
        with unit_of_work(form, success=_("Zertifikat gespeichert.")) as work:
            evidence.add_external(current_user, organisation, user_id, qualification,
                                  form.level.data, issued_on=form.issued_on.data,
                                  valid_until=form.valid_until.data, upload=_upload(form),
                                  note=form.note.data or "", now=utcnow())
        if not work.failed:
            return redirect(url_for("qualifications.show_person", user_id=user_id))
    return _person_page(organisation, user_id, 400, external_form=form)


@bp.post("/people/<int:user_id>/on-the-job")
@login_required
def add_on_the_job(user_id: int):
    organisation = managed_organisation(current_user)
    membership_in(organisation, user_id)
    form = OnTheJobForm()
    form.qualification_id.choices = _qualification_choices(organisation)
    if form.validate_on_submit():
        qualification = catalogue.qualification_for(organisation, form.qualification_id.data)
        with unit_of_work(form, success=_("Bestätigung gespeichert.")) as work:
            evidence.confirm_on_the_job(current_user, organisation, user_id, qualification,
                                        form.level.data, issued_on=form.issued_on.data,
                                        note=form.note.data or "", now=utcnow())
        if not work.failed:
            return redirect(url_for("qualifications.show_person", user_id=user_id))
    return _person_page(organisation, user_id, 400, job_form=form)


@bp.post("/evidence/<int:evidence_id>/confirm")
@login_required
def confirm_evidence(evidence_id: int):
    organisation = managed_organisation(current_user)
    item = evidence.evidence_in(organisation, evidence_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: evidence.confirm_external(current_user, organisation, item,
                                                      utcnow()), _("Nachweis bestätigt."))
    return redirect(url_for("qualifications.show_person", user_id=item.user_id))


@bp.post("/evidence/<int:evidence_id>/revoke")
@login_required
def revoke_evidence(evidence_id: int):
    organisation = managed_organisation(current_user)
    item = evidence.evidence_in(organisation, evidence_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: evidence.revoke_evidence(current_user, organisation, item, utcnow()),
                    _("Nachweis zurückgezogen."))
    return redirect(url_for("qualifications.show_person", user_id=item.user_id))


@bp.get("/evidence/<int:evidence_id>/file")
@login_required
def evidence_file(evidence_id: int):
    organisation = managed_organisation(current_user)
    item = evidence.evidence_in(organisation, evidence_id)
    if not item.file:
        abort(404)
    return answer_files.send(item.file, item.file_type, item.file_name)


# --- works council ---------------------------------------------------------------------


@bp.get("/works-council")
@login_required
def works_council():
    organisation = works_council_organisation(current_user)
    minimum = min_group_size()
    department_id = _int_arg("department_id")
    rows = status.aggregates(organisation, local_day(utcnow()), minimum, department_id)
    return render_template("qualifications/works_council.html", organisation=organisation,
                           rows=rows, minimum=minimum, statuses=status.STATUSES,
                           status_labels=exports.STATUS_LABELS, department_id=department_id,
                           lang=language())


# --- the employee's own page -----------------------------------------------------------


def _own_page(status_code: int = 200, form=None):
    membership = current_user.membership
    if membership is None:
        abort(404)
    organisation = membership.organisation
    now = utcnow()
    with unit_of_work(refusals=()):
        evidence.sync_derived_evidence([current_user.id], now)
    cells, held = _person_cells(organisation, current_user.id, local_day(now))
    form = form or ExternalForm(formdata=None)
    form.qualification_id.choices = _qualification_choices(organisation)
    return render_template(
        "qualifications/mine.html", organisation=organisation, person=current_user,
        cells=cells, roles_held=held, evidence=evidence.evidence_of(current_user.id),
        external_form=form, status_labels=exports.STATUS_LABELS,
        paths=gaps.paths_for(current_user, language()), lang=language()), status_code


@me_bp.get("/")
@login_required
def mine():
    return _own_page()


@me_bp.post("/external")
@login_required
def upload_own():
    membership = current_user.membership
    if membership is None:
        abort(404)
    form = ExternalForm()
    form.qualification_id.choices = _qualification_choices(membership.organisation)
    if form.validate_on_submit():
        qualification = catalogue.qualification_for(membership.organisation,
                                                     form.qualification_id.data)
        with unit_of_work(form, success=_("Zertifikat hochgeladen. Es zählt, sobald es "
                                          "bestätigt ist.")) as work:
            evidence.add_external(current_user, membership.organisation, current_user.id,
                                  qualification, form.level.data, issued_on=form.issued_on.data,
                                  valid_until=form.valid_until.data, upload=_upload(form),
                                  note=form.note.data or "", now=utcnow())
        if not work.failed:
            return redirect(url_for("my_qualifications.mine"))
    return _own_page(400, form)


@me_bp.get("/evidence/<int:evidence_id>/file")
@login_required
def own_file(evidence_id: int):
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.user_id != current_user.id or not item.file:
        abort(404)
    return answer_files.send(item.file, item.file_type, item.file_name)

