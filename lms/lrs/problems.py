"""Errors of the HTTP binding and their JSON bodies: ``{"error", "rule", "pointer", "message"}``.

The xapi library raises its own errors (:class:`xapi.errors.XapiError` for invalid
statements, :class:`xapi.store_errors.StoreError` with a status for storage); the binding
adds :class:`RequestError` for what only HTTP knows (parameters, content types, auth).
Every one of them renders through :func:`error_body`, so API clients see one shape.
"""

from typing import Any

from xapi.errors import XapiError
from xapi.store_errors import StoreError

STORE_KINDS = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    412: "precondition failed",
    413: "request too large",
    500: "internal error",
}


class RequestError(Exception):
    """A request the binding refuses, with its status, a stable rule and a message."""

    def __init__(self, status: int, rule: str, message: str, *, pointer: str = "",
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.rule = rule
        self.message = message
        self.pointer = pointer
        self.headers = headers or {}


def error_body(kind: str, message: str, *, rule: str = "", pointer: str = "",
               **extra: Any) -> dict[str, Any]:
    return {"error": kind, "rule": rule, "pointer": pointer, "message": message, **extra}


def from_xapi_error(error: XapiError) -> dict[str, Any]:
    """400 body of a model error; keeps its rule and pointer (and a version error's reason)."""
    details = dict(error.to_dict())
    kind = details.pop("error")
    message = details.pop("message")
    rule = details.pop("rule", "")
    pointer = details.pop("pointer", "")
    if not rule and "reason" in details:
        rule = f"Communication-3.3/version-{details['reason']}"
    return error_body(kind, message, rule=rule, pointer=pointer, **details)


def from_store_error(error: StoreError) -> tuple[dict[str, Any], int]:
    status = error.status_code
    kind = STORE_KINDS.get(status, "error")
    return error_body(kind, error.message, rule=f"store/{kind.replace(' ', '-')}"), status


def from_request_error(error: RequestError) -> dict[str, Any]:
    return error_body(
        STORE_KINDS.get(error.status, "error"), error.message, rule=error.rule,
        pointer=error.pointer,
    )
