"""Packages as outside authorities: one LRS credential per package of a course, and the
grant that lets what it reports count.

The runtimes (SCORM player, cmi5 launch) store the statements derived from a package with
``package_client(...)``'s authority, so the one crediting rule (``lms.lrs.crediting``)
decides what counts; there is no special case for packages. The grant covers the package
lessons' activity IRIs (the lesson IRI and everything below it, so ``…/item/<id>`` of a
multi-SCO lesson too). An admin's import or publication grants at once; a trainer's waits
for an admin on /admin/lrs, because a trainer must not be able to make outside content
credit learners on their own.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from authoring.model import Course as CourseModel
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseVersion
from lms.db import utcnow
from lms.extensions import db
from lms.lrs import scopes
from lms.lrs import services as lrs
from lms.lrs.models import LrsClient, LrsCreditGrant
from lms.packages.models import PackageClient, PackageGrantRequest
from xapi import vocabulary as v

#: What a package's credential may do: write statements, read its own, and the state and
#: agent profile documents cmi5 AUs and SCORM bridges use.
CLIENT_SCOPES = [scopes.STATEMENTS_WRITE, scopes.STATEMENTS_READ_MINE, scopes.STATE,
                 scopes.PROFILE]


def client_name(course_slug: str, package_name: str) -> str:
    return f"Paket {course_slug}/{package_name}"[:100]


def package_client(course_slug: str, package_name: str,
                   now: datetime | None = None) -> LrsClient:
    """The LRS client of package ``package_name`` of course ``course_slug``, created on
    first use (its secret is discarded: the platform stores for it, nobody logs in as it).

    A client an admin revoked stays revoked and is returned as it is: its statements are
    kept but no longer count.
    """
    row = db.session.scalar(select(PackageClient).where(
        PackageClient.course_slug == course_slug, PackageClient.package_name == package_name))
    if row is not None:
        return row.client
    now = now or utcnow()
    client, _secret = lrs.create_client(None, name=client_name(course_slug, package_name),
                                        scopes=CLIENT_SCOPES, now=now)
    db.session.add(PackageClient(course_slug=course_slug, package_name=package_name,
                                 client=client, created_at=now))
    db.session.flush()
    return client


def package_activities(model: CourseModel) -> list[tuple[str, str, str]]:
    """(package name, lesson id, lesson IRI) of every package lesson of ``model``."""
    base = current_app.config["ATLAS_BASE_URL"]
    return [
        (lesson.package.name, lesson.id,
         v.lesson_iri(base, model.id, lesson.module_id, lesson.id))
        for lesson in model.lessons("package") if lesson.package is not None
    ]


def _has_grant(client: LrsClient, prefix: str) -> bool:
    return any(grant.activity_prefix == prefix for grant in client.grants)


def ensure_package_authority(course: Course, version: CourseVersion, actor,
                             now: datetime) -> list[LrsCreditGrant | PackageGrantRequest]:
    """Give every package lesson of ``version`` its client and its grant.

    :param actor: who imported or published; ``None`` (the command line, run by the
        operator) and admins grant at once, anybody else leaves a request for an admin.
    :return: the grants and requests created now (nothing when all were there).
    """
    created: list[LrsCreditGrant | PackageGrantRequest] = []
    may_grant = actor is None or getattr(actor, "is_admin", False)
    for package_name, lesson_id, prefix in package_activities(
            catalog.load_version_model(version)):
        client = package_client(course.slug, package_name, now)
        if client.is_revoked or _has_grant(client, prefix):
            continue
        if may_grant:
            created.append(lrs.grant_credit(actor, client.key, now=now, activity_prefix=prefix))
            continue
        exists = db.session.scalar(select(PackageGrantRequest.id).where(
            PackageGrantRequest.client_id == client.id,
            PackageGrantRequest.activity_prefix == prefix))
        if exists is None:
            request = PackageGrantRequest(
                client=client, activity_prefix=prefix, course_slug=course.slug,
                lesson_id=lesson_id, requested_by=actor, requested_at=now)
            db.session.add(request)
            created.append(request)
    db.session.flush()
    return created


def pending_requests() -> list[PackageGrantRequest]:
    """Requests no admin has granted yet (a granted one is settled), oldest first; those of
    revoked clients are left out."""
    requests = db.session.scalars(
        select(PackageGrantRequest).order_by(PackageGrantRequest.requested_at,
                                             PackageGrantRequest.id))
    return [request for request in requests if not request.client.is_revoked
            and not _has_grant(request.client, request.activity_prefix)]
