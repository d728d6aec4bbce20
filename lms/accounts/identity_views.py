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
from lms.accounts.signin import (
    PENDING,
    finish_first_factor,
    fresh_flask_session,
    next_url,
    refuse_locked,
)
from lms.accounts.views import bp, record_failure
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.unit_of_work import unit_of_work

#: The two shop-floor sign-ins: with the password, or with the card's start code (which
#: sets the password). Form, page, and whether a signed-in person is sent home.
SHOP_FLOOR = {
    "password": (PersonnelLoginForm, "accounts/login_personnel.html"),
    "start_code": (StartCodeForm, "accounts/start_code.html"),
}


def shop_floor_sign_in(kind: str):
    """Shop-floor sign-in with company code and personnel number: by password, or by the
    login card's start code (its QR code opens ``/start`` with both filled in), which sets
    the password. Wrong codes and passwords count in the same throttle; a refused new
    password (too weak) is no guess at the code and does not count.
    """
    if kind == "password" and current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form_class, template = SHOP_FLOOR[kind]
    form = form_class()
    if request.method == "GET":
        form.org_code.data = request.args.get("org", "")[:30]
        form.personnel_number.data = request.args.get("nr", "")[:50]
    if not form.validate_on_submit():
        return render_template(template, form=form), 400 if form.is_submitted() else 200
    now, address = utcnow(), request.remote_addr or ""
    key = shop_floor.throttle_key(form.org_code.data, form.personnel_number.data)
    until = throttle.login_blocked_until(key, address, now)
    if until:
        return refuse_locked(template, until, now, form=form)
    with unit_of_work(form) as work:
        if kind == "start_code":
            user = shop_floor.redeem_start_code(
                form.org_code.data, form.personnel_number.data, form.start_code.data,
                form.password.data, now)
        else:
            user = shop_floor.authenticate(form.org_code.data, form.personnel_number.data,
                                           form.password.data, now)
            if user is None:
                raise ValidationFailedError(
                    _("Firmenkürzel, Personalnummer oder Passwort ist falsch."))
    if work.failed:
        if work.error.field != "password":
            until = record_failure(key, address, now)
            if until:
                return refuse_locked(template, until, now, form=form)
        return render_template(template, form=form), 400
    remember = kind == "password" and bool(form.remember.data)
    response = finish_first_factor(user, key, remember, now)  # starts a fresh Flask session
    if kind == "start_code":
        flash(_("Ihr Passwort ist gesetzt. Melden Sie sich künftig mit Firmenkürzel, "
                "Personalnummer und Passwort an."), "success")
    return response


bp.add_url_rule("/login/personnel", "login_personnel", shop_floor_sign_in,
                methods=["GET", "POST"], defaults={"kind": "password"})
bp.add_url_rule("/start", "redeem_start_code", shop_floor_sign_in, methods=["GET", "POST"],
                defaults={"kind": "start_code"})


def _pending_user(now):
    pending = session.get(PENDING) or {}
    user = login_sessions.user_for_token(pending.get("token", ""), now, pending=True)
    return user, pending.get("key", "")


def _complete(user, key: str, now):
    with unit_of_work(refusals=()):
        login_sessions.complete_second_factor(user, now)
        throttle.record_login_success(key)
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
        until = record_failure(key, address, now)
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
        with unit_of_work(form, success=_("Die Zwei-Faktor-Anmeldung ist eingerichtet.")) as work:
            codes = two_factor.enable(user, secret, form.code.data, now)
        if not work.failed:
            session.pop("totp_setup_secret", None)
            if key is not None:
                _complete(user, key, now)
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
    with unit_of_work(success=_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet.")):
        _verify_or_refuse(user, form.code.data, now)
        two_factor.disable(user, now)
    return redirect(url_for("accounts.profile"))


def _verify_or_refuse(user, code: str, now) -> None:
    """A current code (or recovery code) confirms a change to the second factor."""
    if not two_factor.verify(user, code, now):
        raise ValidationFailedError(_("Der Code stimmt nicht."), field="code")


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    """Fresh recovery codes (the old ones stop working), confirmed with a current code."""
    user, now = current_user._get_current_object(), utcnow()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        _verify_or_refuse(user, form.code.data, now)
        codes = two_factor.regenerate_recovery_codes(user, now)
    if work.failed:
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/recovery_codes.html", codes=codes,
                           next_url=url_for("accounts.profile"))
