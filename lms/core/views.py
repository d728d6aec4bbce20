"""The start page and the health check."""

import logging

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from lms.accounts.forms import LoginForm
from lms.core import formatting
from lms.db import utcnow
from lms.extensions import db
from lms.learning.dashboard import learner_dashboard

log = logging.getLogger(__name__)

bp = Blueprint("core", __name__, template_folder="templates")
bp.add_app_template_filter(formatting.format_number, "number")
bp.add_app_template_filter(formatting.format_hours, "hours")
bp.add_app_template_filter(formatting.format_minutes_as_hours, "minutes_as_hours")
bp.add_app_template_filter(formatting.course_title, "course_title")
bp.add_app_template_filter(formatting.format_iso_date, "isodate")


@bp.get("/")
def home():
    if current_user.is_authenticated:
        board = learner_dashboard(current_user, str(get_locale() or "de"), utcnow())
        return render_template("core/dashboard.html", board=board)
    return render_template("core/home.html", form=LoginForm())


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page, JSON ones included."""
    return redirect(url_for("static", filename="img/favicon.svg"), code=301)


@bp.get("/healthz")
def healthz():
    """Report whether the database answers; 503 when it does not (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        log.warning("health check: database unreachable: %s", error)
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
