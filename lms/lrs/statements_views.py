"""The Statement resource: PUT one statement, POST a batch (all or nothing), GET statements."""

from typing import Any

from lms.extensions import db
from lms.lrs import binding
from lms.lrs.auth import require_scope
from lms.lrs.blueprint import METHODS, bp, dispatch
from lms.lrs.embedded import announce_stored, platform_authority, platform_lrs
from lms.lrs.headers import json_response, no_content
from lms.lrs.incoming import XapiRequest
from lms.lrs.problems import RequestError
from lms.lrs.scopes import STATEMENTS_WRITE
from lms.lrs.statements_read import get_statements
from lms.lrs.write_lock import serialized_writes
from lms.plugins import hooks
from lms.unit_of_work import unit_of_work
from xapi import jsontext
from xapi.agents import agent_key
from xapi.attachments import iter_attachments, parse_multipart, verify_attachments
from xapi.isotime import utcnow
from xapi.lrs import AttachmentData, StoreResult
from xapi.query import normalize_uuid
from xapi.signature import verify_signed_statement
from xapi.validation import validate_statement, validate_statements

WRITE_SCOPES = (STATEMENTS_WRITE,)
CONTENT_RULE = "Communication-1.5/statement-content-type"
JSON_RULE = "Communication-1.5.1/json"
VOIDING_RULE = "Data-2.3.2/voiding-authority"


@bp.route("/statements", methods=METHODS)
def statements():
    return dispatch({"GET": get_statements, "PUT": put_statement, "POST": post_statements})


def _load_json(body: bytes) -> Any:
    """The body's JSON; too deep, lone surrogates, NaN or broken JSON are 400 with a message."""
    try:
        return jsontext.loads(body.decode("utf-8"), what="the body")
    except UnicodeDecodeError as error:
        raise RequestError(400, JSON_RULE, f"the body is not valid UTF-8: {error}") from None
    except jsontext.JsonTextError as error:
        rule = JSON_RULE if error.rule == jsontext.SYNTAX_RULE else error.rule
        raise RequestError(400, rule, error.message, pointer=error.pointer) from None


def read_statements(x: XapiRequest) -> tuple[Any, tuple]:
    """The statement JSON of a PUT or POST and its attachment parts.

    :raises RequestError: another Content-Type than application/json or multipart/mixed,
        an empty body or invalid JSON (400).
    :raises xapi.errors.AttachmentError: a broken multipart body (400).
    """
    if x.media_type == "multipart/mixed":
        parsed = parse_multipart(x.body, x.content_type)
        return parsed.statements, parsed.parts
    if x.media_type != "application/json":
        raise RequestError(
            400, CONTENT_RULE,
            "statements must be sent as application/json, or as multipart/mixed with attachments.",
        )
    if not x.body.strip():
        raise RequestError(400, JSON_RULE, "the request has no statements in its body.")
    return _load_json(x.body), ()


def check_attachments(
    received: Any, batch: list[dict], parts: tuple, version: str
) -> dict[str, AttachmentData]:
    """Match attachment parts to attachment objects and verify signatures; the data to store.

    Called for application/json too: an attachment without fileUrl then has no part and
    is refused, and a signed statement whose signature was not sent is refused.
    """
    verify_attachments(received, parts)
    contents = {part.sha2: part.content for part in parts}
    in_batch = isinstance(received, list)
    for index, statement in enumerate(batch):
        verify_signed_statement(
            statement, contents, version=version, pointer=f"/{index}" if in_batch else ""
        )
    declared = {a["sha2"].lower(): a["contentType"] for _pointer, a in iter_attachments(received)}
    return {
        part.sha2: AttachmentData(
            sha2=part.sha2,
            content_type=part.content_type or declared.get(part.sha2, "application/octet-stream"),
            content=part.content,
        )
        for part in parts
    }


def refuse_foreign_voiding(x: XapiRequest, batch: list[dict]) -> None:
    """Refuse voiding statements whose target another authority stored.

    The LRS voids only a credential's own statements: a client could otherwise undo the
    platform's grading and rosters, or another tool's records.

    :raises RequestError: a target was stored by the platform or another client (403).
    """
    refused = platform_lrs().voiding_refused(db.session.connection(), batch, x.client.authority)
    if not refused:
        return
    target, owner = refused[0]
    if owner == agent_key(platform_authority()):
        message = (f"statement {target} was recorded by the platform (its player, grading or "
                   "rosters); only the platform may void it.")
    else:
        message = (f"statement {target} was stored by another credential; a client may void "
                   "only the statements it stored itself.")
    raise RequestError(403, VOIDING_RULE, message)


def check_received(x: XapiRequest, batch: list[dict], now) -> None:
    """A session token's binding, then the plugins' rules (cmi5), before anything is stored.

    :raises RequestError: a statement the token or a plugin's rules refuse (403).
    """
    binding.check_statements(x.client, batch)
    hooks().lms_lrs_statements_received(client=x.client, statements=batch, now=now)


def _after_store(result: StoreResult) -> None:
    """Tell plugins (the progress projection) about new statements, then commit."""
    with unit_of_work(refusals=()):
        announce_stored(result.statements, result.stored)


def put_statement(x: XapiRequest):
    """PUT statements?statementId=…: store one statement under that id; 204 (also for a resend).

    :raises RequestError: statementId missing (400).
    """
    require_scope(x, WRITE_SCOPES)
    params = x.single_params({"statementId"})
    if "statementId" not in params:
        raise RequestError(
            400, "Communication-2.1.1/statement-id-required",
            "PUT statements needs the statementId parameter; use POST to let the LRS assign ids.",
        )
    statement_id = normalize_uuid(params["statementId"], "statementId")
    received, parts = read_statements(x)
    if not isinstance(received, dict):
        raise RequestError(
            400, "Communication-2.1.1/single-statement",
            "PUT statements takes one statement object; POST a batch as an array.",
        )
    validate_statement(received, x.version, json_checked=True)
    data = check_attachments(received, [received], parts, x.version)
    with serialized_writes():
        refuse_foreign_voiding(x, [{**received, "id": statement_id}])
        now = utcnow()
        check_received(x, [{**received, "id": statement_id}], now)
        result = platform_lrs().put(
            db.session.connection(),
            statement_id,
            received,
            authority=x.client.authority,
            version=x.version,
            attachment_data=data,
            now=now,
        )
        _after_store(result)
    return no_content()


def post_statements(x: XapiRequest):
    """POST statements: one statement or an array, stored all or nothing; 200 with the ids."""
    require_scope(x, WRITE_SCOPES)
    x.single_params(())
    received, parts = read_statements(x)
    if isinstance(received, dict):
        validate_statement(received, x.version, json_checked=True)
        batch = [received]
    elif isinstance(received, list):
        validate_statements(received, x.version, json_checked=True)
        batch = received
    else:
        raise RequestError(
            400, "Communication-2.1.2/statements",
            "POST statements takes a statement object or an array of them.",
        )
    data = check_attachments(received, batch, parts, x.version)
    with serialized_writes():
        refuse_foreign_voiding(x, batch)
        now = utcnow()
        check_received(x, batch, now)
        result = platform_lrs().store(
            db.session.connection(),
            batch,
            authority=x.client.authority,
            version=x.version,
            attachment_data=data,
            now=now,
        )
        _after_store(result)
    return json_response(result.ids)
