"""The manager's API token page at /company/api-tokens: create (secret shown once), revoke."""

from datetime import timedelta

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.api import tokens
from lms.api.forms import TokenForm, token_form
from lms.companies.access import managed_organisation
from lms.db import utcnow
from lms.errors import DomainError
from lms.forms import ActionForm
from lms.local_time import end_of_day, local_day
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("api_tokens", __name__, url_prefix="/company/api-tokens",
               template_folder="templates")


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    organisation = managed_organisation(current_user)
    response = make_response(render_template(
        "api/tokens.html", organisation=organisation, form=form, secret=secret,
        tokens=tokens.tokens_of(organisation), now=utcnow(), action_form=ActionForm(),
    ), status)
    response.headers["Cache-Control"] = "no-store"  # the page may carry a secret
    return response


@bp.get("/")
@login_required
def list_tokens():
    form = token_form(current_user, formdata=None,
                      data={"expires_on": local_day(utcnow() + timedelta(days=365))})
    return _page(form)


@bp.post("/")
@login_required
def create_token():
    organisation = managed_organisation(current_user)
    form = token_form(current_user)
    if not form.validate_on_submit():
        return _page(form, status=400)
    now = utcnow()
    # valid through the chosen day as people read it (Berlin), not to 01:59 the next day
    expires_at = end_of_day(form.expires_on.data)
    with unit_of_work(form, success=_("Token angelegt. Kopieren Sie es jetzt: es wird nur "
                                      "dieses eine Mal angezeigt.")) as work:
        _token, secret = tokens.create_token(current_user, organisation, form.name.data,
                                             form.scopes.data, expires_at, now)
    if work.failed:
        return _page(form, status=400)
    return _page(token_form(current_user, formdata=None), secret=secret)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    organisation = managed_organisation(current_user)
    try:
        token = tokens.token_of(organisation, token_id)
    except DomainError:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    commit_or_flash(lambda: tokens.revoke_token(current_user, token, utcnow()),
                    _("Token widerrufen."))
    return redirect(url_for("api_tokens.list_tokens"))
