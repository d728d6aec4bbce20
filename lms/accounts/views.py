"""Account pages: login, logout, registration, password reset, profile, invitations."""

import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from lms.accounts import join_requests, login_sessions, services, throttle, two_factor
from lms.accounts.forms import (
    AcceptInvitationForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from lms.accounts.redirects import safe_next
from lms.accounts.signin import finish_first_factor
from lms.accounts.sso import views as sso_views
from lms.db import utcnow
from lms.extensions import limiter
from lms.unit_of_work import commit_or_flash, unit_of_work

bp = Blueprint("accounts", __name__, template_folder="templates")

#: Per client address, counting only refused submissions (a 4xx answer): a workshop that
#: fills in these forms correctly from one Wi-Fi is never stopped.
AUTH_LIMIT = "10 per minute;50 per hour"


def _refused(response) -> bool:
    return response.status_code >= 400


def _start_session(user, remember: bool, now) -> None:
    """Log ``user`` in on a fresh session (no session fixation), keeping the language.

    The login session is stored first, so its token is what the cookies carry.
    """
    with unit_of_work(refusals=()):
        login_sessions.open_session(
            user, remember=remember, user_agent=request.user_agent.string,
            address=request.remote_addr, now=now,
        )
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


def record_failure(key: str, address: str, now):
    """Count a failed sign-in (own unit of work, nothing else of the request in it)."""
    with unit_of_work(refusals=()):
        return throttle.record_login_failure(key, address, now)


def _locked_out(form, until, now):
    """Refuse a login attempt until ``until``; the same words for every address typed."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    flash(
        ngettext(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %(num)d Minute "
            "erneut.",
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %(num)d Minuten "
            "erneut.",
            minutes,
        ),
        "error",
    )
    response = make_response(render_template("accounts/login.html", form=form), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil((until - now).total_seconds())))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        email, address = form.email.data, request.remote_addr or ""
        blocked_until = throttle.login_blocked_until(email, address, now)
        if blocked_until:
            return _locked_out(form, blocked_until, now)
        user = services.authenticate(email, form.password.data, now)
        if user:
            return finish_first_factor(user, email, bool(form.remember.data), now)
        locked_until = record_failure(email, address, now)
        if locked_until:
            return _locked_out(form, locked_until, now)
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
        return render_template("accounts/login.html", form=form), 400
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End this login session on the server too: its cookies, wherever copied, stop working.

    After a single sign-on login the browser goes on to the provider's logout, so the
    company session ends as well: OpenID Connect RP-initiated logout, or a SAML
    LogoutRequest to the IdP's single logout service, where the provider offers it.
    """
    login_session = current_user.login_session
    provider_logout = login_session.sso_logout_url
    saml_logout = sso_views.saml_logout_target(login_session)
    with unit_of_work(refusals=()):
        login_sessions.end_session(login_session)
    session.clear()
    logout_user()  # after clear(): it marks the remember cookie for deletion in the session
    flash(_("Sie sind abgemeldet."), "info")
    if saml_logout is not None:
        session[sso_views.SAML_LOGOUT] = saml_logout[0]
        return redirect(saml_logout[1])
    return redirect(provider_logout or url_for("core.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"], deduct_when=_refused)
@limiter.limit("30 per hour", methods=["POST"])
def register():
    if not current_app.config["ATLAS_SELF_REGISTRATION"]:
        return render_template("accounts/registration_closed.html"), 403
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = session.get("locale", "de")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            services.register_user(
                email=form.email.data, name=form.name.data, password=form.password.data,
                locale=form.locale.data, now=utcnow(),
            )
        if not work.failed:
            return redirect(url_for("accounts.registration_sent"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.get("/register/sent")
def registration_sent():
    return render_template("accounts/registration_sent.html")


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    """The mail link shows a button; only its POST creates the account.

    Mail scanners that open every link (common in companies) thus use nothing up.
    """
    now = utcnow()
    form = FlaskForm()
    if not form.validate_on_submit():
        with unit_of_work() as work:  # reads only; an unknown link is explained
            pending = services.find_pending_registration(token, now)
        if work.failed:
            return redirect(url_for("accounts.login"))
        status = 400 if form.is_submitted() else 200
        return render_template("accounts/confirm_registration.html", form=form,
                               pending=pending), status
    with unit_of_work() as work:
        user = services.confirm_registration(token, now)
        join = join_requests.request_for_new_account(user, now)
    if work.failed:
        return redirect(url_for("accounts.login"))
    _start_session(user, remember=False, now=now)
    flash(_("Willkommen bei ATLAS Campus, %(name)s!", name=user.name), "success")
    if join is not None:
        flash(_("Ihre Adresse gehört zu %(org)s: Ihre Beitrittsanfrage ist gestellt. Bis sie "
                "bestätigt ist, lernen Sie ohne Unternehmen.", org=join.organisation.name),
              "info")
    return redirect(url_for("core.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(refusals=()):
            services.request_password_reset(form.email.data, utcnow())
        flash(
            _("Wenn ein Konto zu dieser Adresse existiert, haben wir einen Link zum Zurücksetzen "
              "geschickt."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"], deduct_when=_refused)
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Ihr Passwort wurde geändert. Bitte melden Sie sich "
                                          "an.")) as work:
            services.reset_password(token, form.password.data, utcnow())
        if not work.failed:
            return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.route("/account", methods=["GET"])
@login_required
def profile():
    return _profile_page(
        200,
        profile_form=ProfileForm(obj=current_user),
        password_form=ChangePasswordForm(),
        email_form=ChangeEmailForm(),
    )


def _profile_page(status: int, **forms):
    defaults = {
        "profile_form": ProfileForm(obj=current_user, formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "sessions_form": FlaskForm(),
        "login_sessions": login_sessions.list_sessions(current_user, utcnow()),
        "current_session": current_user.login_session,
        "describe_device": login_sessions.describe_device,
        "two_factor_form": SecondFactorForm(formdata=None),
        "two_factor_required": two_factor.required_for(current_user),
        "recovery_left": two_factor.remaining_recovery_codes(current_user)
        if current_user.has_two_factor else 0,
    }
    defaults.update(forms)
    return render_template("accounts/profile.html", **defaults), status


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    if session_id == current_user.login_session.id:
        return logout()
    user = current_user._get_current_object()
    commit_or_flash(lambda: login_sessions.end_session_by_id(user, session_id),
                    success=_("Die Sitzung wurde beendet."))
    return redirect(url_for("accounts.profile"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        ended = login_sessions.end_other_sessions(current_user, keep=current_user.login_session)
        work.success = ngettext("%(num)d andere Sitzung wurde beendet.",
                                "%(num)d andere Sitzungen wurden beendet.", ended)
    return redirect(url_for("accounts.profile"))


@bp.post("/account/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Ihre Angaben wurden gespeichert.")) as work:
            services.update_profile(
                current_user, name=form.name.data, locale=form.locale.data, now=utcnow()
            )
        if not work.failed:
            session["locale"] = current_user.locale
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, profile_form=form)


@bp.post("/account/password")
@login_required
@limiter.limit(AUTH_LIMIT, deduct_when=_refused)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with unit_of_work(form, success=_("Ihr Passwort wurde geändert. Ihre anderen Sitzungen "
                                          "wurden beendet.")) as work:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data, utcnow()
            )
        if not work.failed:
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, password_form=form)


@bp.post("/account/email")
@login_required
@limiter.limit(AUTH_LIMIT, deduct_when=_refused)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            services.request_email_change(
                current_user, form.new_email.data, form.password.data, utcnow()
            )
        if not work.failed:
            flash(
                _("Wir haben einen Bestätigungslink an die neue Adresse geschickt. Bis zur "
                  "Bestätigung bleibt die bisherige Adresse gültig."),
                "info",
            )
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, email_form=form)


@bp.get("/account/email/confirm/<token>")
def confirm_email(token: str):
    if not commit_or_flash(lambda: services.confirm_email_change(token, utcnow()),
                           success=_("Ihre neue E-Mail-Adresse ist bestätigt.")):
        return redirect(url_for("core.home"))
    return redirect(url_for("accounts.profile") if current_user.is_authenticated else url_for(
        "accounts.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"], deduct_when=_refused)
def accept_invitation(token: str):
    invitation = services.find_open_invitation(token, utcnow())
    existing = services.find_user_by_email(invitation.email)
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = existing.name if existing else invitation.name
        form.locale.data = session.get("locale", "de")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = services.accept_invitation(
                token, name=form.name.data, password=form.password.data,
                locale=form.locale.data, now=utcnow(),
            )
        if not work.failed:
            _start_session(user, remember=False, now=utcnow())
            flash(
                _("Willkommen! Sie sind jetzt Mitglied von %(org)s.",
                  org=invitation.organisation.name),
                "success",
            )
            return redirect(url_for("core.home"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation, existing=existing
    ), status


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            with unit_of_work(refusals=()):
                current_user.locale = form.locale.data
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))
