"""Domain errors and their rendering as HTML pages or JSON bodies.

Services raise these with a message meant for the user; views never let any
other exception reach a page or an API client as a stack trace.
"""

import logging

from flask import Flask, current_app, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base class: a problem the user can understand and usually fix."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailedError(DomainError):
    status_code = 400


class PermissionDeniedError(DomainError):
    status_code = 403


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


def wants_json() -> bool:
    """True when the client asked for JSON rather than a page."""
    if request.is_json or request.path.startswith(("/api/", "/xapi/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


TITLES = {
    400: lambda: _("Ungültige Anfrage"),
    403: lambda: _("Kein Zugriff"),
    404: lambda: _("Seite nicht gefunden"),
    405: lambda: _("Methode nicht erlaubt"),
    409: lambda: _("Konflikt"),
    413: lambda: _("Datei zu groß"),
    429: lambda: _("Zu viele Anfragen"),
    500: lambda: _("Interner Fehler"),
}

EXPLANATIONS = {
    400: lambda: _("Die Anfrage war unvollständig oder fehlerhaft. Bitte versuchen Sie es erneut."),
    403: lambda: _("Sie haben keine Berechtigung für diese Seite."),
    404: lambda: _("Diese Seite gibt es nicht (mehr). Prüfen Sie die Adresse."),
    405: lambda: _("Diese Aktion ist hier nicht möglich."),
    409: lambda: _("Die Daten wurden inzwischen geändert. Laden Sie die Seite neu."),
    413: lambda: _("Die hochgeladene Datei ist zu groß."),
    429: lambda: _("Zu viele Versuche in kurzer Zeit. Bitte warten Sie einen Moment."),
    500: lambda: _("Etwas ist schiefgelaufen. Wir wurden benachrichtigt; bitte später erneut."),
}


def render_error(status: int, message: str | None = None):
    """Render an error as JSON or as the bilingual error page."""
    title = TITLES.get(status, TITLES[500])()
    detail = message or EXPLANATIONS.get(status, EXPLANATIONS[500])()
    if wants_json():
        return {"error": title, "message": detail, "status": status}, status
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def redirect_without_trailing_slash():
    """A 308 to the address without its trailing slash when only the slash made a 404.

    Routes like ``/studio`` are declared without a slash; people type ``/studio/`` all the
    same. Only a routing miss of a GET/HEAD is answered, never a 404 a view raised.
    """
    path = request.path
    if (request.method not in ("GET", "HEAD") or request.url_rule is not None
            or len(path) < 2 or not path.endswith("/")):
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(path.rstrip("/"), method=request.method)
    except RequestRedirect:
        return None
    except (NotFound, MethodNotAllowed):
        return None
    query = request.query_string.decode("latin-1")
    target = request.script_root + path.rstrip("/") + (f"?{query}" if query else "")
    return redirect(target, code=308)


def register_error_handlers(app: Flask) -> None:
    """Map domain errors, HTTP errors and unexpected exceptions to responses."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = error.code or 500
        if code == 404 and (moved := redirect_without_trailing_slash()):
            return moved
        description = None if code in EXPLANATIONS else error.description
        if code == 400 and getattr(error, "description", None) and "CSRF" in error.description:
            description = _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.")
        response = render_error(code, description)
        if code == 429:
            body, status = response
            return body, status, {"Retry-After": "60"}
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
