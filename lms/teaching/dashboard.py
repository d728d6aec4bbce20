"""The "Ankündigungen" panel on the learner's dashboard ("Mein Lernen")."""

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from lms.teaching.announcements import mail_is_off, my_announcements
from lms.teaching.overrides import learner_overrides


def announcements_panel(user) -> Markup | None:
    """The learner's announcements and the completions trainers marked; None if neither."""
    items = my_announcements(user)
    marks = learner_overrides(user)
    if not items and not marks:
        return None
    return Markup(render_template(
        "teaching/_dashboard_panel.html", items=items, marks=marks[:10],
        mail_off=mail_is_off(user), language=str(get_locale() or "de")))
