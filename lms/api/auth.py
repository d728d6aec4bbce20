"""Bearer-token authentication, scopes and the API's JSON errors."""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from lms.accounts.models import Organisation, User
from lms.api.models import ApiToken
from lms.api.tokens import find_active_token, is_manager_of
from lms.db import utcnow
from lms.extensions import db

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error the API answers with ``{"error": {"code", "message", "field"}}``."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_body(status: int, message: str, field: str | None = None) -> dict:
    return {"error": {"code": ERROR_CODES.get(status, "error"), "message": message,
                      "field": field}}


def error_response(status: int, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None):
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ATLAS Campus API"'
    if status == 429:
        headers["Retry-After"] = "60"
    return error_body(status, message, field), status, headers


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Rate limits count per token (its public prefix), else per client address."""
    secret = bearer_secret()
    return f"api:{secret[:12]}" if secret else f"api-ip:{request.remote_addr}"


def current_token() -> ApiToken:
    return g.api_token


def current_organisation() -> Organisation:
    return g.api_token.organisation


def acting_manager() -> User:
    """The manager who created the token: the API acts with their rights."""
    return g.api_token.created_by


def require_scope(scope: str):
    """Allow requests with an active token that has ``scope``.

    401 without a token, or with an unknown, expired or revoked one, or when its creator
    is gone; 403 when the scope is missing or its creator is no longer a manager of the
    organisation.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            secret = bearer_secret()
            if secret is None:
                raise ApiError(401, _("Bitte melden Sie sich mit einem API-Token an "
                                      "(Authorization: Bearer …)."))
            token = find_active_token(secret, utcnow())
            if token is None or token.created_by is None:
                raise ApiError(401, _("Das API-Token ist ungültig, abgelaufen oder widerrufen."))
            if scope not in token.scope_list:
                raise ApiError(403, _("Dem Token fehlt die Berechtigung %(scope)s.", scope=scope))
            if not is_manager_of(token.created_by, token.organisation_id):
                raise ApiError(403, _("Die Person, die das Token angelegt hat, ist keine "
                                      "Führungskraft des Unternehmens mehr."))
            g.api_token = token
            db.session.flush()
            return view(*args, **kwargs)

        return wrapper

    return decorator
