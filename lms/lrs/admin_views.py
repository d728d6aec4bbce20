"""The LRS admin page (/admin/lrs): client credentials and upstream LRSs, for admins only."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import admin_required
from lms.db import utcnow
from lms.lrs import services
from lms.lrs.forms import SCOPE_LABELS, ClientForm, GrantForm, RevokeForm
from lms.plugins import hooks
from lms.unit_of_work import unit_of_work

_UNSET = object()

bp = Blueprint("lrs_admin", __name__, url_prefix="/admin/lrs", template_folder="templates")


def _grant_form(formdata=_UNSET) -> GrantForm:
    """The grant form with the active clients and the courses as choices."""
    form = GrantForm() if formdata is _UNSET else GrantForm(formdata=formdata)
    clients = [c for c in services.list_clients() if not c.is_revoked]
    form.client.choices = [(c.key, f"{c.name} ({c.key})") for c in clients]
    form.course.choices = [("", _("– kein Kurs –"))] + [
        (slug, slug) for slug in services.course_slugs()
    ]
    return form


def _render(form: ClientForm, *, status: int = 200, created=None, secret: str | None = None,
            grant_form: GrantForm | None = None):
    page = render_template(
        "lrs/admin.html",
        form=form,
        grant_form=grant_form or _grant_form(formdata=None),
        revoke_form=RevokeForm(),
        clients=services.list_clients(),
        upstreams=services.upstream_statuses(),
        scope_labels=SCOPE_LABELS,
        created=created,
        secret=secret,
        sections=[section for sections in hooks().lms_lrs_admin_sections()
                  for section in sections],
    )
    # The page may hold a secret: keep it out of every cache.
    return page, status, {"Cache-Control": "no-store"}


@bp.get("")
@admin_required
def show_lrs():
    return _render(ClientForm())


@bp.post("/clients")
@admin_required
def create_client():
    """Create a credential and show its secret once, in this response only (not in a flash,
    which would put it into the session cookie)."""
    form = ClientForm()
    if not form.validate_on_submit():
        return _render(form, status=400)
    with unit_of_work(form) as work:
        client, secret = services.create_client(
            current_user, name=form.name.data, scopes=form.scopes.data, now=utcnow(),
            xapi_version=form.xapi_version.data,
        )
    if work.failed:
        return _render(form, status=400)
    return _render(ClientForm(formdata=None), status=201, created=client, secret=secret)


@bp.post("/clients/<key>/revoke")
@admin_required
def revoke_client(key: str):
    if not RevokeForm().validate_on_submit():
        flash(_("Das Formular ist abgelaufen. Bitte senden Sie es erneut."), "error")
        return redirect(url_for("lrs_admin.show_lrs"))
    with unit_of_work() as work:
        client = services.revoke_client(current_user, key, utcnow())
        work.success = _("Der Client „%(name)s“ ist gesperrt.", name=client.name)
    return redirect(url_for("lrs_admin.show_lrs"))


@bp.post("/grants")
@admin_required
def grant_credit():
    """Grant a client the crediting of a course or of the activities under an IRI prefix."""
    form = _grant_form()
    if not form.validate_on_submit():
        return _render(ClientForm(formdata=None), status=400, grant_form=form)
    with unit_of_work(form) as work:
        grant = services.grant_credit(
            current_user, form.client.data, now=utcnow(), course_slug=form.course.data,
            activity_prefix=form.activity_prefix.data,
        )
        work.success = _("„%(name)s“ darf jetzt %(target)s anrechnen.", name=grant.client.name,
                         target=grant.target)
    if work.failed:
        return _render(ClientForm(formdata=None), status=400, grant_form=form)
    return redirect(url_for("lrs_admin.show_lrs"))


@bp.post("/clients/<key>/grants/<int:grant_id>/withdraw")
@admin_required
def withdraw_credit(key: str, grant_id: int):
    if not RevokeForm().validate_on_submit():
        flash(_("Das Formular ist abgelaufen. Bitte senden Sie es erneut."), "error")
        return redirect(url_for("lrs_admin.show_lrs"))
    with unit_of_work() as work:
        grant = services.get_grant(key, grant_id)
        target = grant.target
        services.withdraw_credit(current_user, key, course_slug=grant.course_slug,
                                 activity_prefix=grant.activity_prefix)
        work.success = _("Die Freigabe %(target)s ist zurückgenommen.", target=target)
    return redirect(url_for("lrs_admin.show_lrs"))
