"""REST API v1 endpoints: people, assignments and completions of the token's organisation."""

import logging
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, false, func, select
from werkzeug.exceptions import HTTPException

from lms.accounts.models import Department, Membership, User
from lms.api import serializers
from lms.api.auth import (
    ApiError,
    acting_manager,
    current_organisation,
    error_response,
    rate_limit_key,
    require_scope,
)
from lms.api.openapi import document, query_parameters
from lms.catalog.models import Course, CourseVersion
from lms.companies.assignments import assign_course
from lms.companies.audit import record_access
from lms.companies.exports import rows
from lms.db import utcnow
from lms.errors import DomainError, redirect_without_trailing_slash, render_error
from lms.extensions import csrf, db, limiter
from lms.learning.enrolment import find_enrolment
from lms.learning.models import Enrolment
from lms.local_time import local_day
from lms.unit_of_work import discard, unit_of_work

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.limit(lambda: current_app.config.get("ATLAS_API_RATE_LIMIT", "300 per minute"),
              key_func=rate_limit_key)(bp)

MAX_ID = 2**31 - 1
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


# --- errors ------------------------------------------------------------------


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    discard()
    return error_response(error.status, error.message, error.field)


@bp.errorhandler(DomainError)
def handle_domain_error(error: DomainError):
    discard()
    status = 422 if error.status_code == 400 else error.status_code
    return error_response(status, error.message, error.field)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    discard()
    status = error.code or 500
    messages = {
        404: _("Diese Ressource gibt es nicht."),
        405: _("Diese Methode ist hier nicht erlaubt."),
        429: _("Zu viele Anfragen. Bitte warten Sie einen Moment."),
    }
    # 405 names the methods the resource has (RFC 9110 §15.5.6): keep werkzeug's Allow.
    headers = {name: value for name, value in error.get_headers() if name.lower() == "allow"}
    return error_response(status, messages.get(status, error.description or error.name),
                          headers=headers)


def handle_unrouted(error: HTTPException):
    """App-level 404/405: the API's JSON under ``/api/``, the usual page elsewhere."""
    if request.path.startswith(bp.url_prefix + "/"):
        return handle_http_error(error)
    if error.code == 404 and (moved := redirect_without_trailing_slash()):
        return moved
    return render_error(error.code)


@bp.errorhandler(Exception)
def handle_unexpected(error: Exception):
    log.exception("unhandled API error on %s %s", request.method, request.path)
    discard()
    return error_response(500, _("Interner Fehler. Bitte später erneut versuchen."))


# --- parameters ----------------------------------------------------------------


def check_query(operation_id: str) -> None:
    """Refuse an empty or repeated query parameter of the operation with 400.

    ``?course=&course=x`` would otherwise mean whatever the first value happens to be; an
    HR system that sends it has a bug and should hear about it. Parameters the operation
    does not have are ignored.
    """
    for name in query_parameters(operation_id):
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ApiError(400, _("%(name)s darf nur einmal angegeben werden.", name=name), name)
        if values and not values[0].strip():
            raise ApiError(400, _("%(name)s darf nicht leer sein.", name=name), name)


def int_arg(name: str, default: int | None, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, _("%(name)s muss eine ganze Zahl sein.", name=name), name) from None
    if not minimum <= value <= maximum:
        raise ApiError(400, _("%(name)s liegt außerhalb von %(low)s–%(high)s.", name=name,
                              low=minimum, high=maximum), name)
    return value


def parse_moment(raw: str, name: str, status: int = 400) -> datetime:
    """A date (``2026-05-01``, midnight UTC) or an ISO 8601 date-time with offset."""
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(raw.upper())  # RFC 3339 allows "t" and "z"
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ApiError(status, _("%(name)s ist kein gültiges Datum (ISO 8601).", name=name),
                       name) from None


def moment_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    return parse_moment(raw, name) if raw else None


def paginated(items: list, total: int, page: int, per_page: int):
    """The list body with ``total``, plus ``Link`` (RFC 8288) and ``X-Total-Count`` headers."""
    last = max((total + per_page - 1) // per_page, 1)
    args = request.args.to_dict()
    links = []

    def link(number: int, rel: str) -> None:
        args.update(page=str(number), per_page=str(per_page))
        links.append(f'<{request.base_url}?{urlencode(args)}>; rel="{rel}"')

    link(1, "first")
    if page > 1:
        link(min(page - 1, last), "prev")
    if page < last:
        link(page + 1, "next")
    link(last, "last")
    response = jsonify({"items": items, "total": total, "page": page, "per_page": per_page})
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return response


def page_args() -> tuple[int, int]:
    return (int_arg("page", 1, maximum=1_000_000),
            int_arg("per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE))


# --- people --------------------------------------------------------------------


def people_query():
    organisation = current_organisation()
    return (
        select(User.id, User.name, User.email, Membership.department_id, Department.name,
               Membership.personnel_number, Membership.role)
        .join(Membership, and_(Membership.user_id == User.id,
                               Membership.organisation_id == organisation.id))
        .outerjoin(Department, Department.id == Membership.department_id)
    )


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(document())


@bp.get("/people")
@require_scope("people:read")
def list_people():
    check_query("listPeople")
    page, per_page = page_args()
    query = people_query()
    department_id = int_arg("department", None)
    if department_id is not None:
        query = query.where(Membership.department_id == department_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = db.session.execute(
        query.order_by(User.name, User.id).offset((page - 1) * per_page).limit(per_page))
    items = [serializers.person(*row) for row in found]
    with unit_of_work(refusals=()):
        record_access(acting_manager(), current_organisation(), "api_people", utcnow(),
                      detail=f"page={page}, per_page={per_page}, results={len(items)}")
    return paginated(items, total, page, per_page)


@bp.get("/people/<int:person_id>")
@require_scope("people:read")
def show_person(person_id: int):
    if person_id > MAX_ID:
        raise ApiError(404, _("Diese Person gibt es in Ihrem Unternehmen nicht."))
    found = db.session.execute(people_query().where(User.id == person_id)).first()
    if found is None:
        raise ApiError(404, _("Diese Person gibt es in Ihrem Unternehmen nicht."))
    subject = db.session.get(User, person_id)
    with unit_of_work(refusals=()):
        record_access(acting_manager(), current_organisation(), "api_people", utcnow(),
                      subject=subject)
    return jsonify(serializers.person(*found))


# --- assignments -----------------------------------------------------------------


def assignment_query():
    organisation = current_organisation()
    return (
        select(Enrolment, Course.slug, CourseVersion.title_de)
        .join(Membership, and_(Membership.user_id == Enrolment.user_id,
                               Membership.organisation_id == organisation.id))
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseVersion, CourseVersion.id == Enrolment.course_version_id)
    )


def storable(text: str) -> bool:
    """Whether ``text`` can be compared in SQL: PostgreSQL rejects NUL in text outright,
    and no slug contains one, so such a filter simply matches nothing."""
    return "\x00" not in text


def course_by_slug(slug: str, field: str, status: int) -> Course:
    course = (db.session.scalar(select(Course).where(Course.slug == slug))
              if storable(slug) else None)
    if course is None:
        raise ApiError(status, _("Den Kurs %(slug)s gibt es nicht.", slug=slug), field)
    return course


@bp.get("/assignments")
@require_scope("assignments:read")
def list_assignments():
    check_query("listAssignments")
    page, per_page = page_args()
    query = assignment_query()
    person_id = int_arg("person", None)
    if person_id is not None:
        query = query.where(Enrolment.user_id == person_id)
    slug = request.args.get("course")
    if slug:
        query = query.where(Course.slug == slug if storable(slug) else false())
    source = request.args.get("source")
    if source:
        if source not in ("self", "assigned"):
            raise ApiError(400, _("source ist self oder assigned."), "source")
        query = query.where(Enrolment.source == source)
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Enrolment.id).subquery()))
    found = db.session.execute(
        query.order_by(Enrolment.id).offset((page - 1) * per_page).limit(per_page))
    items = [serializers.assignment(enrolment, course_slug, title)
             for enrolment, course_slug, title in found]
    with unit_of_work(refusals=()):
        record_access(acting_manager(), current_organisation(), "api_assignments", utcnow(),
                      detail=f"page={page}, results={len(items)}")
    return paginated(items, total, page, per_page)


@bp.post("/assignments")
@require_scope("assignments:write")
def create_assignment():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("Erwartet wird ein JSON-Objekt."))
    person_id = body.get("person_id")
    if (not isinstance(person_id, int) or isinstance(person_id, bool)
            or not 1 <= person_id <= MAX_ID):
        raise ApiError(422, _("person_id muss die Nummer einer Person sein."), "person_id")
    slug = body.get("course")
    if not isinstance(slug, str) or not slug:
        raise ApiError(422, _("course muss die Kennung eines Kurses sein."), "course")
    due_at = body.get("due_at")
    if due_at == "":  # what many HR exports send for "no due date", like null
        due_at = None
    if due_at is not None:
        if not isinstance(due_at, str):
            raise ApiError(422, _("due_at ist ein Datum nach ISO 8601."), "due_at")
        # a date is that calendar day; a date-time, the Berlin day it falls on
        due_at = local_day(parse_moment(due_at, "due_at", status=422))
    organisation = current_organisation()
    learner = db.session.scalar(select(User).join(Membership).where(
        User.id == person_id, Membership.organisation_id == organisation.id))
    if learner is None:
        raise ApiError(404, _("Diese Person gibt es in Ihrem Unternehmen nicht."), "person_id")
    course = course_by_slug(slug, "course", 404)
    now = utcnow()
    # through the portal's service, so the assignment is listed under "Zuweisungen", can be
    # revoked there, and the employee gets the assignment mail (an enrolment alone was not)
    with unit_of_work(refusals=()):  # a refusal reaches the API's JSON error handler
        assign_course(acting_manager(), organisation, course, now=now, user_ids=[learner.id],
                      due_on=due_at)
        enrolment = find_enrolment(learner, course)
        record_access(acting_manager(), organisation, "api_assign", now, subject=learner,
                      detail=f"course={course.slug}")
    version = db.session.get(CourseVersion, enrolment.course_version_id)
    response = jsonify(serializers.assignment(enrolment, course.slug, version.title_de))
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_assignments", person=learner.id,
                                           course=course.slug)
    return response


# --- completions -----------------------------------------------------------------


@bp.get("/completions")
@require_scope("completions:read")
def list_completions():
    check_query("listCompletions")
    page, per_page = page_args()
    status = request.args.get("status") or None
    if status is not None and status not in rows.STATUSES:
        raise ApiError(400, _("status ist einer von %(values)s.",
                              values=", ".join(rows.STATUSES)), "status")
    slug = request.args.get("course")
    course_id = None
    if slug:  # an unknown course matches nothing, like an unknown department
        course_id = (db.session.scalar(select(Course.id).where(Course.slug == slug))
                     if storable(slug) else None) or 0
    filters = rows.CompletionFilter(
        completed_from=moment_arg("completed_after"),
        completed_before=moment_arg("completed_before"),
        course_id=course_id,
        department_id=int_arg("department", None),
        status=status,
    )
    now = utcnow()
    organisation = current_organisation()
    total = rows.count_rows(organisation, filters, now)
    page_rows = rows.row_page(organisation, filters, now, offset=(page - 1) * per_page,
                              limit=per_page)
    items = [serializers.completion(row) for row in page_rows]
    with unit_of_work(refusals=()):
        record_access(acting_manager(), organisation, "api_completions", now,
                      detail=f"{filters.describe()}; page={page}, results={len(items)}")
    return paginated(items, total, page, per_page)
