"""Login without e-mail (personnel number, start code) and the second factor.

The routes belong to the ``accounts`` blueprint; they share its session start and its
failure throttle: a wrong start code or TOTP code counts like a wrong password.
"""


import segno
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from lms.accounts import login_sessions, shop_floor, throttle, two_factor
from lms.accounts.forms import PersonnelLoginForm, SecondFactorForm, StartCodeForm
from lms.accounts.forms_errors import show_error
from lms.accounts.signin import (
    PENDING,
    finish_first_factor,
    fresh_flask_session,
    next_url,
    refuse_locked,
)
from lms.accounts.views import bp
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db


@bp.route("/login/personnel", methods=["GET", "POST"])
def login_personnel():
    """Shop-floor login with company code, personnel number and password."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = PersonnelLoginForm()
    if request.method == "GET" and request.args.get("org"):
        form.org_code.data = request.args.get("org", "")[:30]
        form.personnel_number.data = request.args.get("nr", "")[:50]
    template = "accounts/login_personnel.html"
    if form.validate_on_submit():
        now, address = utcnow(), request.remote_addr or ""
        key = shop_floor.throttle_key(form.org_code.data, form.personnel_number.data)
        until = throttle.login_blocked_until(key, address, now)
        if until:
            return refuse_locked(template, until, now, form=form)
        user = shop_floor.authenticate(form.org_code.data, form.personnel_number.data,
                                       form.password.data, now)
        if user:
            return finish_first_factor(user, key, bool(form.remember.data), now)
        db.session.rollback()
        until = throttle.record_login_failure(key, address, now)
        db.session.commit()
        if until:
            return refuse_locked(template, until, now, form=form)
        flash(_("Firmenkürzel, Personalnummer oder Passwort ist falsch."), "error")
        return render_template(template, form=form), 400
    return render_template(template, form=form), 400 if form.is_submitted() else 200


@bp.route("/start", methods=["GET", "POST"])
def redeem_start_code():
    """The login card's QR code opens this page with company code and number filled in."""
    form = StartCodeForm()
    if request.method == "GET":
        form.org_code.data = request.args.get("org", "")[:30]
        form.personnel_number.data = request.args.get("nr", "")[:50]
    template = "accounts/start_code.html"
    if form.validate_on_submit():
        now, address = utcnow(), request.remote_addr or ""
        key = shop_floor.throttle_key(form.org_code.data, form.personnel_number.data)
        until = throttle.login_blocked_until(key, address, now)
        if until:
            return refuse_locked(template, until, now, form=form)
        try:
            user = shop_floor.redeem_start_code(
                form.org_code.data, form.personnel_number.data, form.start_code.data,
                form.password.data, now)
        except DomainError as error:
            db.session.rollback()
            if error.field != "password":  # a weak new password is no guess at the code
                until = throttle.record_login_failure(key, address, now)
                db.session.commit()
                if until:
                    return refuse_locked(template, until, now, form=form)
            show_error(form, error)
            return render_template(template, form=form), 400
        flash(_("Ihr Passwort ist gesetzt. Melden Sie sich künftig mit Firmenkürzel, "
                "Personalnummer und Passwort an."), "success")
        return finish_first_factor(user, key, False, now)
    return render_template(template, form=form), 400 if form.is_submitted() else 200


def _pending_user(now):
    pending = session.get(PENDING) or {}
    user = login_sessions.user_for_token(pending.get("token", ""), now, pending=True)
    return user, pending.get("key", "")


def _complete(user, key: str, now):
    login_sessions.complete_second_factor(user, now)
    throttle.record_login_success(key)
    db.session.commit()
    remember = user.login_session.is_remembered
    fresh_flask_session()
    login_user(user, remember=remember)


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    now = utcnow()
    user, key = _pending_user(now)
    if user is None:
        flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("accounts.login"))
    if not user.has_two_factor:
        return redirect(url_for("accounts.second_factor_setup", next=request.args.get("next")))
    form = SecondFactorForm()
    template = "accounts/second_factor.html"
    if form.validate_on_submit():
        address = request.remote_addr or ""
        until = throttle.login_blocked_until(key, address, now)
        if until:
            return refuse_locked(template, until, now, form=form)
        if two_factor.verify(user, form.code.data, now):
            _complete(user, key, now)
            return redirect(next_url())
        db.session.rollback()
        until = throttle.record_login_failure(key, address, now)
        db.session.commit()
        if until:
            return refuse_locked(template, until, now, form=form)
        form.code.errors = [_("Der Code stimmt nicht.")]
        return render_template(template, form=form), 400
    return render_template(template, form=form), 400 if form.is_submitted() else 200


def _qr(uri: str) -> Markup:
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, border=2))


@bp.route("/login/second-factor/setup", methods=["GET", "POST"])
def second_factor_setup():
    """Set up the authenticator app: while signing in (required role) or from the account."""
    now = utcnow()
    if current_user.is_authenticated:
        user, key = current_user._get_current_object(), None
        if user.has_two_factor:  # replacing it needs switching it off first (with a code)
            return redirect(url_for("accounts.profile"))
    else:
        user, key = _pending_user(now)
        if user is None:
            flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
            return redirect(url_for("accounts.login"))
    if user.has_two_factor and key is not None:
        return redirect(url_for("accounts.second_factor", next=request.args.get("next")))
    secret = session.get("totp_setup_secret") or two_factor.new_secret()
    session["totp_setup_secret"] = secret
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user, secret, form.code.data, now)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            session.pop("totp_setup_secret", None)
            if key is not None:
                _complete(user, key, now)  # commits
            else:
                db.session.commit()
            flash(_("Die Zwei-Faktor-Anmeldung ist eingerichtet."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   next_url=next_url())
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/second_factor_setup.html", form=form, secret=secret, qr=_qr(uri),
        required=two_factor.required_for(user),
    ), 400 if form.is_submitted() else 200


@bp.post("/account/two-factor/off")
@login_required
def second_factor_off():
    """Switch the second factor off with a current code; refused where it is required."""
    user, now = current_user._get_current_object(), utcnow()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        abort(400)
    if two_factor.required_for(user):
        flash(_("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben."), "error")
        return redirect(url_for("accounts.profile"))
    if not two_factor.verify(user, form.code.data, now):
        db.session.rollback()
        flash(_("Der Code stimmt nicht."), "error")
        return redirect(url_for("accounts.profile"))
    two_factor.disable(user, now)
    db.session.commit()
    flash(_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    """Fresh recovery codes (the old ones stop working), confirmed with a current code."""
    user, now = current_user._get_current_object(), utcnow()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        abort(400)
    if not two_factor.verify(user, form.code.data, now):
        db.session.rollback()
        flash(_("Der Code stimmt nicht."), "error")
        return redirect(url_for("accounts.profile"))
    codes = two_factor.regenerate_recovery_codes(user, now)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes,
                           next_url=url_for("accounts.profile"))
