"""Admin pages for users and organisations; organisation pages are open to its managers."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from lms.access import admin_required
from lms.accounts import audit, regions, services
from lms.accounts.models import Invitation, Membership, Organisation, User
from lms.admin.forms import (
    AnonymiseForm,
    DepartmentForm,
    NetworkClassificationForm,
    OrganisationForm,
    UserAccountForm,
    UserRolesForm,
)
from lms.companies import employees
from lms.companies.access import organisation_for_manager
from lms.companies.views import change_invitation, invite_with_form
from lms.db import utcnow
from lms.extensions import db
from lms.forms import ActionForm
from lms.forms import invitation_form as shared_invitation_form
from lms.unit_of_work import unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

PAGE_SIZE = 50


@bp.get("/users")
@admin_required
def list_users():
    query = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    statement = select(User).outerjoin(Membership, Membership.user_id == User.id).order_by(
        User.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(
            func.lower(User.name).like(pattern), func.lower(User.email).like(pattern),
            Membership.personnel_number == query,  # shop-floor accounts have no address
        ))
    users = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", users=users, query=query)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserRolesForm(
        data={"is_admin": user.is_admin, "is_trainer": user.is_trainer,
              "is_active": user.is_active_account,
              "is_network_staff": user.is_network_staff}
    ) if request.method == "GET" else UserRolesForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Gespeichert.")) as work:
            services.set_platform_roles(
                current_user, user, is_admin=form.is_admin.data, is_trainer=form.is_trainer.data,
                is_active=form.is_active.data, is_network_staff=form.is_network_staff.data,
            )
        if work.failed:
            return user_page(user, 400, form=form)
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return user_page(user, 200, form=form)


def user_page(user: User, status: int, **forms):
    """The admin's page of one account: roles, details, resets, erasure, its audit log."""
    context = {
        "form": UserRolesForm(formdata=None, data={
            "is_admin": user.is_admin, "is_trainer": user.is_trainer,
            "is_active": user.is_active_account, "is_network_staff": user.is_network_staff}),
        "details_form": UserAccountForm(formdata=None, data={
            "name": user.name, "email": user.email if user.has_mailbox else ""}),
        "anonymise_form": AnonymiseForm(formdata=None),
        "action_form": ActionForm(),
        "audit_entries": audit.entries(target=user, limit=50),
    }
    context.update(forms)
    return render_template("admin/user.html", user=user, **context), status


@bp.route("/organisations", methods=["GET", "POST"])
@admin_required
def list_organisations():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Organisation angelegt.")) as work:
            organisation = services.create_organisation(
                name=form.name.data, city=form.city.data or "", now=utcnow()
            )
        if work.failed:
            status = 400
        else:
            return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))
    elif form.is_submitted():
        status = 400
    member_counts = dict(
        db.session.execute(
            select(Membership.organisation_id, func.count()).group_by(Membership.organisation_id)
        ).all()
    )
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template(
        "admin/organisations.html", organisations=organisations, form=form,
        member_counts=member_counts,
    ), status


def _organisation_for_manager(organisation_id: int) -> Organisation:
    return organisation_for_manager(current_user, organisation_id)


@bp.get("/organisations/<int:organisation_id>")
@login_required
def show_organisation(organisation_id: int, invitation_form=None, department_form=None,
                      classification_form=None, status: int = 200):
    organisation = _organisation_for_manager(organisation_id)
    members = employees.list_members(organisation)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == organisation.id)
        .order_by(Invitation.created_at.desc())
    ).all()
    return render_template(
        "admin/organisation.html",
        organisation=organisation, members=members, invitations=invitations, now=utcnow(),
        invitation_form=invitation_form or shared_invitation_form(organisation),
        department_form=department_form or DepartmentForm(formdata=None),
        classification_form=classification_form or NetworkClassificationForm(
            formdata=None, data={"region": organisation.region,
                                 "employee_count": organisation.employee_count}),
        size_band_label=regions.size_band_label(regions.size_band(organisation.employee_count)),
        action_form=ActionForm(),
    ), status


@bp.post("/organisations/<int:organisation_id>/classification")
@admin_required
def classify_organisation(organisation_id: int):
    """Region and headcount: the groups the network's qualification picture counts by."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = NetworkClassificationForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Gespeichert.")) as work:
            services.set_network_classification(
                current_user, organisation, region=form.region.data or "",
                employee_count=form.employee_count.data,
            )
        if not work.failed:
            return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))
    return show_organisation(organisation.id, classification_form=form, status=400)


@bp.post("/organisations/<int:organisation_id>/departments")
@login_required
def add_department(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = DepartmentForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Abteilung angelegt.")) as work:
            services.add_department(
                organisation, name=form.name.data, cost_centre=form.cost_centre.data or "",
                now=utcnow(),
            )
        if not work.failed:
            return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))
    return show_organisation(organisation.id, department_form=form, status=400)


@bp.post("/organisations/<int:organisation_id>/invitations")
@login_required
def invite(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = shared_invitation_form(organisation)
    if form.validate_on_submit() and invite_with_form(form, organisation):
        return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))
    return show_organisation(organisation.id, invitation_form=form, status=400)


def _invitation_for_manager(invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    _organisation_for_manager(invitation.organisation_id)
    return invitation


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
def resend_invitation(invitation_id: int):
    invitation = _invitation_for_manager(invitation_id)
    change_invitation(invitation, "resend")
    return redirect(url_for("admin.show_organisation", organisation_id=invitation.organisation_id))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    invitation = _invitation_for_manager(invitation_id)
    change_invitation(invitation, "revoke")
    return redirect(url_for("admin.show_organisation", organisation_id=invitation.organisation_id))
