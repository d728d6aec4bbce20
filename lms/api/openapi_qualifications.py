"""The qualification part of the OpenAPI document: schemas and paths, merged in openapi.py."""

from lms.accounts.regions import REGIONS, SIZE_BANDS, UNKNOWN_BAND

MAX_ID = 2**31 - 1
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DAY = {"type": "string", "format": "date"}
NULLABLE_DAY = {"type": ["string", "null"], "format": "date"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
CELL_STATUSES = ["valid", "expiring_30", "expiring_90", "expired", "missing", "in_progress"]
TEXT = {"type": "string", "maxLength": 200}
LONG_TEXT = {"type": "string", "maxLength": 5000}
LEVELS = {"type": "array", "minItems": 1, "maxItems": 10,
          "items": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": r"\S"},
          "description": "Names of the levels, lowest first; level numbers are 1..n."}
REQUIREMENTS = {"type": "array", "maxItems": 200, "items": {
    "type": "object", "required": ["qualification_id"],
    "properties": {"qualification_id": ID,
                   "level": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1}}}}


def _object(required: list[str], properties: dict, **extra) -> dict:
    return {"type": "object", "required": required, "additionalProperties": False,
            "properties": properties, **extra}


SCHEMAS = {
    "Qualification": _object(
        ["id", "key", "catalogue", "title_de", "title_en", "description_de", "description_en",
         "levels", "validity_months", "archived", "created_at"],
        {"id": {"type": "integer"}, "key": {"type": "string"},
         "catalogue": {"type": "boolean",
                       "description": "true: the network's catalogue (read-only here)."},
         "title_de": {"type": "string"}, "title_en": {"type": "string"},
         "description_de": {"type": "string"}, "description_en": {"type": "string"},
         "levels": {"type": "array", "items": {"type": "string"}},
         "validity_months": {"type": ["integer", "null"],
                             "description": "null: never expires."},
         "archived": {"type": "boolean"},
         "created_at": {"type": "string", "format": "date-time"}}),
    "NewQualification": {
        "type": "object", "required": ["title_de"],
        "description": "The key is made from the German title (unique in the company).",
        "properties": {
            "title_de": {**TEXT, "minLength": 1, "pattern": r"\S"}, "title_en": TEXT,
            "description_de": LONG_TEXT, "description_en": LONG_TEXT, "levels": LEVELS,
            "validity_months": {"type": ["integer", "null"], "minimum": 1, "maximum": 240}}},
    "QualificationChange": {
        "type": "object",
        "description": "Only the fields given change. Levels may be renamed and added, "
                       "not removed.",
        "properties": {
            "title_de": {**TEXT, "minLength": 1, "pattern": r"\S"}, "title_en": TEXT,
            "description_de": LONG_TEXT, "description_en": LONG_TEXT, "levels": LEVELS,
            "validity_months": {"type": ["integer", "null"], "minimum": 1, "maximum": 240},
            "archived": {"type": "boolean"}}},
    "Role": _object(
        ["id", "name", "description", "sso_department", "requirements"],
        {"id": {"type": "integer"}, "name": {"type": "string"},
         "description": {"type": "string"},
         "sso_department": {"type": "string",
                            "description": "Members of this department (SSO claim or "
                                           "membership) hold the role."},
         "requirements": {"type": "array", "items": _object(
             ["qualification_id", "qualification_key", "level"],
             {"qualification_id": {"type": "integer"},
              "qualification_key": {"type": "string"},
              "level": {"type": "integer"}})}}),
    "NewRole": {
        "type": "object", "required": ["name"],
        "properties": {"name": {**TEXT, "minLength": 1, "pattern": r"\S"},
                       "description": LONG_TEXT, "sso_department": TEXT,
                       "requirements": REQUIREMENTS}},
    "Requirements": {"type": "object", "required": ["requirements"],
                     "properties": {"requirements": REQUIREMENTS}},
    "RoleHolder": _object(
        ["person_id", "name", "source", "assigned_at"],
        {"person_id": {"type": "integer"}, "name": {"type": "string"},
         "source": {"type": "string", "enum": ["manual", "csv", "sso"]},
         "assigned_at": {"type": "string", "format": "date-time"}}),
    "NewRoleHolder": {"type": "object", "required": ["person_id"],
                      "properties": {"person_id": ID}},
    "MatrixRow": _object(
        ["person_id", "name", "department", "roles", "cells"],
        {"person_id": {"type": "integer"}, "name": {"type": "string"},
         "department": {"type": ["string", "null"]},
         "roles": {"type": "array", "items": {"type": "string"}},
         "cells": {"type": "array", "items": _object(
             ["qualification_id", "qualification_key", "level", "status", "valid_until",
              "hidden"],
             {"qualification_id": {"type": "integer"},
              "qualification_key": {"type": "string"},
              "level": {"type": "integer"},
              "status": {"type": ["string", "null"], "enum": [*CELL_STATUSES, None]},
              "valid_until": NULLABLE_DAY,
              "hidden": {"type": "boolean",
                         "description": "true: the company's visibility profile withholds "
                                        "this person's status (status is null)."}})}}),
    "Evidence": _object(
        ["id", "person_id", "qualification_id", "level", "kind", "course", "issued_on",
         "valid_until", "counts", "confirmed_at", "confirmed_by", "note", "created_at",
         "revoked_at"],
        {"id": {"type": "integer"}, "person_id": {"type": "integer"},
         "qualification_id": {"type": "integer"}, "level": {"type": "integer"},
         "kind": {"type": "string",
                  "enum": ["course", "module", "session", "external", "on_the_job"]},
         "course": {"type": ["string", "null"]}, "issued_on": DAY, "valid_until": NULLABLE_DAY,
         "counts": {"type": "boolean",
                    "description": "Whether it proves the qualification (not revoked, "
                                   "confirmed by a named person where needed)."},
         "confirmed_at": NULLABLE_TIME, "confirmed_by": {"type": ["string", "null"]},
         "note": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
         "revoked_at": NULLABLE_TIME}),
    "NewEvidence": {
        "type": "object", "required": ["person_id", "qualification_id", "kind", "issued_on"],
        "properties": {
            "person_id": ID, "qualification_id": ID,
            "kind": {"type": "string", "enum": ["external", "on_the_job"]},
            "level": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
            "issued_on": DAY,
            "valid_until": {**NULLABLE_DAY,
                            "description": "Last day it counts; default: issued_on plus the "
                                           "qualification's validity."},
            "note": {"type": "string", "maxLength": 2000}}},
    "NetworkGroup": _object(
        ["qualification_key", "title_de", "title_en", "group", "people", "companies",
         "required", "valid", "expiring_30", "expiring_90", "expired", "missing"],
        {"qualification_key": {"type": "string"}, "title_de": {"type": "string"},
         "title_en": {"type": "string"},
         "group": {"type": "string", "description": "all, a region, or a size band code."},
         **{name: {"type": "integer", "minimum": 0} for name in (
             "people", "companies", "required", "valid", "expiring_30", "expiring_90",
             "expired", "missing")}}),
    "NetworkPicture": _object(
        ["day", "dimension", "minimum_people", "minimum_companies", "withheld", "items"],
        {"day": DAY, "dimension": {"type": "string", "enum": ["all", "region", "size"]},
         "minimum_people": {"type": "integer"}, "minimum_companies": {"type": "integer"},
         "withheld": {"type": "integer", "minimum": 0,
                      "description": "Groups not shown: fewer than minimum_people people or "
                                     "minimum_companies companies."},
         "items": {"type": "array", "items": {"$ref": "#/components/schemas/NetworkGroup"}}}),
}


def paths(secured, ok, error_response, errors, page_parameters) -> dict:
    """The paths, built with openapi.py's helpers so both halves read alike."""

    def query(name, schema, description=""):
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": schema}

    def path(name):
        return {"name": name, "in": "path", "required": True, "schema": ID}

    def body(schema):
        return {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{schema}"}}}}

    not_found = error_response("Not found in the token's company (or the catalogue).")
    invalid = error_response("Invalid body (`field` names it).")
    read, write = "qualifications:read", "qualifications:write"
    return {
        "/qualifications": {
            "get": secured(read, {
                "operationId": "listQualifications",
                "summary": "The network's catalogue and the company's own qualifications",
                "parameters": [*page_parameters, query(
                    "archived", {"type": "string", "enum": ["true", "false"]},
                    "true: include archived ones.")],
                "responses": {"200": ok("QualificationList", "A page of qualifications.",
                                        paged=True), **errors}}),
            "post": secured(write, {
                "operationId": "createQualification",
                "summary": "Add a qualification of the company's own",
                "requestBody": body("NewQualification"),
                "responses": {"201": ok("Qualification", "The qualification."),
                              "422": invalid, **errors}}),
        },
        "/qualifications/{qualification_id}": {
            "get": secured(read, {
                "operationId": "getQualification", "summary": "One qualification",
                "parameters": [path("qualification_id")],
                "responses": {"200": ok("Qualification", "The qualification."),
                              "404": not_found, **errors}}),
            "patch": secured(write, {
                "operationId": "updateQualification",
                "summary": "Change a qualification of the company's own",
                "description": "Qualifications of the network's catalogue answer 403.",
                "parameters": [path("qualification_id")],
                "requestBody": body("QualificationChange"),
                "responses": {"200": ok("Qualification", "The qualification."),
                              "404": not_found, "422": invalid, **errors}}),
        },
        "/roles": {
            "get": secured(read, {
                "operationId": "listRoles", "summary": "The company's role profiles",
                "parameters": [*page_parameters],
                "responses": {"200": ok("RoleList", "A page of roles.", paged=True),
                              **errors}}),
            "post": secured(write, {
                "operationId": "createRole",
                "summary": "Add a role profile with its required qualifications",
                "requestBody": body("NewRole"),
                "responses": {"201": ok("Role", "The role."), "422": invalid, **errors}}),
        },
        "/roles/{role_id}": {"get": secured(read, {
            "operationId": "getRole", "summary": "One role profile",
            "parameters": [path("role_id")],
            "responses": {"200": ok("Role", "The role."), "404": not_found, **errors}})},
        "/roles/{role_id}/requirements": {"put": secured(write, {
            "operationId": "replaceRoleRequirements",
            "summary": "Set the role's required qualifications and levels",
            "parameters": [path("role_id")], "requestBody": body("Requirements"),
            "responses": {"200": ok("Role", "The role."), "404": not_found, "422": invalid,
                          **errors}})},
        "/roles/{role_id}/holders": {
            "get": secured(read, {
                "operationId": "listRoleHolders", "summary": "Who holds the role",
                "parameters": [path("role_id"), *page_parameters],
                "responses": {"200": ok("RoleHolderList", "A page of holders.", paged=True),
                              "404": not_found, **errors}}),
            "post": secured(write, {
                "operationId": "addRoleHolder",
                "summary": "Give a member the role (200 if they already hold it)",
                "parameters": [path("role_id")], "requestBody": body("NewRoleHolder"),
                "responses": {"200": ok("RoleHolder", "Already a holder."),
                              "201": ok("RoleHolder", "The new holder."),
                              "404": not_found, "422": invalid, **errors}}),
        },
        "/roles/{role_id}/holders/{person_id}": {"delete": secured(write, {
            "operationId": "removeRoleHolder", "summary": "Take the role from a member",
            "parameters": [path("role_id"), path("person_id")],
            "responses": {"204": {"description": "Removed."}, "404": not_found, **errors}})},
        "/matrix": {"get": secured(read, {
            "operationId": "getMatrix",
            "summary": "People holding roles × required qualifications, with status",
            "description": "The same rows as the matrix page: the company's visibility "
                           "profile applies (withheld cells are `hidden`), and each call is "
                           "written to the access log the employees read.",
            "parameters": [
                *page_parameters,
                query("department", ID, "Department id."), query("role", ID, "Role id."),
                query("qualification", ID, "Qualification id: only this column."),
                query("status", {"type": "string", "enum": CELL_STATUSES},
                      "Rows with at least one cell of this status."),
            ],
            "responses": {"200": ok("MatrixRowList", "A page of rows.", paged=True),
                          **errors}})},
        "/evidence": {
            "get": secured(read, {
                "operationId": "listEvidence",
                "summary": "Evidence of members whose status the visibility profile shows",
                "parameters": [*page_parameters, query("person", ID),
                               query("qualification", ID)],
                "responses": {"200": ok("EvidenceList", "A page of evidence.", paged=True),
                              **errors}}),
            "post": secured(write, {
                "operationId": "createEvidence",
                "summary": "Record external or on-the-job evidence, awaiting confirmation",
                "description": "It counts only once a named person confirms it in ATLAS "
                               "Campus (`counts` false until then).",
                "requestBody": body("NewEvidence"),
                "responses": {"201": ok("Evidence", "The evidence."), "404": not_found,
                              "422": invalid, **errors}}),
        },
        "/network/qualifications": {"get": secured("network:read", {
            "operationId": "getNetworkPicture",
            "summary": "Required qualifications across member companies (network staff)",
            "description": "Counts per qualification and group; groups with fewer than 5 "
                           "people or 3 companies are withheld and only counted. Tokens "
                           "created by someone not of the network's staff answer 403.",
            "parameters": [
                query("dimension", {"type": "string", "enum": ["all", "region", "size"],
                                    "default": "all"}),
                query("region", {"type": "string", "enum": list(REGIONS)}),
                query("size", {"type": "string", "enum": [
                    *(code for code, _lower, _label in SIZE_BANDS), UNKNOWN_BAND]}),
            ],
            "responses": {"200": ok("NetworkPicture", "The picture."), **errors}})},
    }
