"""The LRS service: store, fetch and query statements, activities and agents."""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from xapi import activities as activity_store
from xapi.agents import agent_key, iter_statement_agents, person, require_agent_key
from xapi.isotime import utcnow
from xapi.query import (
    MORE_LIFETIME,
    SingleStatementQuery,
    StatementQuery,
    decode_more,
    encode_more,
    page_select,
    stored_seq_range,
)
from xapi.spec import (
    VOIDED_VERB,
    canonical_languages,
    ids_format,
    parse_accept_language,
    with_context_activity_arrays,
)
from xapi.statement_refs import voiding_refused
from xapi.statement_store import AttachmentData, StoreResult, store_statements
from xapi.store_errors import BadRequestError, NotFoundError
from xapi.store_sql import attachments, statement_agents, statement_attachments, statements


@dataclass
class StatementReply:
    """One statement for GET statements?statementId=… (or voidedStatementId)."""

    statement: dict[str, Any]
    stored: datetime
    attachment_sha2s: list[str] = field(default_factory=list)


@dataclass
class StatementResult:
    """A page of GET statements: the StatementResult object and what the binding needs besides.

    ``attachment_sha2s`` is filled only when the query asked for attachments; the
    binding then loads them with :meth:`LRS.load_attachments` for the multipart answer.
    """

    statements: list[dict[str, Any]]
    more: str
    attachment_sha2s: list[str] = field(default_factory=list)
    last_stored: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The StatementResult object as the specification defines it."""
        return {"statements": self.statements, "more": self.more}


class LRS:
    """The Learning Record Store over the xapi_* tables.

    Every method takes the caller's :class:`~sqlalchemy.engine.Connection` and never
    commits: the HTTP binding (or an LMS service) owns the transaction, so a statement
    and the action that caused it are committed together or not at all.

    :param secret: key that signs ``more`` tokens (the application's secret key).
    :param more_path: path of the statements resource, prefixed to ``more`` tokens.
    :param page_size: the server maximum, also used for ``limit=0``.
    :param settle: how far behind now ``X-Experience-API-Consistent-Through`` lags, to
        cover transactions that took a ``stored`` time but have not committed yet.
    :param void_own_only: a voiding statement voids only statements stored under its own
        authority, so one credential cannot undo another's records (the specification
        lets an LRS restrict voiding; Data 2.3.2).
    """

    def __init__(
        self,
        *,
        secret: bytes,
        more_path: str = "/xapi/statements",
        page_size: int = 100,
        settle: timedelta = timedelta(seconds=1),
        clock: Callable[[], datetime] = utcnow,
        void_own_only: bool = False,
        more_lifetime: timedelta = MORE_LIFETIME,
    ):
        self.void_own_only = void_own_only
        self.more_lifetime = more_lifetime
        self.secret = secret
        self.more_path = more_path
        self.page_size = page_size
        self.settle = settle
        self.clock = clock

    # -- writing ---------------------------------------------------------------------------

    def store(
        self,
        conn: Connection,
        statements_in: Sequence[Mapping[str, Any]],
        *,
        authority: Mapping[str, Any],
        version: str = "2.0.0",
        attachment_data: Mapping[str, AttachmentData] | None = None,
        trust_authority: bool = False,
        now: datetime | None = None,
    ) -> StoreResult:
        """Store validated statements (POST): all of them, or none.

        :param authority: the Agent or Group of the credential; it replaces any authority
            in the statements unless ``trust_authority``.
        :param version: the request's X-Experience-API-Version (sets ``version``).
        :raises BadRequestError: two statements share an id (400).
        :raises ConflictError: an id is stored with a different statement (409).
        """
        return store_statements(
            conn,
            statements_in,
            authority=authority,
            version=version,
            now=now or self.clock(),
            attachment_data=attachment_data,
            trust_authority=trust_authority,
            void_own_only=self.void_own_only,
        )

    def voiding_refused(
        self, conn: Connection, statements_in: Iterable[Mapping[str, Any]], authority: Mapping
    ) -> list[tuple[str, str | None]]:
        """Targets of voiding statements in ``statements_in`` that ``authority`` may not void.

        Empty unless the LRS voids own statements only. Each item is the target id and
        the authority key it was stored under.
        """
        if not self.void_own_only:
            return []
        voiding = [
            (str(s.get("id")), str((s.get("object") or {}).get("id", "")))
            for s in statements_in
            if (s.get("verb") or {}).get("id") == VOIDED_VERB
            and (s.get("object") or {}).get("objectType") == "StatementRef"
        ]
        if not voiding:
            return []
        return voiding_refused(conn, voiding, agent_key(authority))

    def put(
        self,
        conn: Connection,
        statement_id: str,
        statement: Mapping[str, Any],
        **options: Any,
    ) -> StoreResult:
        """Store one statement under ``statement_id`` (PUT statements?statementId=…).

        Answer 204 whether it was new or an identical resend (``result.created`` tells).

        :raises BadRequestError: the body's id differs from ``statement_id``.
        :raises ConflictError: the id is stored with a different statement.
        """
        body_id = statement.get("id")
        if body_id is not None and str(body_id).lower() != statement_id.lower():
            raise BadRequestError("the statement id does not match the statementId parameter")
        return self.store(conn, [{**statement, "id": statement_id.lower()}], **options)

    # -- reading statements ----------------------------------------------------------------

    def get_statement(
        self,
        conn: Connection,
        query: SingleStatementQuery,
        *,
        accept_language: str | None = None,
    ) -> StatementReply:
        """The statement asked for by statementId or voidedStatementId.

        :raises NotFoundError: unknown id; or a voided statement asked for by
            statementId; or a statement that is not voided asked for by voidedStatementId.
        """
        wanted = query.statement_id or query.voided_statement_id
        row = conn.execute(
            select(
                statements.c.seq,
                statements.c.statement,
                statements.c.stored,
                statements.c.is_voided,
            ).where(statements.c.id == wanted)
        ).first()
        if row is None or row.is_voided != (query.voided_statement_id is not None):
            raise NotFoundError(f"no statement {wanted}")
        # Rows stored before the store wrapped contextActivities are wrapped on the way out.
        statement = with_context_activity_arrays(json.loads(row.statement))
        formatted = self._format(conn, [statement], query.format, accept_language)[0]
        sha2s = self._attachment_sha2s(conn, [row.seq]) if query.attachments else []
        return StatementReply(statement=formatted, stored=row.stored, attachment_sha2s=sha2s)

    def query(
        self, conn: Connection, query: StatementQuery, *, accept_language: str | None = None
    ) -> StatementResult:
        """The first page of statements meeting the filters, newest first unless ``ascending``.

        Voided statements are left out; statements whose StatementRef chain reaches a
        statement meeting the filters are included (Communication 2.1.3).
        """
        bound = conn.execute(select(func.coalesce(func.max(statements.c.seq), 0))).scalar_one()
        return self._page(conn, query, None, bound, accept_language)

    def query_more(
        self, conn: Connection, token: str, *, accept_language: str | None = None
    ) -> StatementResult:
        """The page a ``more`` IRL points at (GET statements?more=<token>).

        :raises BadRequestError: the token is malformed or forged.
        """
        query, cursor, bound = self.read_more(conn, token)
        return self._page(conn, query, cursor, bound, accept_language)

    def more_token(
        self, conn: Connection, query: StatementQuery, *, cursor: int, bound: int
    ) -> str:
        """A signed ``more`` token, valid for ``more_lifetime``; may write a stored query."""
        return encode_more(query, cursor=cursor, bound=bound, secret=self.secret, conn=conn,
                           now=self.clock(), lifetime=self.more_lifetime)

    def read_more(self, conn: Connection, token: str) -> tuple[StatementQuery, int, int]:
        """Query, cursor and bound of a ``more`` token.

        :raises BadRequestError: malformed, forged or expired.
        """
        return decode_more(token, secret=self.secret, conn=conn, now=self.clock())

    def _page(
        self,
        conn: Connection,
        query: StatementQuery,
        cursor: int | None,
        bound: int,
        accept_language: str | None,
    ) -> StatementResult:
        limit = self.page_size if query.limit == 0 else min(query.limit, self.page_size)
        seqs = replace(stored_seq_range(conn, query, bound), cursor=cursor)
        rows = conn.execute(page_select(query, seqs, limit=limit + 1)).all()
        more = ""
        if len(rows) > limit:
            rows = rows[:limit]
            token = self.more_token(conn, query, cursor=rows[-1].seq, bound=bound)
            more = f"{self.more_path}?more={token}"
        loaded = [with_context_activity_arrays(json.loads(r.statement)) for r in rows]
        result = StatementResult(
            statements=self._format(conn, loaded, query.format, accept_language),
            more=more,
            last_stored=max((r.stored for r in rows), default=None),
        )
        if query.attachments:
            result.attachment_sha2s = self._attachment_sha2s(conn, [r.seq for r in rows])
        return result

    def consistent_through(self, now: datetime | None = None) -> datetime:
        """Value of X-Experience-API-Consistent-Through.

        Statements become visible when their transaction commits; ``settle`` covers
        those that took their ``stored`` time just before now and are still committing.
        """
        return (now or self.clock()) - self.settle

    def statements_after(
        self, conn: Connection, seq: int, *, limit: int = 500
    ) -> list[tuple[int, dict[str, Any]]]:
        """Stored statements with a seq above ``seq``, oldest first, voided ones included.

        For consumers that follow the store in order, such as rebuilding the progress
        projection: remember the last seq processed and ask again.
        """
        rows = conn.execute(
            select(statements.c.seq, statements.c.statement)
            .where(statements.c.seq > seq)
            .order_by(statements.c.seq)
            .limit(limit)
        )
        return [(r.seq, json.loads(r.statement)) for r in rows]

    def load_attachments(self, conn: Connection, sha2s: Iterable[str]) -> dict[str, AttachmentData]:
        """Raw attachment data by sha2, for the multipart response."""
        wanted = sorted(set(sha2s))
        if not wanted:
            return {}
        rows = conn.execute(select(attachments).where(attachments.c.sha2.in_(wanted)))
        return {
            r.sha2: AttachmentData(sha2=r.sha2, content_type=r.content_type, content=r.content)
            for r in rows
        }

    # -- activities and agents -------------------------------------------------------------

    def get_activity(self, conn: Connection, activity_id: str) -> dict[str, Any]:
        """GET activities?activityId=…: the Activity with its canonical definition."""
        return activity_store.get_activity(conn, activity_id)

    def get_person(self, conn: Connection, agent: Mapping[str, Any], *, sample: int = 50) -> dict:
        """GET agents?agent=…: the Person object for ``agent``.

        Names are collected from the ``sample`` most recent statements mentioning it.

        :raises BadRequestError: ``agent`` has no single IFI.
        """
        key = require_agent_key(agent)
        seen: list[Mapping[str, Any]] = []
        for lane in (True, False):
            rows = conn.execute(
                select(statements.c.statement)
                .join(statement_agents, statement_agents.c.statement_seq == statements.c.seq)
                .where(statement_agents.c.agent_key == key, statement_agents.c.is_direct.is_(lane))
                .order_by(statement_agents.c.statement_seq.desc())
                .limit(sample)
            )
            seen += [
                found
                for row in rows
                for found, _role, _direct in iter_statement_agents(json.loads(row.statement))
                if agent_key(found) == key
            ]
        return person(agent, seen)

    # -- helpers ---------------------------------------------------------------------------

    def _format(
        self,
        conn: Connection,
        loaded: list[dict[str, Any]],
        fmt: str,
        accept_language: str | None,
    ) -> list[dict[str, Any]]:
        if fmt == "exact":
            return loaded
        if fmt == "ids":
            return [ids_format(s) for s in loaded]
        ids = set().union(*(activity_store.activity_ids(s) for s in loaded))
        definitions = activity_store.load_definitions(conn, ids)
        languages = parse_accept_language(accept_language)
        return [
            canonical_languages(
                activity_store.with_canonical_definitions(s, definitions), languages
            )
            for s in loaded
        ]

    def _attachment_sha2s(self, conn: Connection, seqs: list[int]) -> list[str]:
        if not seqs:
            return []
        rows = conn.execute(
            select(statement_attachments.c.sha2)
            .where(statement_attachments.c.statement_seq.in_(seqs))
            .distinct()
        )
        return sorted(r.sha2 for r in rows)
