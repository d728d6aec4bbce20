"""Cross-origin access to /xapi/: content in a browser on another origin talks to the LRS.

Credentials travel in the Authorization header, never in cookies, so any origin may call
(``*``); the preflight needs no credentials.
"""

from flask import Response

ALLOW_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOW_HEADERS = (
    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
    "Accept-Language"
)
EXPOSE_HEADERS = (
    "ETag, Last-Modified, X-Experience-API-Consistent-Through, X-Experience-API-Version, "
    "WWW-Authenticate"
)
MAX_AGE = "86400"


def add_cors_headers(response: Response) -> Response:
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


def preflight_response() -> Response:
    """204 answer to an OPTIONS preflight, for any resource below /xapi/."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    return add_cors_headers(response)
