"""xAPI as a library: statement model, validation, versions, vocabulary, attachments, signatures.

Pure Python on JSON values: no Flask, no LMS. Storage and querying live in
``xapi.lrs`` and ``xapi.store_sql``; signatures (``xapi.signature``) and
multipart bodies (``xapi.attachments``) are imported from their modules.
"""

from xapi.errors import (
    AttachmentError,
    SignatureError,
    StatementValidationError,
    VersionError,
    XapiError,
)
from xapi.validation import validate_statement, validate_statements
from xapi.versions import LATEST_VERSION, SUPPORTED_VERSIONS, negotiate_version

__all__ = [
    "LATEST_VERSION",
    "SUPPORTED_VERSIONS",
    "AttachmentError",
    "SignatureError",
    "StatementValidationError",
    "VersionError",
    "XapiError",
    "negotiate_version",
    "validate_statement",
    "validate_statements",
]
