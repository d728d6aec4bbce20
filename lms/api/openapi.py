"""The OpenAPI 3.1 document of /api/v1, built in code next to the views it describes.

tests/lms/api/test_openapi.py runs schemathesis against the app with this document, so
a change to a view that the document does not follow fails the tests.
"""

from functools import cache

from lms.api import openapi_qualifications as qualification_api
from lms.api.models import SCOPES
from lms.companies.exports.rows import STATUSES

MAX_ID = 2**31 - 1


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


ERRORS = {
    "400": _error_response("Invalid parameter (`field` names it)."),
    "401": _error_response("No token, or an unknown, expired or revoked one."),
    "403": _error_response("The token lacks the scope, or its creator is no manager any more."),
    "429": _error_response("Rate limit exceeded; see `Retry-After`."),
}

PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "required": False, "description": "Page number, from 1.",
     "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}},
    {"name": "per_page", "in": "query", "required": False, "description": "Items per page.",
     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]

PAGE_HEADERS = {
    "Link": {"description": "RFC 8288 links: first, prev, next, last.",
             "schema": {"type": "string"}},
    "X-Total-Count": {"description": "Number of items matching the filters.",
                      "schema": {"type": "string"}},
}

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
#: A query value must say something: empty (or blank) values are refused with 400.
TEXT_PARAMETER = {"type": "string", "minLength": 1, "pattern": r"\S"}
#: ``2026-05-01`` (midnight UTC) or an RFC 3339 date-time.
MOMENT = [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]


def _list_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        },
    }


def _ok(schema: str, description: str, paged: bool = False) -> dict:
    response = {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    if paged:
        response["headers"] = PAGE_HEADERS
    return response


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string", "examples": ["not_found"]},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
            },
        }},
    },
    "Person": {
        "type": "object",
        "required": ["id", "name", "email", "department_id", "department", "personnel_number",
                     "role"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": ["string", "null"], "format": "email",
                      "description": "null for an account without e-mail (shop floor)."},
            "department_id": {"type": ["integer", "null"]},
            "department": {"type": ["string", "null"]},
            "personnel_number": {"type": "string"},
            "role": {"type": "string", "enum": ["employee", "manager", "works_council"]},
        },
    },
    "Assignment": {
        "type": "object",
        "description": "An enrolment of a member on a course (assigned by the company or "
                       "self-chosen, see `source`).",
        "required": ["id", "person_id", "course", "course_title", "status", "source", "due_at",
                     "enrolled_at", "withdrawn_at"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "person_id": {"type": "integer"},
            "course": {"type": "string", "description": "Course identifier (slug)."},
            "course_title": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "withdrawn"]},
            "source": {"type": "string", "enum": ["self", "assigned"]},
            "due_at": NULLABLE_TIME,
            "enrolled_at": {"type": "string", "format": "date-time"},
            "withdrawn_at": NULLABLE_TIME,
        },
    },
    "NewAssignment": {
        "type": "object",
        "required": ["person_id", "course"],
        "properties": {
            "person_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "course": {"type": "string", "minLength": 1, "examples": ["e-mobility"]},
            "due_at": {"anyOf": [*MOMENT, {"type": "string", "maxLength": 0}, {"type": "null"}],
                       "description": "Due day (ISO 8601 date, or a date-time read as its Berlin "
                                      "day; today or later); null or an empty string: no due date. "
                                      "Answers give the end of that day in Berlin."},
        },
    },
    "Completion": {
        "type": "object",
        "description": "What a company sees of one enrolment: status, dates, hours and "
                       "certificate. Never scores, attempts or time on task.",
        "required": ["assignment_id", "person_id", "name", "email", "personnel_number",
                     "department", "course", "course_slug", "status", "enrolled_at", "due_at",
                     "completed_at", "hours_self_paced", "hours_synchronous",
                     "certificate_number", "certificate_status"],
        "additionalProperties": False,
        "properties": {
            "assignment_id": {"type": "integer"},
            "person_id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string", "description": "Empty for an account without e-mail."},
            "personnel_number": {"type": "string"},
            "department": {"type": "string"},
            "course": {"type": "string", "description": "Course title."},
            "course_slug": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "enrolled_at": {"type": "string", "format": "date-time"},
            "due_at": NULLABLE_TIME,
            "completed_at": NULLABLE_TIME,
            "hours_self_paced": {"type": "number", "minimum": 0},
            "hours_synchronous": {"type": "number", "minimum": 0},
            "certificate_number": {"type": ["string", "null"]},
            "certificate_status": {"type": ["string", "null"],
                                   "enum": ["valid", "expiring", "expired", "revoked",
                                            "superseded", None]},
        },
    },
}
SCHEMAS["PersonList"] = _list_schema("Person")
SCHEMAS["AssignmentList"] = _list_schema("Assignment")
SCHEMAS["CompletionList"] = _list_schema("Completion")
SCHEMAS.update(qualification_api.SCHEMAS)
for _item in ("Qualification", "Role", "RoleHolder", "MatrixRow", "Evidence"):
    SCHEMAS[f"{_item}List"] = _list_schema(_item)


def _secured(scope: str, operation: dict) -> dict:
    operation["security"] = [{"bearerAuth": []}]
    operation["description"] = (operation.get("description", "") + f"\n\nScope: `{scope}`.")
    operation["x-scope"] = scope
    return operation


def document() -> dict:
    """The OpenAPI 3.1 document (servers relative, so it fits any host)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ATLAS Campus API",
            "version": "1.0.0",
            "description": "People, assignments and completion records of one company, "
                           "its qualifications, role profiles, qualification matrix and "
                           "evidence, for HR systems; and the network's aggregated picture "
                           "of qualifications for the network's staff. Authenticate with "
                           "`Authorization: Bearer <token>`; "
                           "managers create tokens at /company/api-tokens. Scores are never "
                           "part of this API. Each query parameter may be given once and "
                           "not empty; otherwise the answer is 400 naming it.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Scopes: " + ", ".join(SCOPES)}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/people": {"get": _secured("people:read", {
                "operationId": "listPeople",
                "summary": "Members of the organisation",
                "parameters": [*PAGE_PARAMETERS, {
                    "name": "department", "in": "query", "required": False,
                    "description": "Department id.", "schema": ID_PARAMETER}],
                "responses": {"200": _ok("PersonList", "A page of people.", paged=True),
                              **ERRORS},
            })},
            "/people/{person_id}": {"get": _secured("people:read", {
                "operationId": "getPerson",
                "summary": "One member",
                "parameters": [{"name": "person_id", "in": "path", "required": True,
                                "schema": ID_PARAMETER}],
                "responses": {"200": _ok("Person", "The person."),
                              "404": _error_response("No such member of the organisation."),
                              **ERRORS},
            })},
            "/assignments": {
                "get": _secured("assignments:read", {
                    "operationId": "listAssignments",
                    "summary": "Enrolments of the organisation's members",
                    "parameters": [
                        *PAGE_PARAMETERS,
                        {"name": "person", "in": "query", "required": False,
                         "schema": ID_PARAMETER},
                        {"name": "course", "in": "query", "required": False,
                         "description": "Course identifier (slug).", "schema": TEXT_PARAMETER},
                        {"name": "source", "in": "query", "required": False,
                         "schema": {"type": "string", "enum": ["self", "assigned"]}},
                    ],
                    "responses": {"200": _ok("AssignmentList", "A page of assignments.",
                                             paged=True), **ERRORS},
                }),
                "post": _secured("assignments:write", {
                    "operationId": "createAssignment",
                    "summary": "Assign a course to a member, optionally with a due date",
                    "description": "Idempotent for an active enrolment: it becomes an "
                                   "assignment with the given due date.",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/NewAssignment"}}}},
                    "responses": {
                        "201": _ok("Assignment", "The assignment."),
                        "404": _error_response("No such member or course."),
                        "422": _error_response("Invalid body (`field` names it)."),
                        **ERRORS,
                    },
                }),
            },
            "/completions": {"get": _secured("completions:read", {
                "operationId": "listCompletions",
                "summary": "Completion records (status, dates, hours, certificate)",
                "parameters": [
                    *PAGE_PARAMETERS,
                    {"name": "course", "in": "query", "required": False,
                     "description": "Course identifier (slug).", "schema": TEXT_PARAMETER},
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(STATUSES)}},
                    {"name": "completed_after", "in": "query", "required": False,
                     "description": "Completed at or after (ISO 8601 date or date-time).",
                     "schema": {"anyOf": MOMENT}},
                    {"name": "completed_before", "in": "query", "required": False,
                     "description": "Completed before (ISO 8601 date or date-time).",
                     "schema": {"anyOf": MOMENT}},
                    {"name": "department", "in": "query", "required": False,
                     "description": "Department id.", "schema": ID_PARAMETER},
                ],
                "responses": {
                    "200": _ok("CompletionList", "A page of completion records.", paged=True),
                    **ERRORS,
                },
            })},
            **qualification_api.paths(_secured, _ok, _error_response, ERRORS, PAGE_PARAMETERS),
        },
    }


@cache
def query_parameters(operation_id: str) -> tuple[str, ...]:
    """The names of the query parameters the document gives ``operation_id``."""
    for path in document()["paths"].values():
        for operation in path.values():
            if operation["operationId"] == operation_id:
                return tuple(parameter["name"] for parameter in operation.get("parameters", ())
                             if parameter["in"] == "query")
    raise KeyError(operation_id)
