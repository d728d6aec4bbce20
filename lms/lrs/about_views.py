"""The About resource: the versions this LRS speaks. Open to everyone, no version header needed."""

from flask import request

from lms.lrs.blueprint import METHODS, bp
from lms.lrs.headers import json_response
from lms.lrs.problems import RequestError
from xapi.versions import SUPPORTED_VERSIONS


@bp.route("/about", methods=METHODS)
def about():
    if request.method not in ("GET", "HEAD"):
        raise RequestError(
            405, "Communication-2.8/about", "the About resource only answers GET.",
            headers={"Allow": "GET, HEAD"},
        )
    return json_response({"version": list(SUPPORTED_VERSIONS)})
