"""The "Meine Termine" panel on the learner's dashboard."""

from flask import render_template
from markupsafe import Markup

from lms.db import utcnow
from lms.sessions.services import my_upcoming_registrations


def my_sessions_panel(user) -> Markup | None:
    """The user's upcoming seats and waiting-list places with calendar links; None if none."""
    registrations = my_upcoming_registrations(user, utcnow())
    if not registrations:
        return None
    return Markup(render_template("sessions/_dashboard_panel.html",
                                  registrations=registrations))
