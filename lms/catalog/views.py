"""Public catalogue pages and the course media routes."""

import re
from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from authoring.model import DEFAULT_LANGUAGE
from lms.catalog import services
from lms.catalog.forms import CatalogFilterForm
from lms.catalog.labels import label_context
from lms.catalog.models import CourseVersion
from lms.catalog.outline import build_outline, format_hours, format_minutes
from lms.catalog.trainers import is_course_trainer
from lms.extensions import db
from lms.learning.enrolment import find_enrolment

bp = Blueprint("catalog", __name__, url_prefix="/courses", template_folder="templates")

#: Media of a version never change; a URL pinned with ``?v=<sha256 prefix>`` may be cached
#: for good. Unpinned URLs must be revalidated (cheaply, by ETag): the next version of
#: the course may publish other bytes under the same path.
PIN_LENGTH = 16
IMMUTABLE = "public, max-age=31536000, immutable"
#: media of a version that is not the published one: only for its learners and trainers
PRIVATE_IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
#: An SVG opened directly is a document: it must not run script or load anything, and
#: ``sandbox`` gives it an opaque origin (no cookies, no same-origin requests).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
#: Files of an imported SCORM/cmi5 package (``packages/<name>/…``) are web pages that must
#: run their own scripts, inline ones and ``eval`` included (authoring tools emit both),
#: inside the lesson player's frame on the same origin: SCORM content finds the runtime API
#: on ``window.parent``. Loading from other hosts stays closed. The trust this takes is in
#: docs/interoperability.md: only trainers and admins add packages.
PACKAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
PACKAGES_PREFIX = "packages/"
#: ``src="media/…"`` (also ``href``, ``poster``) in lesson HTML, relative to the course
MEDIA_ATTRIBUTE = re.compile(r'\b(src|href|poster)="media/([^"#?]+)"')


bp.add_app_template_filter(format_hours, "catalog_hours")
bp.add_app_template_filter(format_minutes, "catalog_minutes")


@bp.app_template_global("lang_attr")
def lang_attr(text=None, code: str | None = None) -> Markup:
    """Return `` lang="de"`` when a text (a ``LangText``) or ``code`` differs from the page's
    language, e.g. German lesson titles on an English page, so screen readers switch voice."""
    code = code or getattr(text, "lang", None)
    if code and code != _language():
        return Markup(' lang="%s"') % code
    return Markup("")


@bp.context_processor
def inject_labels():
    return label_context()


def _language() -> str:
    return str(get_locale() or "de")


def _filters(form: CatalogFilterForm) -> services.CatalogFilters:
    """Turn the query string into filters, ignoring any value that is not offered."""
    form.validate()

    def value(field):
        return "" if field.errors else (field.data or "")

    hours = value(form.max_hours)
    return services.CatalogFilters(
        subject=value(form.subject), level=value(form.level), language=value(form.language),
        max_hours=float(hours) if hours else None, query=value(form.q).strip(),
    )


@bp.get("")
def list_courses():
    form = CatalogFilterForm(request.args)
    filters = _filters(form)
    versions = services.published_courses(filters)
    is_filtered = any((filters.subject, filters.level, filters.language, filters.query,
                       filters.max_hours is not None))
    return render_template("catalog/catalog.html", form=form, versions=versions,
                           language=_language(), is_filtered=is_filtered)


@bp.get("/<slug>")
def show_course(slug: str):
    version = services.find_published_course(slug)
    language = _language()
    outline = build_outline(services.load_version_model(version), language)
    return render_template("catalog/course.html", version=version, course=version.course,
                           outline=outline, language=language)


def media_url(version, path: str) -> str:
    """Return the pinned (forever cacheable) URL of the media file ``path`` of ``version``.

    :param path: course-relative, as in lesson HTML and the package (``media/…``).
    """
    entry = services.version_media(version)[path]
    return url_for("catalog.serve_media", slug=version.course.slug,
                   relpath=path.removeprefix("media/"), v=entry["sha256"][:PIN_LENGTH])


def _media_entry(version, relpath: str) -> dict | None:
    """The media table entry ``media/<relpath>``, or for ``packages/…`` the package file."""
    media = services.version_media(version)
    if relpath.startswith(PACKAGES_PREFIX) and relpath in media:
        return media[relpath]
    return media.get(f"media/{relpath}")


def _media_response(version, relpath: str, cache_control: str):
    """The media file ``media/<relpath>`` (or package file ``packages/…``) of ``version``,
    with its type, ETag, cache header and the policy its kind needs."""
    entry = _media_entry(version, relpath)
    if entry is None:
        abort(404)
    sha256 = entry["sha256"]
    if request.if_none_match.contains(sha256):
        response = current_app.response_class(status=304)
        response.set_etag(sha256)
    else:
        content = services.media_content(sha256)
        if content is None:
            abort(404)
        response = send_file(BytesIO(content), mimetype=entry["media_type"], etag=sha256,
                             conditional=True, max_age=None)
    response.headers["Cache-Control"] = cache_control
    if entry["media_type"] == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    elif relpath.startswith(PACKAGES_PREFIX):
        response.headers["Content-Security-Policy"] = PACKAGE_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<slug>/media/<path:relpath>")
def serve_media(slug: str, relpath: str):
    """Serve a media file of the course's published version (lesson HTML refers to
    ``media/<file>`` relative to the course)."""
    version = services.find_published_course(slug)
    entry = _media_entry(version, relpath)
    pinned = entry is not None and request.args.get("v") == entry["sha256"][:PIN_LENGTH]
    return _media_response(version, relpath, IMMUTABLE if pinned else REVALIDATE)


def version_media_url(version, relpath: str) -> str:
    """The URL of ``media/<relpath>`` of exactly ``version``: cacheable for good."""
    return url_for("catalog.serve_version_media", slug=version.course.slug,
                   version_id=version.id, relpath=relpath)


@bp.app_template_filter("with_media_urls")
def with_media_urls(html: str, version, language: str | None = None) -> Markup:
    """Lesson HTML with its ``media/…`` references pointing at ``version``'s media route.

    Lesson HTML says ``src="media/x.svg"``, relative to the course folder. Resolved against
    the player (``/learn/<course>/<lesson>``) or its print view (``…/<lesson>/print``) that
    is a different, missing URL on each page; rewritten here, every page that shows the
    lesson gets the files of the version the reader is on, under an immutable URL. For a
    lesson shown in another ``language`` a figure's variant ``x.<language>.svg`` is used
    where the course has one (figures with text in them).
    """
    media = services.version_media(version)

    def rewrite(match: re.Match) -> str:
        relpath = match.group(2)
        if f"media/{relpath}" not in media:
            return match.group(0)  # the validator reports it; leave it visible as written
        variant = _language_variant(relpath, language)
        if variant is not None and f"media/{variant}" in media:
            relpath = variant
        return f'{match.group(1)}="{version_media_url(version, relpath)}"'

    return Markup(MEDIA_ATTRIBUTE.sub(rewrite, str(html)))


def _language_variant(relpath: str, language: str | None) -> str | None:
    """``x.svg`` → ``x.en.svg`` for a language other than the courses' original."""
    if not language or language == DEFAULT_LANGUAGE:
        return None
    stem, dot, extension = relpath.rpartition(".")
    return f"{stem}.{language}.{extension}" if dot and stem else None


def may_read_version(user, version) -> bool:
    """Who may read a version's media: everybody for the published version (its catalogue
    page is public); for any other version the learners enrolled on it, and the people who
    manage the course (admins, its trainers)."""
    course = version.course
    if course.published_version_id == version.id:
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin or is_course_trainer(user, course):
        return True
    enrolment = find_enrolment(user, course)
    return enrolment is not None and enrolment.course_version_id == version.id


@bp.get("/<slug>/versions/<int:version_id>/media/<path:relpath>")
def serve_version_media(slug: str, version_id: int, relpath: str):
    """Serve a media file of one version of the course; a version never changes, so the
    URL may be cached for good. Versions a user may not read answer 404."""
    version = db.session.scalar(select(CourseVersion).where(CourseVersion.id == version_id))
    if version is None or version.course.slug != slug \
            or not may_read_version(current_user, version):
        abort(404)
    is_public = version.course.published_version_id == version.id
    return _media_response(version, relpath, IMMUTABLE if is_public else PRIVATE_IMMUTABLE)
