"""xAPI headers: the version a request speaks, and the headers every response carries.

``X-Experience-API-Version`` is required on every request but /about (400 otherwise) and
echoed on every response: the negotiated version, or the latest one when the request had
none we serve. Every response of the Statement resource (GET, PUT, POST, errors included)
carries ``X-Experience-API-Consistent-Through``.
"""

from datetime import datetime
from typing import Any

from flask import Response, g, request
from werkzeug.http import http_date

from xapi import jsontext
from xapi.isotime import format_timestamp
from xapi.versions import LATEST_VERSION, negotiate_version

VERSION = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
STATEMENTS_PATH = "/xapi/statements"


def negotiate(header_value: str | None) -> str:
    """The version for this request; remembered so the response echoes it.

    :raises xapi.errors.VersionError: missing or unsupported (400).
    """
    version = negotiate_version(header_value)
    g.xapi_version = version
    return version


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON body as UTF-8, keys in their stored order (no sorting, no ASCII escapes)."""
    body = jsontext.dumps(value)
    response = Response(body, status=status, mimetype="application/json", headers=headers)
    response.charset = "utf-8"
    return response


def no_content(headers: dict[str, str] | None = None) -> Response:
    return Response(status=204, headers=headers)


def last_modified(value: datetime | None) -> dict[str, str]:
    """A Last-Modified header (HTTP-date) for ``value``, or nothing when there is none."""
    return {"Last-Modified": http_date(value)} if value is not None else {}


def is_statement_resource() -> bool:
    """Whether the request went to the Statement resource, whatever the method.

    The header belongs on every Statement resource response (XAPI-00157 and the 2.0
    suite check GET; Communication 2.1 names no method), so PUT and POST carry it too.
    """
    return request.path.rstrip("/") == STATEMENTS_PATH


def add_xapi_headers(response: Response, consistent_through: datetime | None) -> Response:
    """The version header on every /xapi/ response; Consistent-Through on the Statement resource."""
    response.headers[VERSION] = g.get("xapi_version") or LATEST_VERSION
    if consistent_through is not None:
        response.headers[CONSISTENT_THROUGH] = format_timestamp(consistent_through)
    return response
