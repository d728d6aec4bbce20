"""Finishing a sign-in: straight into a session, or through the second factor first."""

import math

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import ngettext
from flask_login import current_user, login_user

from lms.accounts import login_sessions, throttle, two_factor
from lms.accounts.redirects import safe_next
from lms.unit_of_work import unit_of_work

PENDING = "second_factor"


def fresh_flask_session() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def next_url(target: str | None = None) -> str:
    """Where to go after signing in: ``target`` or the ``next`` query value, if it is ours.

    Without one, trainers and admins land on their cockpit (``core.after_sign_in``),
    everybody else on the learner dashboard.
    """
    teaches = current_user.is_authenticated and (current_user.is_trainer
                                                 or current_user.is_admin)
    return safe_next(target if target is not None else request.args.get("next"),
                     url_for("core.after_sign_in" if teaches else "core.home"))


def finish_first_factor(user, throttle_key: str, remember: bool, now, sso_logout_url="",
                        next_target: str | None = None, saml: dict | None = None):
    """Sign ``user`` in after a right password, or start the second factor first.

    With two-factor login (set up, or required for the user's role) a pending login
    session is opened; the throttle's failures of ``throttle_key`` are forgotten only
    once the second factor is given, so re-typing the password does not reset them.
    """
    needs = user.has_two_factor or two_factor.required_for(user)
    with unit_of_work(refusals=()):
        login_sessions.open_session(
            user, remember=remember, user_agent=request.user_agent.string,
            address=request.remote_addr, now=now, needs_second_factor=needs,
            sso_logout_url=sso_logout_url, saml=saml,
        )
        if not needs:
            throttle.record_login_success(throttle_key)  # same commit (database counters)
    fresh_flask_session()
    if needs:
        session[PENDING] = {"token": user.login_token, "key": throttle_key}
        endpoint = "accounts.second_factor" if user.has_two_factor else (
            "accounts.second_factor_setup")
        target = next_target if next_target is not None else request.args.get("next")
        return redirect(url_for(endpoint, next=target or None))
    login_user(user, remember=remember)
    return redirect(next_url(next_target))


def refuse_locked(template: str, until, now, **context):
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    flash(ngettext(
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %(num)d Minute "
        "erneut.",
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %(num)d Minuten "
        "erneut.", minutes), "error")
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil((until - now).total_seconds())))
    return response


