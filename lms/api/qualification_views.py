"""REST API v1 for qualification planning: qualifications, roles and holders, the matrix,
evidence, and the network picture (network staff only).

Routes join the API blueprint of ``lms.api.views`` (same errors, limits and paging). Writes
go through ``lms.qualifications.records``; reads of people's status follow the company's
visibility profile like the matrix page, and land in the access log.
"""

from datetime import date

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lms.accounts.models import Membership, User
from lms.accounts.regions import REGIONS, SIZE_BANDS, UNKNOWN_BAND
from lms.api import serializers
from lms.api.auth import (
    ApiError,
    acting_manager,
    current_organisation,
    current_token,
    require_scope,
)
from lms.api.views import (
    MAX_ID,
    bp,
    check_query,
    int_arg,
    page_args,
    paginated,
)
from lms.companies.audit import record_access
from lms.companies.consent import consenting_user_ids
from lms.companies.visibility import fields_visible
from lms.db import utcnow
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import catalogue, network, records, roles, status
from lms.qualifications.evidence import AWAITING_KINDS
from lms.qualifications.models import Evidence, JobRole, Qualification, RoleHolder, RoleRequirement
from lms.unit_of_work import unit_of_work

# --- request bodies ----------------------------------------------------------------


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("Erwartet wird ein JSON-Objekt."))
    return body


def text_field(body: dict, name: str, *, required: bool = False, maximum: int = 200) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > maximum:
        raise ApiError(422, _("%(name)s ist ein Text mit höchstens %(max)s Zeichen.", name=name,
                              max=maximum), name)
    if "\x00" in value:
        raise ApiError(422, _("%(name)s enthält ein unzulässiges Zeichen.", name=name), name)
    return value


def int_field(body: dict, name: str, *, required: bool = False, minimum: int = 1,
              maximum: int = MAX_ID, nullable: bool = False) -> int | None:
    value = body.get(name)
    if value is None and (not required or nullable):
        return None
    if (not isinstance(value, int) or isinstance(value, bool)
            or not minimum <= value <= maximum):
        raise ApiError(422, _("%(name)s ist eine ganze Zahl von %(low)s bis %(high)s.",
                              name=name, low=minimum, high=maximum), name)
    return value


def date_field(body: dict, name: str, *, required: bool = False) -> date | None:
    value = body.get(name)
    if value is None and not required:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, _("%(name)s ist ein Datum (JJJJ-MM-TT).", name=name), name) from None


def levels_field(body: dict, required: bool) -> list[str] | None:
    levels = body.get("levels")
    if levels is None and not required:
        return None
    if (not isinstance(levels, list) or not 1 <= len(levels) <= 10
            or any(not isinstance(name, str) or not name.strip() or len(name) > 80
                   or "\x00" in name for name in levels)):
        raise ApiError(422, _("levels ist eine Liste von 1 bis 10 Stufennamen."), "levels")
    return levels


def requirements_field(body: dict) -> list[tuple[int, int]]:
    items = body.get("requirements", [])
    if not isinstance(items, list) or len(items) > 200:
        raise ApiError(422, _("requirements ist eine Liste von {qualification_id, level}."),
                       "requirements")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise ApiError(422, _("requirements ist eine Liste von {qualification_id, level}."),
                           "requirements")
        qualification_id = int_field(item, "qualification_id", required=True)
        level = int_field(item, "level", maximum=10) or 1
        result.append((qualification_id, level))
    return result


def path_id(value: int, message: str) -> int:
    if value > MAX_ID:
        raise ApiError(404, message)
    return value


# --- qualifications --------------------------------------------------------------------


def _visible_qualification(qualification_id: int) -> Qualification:
    qualification = db.session.get(Qualification, path_id(
        qualification_id, _("Diese Qualifikation gibt es nicht.")))
    if qualification is None or qualification.organisation_id not in (
            None, current_organisation().id):
        raise ApiError(404, _("Diese Qualifikation gibt es nicht."))
    return qualification


@bp.get("/qualifications")
@require_scope("qualifications:read")
def list_qualifications():
    check_query("listQualifications")
    page, per_page = page_args()
    query = select(Qualification).where(or_(
        Qualification.organisation_id.is_(None),
        Qualification.organisation_id == current_organisation().id))
    if request.args.get("archived") not in ("true", "1"):
        query = query.where(Qualification.archived.is_(False))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Qualification.title_de, Qualification.id)
                               .offset((page - 1) * per_page).limit(per_page))
    return paginated([serializers.qualification(item) for item in items], total, page, per_page)


@bp.get("/qualifications/<int:qualification_id>")
@require_scope("qualifications:read")
def show_qualification(qualification_id: int):
    return jsonify(serializers.qualification(_visible_qualification(qualification_id)))


@bp.post("/qualifications")
@require_scope("qualifications:write")
def create_qualification():
    body = json_body()
    title_de = text_field(body, "title_de", required=True)
    levels = levels_field(body, required=False) or ["Grundlagen"]
    title_en = text_field(body, "title_en") or ""
    description_de = text_field(body, "description_de", maximum=5000) or ""
    description_en = text_field(body, "description_en", maximum=5000) or ""
    validity_months = int_field(body, "validity_months", maximum=records.MAX_VALIDITY_MONTHS,
                                nullable=True)
    with unit_of_work(refusals=()):
        qualification = catalogue.create_qualification(
            acting_manager(), current_organisation(), title_de=title_de, title_en=title_en,
            description_de=description_de, levels=levels, validity_months=validity_months,
            rules=[], now=utcnow())
        qualification.description_en = description_en.strip()
    response = jsonify(serializers.qualification(qualification))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_qualification",
                                           qualification_id=qualification.id)
    return response


@bp.patch("/qualifications/<int:qualification_id>")
@require_scope("qualifications:write")
def update_qualification(qualification_id: int):
    qualification = _visible_qualification(qualification_id)
    body = json_body()
    changes = {}
    for name, maximum in (("title_de", 200), ("title_en", 200), ("description_de", 5000),
                          ("description_en", 5000)):
        if name in body:
            changes[name] = text_field(body, name, required=name == "title_de", maximum=maximum)
            if changes[name] is None:
                changes[name] = ""
    if "levels" in body:
        changes["levels"] = levels_field(body, required=True)
    if "validity_months" in body:
        changes["validity_months"] = int_field(
            body, "validity_months", maximum=records.MAX_VALIDITY_MONTHS, nullable=True)
    if "archived" in body:
        if not isinstance(body["archived"], bool):
            raise ApiError(422, _("archived ist true oder false."), "archived")
        changes["archived"] = body["archived"]
    with unit_of_work(refusals=()):
        records.change_qualification(acting_manager(), current_organisation(), qualification,
                                     changes, utcnow())
    return jsonify(serializers.qualification(qualification))


# --- roles and holders -------------------------------------------------------------------


def _own_role(role_id: int) -> JobRole:
    message = _("Diese Rolle gibt es in Ihrem Unternehmen nicht.")
    role = db.session.get(JobRole, path_id(role_id, message))
    if role is None or role.organisation_id != current_organisation().id:
        raise ApiError(404, message)
    return role


def _role_json(role: JobRole) -> dict:
    requirements = db.session.execute(
        select(RoleRequirement.qualification_id, Qualification.key, RoleRequirement.level)
        .join(Qualification, Qualification.id == RoleRequirement.qualification_id)
        .where(RoleRequirement.role_id == role.id).order_by(RoleRequirement.id)).all()
    return serializers.role(role, requirements)


@bp.get("/roles")
@require_scope("qualifications:read")
def list_roles():
    check_query("listRoles")
    page, per_page = page_args()
    query = select(JobRole).where(JobRole.organisation_id == current_organisation().id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = db.session.scalars(query.order_by(JobRole.name, JobRole.id)
                               .offset((page - 1) * per_page).limit(per_page))
    return paginated([_role_json(role) for role in found], total, page, per_page)


@bp.get("/roles/<int:role_id>")
@require_scope("qualifications:read")
def show_role(role_id: int):
    return jsonify(_role_json(_own_role(role_id)))


@bp.post("/roles")
@require_scope("qualifications:write")
def create_role():
    body = json_body()
    name = text_field(body, "name", required=True)
    description = text_field(body, "description", maximum=5000) or ""
    sso_department = text_field(body, "sso_department") or ""
    requirements = requirements_field(body)
    with unit_of_work(refusals=()):
        role = roles.create_role(acting_manager(), current_organisation(), name=name,
                                 description=description, sso_department=sso_department)
        records.replace_requirements(acting_manager(), current_organisation(), role,
                                     requirements)
    response = jsonify(_role_json(role))
    response.status_code = 201
    response.headers["Location"] = url_for("api.show_role", role_id=role.id)
    return response


@bp.put("/roles/<int:role_id>/requirements")
@require_scope("qualifications:write")
def replace_requirements(role_id: int):
    role = _own_role(role_id)
    requirements = requirements_field(json_body())
    with unit_of_work(refusals=()):
        records.replace_requirements(acting_manager(), current_organisation(), role,
                                     requirements)
    return jsonify(_role_json(role))


@bp.get("/roles/<int:role_id>/holders")
@require_scope("qualifications:read")
def list_holders(role_id: int):
    check_query("listRoleHolders")
    role = _own_role(role_id)
    page, per_page = page_args()
    query = (select(RoleHolder, User.name).join(User, User.id == RoleHolder.user_id)
             .where(RoleHolder.role_id == role.id))
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(RoleHolder.id).subquery()))
    found = db.session.execute(query.order_by(User.name, User.id)
                               .offset((page - 1) * per_page).limit(per_page))
    return paginated([serializers.holder(item, name) for item, name in found], total, page,
                     per_page)


@bp.post("/roles/<int:role_id>/holders")
@require_scope("qualifications:write")
def add_holder(role_id: int):
    role = _own_role(role_id)
    person_id = int_field(json_body(), "person_id", required=True)
    organisation = current_organisation()
    person = db.session.scalar(select(User).join(Membership).where(
        User.id == person_id, Membership.organisation_id == organisation.id))
    if person is None:
        raise ApiError(404, _("Diese Person gibt es in Ihrem Unternehmen nicht."), "person_id")
    with unit_of_work(refusals=()):
        added = roles.assign_role(acting_manager(), organisation, role, [person.id], utcnow())
    holder = db.session.scalar(select(RoleHolder).where(RoleHolder.role_id == role.id,
                                                        RoleHolder.user_id == person.id))
    response = jsonify(serializers.holder(holder, person.name))
    response.status_code = 201 if added else 200
    return response


@bp.delete("/roles/<int:role_id>/holders/<int:person_id>")
@require_scope("qualifications:write")
def remove_holder(role_id: int, person_id: int):
    role = _own_role(role_id)
    with unit_of_work(refusals=()):
        roles.remove_holder(acting_manager(), current_organisation(), role,
                            path_id(person_id, _("Diese Person hat die Rolle nicht.")))
    return "", 204


# --- the matrix -------------------------------------------------------------------------------


@bp.get("/matrix")
@require_scope("qualifications:read")
def show_matrix():
    check_query("getMatrix")
    page, per_page = page_args()
    wanted = request.args.get("status")
    if wanted is not None and wanted not in {str(value) for value in status.CellStatus}:
        raise ApiError(400, _("status ist einer von %(values)s.", values=", ".join(
            str(value) for value in status.STATUSES)), "status")
    filters = status.MatrixFilters(
        department_id=int_arg("department", None), role_id=int_arg("role", None),
        status=wanted, qualification_id=int_arg("qualification", None))
    organisation = current_organisation()
    now = utcnow()
    found = status.matrix(organisation, local_day(now), filters, viewer_role="manager",
                          page=page, per_page=per_page)
    rows = found.rows if found.page == page else []  # past the last page: nothing
    keys = {column.qualification.id: column.qualification.key for column in found.columns}
    items = [serializers.matrix_row(row, keys) for row in rows]
    with unit_of_work(refusals=()):
        record_access(acting_manager(), organisation, "api_qualification_matrix", now,
                      detail=f"page={page}, per_page={per_page}, results={len(items)}")
    return paginated(items, found.total, page, per_page)


# --- evidence ---------------------------------------------------------------------------------


def visible_people_condition(organisation):
    """SQL condition on ``Evidence.user_id``: members whose qualification status the
    company's visibility profile lets a manager see (consent where the profile asks it)."""
    members = select(Membership.user_id).where(Membership.organisation_id == organisation.id)
    if status.STATUS_FIELD in fields_visible("manager", False, organisation):
        return Evidence.user_id.in_(members)
    if status.STATUS_FIELD in fields_visible("manager", True, organisation):
        member_ids = list(db.session.scalars(members))
        return Evidence.user_id.in_(consenting_user_ids(member_ids, organisation.id) or [0])
    return Evidence.user_id.in_([0])


@bp.get("/evidence")
@require_scope("qualifications:read")
def list_evidence():
    check_query("listEvidence")
    page, per_page = page_args()
    organisation = current_organisation()
    query = select(Evidence).where(visible_people_condition(organisation))
    person_id = int_arg("person", None)
    if person_id is not None:
        query = query.where(Evidence.user_id == person_id)
    qualification_id = int_arg("qualification", None)
    if qualification_id is not None:
        query = query.where(Evidence.qualification_id == qualification_id)
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Evidence.id).subquery()))
    found = list(db.session.scalars(query.order_by(Evidence.id)
                                    .offset((page - 1) * per_page).limit(per_page)))
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({item.confirmed_by_id for item in found if item.confirmed_by_id}))).all())
    items = [serializers.evidence(item, names.get(item.confirmed_by_id)) for item in found]
    with unit_of_work(refusals=()):
        record_access(acting_manager(), organisation, "api_qualification_evidence", utcnow(),
                      detail=f"page={page}, results={len(items)}")
    return paginated(items, total, page, per_page)


@bp.post("/evidence")
@require_scope("qualifications:write")
def create_evidence():
    body = json_body()
    person_id = int_field(body, "person_id", required=True)
    qualification_id = int_field(body, "qualification_id", required=True)
    kind = body.get("kind")
    if kind not in AWAITING_KINDS:
        raise ApiError(422, _("kind ist external oder on_the_job."), "kind")
    level = int_field(body, "level", maximum=10) or 1
    issued_on = date_field(body, "issued_on", required=True)
    valid_until = date_field(body, "valid_until")
    note = text_field(body, "note", maximum=2000) or ""
    organisation = current_organisation()
    person = db.session.scalar(select(User).join(Membership).where(
        User.id == person_id, Membership.organisation_id == organisation.id))
    if person is None:
        raise ApiError(404, _("Diese Person gibt es in Ihrem Unternehmen nicht."), "person_id")
    qualification = db.session.get(Qualification, qualification_id)
    if qualification is None or qualification.organisation_id not in (None, organisation.id):
        raise ApiError(404, _("Diese Qualifikation gibt es nicht."), "qualification_id")
    now = utcnow()
    with unit_of_work(refusals=()):
        evidence = records.record_entered_evidence(
            acting_manager(), organisation, person, qualification, kind=kind, level=level,
            issued_on=issued_on, valid_until=valid_until, note=note, today=local_day(now),
            now=now)
        record_access(acting_manager(), organisation, "api_qualification_evidence", now,
                      subject=person, detail=f"created {kind} {qualification.key}")
    response = jsonify(serializers.evidence(evidence, None))
    response.status_code = 201
    return response


# --- the network picture -------------------------------------------------------------------------


@bp.get("/network/qualifications")
@require_scope("network:read")
def show_network_picture():
    check_query("getNetworkPicture")
    creator = current_token().created_by
    if not creator.is_network_staff:
        raise ApiError(403, _("Das Netzwerkbild gibt es nur mit Tokens des Netzwerk-Teams."))
    dimension = request.args.get("dimension", "all")
    if dimension not in network.DIMENSIONS:
        raise ApiError(400, _("dimension ist all, region oder size."), "dimension")
    region = request.args.get("region")
    if region is not None and region not in REGIONS:
        raise ApiError(400, _("Diese Region gibt es nicht."), "region")
    band = request.args.get("size")
    if band is not None and band not in [code for code, _lower, _label in SIZE_BANDS] + [
            UNKNOWN_BAND]:
        raise ApiError(400, _("Diese Größenklasse gibt es nicht."), "size")
    today = local_day(utcnow())
    picture = network.network_picture(today, network.NetworkFilter(
        dimension=dimension, region=region, size_band=band))
    return jsonify({
        "day": today.isoformat(), "dimension": dimension,
        "minimum_people": network.MIN_PEOPLE, "minimum_companies": network.MIN_COMPANIES,
        "withheld": picture.withheld,
        "items": [serializers.network_group(row) for row in picture.rows],
    })
