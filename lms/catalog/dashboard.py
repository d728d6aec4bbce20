"""The catalogue's panel on the learner's dashboard: courses to discover."""

from flask import render_template
from markupsafe import Markup

from lms.catalog.services import published_courses


def discover_courses_panel(user) -> Markup:
    """Render the published courses as a short list with links to their pages."""
    return Markup(
        render_template("catalog/_dashboard_panel.html", versions=published_courses()[:6])
    )
