"""The company manager's and works council's pages: employees (this module), assignments and
privacy (``assignment_views``, ``privacy_views``) on the one ``companies`` blueprint."""

import base64
import binascii

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.accounts import services as account_services
from lms.certificates.forms import STATUS_LABELS as CERTIFICATE_STATUS_LABELS
from lms.companies import csv_import, employees, records
from lms.companies.access import managed_organisation, membership_in, viewable_organisation
from lms.companies.audit import record_access
from lms.companies.forms import CsvConfirmForm, CsvUploadForm
from lms.db import utcnow
from lms.forms import ActionForm, invitation_details, invitation_form
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("companies", __name__, url_prefix="/company", template_folder="templates")


def language() -> str:
    return str(get_locale() or "de")


@bp.get("/")
@login_required
def index():
    viewable_organisation(current_user)
    if current_user.is_company_manager:
        return redirect(url_for("companies.list_employees"))
    return redirect(url_for("companies.works_council"))


def invite_with_form(form, organisation) -> bool:
    """Invite the person a manager entered, in one unit of work; tell whether it went out.

    The one invite path: the company portal and the organisation admin page both use it.
    """
    with unit_of_work(form, success=_("Einladung an %(email)s gesendet.",
                                      email=form.email.data)) as work:
        account_services.invite_person(current_user, organisation, now=utcnow(),
                                       **invitation_details(form))
    return not work.failed


def _employees_page(organisation, status: int = 200, **context):
    now = utcnow()
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "view_employees", now)
    context.setdefault("invitation_form", invitation_form(organisation))
    context.setdefault("upload_form", CsvUploadForm(formdata=None))
    return render_template(
        "companies/employees.html", organisation=organisation,
        members=employees.list_members(organisation),
        invitations=employees.list_invitations(organisation), now=now,
        action_form=ActionForm(formdata=None), **context,
    ), status


@bp.get("/employees")
@login_required
def list_employees():
    return _employees_page(managed_organisation(current_user))


@bp.post("/employees/invite")
@login_required
def invite():
    organisation = managed_organisation(current_user)
    form = invitation_form(organisation)
    if form.validate_on_submit() and invite_with_form(form, organisation):
        return redirect(url_for("companies.list_employees"))
    return _employees_page(organisation, 400, invitation_form=form)


@bp.post("/employees/import")
@login_required
def check_import():
    """Step 1: read the upload and show the report; nothing is written."""
    organisation = managed_organisation(current_user)
    form = CsvUploadForm()
    if not form.validate_on_submit():
        return _employees_page(organisation, 400, upload_form=form)
    data = form.file.data.read(csv_import.MAX_BYTES + 1)
    report = csv_import.check_csv(organisation, data, utcnow())
    confirm = CsvConfirmForm(formdata=None)
    confirm.content.data = base64.b64encode(data).decode("ascii")
    return render_template(
        "companies/import_report.html", report=report, confirm_form=confirm,
        organisation=organisation,
    ), 200 if report.is_valid else 400


@bp.post("/employees/import/confirm")
@login_required
def confirm_import():
    """Step 2: check the same file again and invite everyone in one transaction, or no one."""
    organisation = managed_organisation(current_user)
    form = CsvConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = base64.b64decode(form.content.data, validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    now = utcnow()
    with unit_of_work() as work:
        report = csv_import.import_csv(current_user, organisation, data, now)
        work.success = _("%(count)s Einladungen gesendet.", count=len(report.rows))
    if work.failed:
        report = csv_import.check_csv(organisation, data, now)
        return render_template(
            "companies/import_report.html", report=report, confirm_form=form,
            organisation=organisation,
        ), 400
    return redirect(url_for("companies.list_employees"))


#: what the resend and revoke buttons of an invitation do, and the confirmation they show
INVITATION_CHANGES = {
    "resend": (account_services.resend_invitation, _l("Einladung erneut gesendet.")),
    "revoke": (account_services.revoke_invitation, _l("Einladung zurückgezogen.")),
}


def change_invitation(invitation, change: str) -> None:
    """Resend or revoke ``invitation`` in one unit of work (portal and admin page alike)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    service, message = INVITATION_CHANGES[change]
    commit_or_flash(lambda: service(current_user, invitation, utcnow()), str(message))


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
def resend_invitation(invitation_id: int):
    organisation = managed_organisation(current_user)
    change_invitation(employees.invitation_of(organisation, invitation_id), "resend")
    return redirect(url_for("companies.list_employees"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    organisation = managed_organisation(current_user)
    change_invitation(employees.invitation_of(organisation, invitation_id), "revoke")
    return redirect(url_for("companies.list_employees"))


@bp.get("/employees/<int:user_id>")
@login_required
def show_employee(user_id: int):
    organisation = managed_organisation(current_user)
    now = utcnow()
    with unit_of_work(refusals=()):
        record = records.employee_record(current_user, organisation, user_id, now, language())
    return render_template(
        "companies/employee.html", organisation=organisation, record=record, now=now,
        certificate_status_labels=CERTIFICATE_STATUS_LABELS,
    )


@bp.route("/employees/<int:user_id>/remove", methods=["GET", "POST"])
@login_required
def remove_employee(user_id: int):
    organisation = managed_organisation(current_user)
    membership = membership_in(organisation, user_id)
    form = ActionForm()
    if form.validate_on_submit():
        person = membership.user
        if commit_or_flash(
            lambda: employees.remove_member(current_user, organisation, person, utcnow()),
            _("%(name)s gehört nicht mehr zu %(org)s.", name=person.name, org=organisation.name),
        ):
            return redirect(url_for("companies.list_employees"))
        return redirect(url_for("companies.show_employee", user_id=user_id))
    if request.method == "POST":
        abort(400)
    return render_template(
        "companies/remove_employee.html", organisation=organisation, membership=membership,
        form=form,
    )
