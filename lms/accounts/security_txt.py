"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability.

Served only when the operator has set ``ATLAS_SECURITY_CONTACT``; see docs/security.md.
"""

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app

from lms.db import utcnow

bp = Blueprint("security_txt", __name__)

#: RFC 9116 wants an expiry under a year ahead; the file is made per request, so it never lapses.
EXPIRES_AFTER = timedelta(days=180)


@bp.get("/.well-known/security.txt")
def security_txt():
    contact = current_app.config.get("ATLAS_SECURITY_CONTACT", "")
    if not contact:
        abort(404)
    if "@" in contact and not contact.startswith(("mailto:", "https:")):
        contact = f"mailto:{contact}"
    base = current_app.config["ATLAS_BASE_URL"]
    expires = (utcnow() + EXPIRES_AFTER).replace(microsecond=0)
    body = (
        f"Contact: {contact}\n"
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        "Preferred-Languages: de, en\n"
        f"Canonical: {base}/.well-known/security.txt\n"
    )
    return Response(body, mimetype="text/plain")
