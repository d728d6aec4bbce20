"""Single sign-on pages: find the company's provider, go there, come back signed in."""

import logging
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lms.accounts.forms import SsoDiscoveryForm
from lms.accounts.signin import finish_first_factor
from lms.accounts.sso import oidc, saml, services
from lms.accounts.sso.models import IdentityProvider
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import csrf, db, limiter
from lms.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

bp = Blueprint("sso", __name__, url_prefix="/sso", template_folder="../templates")

PENDING = "sso_login"
SAML_PENDING = "saml_login"


@bp.route("/", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def discover():
    """The login page's "sign in with your company": by e-mail domain or company code."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SsoDiscoveryForm()
    if form.validate_on_submit():
        provider = services.find_provider(form.identifier.data)
        if provider is not None:
            hint = form.identifier.data.strip() if "@" in form.identifier.data else ""
            return redirect(url_for("sso.start", provider_id=provider.id, login_hint=hint,
                                    next=request.args.get("next")))
        form.identifier.errors = [_(
            "Für diese Adresse oder dieses Firmenkürzel ist kein Single Sign-on eingerichtet. "
            "Melden Sie sich mit Passwort an.")]
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/sso_discover.html", form=form), status


@bp.get("/<int:provider_id>/start")
def start(provider_id: int):
    provider = db.get_or_404(IdentityProvider, provider_id)
    if not provider.is_enabled:
        flash(_("Single Sign-on ist für diese Organisation ausgeschaltet."), "error")
        return redirect(url_for("accounts.login"))
    if provider.protocol == "saml":
        return _start_saml(provider)
    with unit_of_work() as work:  # a refreshed discovery document is kept
        metadata = services.metadata(provider)
    if work.failed:
        return redirect(url_for("accounts.login"))
    login = oidc.authorization_request(
        metadata, provider.client_id, url_for("sso.callback", _external=True),
        login_hint=request.args.get("login_hint", "")[:254])
    session[PENDING] = {"provider": provider.id, "state": login.state, "nonce": login.nonce,
                        "verifier": login.verifier, "next": request.args.get("next") or ""}
    return redirect(login.url)


@bp.get("/callback")
def callback():
    """The provider sends the browser back with a code; each started login is used once.

    The pending login is removed from the session before anything is checked, so the same
    answer (or a copy of it) never works twice, and an answer this browser did not ask
    for (another state) is refused.
    """
    pending = session.pop(PENDING, None)
    if not pending or request.args.get("state") != pending["state"]:
        flash(_("Diese Anmeldung ist abgelaufen oder wurde schon verwendet. Bitte starten "
                "Sie sie erneut."), "error")
        return redirect(url_for("accounts.login")), 303
    if request.args.get("error"):
        flash(_("Der Identitätsanbieter hat die Anmeldung abgebrochen (%(error)s).",
                error=request.args.get("error", "")[:100]), "error")
        return redirect(url_for("accounts.login")), 303
    provider = db.session.get(IdentityProvider, pending["provider"])
    now = utcnow()
    with unit_of_work() as work:
        if provider is None or not provider.is_enabled:
            raise oidc.ProviderError(_("Single Sign-on ist für diese Organisation "
                                       "ausgeschaltet."))
        id_token = oidc.exchange_code(
            services.metadata(provider), provider.client_id,
            services.open_secret(provider.client_secret), request.args.get("code", ""),
            url_for("sso.callback", _external=True), pending["verifier"])
        claims = services.verify_login(provider, id_token, pending["nonce"])
        user = services.sign_in(provider, claims, now)
    if work.failed:
        return redirect(url_for("accounts.login")), 303
    logout_url = oidc.logout_url(services.metadata(provider), provider.client_id,
                                 url_for("core.home", _external=True))
    return finish_first_factor(user, f"sso:{provider.id}:{claims['sub']}", False, now,
                               sso_logout_url=logout_url, next_target=pending["next"])


def sp_endpoints() -> saml.SpEndpoints:
    return saml.SpEndpoints(entity_id=url_for("sso.saml_metadata", _external=True),
                            acs_url=url_for("sso.saml_acs", _external=True),
                            slo_url=url_for("sso.saml_slo", _external=True))


def _start_saml(provider: IdentityProvider):
    browser_key = secrets.token_urlsafe(24)
    with unit_of_work() as work:
        url = services.start_saml_login(provider, sp_endpoints(), browser_key,
                                        request.args.get("next") or "", utcnow())
    if work.failed:
        return redirect(url_for("accounts.login"))
    session[SAML_PENDING] = browser_key
    return redirect(url)


@bp.get("/saml/metadata")
def saml_metadata():
    """Our SAML metadata (entity id and assertion consumer URL) for the IdP's admins."""
    try:
        xml = saml.sp_metadata(sp_endpoints())
    except DomainError as error:
        return error.message, 503
    return Response(xml, mimetype="application/samlmetadata+xml")


@bp.post("/saml/acs")
@csrf.exempt  # the IdP posts here; the response's signature and InResponseTo protect it
def saml_acs():
    """The IdP's answer arrives cross-site, without our session cookie: verify and keep it,
    then continue same-site, where the browser that started the login is recognised."""
    with unit_of_work() as work:
        login = services.receive_saml_response(
            sp_endpoints(), request.form.get("SAMLResponse", ""), utcnow())
    if work.failed:
        return redirect(url_for("accounts.login")), 303
    return redirect(url_for("sso.saml_finish", login_id=login.id)), 303


@bp.get("/saml/finish/<int:login_id>")
def saml_finish(login_id: int):
    now = utcnow()
    with unit_of_work() as work:
        provider, claims, next_url = services.finish_saml_login(
            login_id, session.pop(SAML_PENDING, ""), now)
        user = services.sign_in(provider, claims, now)
    if work.failed:
        return redirect(url_for("accounts.login")), 303
    return finish_first_factor(user, f"sso:{provider.id}:{claims['sub']}", False, now,
                               next_target=next_url,
                               saml=services.saml_session_fields(provider, claims))


SAML_LOGOUT = "saml_logout"


def saml_logout_target(login_session) -> tuple[str, str] | None:
    """(request id, URL) where logout continues for a SAML login: the IdP's single logout.

    None for other logins or an IdP without single logout. Called before the local session
    ends; the caller keeps the request id in the fresh Flask session (``SAML_LOGOUT``) so
    the IdP's answer is matched.
    """
    return services.saml_logout_request(login_session, sp_endpoints())


@bp.get("/saml/slo")
@csrf.exempt
def saml_slo():
    """Single logout, HTTP-Redirect binding: the IdP's answer to our LogoutRequest, or its
    own LogoutRequest (IdP-initiated), which ends the named login sessions here and is
    answered with a LogoutResponse. Both must carry the IdP's signature."""
    query = request.args.to_dict()
    now = utcnow()
    if "SAMLResponse" in query:
        expected = session.pop(SAML_LOGOUT, "")
        try:
            provider = services.saml_provider_of(query["SAMLResponse"])
            answers, succeeded = saml.read_logout_response(sp_endpoints(),
                                                           provider.metadata_json, query)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("core.home")), 303
        if succeeded and expected and answers == expected:
            flash(_("Sie sind auch bei Ihrem Firmenkonto abgemeldet."), "info")
        else:
            flash(_("Der Identitätsanbieter hat die Abmeldung beim Firmenkonto nicht "
                    "bestätigt. Schließen Sie den Browser, um sicherzugehen."), "error")
        return redirect(url_for("core.home")), 303
    if "SAMLRequest" not in query:
        abort(400)
    with unit_of_work(flash_error=True) as work:
        provider = services.saml_provider_of(query["SAMLRequest"])
        incoming = saml.read_logout_request(sp_endpoints(), provider.metadata_json, query)
        ended = services.end_saml_sessions(provider, incoming.name_id,
                                           incoming.session_indexes)
        target = saml.logout_response_url(sp_endpoints(), provider.metadata_json,
                                          provider.client_id, incoming,
                                          query.get("RelayState", ""))
    if work.failed:
        return redirect(url_for("accounts.login")), 303
    if current_user.is_authenticated and current_user.login_session.id in ended:
        session.clear()
        logout_user()
    log.info("SAML single logout from provider %s ended %d session(s) at %s", provider.id,
             len(ended), now.isoformat())
    return redirect(target)
