"""The alternate request syntax of xAPI 1.0.3 (Communication 1.3): ``POST ?method=PUT``.

Browsers that could not send custom headers (and long GET queries) put the method in the
query string and everything else in an ``application/x-www-form-urlencoded`` body: the
header fields listed in the spec, ``content``, and the query parameters. xAPI 2.0 removed
the syntax; the binding refuses it for 2.0 requests once the version is known.
"""

from flask import Request
from werkzeug.datastructures import Headers, MultiDict

from lms.lrs.incoming import XapiRequest
from lms.lrs.problems import RequestError

RULE = "Communication-1.3/alternate-request-syntax"
METHODS = frozenset({"GET", "PUT", "POST", "DELETE"})
#: Form fields the LRS treats as headers (1.3.s3.b6); Content-Length is recomputed.
HEADER_FIELDS = ("Authorization", "X-Experience-API-Version", "If-Match", "If-None-Match")
FORM_TYPE = "application/x-www-form-urlencoded"


def is_alternate(request: Request) -> bool:
    """A POST with a ``method`` query parameter (any other method with one is refused later)."""
    return request.method == "POST" and "method" in request.args


def parse(request: Request) -> XapiRequest:
    """Unpack an alternate-syntax request into the request it stands for.

    A form field that names a header is that header, also when the same header came as
    a real HTTP header (Communication 1.3, XAPI-00336): the form is what the client could
    control, a real header may come from a proxy or the browser. The form's Content-Type
    describes ``content`` (default ``application/json``).

    :raises RequestError: another query parameter besides ``method``, an unknown method,
        a body that is not form-encoded, or content that is not UTF-8 (400).
    """
    method = request.args["method"].upper()
    if method not in METHODS:
        raise RequestError(400, RULE, f"method must be GET, PUT, POST or DELETE, not {method!r}.")
    extra = [name for name in request.args if name != "method"]
    if extra:
        raise RequestError(
            400, RULE,
            f"with the alternate request syntax every parameter goes in the form; "
            f"found {extra[0]!r} in the query string.",
        )
    if request.mimetype != FORM_TYPE:
        raise RequestError(400, RULE, f"the alternate request syntax needs a {FORM_TYPE} body.")
    form = request.form
    headers = Headers(request.headers)
    for name in HEADER_FIELDS:
        if name in form:
            headers[name] = form[name]
    headers["Content-Type"] = form.get("Content-Type") or "application/json"
    headers.pop("Content-Length", None)
    params = MultiDict(
        [(name, value) for name, value in form.items(multi=True)
         if name not in ("content", "Content-Type", "Content-Length", *HEADER_FIELDS)]
    )
    content = form.get("content", "")
    return XapiRequest(
        method=method,
        params=params,
        headers=headers,
        read_body=lambda: content.encode("utf-8"),
        is_alternate=True,
    )
