"""Account pages: login, logout, registration, password reset, profile, invitations."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.accounts import services
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
)
from lms.accounts.forms_errors import show_error
from lms.accounts.redirects import safe_next
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")

AUTH_LIMIT = "10 per minute;50 per hour"


def _start_session(user, remember: bool) -> None:
    """Log ``user`` in on a fresh session (no session fixation), keeping the language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, utcnow())
        if user:
            db.session.commit()
            _start_session(user, form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
        db.session.rollback()
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
        return render_template("accounts/login.html", form=form), 400
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("core.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register():
    if not current_app.config["ATLAS_SELF_REGISTRATION"]:
        return render_template("accounts/registration_closed.html"), 403
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = session.get("locale", "de")
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data, name=form.name.data, password=form.password.data,
                locale=form.locale.data, now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            _start_session(user, remember=False)
            flash(_("Willkommen bei ATLAS Campus, %(name)s!", name=user.name), "success")
            return redirect(url_for("core.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, utcnow())
        db.session.commit()
        flash(
            _("Wenn ein Konto zu dieser Adresse existiert, haben wir einen Link zum Zurücksetzen "
              "geschickt."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, utcnow())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Ihr Passwort wurde geändert. Bitte melden Sie sich an."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.route("/account", methods=["GET"])
@login_required
def profile():
    return render_template(
        "accounts/profile.html",
        profile_form=ProfileForm(obj=current_user),
        password_form=ChangePasswordForm(),
        email_form=ChangeEmailForm(),
    )


def _profile_page(status: int, **forms):
    defaults = {
        "profile_form": ProfileForm(obj=current_user, formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
    }
    defaults.update(forms)
    return render_template("accounts/profile.html", **defaults), status


@bp.post("/account/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user, name=form.name.data, locale=form.locale.data, now=utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            session["locale"] = current_user.locale
            flash(_("Ihre Angaben wurden gespeichert."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, profile_form=form)


@bp.post("/account/password")
@login_required
@limiter.limit(AUTH_LIMIT)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data, utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Ihr Passwort wurde geändert."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, password_form=form)


@bp.post("/account/email")
@login_required
@limiter.limit(AUTH_LIMIT)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(
                current_user, form.new_email.data, form.password.data, utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _("Wir haben einen Bestätigungslink an die neue Adresse geschickt. Bis zur "
                  "Bestätigung bleibt die bisherige Adresse gültig."),
                "info",
            )
            return redirect(url_for("accounts.profile"))
    return _profile_page(400, email_form=form)


@bp.get("/account/email/confirm/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email_change(token, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("core.home"))
    db.session.commit()
    flash(_("Ihre neue E-Mail-Adresse ist bestätigt."), "success")
    return redirect(url_for("accounts.profile") if current_user.is_authenticated else url_for(
        "accounts.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def accept_invitation(token: str):
    invitation = services.find_open_invitation(token, utcnow())
    existing = services.find_user_by_email(invitation.email)
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = existing.name if existing else invitation.name
        form.locale.data = session.get("locale", "de")
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, name=form.name.data, password=form.password.data,
                locale=form.locale.data, now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            _start_session(user, remember=False)
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
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))
