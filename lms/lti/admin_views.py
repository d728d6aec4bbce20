"""Admin pages under /admin/lti: registered platforms (form, list, disable) and links for
dynamic registration."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import admin_required
from lms.db import utcnow
from lms.forms import ActionForm
from lms.lti import dynamic_registration, registrations
from lms.lti.forms import InviteForm, RegistrationForm
from lms.lti.views import bp, tool_urls
from lms.unit_of_work import unit_of_work

FIELDS = ("name", "issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url",
          "deployment_ids", "organisation_id", "instructors_train")


def _list_page(invite_form=None, invite_url=None, status=200):
    return render_template(
        "lti/admin/registrations.html", registrations=registrations.list_registrations(),
        invite_form=invite_form or InviteForm(formdata=None), invite_url=invite_url,
        action_form=ActionForm(), urls=tool_urls()), status


@bp.get("/admin/lti")
@admin_required
def list_registrations():
    return _list_page()


def _save(form, registration=None):
    data = registrations.RegistrationData(**{name: form[name].data or (
        False if name == "instructors_train" else 0 if name == "organisation_id" else "")
        for name in FIELDS})
    with unit_of_work(form, success=_("Registrierung gespeichert.")) as work:
        saved = registrations.save_registration(current_user, data, utcnow(), registration)
    return work, saved if not work.failed else None


@bp.route("/admin/lti/new", methods=["GET", "POST"])
@admin_required
def new_registration():
    form = RegistrationForm()
    if form.validate_on_submit():
        work, _saved = _save(form)
        if not work.failed:
            return redirect(url_for("lti.list_registrations"))
    status = 400 if form.is_submitted() else 200
    return render_template("lti/admin/registration.html", form=form, registration=None,
                           urls=tool_urls()), status


@bp.route("/admin/lti/<int:registration_id>", methods=["GET", "POST"])
@admin_required
def edit_registration(registration_id: int):
    registration = registrations.get_registration(registration_id)
    form = RegistrationForm(obj=registration)
    if form.validate_on_submit():
        work, _saved = _save(form, registration)
        if not work.failed:
            return redirect(url_for("lti.list_registrations"))
    status = 400 if form.is_submitted() else 200
    return render_template("lti/admin/registration.html", form=form,
                           registration=registration, urls=tool_urls()), status


@bp.post("/admin/lti/<int:registration_id>/status")
@admin_required
def change_status(registration_id: int):
    registration = registrations.get_registration(registration_id)
    form = ActionForm()
    status = request.form.get("status", "")
    if form.validate_on_submit():
        with unit_of_work(success=_("Registrierung abgeschaltet.") if status == "disabled"
                          else _("Registrierung eingeschaltet.")):
            registrations.set_status(current_user, registration, status, utcnow())
    return redirect(url_for("lti.list_registrations"))


@bp.post("/admin/lti/invites")
@admin_required
def create_invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _list_page(form, status=400)
    with unit_of_work(form) as work:
        _invite, token = dynamic_registration.create_invite(
            current_user, form.organisation_id.data or 0, form.name.data or "",
            bool(form.instructors_train.data), utcnow())
    if work.failed:
        return _list_page(form, status=400)
    return _list_page(InviteForm(formdata=None),
                      invite_url=url_for("lti.dynamic_register", token=token, _external=True))
