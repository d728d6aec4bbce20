"""One xAPI request as the resource views see it, whichever syntax the client used.

With the alternate request syntax (1.0.3) the method, headers, parameters and content
travel in a form; :mod:`lms.lrs.alternate_syntax` unpacks them into the same object, so the
views never look at ``flask.request`` directly.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Request
from werkzeug.datastructures import Headers, MultiDict

from lms.lrs.problems import RequestError


@dataclass
class XapiRequest:
    """The effective method, parameters, headers and body of a request to /xapi/."""

    method: str
    params: MultiDict
    headers: Headers
    read_body: Callable[[], bytes]
    is_alternate: bool = False
    version: str = "2.0.0"
    client: Any = None
    _body: bytes | None = field(default=None, repr=False)

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = self.read_body()
        return self._body

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case (``application/json``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def single_params(self, allowed: Iterable[str]) -> dict[str, str]:
        """The parameters as a plain dict, refusing unknown and repeated ones.

        Names are case-sensitive: ``StatementId`` is not ``statementId`` (Communication
        3.2.s3.b8), so a wrongly cased name is an unknown parameter.

        :raises RequestError: an unknown or repeated parameter (400).
        """
        known = set(allowed)
        values: dict[str, str] = {}
        for name, items in self.params.lists():
            if name not in known:
                raise RequestError(
                    400, "Communication-3.2.s2.b1/unknown-parameter",
                    f"unknown parameter {name!r}; this resource takes "
                    f"{', '.join(sorted(known)) or 'no parameters'}.",
                )
            if len(items) > 1:
                raise RequestError(
                    400, "Communication-3.2/repeated-parameter", f"parameter {name!r} is repeated."
                )
            values[name] = items[0]
        return values


def from_request(request: Request) -> XapiRequest:
    """The request as sent, for the usual syntax."""
    return XapiRequest(
        method=request.method,
        params=request.args,
        headers=Headers(request.headers),
        read_body=lambda: request.get_data(cache=False),
    )
