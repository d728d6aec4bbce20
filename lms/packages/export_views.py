"""Downloads of course packages, and the remote cmi5 AUs the exported cmi5.xml points at.

The AU pages and their grading are opened by another LMS's learners, who have no ATLAS
login: they are reached only with the version's key from the exported cmi5.xml.
"""

import re
from importlib import resources
from io import BytesIO
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from authoring.export.player_data import player_data
from authoring.export.scorm12 import PLAYER_FILES
from lms.catalog import services as catalog
from lms.errors import DomainError, NotFoundError
from lms.extensions import csrf, limiter
from lms.packages import au_grading, export_services

bp = Blueprint("package_export", __name__, url_prefix="/packages", template_folder="templates",
               static_folder="static", static_url_path="/static")

#: answers one address may have graded per minute: enough for a class in one room,
#: too few to try out a quiz's answers by brute force
GRADING_LIMIT = "60 per minute"
#: largest grading request (a quiz's answers are a few kilobytes)
MAX_GRADING_BYTES = 64 * 1024
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")
#: an SVG opened directly must not run script (as for the catalogue's media)
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/export/<slug>/<package_format>.zip")
@login_required
def download_package(slug: str, package_format: str):
    """The SCORM 1.2 or cmi5 zip of the course's published (or ``?version=``) version."""
    if package_format not in export_services.FORMATS:
        abort(404)
    try:
        version = export_services.version_for_export(
            current_user, slug, request.args.get("version", type=int))
    except NotFoundError:
        abort(404)
    content = export_services.export_package(
        version, package_format, current_app.config["ATLAS_BASE_URL"],
        current_app.config["SECRET_KEY"])
    return send_file(BytesIO(content), mimetype="application/zip", as_attachment=True,
                     download_name=export_services.download_name(version, package_format),
                     max_age=0)


@bp.get("/player/<name>")
def player_file(name: str):
    """The exported player's script and style sheet, shared with the cmi5 AU pages."""
    if name not in PLAYER_FILES:
        abort(404)
    content = resources.files("authoring.export").joinpath("player", name).read_bytes()
    mimetype = "text/css" if name.endswith(".css") else "text/javascript"
    return send_file(BytesIO(content), mimetype=mimetype, max_age=3600)


def _au_version(slug: str, version_id: int):
    """The version of an AU request, or 404 without the right key."""
    try:
        version = export_services.exportable_version(slug, version_id)
    except NotFoundError:
        abort(404)
    if not export_services.is_valid_au_key(current_app.config["SECRET_KEY"], slug, version_id,
                                           request.args.get("k")):
        abort(404)
    return version


def _origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, for the page's connect-src."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.netloc or ""):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _au_policy() -> str:
    """The AU page's CSP: our own scripts, requests to the launching LMS's LRS and fetch
    URL, and framing by any LMS (``frame-ancestors`` overrides X-Frame-Options)."""
    origins = {o for o in (_origin(request.args.get("endpoint")),
                           _origin(request.args.get("fetch"))) if o}
    connect = " ".join(["'self'", *sorted(origins)])
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"media-src 'self'; font-src 'self'; connect-src {connect}; frame-ancestors *; "
            "form-action 'self'; base-uri 'self'; object-src 'none'")


@bp.get("/cmi5-au/<slug>/<int:version_id>/<module_id>")
def show_au(slug: str, version_id: int, module_id: str):
    """A module of an exported course as a cmi5 AU, launched by another LMS."""
    version = _au_version(slug, version_id)
    model = catalog.load_version_model(version)
    module = next((m for m in model.modules if m.id == module_id), None)
    if module is None:
        abort(404)
    key = request.args.get("k")
    data = player_data(model, None, list(catalog.version_media(version)), [module.id])
    data["media_url"] = url_for("package_export.au_media", slug=slug, version_id=version_id,
                                relpath="__path__", k=key).replace("__path__", "{path}", 1)
    config = {"grade_url": url_for("package_export.grade_au", slug=slug, version_id=version_id,
                                   lesson_id="__lesson__", k=key)}
    language = model.default_language
    response = current_app.make_response(render_template(
        "packages/cmi5_au.html", data=data, config=config, module_id=module.id,
        language=language,
        title=f"{module.title.text(language)} · {model.title.text(language)}"))
    response.headers["Content-Security-Policy"] = _au_policy()
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/cmi5-au/<slug>/<int:version_id>/media/<path:relpath>")
def au_media(slug: str, version_id: int, relpath: str):
    """A media file of the AU's version (its lesson HTML says ``media/…``)."""
    version = _au_version(slug, version_id)
    entry = catalog.version_media(version).get(f"media/{relpath}")
    content = catalog.media_content(entry["sha256"]) if entry else None
    if content is None:
        abort(404)
    response = send_file(BytesIO(content), mimetype=entry["media_type"], max_age=86400)
    if entry["media_type"] == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.post("/cmi5-au/<slug>/<int:version_id>/lessons/<lesson_id>/grade")
@csrf.exempt
@limiter.limit(GRADING_LIMIT)
def grade_au(slug: str, version_id: int, lesson_id: str):
    """Grade a quiz attempt or a check of an AU; stateless, JSON in and out.

    No CSRF token: the AU page is opened by another LMS without an ATLAS session, and
    grading changes nothing here.
    """
    version = _au_version(slug, version_id)
    if (request.content_length or 0) > MAX_GRADING_BYTES:
        return jsonify(error="too large"), 413
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="JSON object expected"), 400
    try:
        result = au_grading.grade_answers(catalog.load_version_model(version), lesson_id, payload)
    except DomainError as error:
        return jsonify(error=error.message), error.status_code
    return jsonify(result)
