"""Managers' pages for shop-floor accounts: company code, new people, printed login cards.

Open to platform admins and the organisation's own managers. Creating people and issuing
new cards answer with the PDF itself: the start codes exist only in that PDF.
"""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts import login_cards, shop_floor
from lms.accounts.models import Membership, User
from lms.admin.forms import OrganisationCodeForm, ShopFloorCsvForm, ShopFloorPersonForm
from lms.admin.views import _organisation_for_manager, bp
from lms.db import utcnow
from lms.errors import DomainError, ValidationFailedError
from lms.extensions import db
from lms.forms import ActionForm
from lms.unit_of_work import report_refusal, unit_of_work

MAX_CSV_BYTES = 1024 * 1024


def _page(organisation, status=200, **forms):
    members = db.session.execute(
        select(Membership, User).join(User, Membership.user_id == User.id).where(
            Membership.organisation_id == organisation.id, Membership.personnel_number != "",
        ).order_by(User.name)
    ).all()
    context = {
        "code_form": OrganisationCodeForm(formdata=None, data={"code": organisation.code}),
        "person_form": ShopFloorPersonForm(formdata=None),
        "csv_form": ShopFloorCsvForm(formdata=None),
        "action_form": ActionForm(),
    }
    context.update(forms)
    return render_template("admin/shop_floor.html", organisation=organisation,
                           members=members, now=utcnow(), **context), status


def _pdf(cards, filename: str):
    pdf = login_cards.render_cards(cards)  # before the commit: no codes without their cards
    db.session.commit()
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/organisations/<int:organisation_id>/shop-floor")
@login_required
def shop_floor_accounts(organisation_id: int):
    return _page(_organisation_for_manager(organisation_id))


@bp.post("/organisations/<int:organisation_id>/code")
@login_required
def set_organisation_code(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = OrganisationCodeForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Firmenkürzel gespeichert.")) as work:
            shop_floor.set_organisation_code(current_user, organisation, form.code.data, utcnow())
        if not work.failed:
            return redirect(url_for("admin.shop_floor_accounts", organisation_id=organisation.id))
    return _page(organisation, 400, code_form=form)


@bp.post("/organisations/<int:organisation_id>/shop-floor")
@login_required
def create_shop_floor_account(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = ShopFloorPersonForm()
    if form.validate_on_submit():
        try:
            card = shop_floor.create_account(
                current_user, organisation, name=form.name.data,
                personnel_number=form.personnel_number.data,
                department=form.department.data or None, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            report_refusal(form, error)
        else:
            return _pdf([card], f"anmeldekarte-{card.personnel_number}.pdf")
    return _page(organisation, 400, person_form=form)


@bp.post("/organisations/<int:organisation_id>/shop-floor/csv")
@login_required
def import_shop_floor_accounts(organisation_id: int):
    organisation = _organisation_for_manager(organisation_id)
    form = ShopFloorCsvForm()
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_CSV_BYTES + 1)
        try:
            if len(raw) > MAX_CSV_BYTES:
                raise ValidationFailedError(
                    _("Die Datei ist größer als 1 MB."), field="file")
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")  # Excel on Windows
            cards = shop_floor.create_accounts_from_csv(current_user, organisation, text,
                                                        utcnow())
        except DomainError as error:
            db.session.rollback()
            report_refusal(form, error)
        else:
            return _pdf(cards, "anmeldekarten.pdf")
    return _page(organisation, 400, csv_form=form)


@bp.post("/organisations/<int:organisation_id>/shop-floor/<int:user_id>/card")
@login_required
def reissue_login_card(organisation_id: int, user_id: int):
    """A new card for a forgotten password or a lost card: the old login stops working."""
    organisation = _organisation_for_manager(organisation_id)
    user = db.get_or_404(User, user_id)
    form = ActionForm()
    if not form.validate_on_submit() or user.organisation is None or (
            user.organisation.id != organisation.id):
        return redirect(url_for("admin.shop_floor_accounts", organisation_id=organisation.id))
    try:
        card = shop_floor.reset_login(current_user, user, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.shop_floor_accounts", organisation_id=organisation.id))
    return _pdf([card], f"anmeldekarte-{card.personnel_number}.pdf")
