"""Flask-Login wiring: a session finds its user through a live server-side login session."""

from datetime import timedelta

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.accounts import login_sessions
from lms.accounts.counters import configure_counters
from lms.db import utcnow
from lms.extensions import login_manager
from lms.unit_of_work import unit_of_work


def configure_login(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # The remember cookie lives as long as the server keeps a remembered session.
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=app.config["ATLAS_REMEMBER_DAYS"])
    configure_counters(app)
    trust_proxies(app)

    @login_manager.user_loader
    def load_user(token: str):
        return login_sessions.user_for_token(token, utcnow())

    @app.before_request
    def note_session_in_use():
        """Load the user first thing, and mark the login session used every few minutes.

        Done before the view so the small commit never carries a view's unfinished work.
        """
        if request.endpoint == "static":
            return
        user = current_user._get_current_object()
        if not user.is_authenticated:
            return
        now = utcnow()
        if login_sessions.touch_is_due(user.login_session, now):
            with unit_of_work(refusals=()):
                login_sessions.touch(user.login_session, now)


def trust_proxies(app) -> None:
    """Read the client address from ``X-Forwarded-For`` behind ``ATLAS_PROXY_COUNT`` proxies.

    Throttling counts failures per client address and the session list shows its network;
    behind a reverse proxy every request would otherwise come from the proxy's address.
    """
    count = app.config.get("ATLAS_PROXY_COUNT", 0)
    if count and not isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
