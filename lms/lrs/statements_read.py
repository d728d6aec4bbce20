"""GET statements: one by id, a filtered page, the next page by ``more``; own statements only for
clients with ``statements/read/mine``.
"""

import json
from dataclasses import replace
from typing import Any

from lms.extensions import db
from lms.lrs.auth import require_scope
from lms.lrs.embedded import platform_lrs
from lms.lrs.headers import json_response, last_modified
from lms.lrs.incoming import XapiRequest
from lms.lrs.multipart_response import multipart_response
from lms.lrs.problems import RequestError
from lms.lrs.scopes import STATEMENTS_READ, STATEMENTS_READ_MINE, reads_only_own
from lms.unit_of_work import unit_of_work
from xapi.agents import agent_key
from xapi.attachments import iter_attachments
from xapi.isotime import parse_timestamp
from xapi.lrs import LRS, StatementResult
from xapi.query import (
    FILTER_PARAMS,
    SHARED_PARAMS,
    SINGLE_PARAMS,
    SingleStatementQuery,
    StatementQuery,
    parse_statement_params,
)
from xapi.store_errors import NotFoundError

READ_SCOPES = (STATEMENTS_READ, STATEMENTS_READ_MINE)
PARAMS = (*FILTER_PARAMS, *SHARED_PARAMS, *SINGLE_PARAMS, "more")
#: Pages of other clients' statements one request looks through for a read/mine client
#: before it answers with what it found and a ``more`` link.
OWN_SCAN_PAGES = 10


def get_statements(x: XapiRequest):
    """GET statements; commits, as a page with a long query stores it for its ``more`` link."""
    with unit_of_work(refusals=()):
        response = _get_statements(x)
    return response


def _get_statements(x: XapiRequest):
    require_scope(x, READ_SCOPES)
    params = x.single_params(PARAMS)
    lrs = platform_lrs()
    conn = db.session.connection()
    language = x.header("Accept-Language")
    own = x.client.authority if reads_only_own(x.client.scopes) else None
    if "more" in params:
        if len(params) > 1:
            raise RequestError(
                400, "Communication-2.1.3/more", "a more link carries the whole query; "
                "send it without other parameters.",
            )
        query, cursor, bound = lrs.read_more(conn, params["more"])
        page = (
            own_page(lrs, conn, query, own, language, cursor=cursor, bound=bound)
            if own is not None
            else lrs.query_more(conn, params["more"], accept_language=language)
        )
        return _respond(page.as_json(), page.attachment_sha2s, query.attachments, page.last_stored)
    query = parse_statement_params(params)
    if isinstance(query, SingleStatementQuery):
        reply = lrs.get_statement(conn, query, accept_language=language)
        if own is not None and agent_key(reply.statement.get("authority") or {}) != agent_key(own):
            raise NotFoundError(f"no statement {query.statement_id or query.voided_statement_id}")
        return _respond(reply.statement, reply.attachment_sha2s, query.attachments, reply.stored)
    if own is not None:
        page = own_page(lrs, conn, query, own, language)
    else:
        page = lrs.query(conn, query, accept_language=language)
    return _respond(page.as_json(), page.attachment_sha2s, query.attachments, page.last_stored)


def _respond(value: Any, sha2s: list[str], with_attachments: bool, stored):
    headers = last_modified(stored)
    if not with_attachments:
        return json_response(value, headers=headers)
    data = platform_lrs().load_attachments(db.session.connection(), sha2s)
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return multipart_response(body, [data[s] for s in sha2s if s in data], headers)


def _page(lrs: LRS, conn, query: StatementQuery, language, cursor, bound) -> StatementResult:
    if cursor is None:
        return lrs.query(conn, query, accept_language=language)
    token = lrs.more_token(conn, query, cursor=cursor, bound=bound)
    return lrs.query_more(conn, token, accept_language=language)


def own_page(
    lrs: LRS,
    conn,
    query: StatementQuery,
    own: dict[str, Any],
    language: str | None,
    *,
    cursor: int | None = None,
    bound: int | None = None,
) -> StatementResult:
    """A page of the statements this client stored itself (``statements/read/mine``).

    The library has no authority filter. The authority is indexed as a related agent, so
    a query without an agent filter becomes "agent = own authority, related_agents" and
    uses that index; the exact authority check drops statements that merely mention the
    client's account. With the client's own agent filter, the pages are scanned and
    filtered, at most :data:`OWN_SCAN_PAGES` per request; the page may then hold fewer
    statements than the limit, with a ``more`` link to go on.
    """
    wanted = lrs.page_size if query.limit == 0 else min(query.limit, lrs.page_size)
    if cursor is None and query.agent is None:
        query = replace(query, agent=dict(own), related_agents=True)
    own_key = agent_key(own)
    kept: list[dict[str, Any]] = []
    sha2s: set[str] = set()
    more = ""
    for _ in range(OWN_SCAN_PAGES):
        page = _page(lrs, conn, replace(query, limit=wanted - len(kept)), language, cursor, bound)
        held = set(page.attachment_sha2s)
        for statement in page.statements:
            if agent_key(statement.get("authority") or {}) == own_key:
                kept.append(statement)
                sha2s |= {a["sha2"].lower() for _p, a in iter_attachments(statement)} & held
        if not page.more:
            more = ""
            break
        _query, cursor, bound = lrs.read_more(conn, page.more.split("more=", 1)[1])
        token = lrs.more_token(conn, query, cursor=cursor, bound=bound)
        more = f"{lrs.more_path}?more={token}"
        if len(kept) >= wanted:
            break
    stored = [parse_timestamp(s["stored"]) for s in kept if "stored" in s]
    return StatementResult(
        statements=kept, more=more, attachment_sha2s=sorted(sha2s),
        last_stored=max(stored, default=None),
    )
