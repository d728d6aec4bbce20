"""The SCORM player page (scorm-again around the SCO's iframe) and its commit endpoint.

The learning player embeds the page for lessons of kind ``package``; it also works on its
own (a link opens it full-window). Each SCO is launched from the enrolment's version's
media route, so the package plays exactly as imported with that version.
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.catalog import services as catalog
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.errors import NotFoundError, ValidationFailedError
from lms.learning.enrolment import active_enrolment
from lms.packages import cmi as cmi_model
from lms.packages import runtime
from lms.security import CONTENT_SECURITY_POLICY
from lms.unit_of_work import unit_of_work

bp = Blueprint("package_player", __name__, template_folder="templates")

#: SCORM error code for a commit the LMS refused ("General Commit Failure")
COMMIT_FAILURE = {cmi_model.SCORM12: 101, cmi_model.SCORM2004: 391}


def _played(slug: str, lesson_id: str) -> runtime.PlayedLesson:
    course = catalog.find_published_course(slug).course
    enrolment = active_enrolment(current_user, course)
    if enrolment is None:
        raise NotFoundError(_("Melden Sie sich zuerst für den Kurs an."))
    model = content_for(enrolment.course_version).course
    return runtime.played_lesson(enrolment, model, lesson_id)


def launch_url(played: runtime.PlayedLesson, item) -> str:
    """The SCO's launch file on the version's media route, with the item's parameters.

    An absolute launch URL (content on another server) is used as it is.
    """
    launch = item.launch
    if urlsplit(launch).scheme in ("http", "https"):
        url = launch
    else:
        path, _mark, query = launch.partition("?")
        version = played.enrolment.course_version
        url = url_for("catalog.serve_version_media", slug=version.course.slug,
                      version_id=version.id, relpath=path)
        if query:
            url += "?" + query
    parameters = (item.parameters or "").lstrip("?&")
    if parameters:
        url += ("&" if "?" in url else "?") + parameters
    return url


@bp.get("/learn/<slug>/<lesson_id>/package")
@login_required
def play(slug: str, lesson_id: str):
    """The runtime page of one SCO of the lesson (``?item=``; the first by default)."""
    played = _played(slug, lesson_id)
    item = played.item(request.args.get("item") or None)
    with unit_of_work(refusals=()):
        attempt = runtime.open_attempt(current_user, played, item, utcnow())
        if getattr(item, "scorm_type", None) == "asset":
            runtime.launch_asset(current_user, played, attempt, utcnow())
        launch_cmi = runtime.launch_cmi(attempt, item, current_user)
        attempt_id = attempt.id
    states = runtime.item_states(current_user, played)
    done = runtime.satisfied_items(current_user, played)
    index = next(i for i, entry in enumerate(played.items) if entry.identifier == item.identifier)
    response = make_response(render_template(
        "packages/play.html", played=played, item=item, attempt_id=attempt_id,
        attempt_number=states[item.identifier].number, launch_cmi=launch_cmi,
        launch_url=launch_url(played, item), done=done, course_slug=slug,
        previous=played.items[index - 1] if index > 0 else None,
        following=played.items[index + 1] if index + 1 < len(played.items) else None,
        commit_url=url_for("package_player.commit", slug=slug, lesson_id=lesson_id,
                           attempt_id=attempt_id)))
    # the lesson page embeds this page; the CMI it carries changes with every commit
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/learn/<slug>/<lesson_id>/package/attempts/<int:attempt_id>/commit")
@login_required
def commit(slug: str, lesson_id: str, attempt_id: int):
    """Store a commit of the SCO (JSON from the page's scorm-again); answer in the shape
    scorm-again expects (``{"result": "true", "errorCode": 0}``)."""
    if (request.content_length or 0) > cmi_model.MAX_CMI_BYTES + 4096:
        abort(413)
    played = _played(slug, lesson_id)
    body = request.get_json(silent=True, force=True)
    with unit_of_work(flash_error=False, refusals=ValidationFailedError) as work:
        attempt = runtime.find_attempt(current_user, played, attempt_id)
        runtime.commit_cmi(current_user, played, attempt, body, utcnow())
    if work.failed:
        return {"result": "false", "errorCode": COMMIT_FAILURE[played.standard],
                "errorMessage": work.message}, work.error.status_code
    return {"result": "true", "errorCode": 0}
