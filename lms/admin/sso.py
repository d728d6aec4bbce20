"""The admin's page for an organisation's single sign-on (OpenID Connect provider)."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import admin_required
from lms.accounts.models import Organisation
from lms.accounts.sso import services
from lms.accounts.sso.models import IdentityProvider
from lms.admin.forms import IdentityProviderForm
from lms.admin.views import bp
from lms.db import utcnow
from lms.extensions import db
from lms.forms import ActionForm
from lms.unit_of_work import commit_or_flash, unit_of_work


@bp.route("/organisations/<int:organisation_id>/sso", methods=["GET", "POST"])
@admin_required
def identity_provider(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    provider = db.session.scalar(select(IdentityProvider).where(
        IdentityProvider.organisation_id == organisation.id))
    form = IdentityProviderForm(obj=provider) if provider else IdentityProviderForm()
    if form.validate_on_submit():
        saved = _("Single Sign-on gespeichert; der Anbieter wurde erreicht.")
        with unit_of_work(form, success=saved) as work:
            services.configure_provider(
                current_user, organisation, protocol=form.protocol.data,
                issuer=form.issuer.data, client_id=form.client_id.data or "",
                client_secret=form.client_secret.data or "",
                email_domains=form.email_domains.data or "",
                claim_email=form.claim_email.data or "", claim_name=form.claim_name.data or "",
                claim_personnel_number=form.claim_personnel_number.data or "",
                claim_department=form.claim_department.data or "",
                is_enabled=form.is_enabled.data, now=utcnow())
        if not work.failed:
            return redirect(url_for("admin.identity_provider", organisation_id=organisation.id))
    return render_template(
        "admin/identity_provider.html", organisation=organisation, provider=provider,
        form=form, redirect_uri=url_for("sso.callback", _external=True),
        saml_metadata_url=url_for("sso.saml_metadata", _external=True),
        saml_acs_url=url_for("sso.saml_acs", _external=True),
        saml_slo_url=url_for("sso.saml_slo", _external=True),
        action_form=ActionForm(),
    ), 400 if form.is_submitted() else 200


@bp.post("/organisations/<int:organisation_id>/two-factor")
@admin_required
def require_two_factor(organisation_id: int):
    """Switch the organisation's rule on or off: its managers and works council need TOTP."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = ActionForm()
    if form.validate_on_submit():
        required = request.form.get("required") == "1"
        commit_or_flash(
            lambda: services.require_two_factor(current_user, organisation, required, utcnow()),
            success=_("Zwei-Faktor-Pflicht eingeschaltet.") if required else
            _("Zwei-Faktor-Pflicht ausgeschaltet."))
    return redirect(url_for("admin.identity_provider", organisation_id=organisation.id))
