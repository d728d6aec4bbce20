"""State, Activity Profile and Agent Profile documents: ETag concurrency, JSON merge on POST."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from xapi import jsontext
from xapi.activities import require_activity_iri
from xapi.agents import require_agent_key
from xapi.query import normalize_uuid
from xapi.store_errors import BadRequestError, ConflictError, NotFoundError, PreconditionFailedError
from xapi.store_sql import documents, insert_ignore

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"
KINDS = (STATE, ACTIVITY_PROFILE, AGENT_PROFILE)
UNIQUE_KEY = ["kind", "activity_id", "agent_key", "registration", "doc_id"]


@dataclass(frozen=True)
class DocumentKey:
    """Where a document lives; parts a resource does not use are ''."""

    kind: str
    doc_id: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""

    def where(self) -> list:
        return [documents.c[name] == getattr(self, name) for name in UNIQUE_KEY]


@dataclass(frozen=True)
class Document:
    """A stored document; ``etag`` is quoted, ready for the ETag header."""

    content: bytes
    content_type: str
    etag: str
    updated: datetime


@dataclass(frozen=True)
class DocumentIds:
    """The answer to a multiple-document GET: ids, and the newest ``updated`` among them."""

    ids: list[str]
    last_modified: datetime | None


def _required(value: str | None, name: str) -> str:
    if not value:
        raise BadRequestError(f"{name} is required")
    return value


def state_key(
    activity_id: str | None, agent: Any, state_id: str | None, registration: str | None = None
) -> DocumentKey:
    """The key of a State document.

    :raises BadRequestError: a required parameter is missing or malformed.
    """
    return DocumentKey(
        kind=STATE,
        doc_id=_required(state_id, "stateId"),
        activity_id=require_activity_iri(activity_id),
        agent_key=require_agent_key(agent),
        registration=normalize_uuid(registration, "registration") if registration else "",
    )


def activity_profile_key(activity_id: str | None, profile_id: str | None) -> DocumentKey:
    """The key of an Activity Profile document."""
    return DocumentKey(
        kind=ACTIVITY_PROFILE,
        doc_id=_required(profile_id, "profileId"),
        activity_id=require_activity_iri(activity_id),
    )


def agent_profile_key(agent: Any, profile_id: str | None) -> DocumentKey:
    """The key of an Agent Profile document."""
    return DocumentKey(
        kind=AGENT_PROFILE,
        doc_id=_required(profile_id, "profileId"),
        agent_key=require_agent_key(agent),
    )


def etag_of(content: bytes) -> str:
    """The quoted SHA-1 hex digest of ``content`` (Communication 3.1)."""
    return f'"{hashlib.sha1(content).hexdigest()}"'


def _tags(header: str) -> list[str]:
    """Entity tags in an If-Match / If-None-Match header, unquoted, weakness ignored."""
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"').lower())
    return tags


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _require_json(content: bytes) -> None:
    """Refuse a document sent as application/json that is not JSON (XAPI-00314/00284/00235)."""
    try:
        jsontext.loads(content, what="the posted document")
    except jsontext.JsonTextError as exc:
        if exc.rule == jsontext.SYNTAX_RULE:
            raise BadRequestError(
                "the document is sent as application/json but is not valid JSON"
            ) from None
        raise BadRequestError(f"the posted document: {exc.message}") from None


def _current(conn: Connection, key: DocumentKey) -> Any:
    return conn.execute(select(documents).where(*key.where())).first()


def _check_preconditions(row: Any, if_match: str | None, if_none_match: str | None) -> None:
    current = row.etag if row is not None else None
    if if_match is not None:
        tags = _tags(if_match)
        if current is None or ("*" not in tags and current not in tags):
            raise PreconditionFailedError("If-Match does not match the current document")
    if if_none_match is not None and current is not None:
        tags = _tags(if_none_match)
        if "*" in tags or current in tags:
            raise PreconditionFailedError("If-None-Match: the document exists")


def _write(
    conn: Connection, key: DocumentKey, row: Any, content: bytes, content_type: str, now: datetime
) -> Document:
    etag = hashlib.sha1(content).hexdigest()
    values = {"content": content, "content_type": content_type, "etag": etag, "updated_at": now}
    if row is None:
        created = conn.execute(
            insert_ignore(conn, documents, UNIQUE_KEY)
            .values(
                kind=key.kind,
                doc_id=key.doc_id,
                activity_id=key.activity_id,
                agent_key=key.agent_key,
                registration=key.registration,
                **values,
            )
            .returning(documents.c.id)
        ).first()
        if created is None:
            raise ConflictError(
                "the document was created by another request meanwhile; "
                "fetch it and retry with If-Match"
            )
    else:
        changed = conn.execute(
            update(documents)
            .where(documents.c.id == row.id, documents.c.etag == row.etag)
            .values(**values)
        )
        if changed.rowcount != 1:
            raise PreconditionFailedError("the document changed meanwhile; fetch it and retry")
    return Document(content=content, content_type=content_type, etag=f'"{etag}"', updated=now)


def get_document(conn: Connection, key: DocumentKey) -> Document:
    """The document at ``key``.

    :raises NotFoundError: there is none.
    """
    row = _current(conn, key)
    if row is None:
        raise NotFoundError(f"no document {key.doc_id!r}")
    return Document(row.content, row.content_type, f'"{row.etag}"', row.updated_at)


def put_document(
    conn: Connection,
    key: DocumentKey,
    content: bytes,
    content_type: str,
    *,
    now: datetime,
    if_match: str | None = None,
    if_none_match: str | None = None,
    version: str = "2.0.0",
) -> Document:
    """Store or replace a document.

    Replacing one without If-Match or If-None-Match is refused (409) for every
    resource in xAPI 2.0; under 1.0.x a PUT to the two profile resources without
    either header is refused (400, Communication 2.6/2.7, XAPI-00273/00287/00293)
    whether the document exists or not; the 1.0.3 State resource allows it.

    :raises BadRequestError: a 1.0.x profile PUT without If-Match or If-None-Match (400).
    :raises PreconditionFailedError: a precondition header does not hold (412).
    :raises ConflictError: the document exists and no precondition was given (409).
    """
    if (version.startswith("1.") and key.kind != STATE
            and if_match is None and if_none_match is None):
        raise BadRequestError(
            "under xAPI 1.0.3 a PUT to a profile document needs If-Match (with the ETag of "
            "the document you read) or If-None-Match: * (to create it only)"
        )
    row = _current(conn, key)
    _check_preconditions(row, if_match, if_none_match)
    needs_precondition = version.startswith("2.") or key.kind != STATE
    if row is not None and if_match is None and if_none_match is None and needs_precondition:
        raise ConflictError(
            "the document exists: check its current state, then send If-Match with its ETag "
            "(or If-None-Match: * to create only)"
        )
    return _write(conn, key, row, content, content_type or "application/octet-stream", now)


def post_document(
    conn: Connection,
    key: DocumentKey,
    content: bytes,
    content_type: str,
    *,
    now: datetime,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Document:
    """Create a document, or merge a JSON object into an existing JSON object document.

    Only top-level properties merge; the posted value of a property replaces the old one.

    :raises BadRequestError: the document exists and either side is not a JSON object
        with Content-Type application/json, or a new document sent as application/json
        is not valid JSON (400; nothing is changed).
    :raises PreconditionFailedError: a precondition header does not hold (412).
    """
    row = _current(conn, key)
    _check_preconditions(row, if_match, if_none_match)
    if row is None:
        if _is_json(content_type):
            _require_json(content)
        return _write(conn, key, None, content, content_type or "application/octet-stream", now)
    if not (_is_json(content_type) and _is_json(row.content_type)):
        raise BadRequestError("POST merges JSON documents: both must be application/json")
    try:
        posted = jsontext.loads(content, what="the posted document")
        existing = jsontext.loads(row.content, what="the stored document")
    except jsontext.JsonTextError as exc:
        if exc.rule == jsontext.SYNTAX_RULE:
            raise BadRequestError("POST merges JSON objects: a document is not valid JSON") \
                from None
        raise BadRequestError(f"POST merges JSON objects: {exc.message}") from None
    if not (isinstance(posted, dict) and isinstance(existing, dict)):
        raise BadRequestError("POST merges JSON objects: a document is not a JSON object")
    merged = json.dumps({**existing, **posted}, ensure_ascii=False).encode()
    return _write(conn, key, row, merged, row.content_type, now)


def delete_document(conn: Connection, key: DocumentKey, *, if_match: str | None = None) -> None:
    """Delete one document; deleting one that does not exist succeeds (204) unless If-Match.

    :raises PreconditionFailedError: If-Match does not match (412).
    """
    row = _current(conn, key)
    _check_preconditions(row, if_match, None)
    if row is not None:
        conn.execute(delete(documents).where(documents.c.id == row.id))


def _scope(kind: str, activity_id: str, agent: Any, registration: str | None) -> list:
    if kind not in KINDS:
        raise BadRequestError(f"unknown document kind {kind!r}")
    conditions = [documents.c.kind == kind]
    if kind in (STATE, ACTIVITY_PROFILE):
        conditions.append(documents.c.activity_id == require_activity_iri(activity_id))
    if kind in (STATE, AGENT_PROFILE):
        conditions.append(documents.c.agent_key == require_agent_key(agent))
    if registration:
        conditions.append(documents.c.registration == normalize_uuid(registration, "registration"))
    return conditions


def list_document_ids(
    conn: Connection,
    kind: str,
    *,
    activity_id: str = "",
    agent: Mapping[str, Any] | None = None,
    registration: str | None = None,
    since: datetime | None = None,
) -> DocumentIds:
    """Ids of the documents in a context, updated after ``since`` if given.

    Without a registration, State ids of every registration are listed: the context is
    Activity + Agent [+ registration if specified] (Communication 2.3).
    """
    conditions = _scope(kind, activity_id, agent, registration)
    if since is not None:
        conditions.append(documents.c.updated_at > since)
    rows = conn.execute(
        select(documents.c.doc_id, documents.c.updated_at)
        .where(*conditions)
        .order_by(documents.c.doc_id)
    ).all()
    ids = sorted({r.doc_id for r in rows})
    return DocumentIds(ids=ids, last_modified=max((r.updated_at for r in rows), default=None))


def delete_documents(
    conn: Connection,
    *,
    activity_id: str,
    agent: Mapping[str, Any],
    registration: str | None = None,
) -> int:
    """Delete the State documents of Activity + Agent [+ registration]; returns how many."""
    result = conn.execute(delete(documents).where(*_scope(STATE, activity_id, agent, registration)))
    return result.rowcount
