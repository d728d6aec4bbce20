"""The learner's dashboard panel "Meine Zertifikate": newest certificate per course."""

from flask import render_template
from markupsafe import Markup

from lms.certificates import services
from lms.certificates.forms import STATUS_LABELS
from lms.db import utcnow


def my_certificates_panel(user) -> Markup:
    return Markup(render_template(
        "certificates/_dashboard_panel.html", certificates=services.certificates_of(user),
        now=utcnow(), status_of=services.certificate_status, status_labels=STATUS_LABELS))
