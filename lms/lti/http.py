"""Plain HTTP to a platform (its keys, token endpoint, grade service, registration endpoint).

``urllib`` with a timeout; only http(s) URLs; answers read up to 1 MiB. Every failure
becomes :class:`PlatformError` with a message a person can act on.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from flask_babel import gettext as _

from lms.errors import ValidationFailedError

log = logging.getLogger(__name__)

TIMEOUT = 10
LIMIT = 1024 * 1024


class PlatformError(ValidationFailedError):
    """The platform answered something we cannot use, or not at all."""


def request_json(url: str, *, method: str = "GET", body: bytes | None = None,
                 headers: dict | None = None) -> dict:
    """Send one request; return the JSON answer (``{}`` for an empty body).

    :raises PlatformError: not http(s), unreachable, an error status or no JSON.
    """
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise PlatformError(_("Die Adresse der Plattform ist ungültig: %(url)s", url=url))
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            data = response.read(LIMIT)
    except urllib.error.HTTPError as error:
        error.close()
        log.warning("LTI platform %s %s answered %s", method, url, error.code)
        raise PlatformError(_("Die Plattform hat mit %(status)s geantwortet (%(url)s).",
                              status=error.code, url=url)) from error
    except OSError as error:
        log.warning("LTI platform %s unreachable: %s", url, error)
        raise PlatformError(_("Die Plattform ist nicht erreichbar: %(url)s", url=url)) from error
    if not data.strip():
        return {}
    try:
        answer = json.loads(data)
    except ValueError as error:
        raise PlatformError(_("Die Plattform hat kein JSON geschickt (%(url)s).", url=url)
                            ) from error
    if not isinstance(answer, dict):
        raise PlatformError(_("Die Plattform hat kein JSON-Objekt geschickt (%(url)s).",
                              url=url))
    return answer


def post_form(url: str, fields: dict) -> dict:
    return request_json(url, method="POST", body=urllib.parse.urlencode(fields).encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})


def post_json(url: str, document: dict, content_type: str = "application/json",
              token: str = "") -> dict:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return request_json(url, method="POST", body=json.dumps(document).encode(), headers=headers)
