"""The /xapi/ blueprint: request preparation, dispatch by effective method, errors as JSON.

Every request runs the same steps before its view: CORS preflight, body limit, the
alternate syntax (1.0.3), version negotiation, Basic authentication. Views are one
function per resource that dispatches on the effective method, because with the
alternate syntax a POST can stand for any method.
"""

import logging
from collections.abc import Callable

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from lms.db import utcnow
from lms.extensions import csrf, limiter
from lms.lrs import alternate_syntax, services
from lms.lrs.auth import authenticate, parse_basic
from lms.lrs.cors import add_cors_headers, preflight_response
from lms.lrs.embedded import platform_lrs
from lms.lrs.headers import (
    VERSION,
    add_xapi_headers,
    is_statement_resource,
    json_response,
    negotiate,
)
from lms.lrs.incoming import XapiRequest, from_request
from lms.lrs.problems import (
    STORE_KINDS,
    RequestError,
    error_body,
    from_request_error,
    from_store_error,
    from_xapi_error,
)
from lms.unit_of_work import discard
from xapi.errors import VersionError, XapiError
from xapi.store_errors import StoreError

log = logging.getLogger(__name__)

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
# Credentials travel in the Authorization header, never in cookies: no CSRF. IP-based
# rate limits would throttle every learner behind one company NAT: none here either.
csrf.exempt(bp)
limiter.exempt(bp)


@limiter.request_filter
def _is_lrs_request() -> bool:
    """Exempt before Flask-Limiter resolves any limit: ``exempt(bp)`` alone still lets it
    look up and filter the default limits on every request (≈ 0.2 ms each)."""
    return request.blueprint == bp.name

#: Routes accept every method; :func:`dispatch` answers 405 for those a resource lacks, so
#: an unsupported method on a known resource is not mistaken for an unknown resource.
METHODS = ["GET", "PUT", "POST", "DELETE"]
UNAUTHENTICATED = frozenset({"xapi.about", "xapi.unknown_resource"})


def current() -> XapiRequest:
    return g.xapi


def dispatch(handlers: dict[str, Callable[[XapiRequest], Response]]) -> Response:
    """Call the handler for the request's effective method (HEAD is GET without a body).

    :raises RequestError: the resource does not support the method (405).
    """
    x = current()
    method = "GET" if x.method == "HEAD" else x.method
    handler = handlers.get(method)
    if handler is None:
        allowed = sorted(handlers) + (["HEAD"] if "GET" in handlers else [])
        raise RequestError(
            405, "Communication-2/method-not-allowed",
            f"{x.method} is not supported by this resource.",
            headers={"Allow": ", ".join(allowed)},
        )
    return handler(x)


@bp.before_request
def prepare_request():
    if request.method == "OPTIONS":
        return preflight_response()
    limit = current_app.config["ATLAS_LRS_MAX_BODY"]
    request.max_content_length = limit
    request.max_form_memory_size = limit
    if request.endpoint in UNAUTHENTICATED or request.endpoint is None:
        return None
    if alternate_syntax.is_alternate(request):
        x = alternate_syntax.parse(request)
    else:
        x = from_request(request)
    try:
        x.version = negotiate(x.header(VERSION))
    except VersionError:
        # Still 400 (XAPI-00331), but answered in the version the credential speaks.
        g.xapi_version = _credential_version(x)
        raise
    if x.is_alternate and x.version != "1.0.3":
        raise RequestError(
            400, alternate_syntax.RULE,
            "xAPI 2.0 has no alternate request syntax; send the method, headers and "
            "parameters as a normal HTTP request.",
        )
    x.client = authenticate(x, utcnow())
    g.xapi = x
    return None


def _credential_version(x: XapiRequest) -> str | None:
    """The xAPI version of the client whose valid credentials the request carries, if any."""
    try:
        key, secret = parse_basic(x.header("Authorization"))
    except RequestError:
        return None
    client = services.authenticate_client(key, secret, utcnow())
    return client.xapi_version if client is not None else None


def _error_response(body: dict, status: int, headers: dict[str, str] | None = None) -> Response:
    discard()
    return json_response(body, status, headers)


@bp.errorhandler(RequestError)
def handle_request_error(error: RequestError):
    return _error_response(from_request_error(error), error.status, error.headers)


@bp.errorhandler(XapiError)
def handle_model_error(error: XapiError):
    return _error_response(from_xapi_error(error), 400)


@bp.errorhandler(StoreError)
def handle_store_error(error: StoreError):
    body, status = from_store_error(error)
    return _error_response(body, status)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    status = error.code or 500
    kind = STORE_KINDS.get(status, "error")
    message = {
        413: f"the request is larger than the LRS accepts "
        f"({current_app.config['ATLAS_LRS_MAX_BODY']} bytes).",
    }.get(status, error.description or kind)
    return _error_response(error_body(kind, message, rule=f"HTTP/{status}"), status)


@bp.errorhandler(Exception)
def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _error_response(
        error_body("internal error", "the LRS could not process the request; it was logged.",
                   rule="HTTP/500"),
        500,
    )


@bp.route("/<path:unknown>", methods=METHODS)
def unknown_resource(unknown: str):
    raise RequestError(
        404, "Communication-2/unknown-resource", f"there is no resource {unknown!r}."
    )


@bp.after_app_request
def finish_response(response: Response) -> Response:
    """CORS and xAPI headers on every /xapi/ response, errors and preflights included."""
    if request.path != "/xapi" and not request.path.startswith("/xapi/"):
        return response
    add_cors_headers(response)
    through = platform_lrs().consistent_through() if is_statement_resource() else None
    return add_xapi_headers(response, through)
