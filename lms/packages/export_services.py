"""Course versions exported as SCORM 1.2 and cmi5 packages, and the rules of the cmi5 AUs.

The zips are built by the authoring library (authoring/export); this module picks the
version, checks who may export it, supplies the media bytes and the platform's URLs, and
signs the AU URLs so only holders of an exported cmi5.xml can open a module's AU page.
"""

import hashlib
import hmac
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import select

from authoring.export.cmi5 import build_cmi5
from authoring.export.scorm12 import build_scorm12
from authoring.model import Course as CourseModel
from authoring.model import Module
from lms.accounts.models import User
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseVersion
from lms.catalog.trainers import is_course_trainer
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from xapi import vocabulary as v

FORMATS = ("scorm12", "cmi5")


def may_export(user: User | None, course: Course) -> bool:
    """Admins and the course's trainers may hand its content to another LMS."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin or is_course_trainer(user, course))


def exportable_version(slug: str, version_id: int | None = None) -> CourseVersion:
    """The version to export: ``version_id`` if given and ever published, else the published one.

    :raises NotFoundError: no such course or version, or it was never published.
    """
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFoundError(_("Diesen Kurs gibt es nicht oder nicht mehr."))
    if version_id is None:
        version = course.published_version
    else:
        version = db.session.get(CourseVersion, version_id)
        if version is not None and version.course_id != course.id:
            version = None
    if version is None or not version.is_published:
        raise NotFoundError(_("Dieser Kurs hat keine veröffentlichte Version zum Exportieren."))
    return version


def version_for_export(actor: User | None, slug: str,
                       version_id: int | None = None) -> CourseVersion:
    """:func:`exportable_version`, for an admin or a trainer of the course only.

    :raises NotFoundError: as there, and for everybody else (no hint the course exists).
    """
    version = exportable_version(slug, version_id)
    if not may_export(actor, version.course):
        raise NotFoundError(_("Diesen Kurs gibt es nicht oder nicht mehr."))
    return version


def _media_bytes(version: CourseVersion) -> dict[str, bytes]:
    media = {}
    for path, entry in catalog.version_media(version).items():
        content = catalog.media_content(entry["sha256"])
        if content is not None:
            media[path] = content
    return media


def au_key(secret: str, slug: str, version_id: int) -> str:
    """The key in the AU URLs of one exported version (HMAC of the app's secret key).

    Changing ``SECRET_KEY`` invalidates every exported cmi5 package.
    """
    message = f"cmi5-au|{slug}|{version_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def is_valid_au_key(secret: str, slug: str, version_id: int, key: str | None) -> bool:
    return bool(key) and hmac.compare_digest(au_key(secret, slug, version_id), key or "")


def cmi5_course_iri(base_url: str, version: CourseVersion) -> str:
    """The cmi5 course id of an exported version: the course's IRI, per version."""
    return f"{v.course_iri(base_url, version.course.slug)}/cmi5/{quote(version.version, safe='')}"


def au_url(base_url: str, secret: str, version: CourseVersion, module: Module) -> str:
    """The absolute launch URL of a module's AU, with the version's key."""
    slug = version.course.slug
    return (f"{base_url.rstrip('/')}/packages/cmi5-au/{quote(slug)}/{version.id}/"
            f"{quote(module.id)}?k={au_key(secret, slug, version.id)}")


def export_package(version: CourseVersion, package_format: str, base_url: str,
                   secret: str) -> bytes:
    """The zip of ``version`` in ``package_format`` (``scorm12`` or ``cmi5``).

    :raises ValidationFailedError: for an unknown format.
    """
    model: CourseModel = catalog.load_version_model(version)
    if package_format == "scorm12":
        return build_scorm12(model, _media_bytes(version))
    if package_format == "cmi5":
        return build_cmi5(model, cmi5_course_iri(base_url, version),
                          lambda module: au_url(base_url, secret, version, module))
    raise ValidationFailedError(_("Unbekanntes Paketformat: %(format)s", format=package_format))


def download_name(version: CourseVersion, package_format: str) -> str:
    """``<course>-<version>-<format>.zip``"""
    safe_version = "".join(c if c.isalnum() or c in ".-" else "-" for c in version.version)
    return f"{version.course.slug}-{safe_version}-{package_format}.zip"
