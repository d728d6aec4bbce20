"""The tool's endpoints for platforms: JWKS, login initiation, launch, deep linking picker,
dynamic registration. Every refusal is a 4xx page that says why."""

import urllib.parse

from flask import (
    Blueprint,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from lms.accounts.signin import finish_first_factor
from lms.db import utcnow
from lms.errors import DomainError, render_error
from lms.extensions import csrf, db, limiter
from lms.lti import claims as c
from lms.lti import deep_linking, dynamic_registration, keys, launch, learners
from lms.lti.forms import PickForm
from lms.lti.models import LtiRegistration
from lms.security import CONTENT_SECURITY_POLICY
from lms.unit_of_work import unit_of_work

bp = Blueprint("lti", __name__, template_folder="templates", static_folder="static",
               static_url_path="/lti/static")

STATE_COOKIE = "atlas_lti_state"
DEEP_LINK = "lti_deep_link"


def tool_urls() -> dict:
    """Our URLs as platforms need them (also shown on the admin page)."""
    return {"login": url_for("lti.login", _external=True),
            "launch": url_for("lti.launch_tool", _external=True),
            "jwks": url_for("lti.jwks", _external=True),
            "register": url_for("lti.list_registrations", _external=True)}


@bp.get("/lti/jwks")
def jwks():
    """The tool's public keys (current and those within their grace period)."""
    now = utcnow()
    with unit_of_work(refusals=()):
        keys.current_key(now)  # the first request creates the first key
        document = keys.published_keys(now)
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt  # the platform starts the login; state and nonce protect what follows
@limiter.limit("300 per minute")  # a whole class behind one company address
def login():
    """OIDC third-party login initiation: remember the state in this browser, go back."""
    params = (request.form if request.method == "POST" else request.args).to_dict()
    with unit_of_work(flash_error=False) as work:
        started, url = launch.start_login(params, url_for("lti.launch_tool", _external=True),
                                          utcnow())
    if work.failed:
        return render_error(work.error.status_code, work.message)
    response = redirect(url)
    secure = request.is_secure
    # the platform posts the launch cross-site: the cookie must travel with that POST
    response.set_cookie(STATE_COOKIE, started.state,
                        max_age=int(launch.LOGIN_WINDOW.total_seconds()), path="/lti/",
                        httponly=True, secure=secure, samesite="None" if secure else "Lax")
    return response


@bp.post("/lti/launch")
@csrf.exempt  # posted by the platform; the signed ID token, state and nonce protect it
@limiter.limit("300 per minute")
def launch_tool():
    """The platform's launch: checked, then a resource link signs in, a deep link picks."""
    now = utcnow()
    # step 1, committed on its own: the checks, and the nonce spent
    with unit_of_work(flash_error=False) as work:
        registration, claims = launch.verify_launch(
            request.form.get("state", ""), request.cookies.get(STATE_COOKIE, ""),
            request.form.get("id_token", ""), now)
    if work.failed:
        return _refused(work.error)
    if claims[c.MESSAGE_TYPE] == c.DEEP_LINKING_REQUEST:
        with unit_of_work(flash_error=False) as work:
            context = deep_linking.request_context(registration, claims)
        if work.failed:
            return _refused(work.error)
        session[DEEP_LINK] = context
        return _forget_state(redirect(url_for("lti.pick_content"), 303))
    with unit_of_work(flash_error=False) as work:
        user = learners.sign_in_user(registration, claims, now)
        destination = learners.open_link(registration, claims, user, now)
    if work.failed:
        return _refused(work.error)
    slug = destination.course.slug
    if destination.as_trainer:
        target = url_for("teaching.list_participants", slug=slug)
    elif destination.lesson_id:
        target = url_for("learning.show_lesson", slug=slug, lesson_id=destination.lesson_id)
    else:
        target = url_for("learning.resume_course", slug=slug)
    response = finish_first_factor(user, f"lti:{registration.id}:{claims['sub']}", False, now,
                                   next_target=target)
    return _forget_state(response)


def _refused(error: DomainError):
    response = make_response(render_error(error.status_code, error.message))
    return _forget_state(response)


def _forget_state(response):
    response.delete_cookie(STATE_COOKIE, path="/lti/")
    return response


def _language() -> str:
    return str(get_locale() or "de")[:2]


@bp.route("/lti/deep-link", methods=["GET", "POST"])
def pick_content():
    """The platform's teacher picks a course or module; the answer goes back signed."""
    context = session.get(DEEP_LINK)
    if not context:
        return render_error(400, _("Es läuft keine Inhaltsauswahl. Bitte starten Sie sie in "
                                   "der Plattform erneut."))
    form = PickForm()
    language = _language()
    if form.validate_on_submit():
        now = utcnow()
        with unit_of_work(form, flash_error=False) as work:
            registration = db.session.get(LtiRegistration, context["registration_id"])
            if registration is None or not registration.is_active:
                raise launch.LaunchRefusedError(_("Die Registrierung dieser Plattform ist "
                                                  "abgeschaltet."))
            choice = deep_linking.find_choice(form.item.data or "", language)
            item = deep_linking.content_item(choice, url_for("lti.launch_tool", _external=True),
                                             context["line_items"])
            token = deep_linking.response_token(registration, context, [item], now)
        if not work.failed:
            session.pop(DEEP_LINK, None)
            return _auto_post(context["return_url"], token)
        if not form.item.errors:
            return render_error(work.error.status_code, work.message)
    status = 400 if form.is_submitted() else 200
    return render_template("lti/pick.html", form=form, context=context,
                           courses=deep_linking.choices(language)), status


def _auto_post(return_url: str, token: str):
    """A page that posts the signed answer to the platform (a button without JavaScript)."""
    response = make_response(render_template("lti/auto_post.html", action=return_url,
                                             fields={"JWT": token}))
    origin = urllib.parse.urlsplit(return_url)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origin.scheme}://{origin.netloc}")
    return response


@bp.get("/lti/register/<token>")
@csrf.exempt
@limiter.limit("20 per minute")
def dynamic_register(token: str):
    """LTI Dynamic Registration, opened by the platform (often in a frame) with our link."""
    configuration_url = request.args.get("openid_configuration", "")
    with unit_of_work(flash_error=False) as work:
        registration = dynamic_registration.register_platform(
            token, configuration_url, request.args.get("registration_token", ""),
            tool_urls(), utcnow())
    if work.failed:
        response = make_response(render_error(work.error.status_code, work.message))
    else:
        response = make_response(render_template("lti/registered.html",
                                                 registration=registration))
    try:
        origin = urllib.parse.urlsplit(configuration_url)
    except ValueError:
        return response
    if origin.scheme in ("http", "https") and origin.netloc:
        # the platform shows this page in its own frame (frame-ancestors overrides the
        # X-Frame-Options header in browsers that know it)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {origin.scheme}://{origin.netloc}")
    return response
