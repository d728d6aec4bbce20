"""The xAPI versions we serve, and the mapping of a version header to the rules that apply."""

import re
from typing import Literal

from xapi.errors import VersionError

Version = Literal["1.0.3", "2.0.0"]

#: Every rule set the validator knows, oldest first. Also the values the LRS
#: sends back in X-Experience-API-Version: the latest patch of each line.
SUPPORTED_VERSIONS: tuple[Version, ...] = ("1.0.3", "2.0.0")
LATEST_VERSION: Version = "2.0.0"

_HEADER = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")

# Statement "version" property. 1.0.3 (Data 2.4.10.s3): MUST accept versions
# starting with "1.0.", MUST reject others; the conformance suite (XAPI-00101)
# also accepts "1.0". 2.0 keeps accepting 1.0.x statements: they conform to the
# same data model, and statements relayed from a 1.0.x LRS keep their version.
_STATEMENT_VERSION = {
    "1.0.3": re.compile(r"1\.0(?:\.(?:0|[1-9]\d*))?"),
    "2.0.0": re.compile(r"(?:1|2)\.0(?:\.(?:0|[1-9]\d*))?"),
}


def negotiate_version(header_value: str | None) -> Version:
    """Pick the rule set for a request from its X-Experience-API-Version header.

    ``1.0`` and ``1.0.x`` follow the 1.0.3 rules (Communication 3.3.s3.b3, b5);
    ``2.0`` and ``2.0.x`` follow 2.0.0. The return value doubles as the header
    value to send back.

    :raises VersionError: when the header is missing, malformed, older than
        1.0.0 (0.9, 0.95) or newer than we serve (1.1.0, 3.0).
    """
    if header_value is None or not header_value.strip():
        raise VersionError("missing", "The X-Experience-API-Version header is required.")
    value = header_value.strip()
    match = _HEADER.fullmatch(value)
    if match:
        major, minor = match.group(1), match.group(2)
        if (major, minor) == ("1", "0"):
            return "1.0.3"
        if (major, minor) == ("2", "0"):
            return "2.0.0"
    raise VersionError(
        "unsupported",
        f"X-Experience-API-Version {value!r} is not supported; use 1.0.x or 2.0.x.",
    )


def is_statement_version(value: str, version: Version) -> bool:
    """Whether a statement's own ``version`` property is acceptable under ``version`` rules."""
    return _STATEMENT_VERSION[version].fullmatch(value) is not None
