"""The catalogue's panel on the learner's dashboard: courses to discover."""

from collections.abc import Collection

from flask import render_template
from markupsafe import Markup

from lms.catalog.services import published_courses

#: courses the panel lists at most
PANEL_SIZE = 6


def discover_courses_panel(user, exclude_course_ids: Collection[int] = ()) -> Markup:
    """Render published courses as a short list with links to their pages.

    :param exclude_course_ids: courses the learner is already on (the learning area knows).
    """
    published = published_courses()
    versions = [version for version in published if version.course_id not in exclude_course_ids]
    return Markup(render_template("catalog/_dashboard_panel.html",
                                  versions=versions[:PANEL_SIZE], published_count=len(published)))
