"""Admin pages for accounts beyond roles: start page, new account, details, resets, erasure."""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lms.access import admin_required
from lms.accounts import administration, audit, shop_floor
from lms.accounts.models import User
from lms.admin.forms import AnonymiseForm, NewUserForm, UserAccountForm
from lms.admin.shop_floor import card_pdf
from lms.admin.views import bp, user_page
from lms.db import utcnow
from lms.extensions import db
from lms.forms import ActionForm
from lms.jobs import dead_letters
from lms.learning.answer_erasure import erase_open_answers
from lms.lrs.models import LrsClient
from lms.lrs.services import erase_agent
from lms.unit_of_work import commit_or_flash, unit_of_work
from xapi.vocabulary import learner_actor


@bp.get("/")
@admin_required
def start():
    """The admin's start page: how many, who is new, what admins did lately."""
    now = utcnow()
    counts = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "active": db.session.scalar(
            select(func.count()).select_from(User).where(User.is_active_account.is_(True))),
        "new_week": db.session.scalar(
            select(func.count()).select_from(User)
            .where(User.created_at >= now - timedelta(days=7))),
        "lrs_clients": db.session.scalar(
            select(func.count()).select_from(LrsClient).where(LrsClient.revoked_at.is_(None))),
        "two_factor": db.session.scalar(
            select(func.count()).select_from(User).where(User.totp_enabled_at.is_not(None))),
    }
    recent = db.session.scalars(select(User).order_by(User.created_at.desc()).limit(10)).all()
    return render_template("admin/start.html", counts=counts, recent=recent,
                           audit_entries=audit.entries(limit=20),
                           dead_letters=dead_letters.recent(), job_form=ActionForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = administration.create_account(
                current_user, email=form.email.data, name=form.name.data,
                is_admin=form.is_admin.data, is_trainer=form.is_trainer.data,
                locale=form.locale.data, now=utcnow())
        if not work.failed:
            flash(_("Konto angelegt. %(email)s bekommt einen Link, um das Passwort festzulegen.",
                    email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/new_user.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/users/<int:user_id>/details")
@admin_required
def update_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserAccountForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Gespeichert.")) as work:
            administration.update_account(
                current_user, user, name=form.name.data, email=form.email.data or "",
                now=utcnow())
        if not work.failed:
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return user_page(user, 400, details_form=form)


def _simple_action(user_id: int, action, success: str):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    commit_or_flash(lambda: action(user), success)
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password-reset")
@admin_required
def send_password_reset(user_id: int):
    return _simple_action(
        user_id, lambda user: administration.send_password_reset(current_user, user, utcnow()),
        _("Ein Link zum Festlegen eines neuen Passworts wurde gesendet."))


@bp.post("/users/<int:user_id>/two-factor-reset")
@admin_required
def reset_two_factor(user_id: int):
    return _simple_action(
        user_id, lambda user: administration.reset_two_factor(current_user, user, utcnow()),
        _("Der zweite Faktor wurde entfernt; das Konto wurde überall abgemeldet."))


@bp.post("/users/<int:user_id>/login-card")
@admin_required
def issue_login_card(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    response = card_pdf(lambda: [shop_floor.reset_login(current_user, user, utcnow())])
    return response or redirect(url_for("admin.edit_user", user_id=user.id))


def _erase_learning_records(person: User, now) -> None:
    """The LRS's statements and documents about ``person``, and their open answers."""
    erase_agent(current_user, learner_actor(current_app.config["ATLAS_BASE_URL"],
                                            person.pseudonym), now)
    erase_open_answers(person)


@bp.post("/users/<int:user_id>/anonymise")
@admin_required
def anonymise_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = AnonymiseForm()
    if form.validate_on_submit():
        saved = _("Das Konto wurde anonymisiert und seine Lerndaten gelöscht.")
        with unit_of_work(form, success=saved) as work:
            now = utcnow()
            administration.anonymise(
                current_user, user, form.confirmation.data, now,
                erase_learning_records=lambda person: _erase_learning_records(person, now))
        if not work.failed:
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return user_page(user, 400, anonymise_form=form)
