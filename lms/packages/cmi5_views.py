"""The learner's launch of a cmi5 AU, and the AU's one-time fetch URL."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required

from lms.catalog import services as catalog
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.extensions import csrf, limiter
from lms.forms import ActionForm
from lms.learning import enrolment as enrolments
from lms.packages import cmi5_launch, cmi5_vocabulary
from lms.packages.cmi5_units import is_cmi5_lesson, lesson_units
from lms.security import CONTENT_SECURITY_POLICY
from lms.unit_of_work import unit_of_work

bp = Blueprint("cmi5", __name__, template_folder="templates")


def _absolute(endpoint: str, **values) -> str:
    """An absolute URL on the host the learner reached: the AU may run on another origin."""
    return url_for(endpoint, _external=True, **values)


def _lesson_or_404(slug: str, lesson_id: str):
    course = catalog.find_published_course(slug).course
    enrolment = enrolments.active_enrolment(current_user, course)
    if enrolment is None:
        abort(404)
    version = enrolment.course_version
    model = content_for(version).course
    lesson = model.lesson(lesson_id)
    if lesson is None or not is_cmi5_lesson(lesson):
        abort(404)
    return course, enrolment, version, model, lesson


@bp.post("/packages/cmi5/<slug>/<lesson_id>/launch")
@login_required
def launch(slug: str, lesson_id: str):
    """Write the launch records, then open the AU: redirect (OwnWindow) or frame it."""
    from lms.packages.authority import package_client  # pkgimport's credential per package

    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    course, enrolment, version, model, lesson = _lesson_or_404(slug, lesson_id)
    language = str(get_locale() or "de")
    units = lesson_units(version, model, lesson, language)
    with unit_of_work(refusals=()):
        unit = units.unit(request.form.get("au", ""))
        client = package_client(course.slug, lesson.package.name)
        started = cmi5_launch.launch(
            current_user, enrolment, units, unit, client,
            endpoint=_absolute("xapi.about").removesuffix("about"),
            fetch_url=lambda code: _absolute("cmi5.fetch", code=code),
            return_url=_absolute("learning.show_lesson", slug=slug, lesson_id=lesson_id),
            language=language, now=utcnow())
    # OwnWindow: the form opened a window of its own, which moves on to the AU by a meta
    # refresh (a redirect answering a form would fall under CSP form-action 'self' for
    # remote AUs). AnyWindow: the AU runs in a frame of the platform's page.
    own_window = started.launch_method == cmi5_vocabulary.OWN_WINDOW
    response = make_response(render_template(
        "packages/cmi5_frame.html", title=units.title, url=started.url, own_window=own_window,
        back=url_for("learning.show_lesson", slug=slug, lesson_id=lesson_id)))
    if not own_window:
        origin = urlsplit(started.url)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY + (
            f"; frame-src 'self' {origin.scheme}://{origin.netloc}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/packages/cmi5/fetch/<code>")
@csrf.exempt
@limiter.exempt
def fetch(code: str):
    """cmi5 8.2: the first POST returns the auth-token, every later one the error JSON."""
    with unit_of_work(refusals=()):
        answer = cmi5_launch.fetch_token(code, utcnow())
    response = jsonify(answer.body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"  # remote AUs; no cookies involved
    return response
