"""Join requests of self-registered people: the organisation's managers approve or decline.

Open to platform admins and the organisation's own managers (others get 404, as for the
organisation page); only admins set the company domains that create such requests.
"""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts import join_requests
from lms.accounts.models import JoinRequest
from lms.admin.forms import JoinDomainsForm
from lms.admin.views import _organisation_for_manager, bp
from lms.companies.audit import record_access
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.forms import ActionForm
from lms.unit_of_work import unit_of_work


def _page(organisation, status: int = 200, domains_form=None):
    now = utcnow()
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "view_join_requests", now)
    return render_template(
        "admin/join_requests.html", organisation=organisation,
        requests=join_requests.requests_of(organisation), action_form=ActionForm(),
        domains_form=domains_form or JoinDomainsForm(
            formdata=None, data={"join_domains": ", ".join(
                join_requests.domains_of(organisation))}),
    ), status


@bp.get("/organisations/<int:organisation_id>/join-requests")
@login_required
def join_requests_page(organisation_id: int):
    return _page(_organisation_for_manager(organisation_id))


@bp.post("/organisations/<int:organisation_id>/join-domains")
@login_required
def set_join_domains(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = JoinDomainsForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Firmen-Domains gespeichert.")) as work:
            join_requests.set_join_domains(current_user, organisation,
                                           form.join_domains.data or "", utcnow())
        if not work.failed:
            return redirect(url_for("admin.join_requests_page",
                                    organisation_id=organisation.id))
    return _page(organisation, 400, domains_form=form)


@bp.post("/join-requests/<int:request_id>/<any(approve, decline):decision>")
@login_required
def decide_join_request(request_id: int, decision: str):
    """Approve or decline; an unknown request answers 404, another company's 403."""
    if not ActionForm().validate_on_submit():
        abort(400)
    approve = decision == "approve"
    with unit_of_work(success=_("Beitritt bestätigt.") if approve else
                      _("Beitrittsanfrage abgelehnt."), refusals=ValidationFailedError):
        join_requests.decide(current_user, request_id, approve=approve, now=utcnow())
    join = db.get_or_404(JoinRequest, request_id)
    return redirect(url_for("admin.join_requests_page", organisation_id=join.organisation_id))
