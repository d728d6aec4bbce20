"""Sending statements: to the embedded LRS in the caller's transaction, or to a remote LRS."""

import base64
import http.client
import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from sqlalchemy.engine import Connection

from xapi.comparison import statements_equivalent
from xapi.lrs import LRS
from xapi.query import SingleStatementQuery
from xapi.statement_store import AttachmentData
from xapi.store_errors import NotFoundError

log = logging.getLogger(__name__)

# Statuses after which sending the same statement again cannot succeed.
PERMANENT_STATUSES = frozenset({400, 404, 409, 410, 413, 422})


class TransportError(Exception):
    """The remote LRS could not be reached or did not answer: try again later."""


class RemoteRejectedError(Exception):
    """The remote LRS answered with an error status.

    ``permanent`` is True when resending the same statement cannot help (a 400, or a
    409 for a different statement under the same id); 401/403/429/5xx are transient.
    """

    def __init__(self, status: int, body: str):
        super().__init__(f"remote LRS answered {status}: {body[:500]}")
        self.status = status
        self.body = body
        self.permanent = status in PERMANENT_STATUSES


class StatementClient(Protocol):
    """What services and the forwarder need from an LRS, embedded or remote."""

    def put_statement(
        self, statement: Mapping[str, Any], attachments: Sequence[AttachmentData] = ()
    ) -> None: ...

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> list[str]: ...

    def get_statement(self, statement_id: str) -> dict[str, Any] | None: ...


class EmbeddedClient:
    """The platform's own LRS, written in the caller's transaction.

    :param connection: returns the Connection of the current unit of work, e.g.
        ``lambda: db.session.connection()`` in the LMS, so the statement commits
        with the action that caused it.
    """

    def __init__(
        self,
        lrs: LRS,
        connection: Callable[[], Connection],
        *,
        authority: Mapping[str, Any],
        version: str = "2.0.0",
    ):
        self.lrs = lrs
        self.connection = connection
        self.authority = authority
        self.version = version

    def put_statement(
        self, statement: Mapping[str, Any], attachments: Sequence[AttachmentData] = ()
    ) -> None:
        statement_id = str(statement.get("id") or uuid.uuid4())
        self.lrs.put(
            self.connection(),
            statement_id,
            statement,
            authority=self.authority,
            version=self.version,
            attachment_data={a.sha2: a for a in attachments},
        )

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> list[str]:
        result = self.lrs.store(
            self.connection(), statements, authority=self.authority, version=self.version
        )
        return result.ids

    def get_statement(self, statement_id: str) -> dict[str, Any] | None:
        try:
            reply = self.lrs.get_statement(
                self.connection(), SingleStatementQuery(statement_id=statement_id.lower())
            )
        except NotFoundError:
            return None
        return reply.statement


def _multipart(statement: Mapping[str, Any], attachments: Sequence[AttachmentData]):
    """A multipart/mixed body: the statement, then each attachment's raw data."""
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statement).encode(),
    ]
    for attachment in attachments:
        parts += [
            f"\r\n--{boundary}\r\nContent-Type: {attachment.content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
            attachment.content,
        ]
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f'multipart/mixed; boundary="{boundary}"'


class RemoteLRSClient:
    """A remote LRS over HTTP(S) with Basic auth, on the standard library only.

    The ``tincan`` package is not used: it cannot speak xAPI 2.0 and rewrites the
    statements it sends (see docs/xapi.md, "Forwarding").
    """

    def __init__(
        self,
        endpoint: str,
        *,
        username: str = "",
        password: str = "",
        version: str = "2.0.0",
        timeout: float = 10.0,
    ):
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.version = version
        self.timeout = timeout
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.authorization = f"Basic {token}" if username or password else None

    def _request(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> tuple[int, bytes]:
        url = urlsplit(self.endpoint + resource)
        path = url.path + ("?" + urlencode(params) if params else "")
        connection_class = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        headers = {"X-Experience-API-Version": self.version, "Accept": "application/json"}
        if self.authorization:
            headers["Authorization"] = self.authorization
        if content_type:
            headers["Content-Type"] = content_type
        connection = connection_class(url.hostname, url.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise TransportError(f"{method} {self.endpoint}{resource}: {exc}") from exc
        finally:
            connection.close()

    def put_statement(
        self, statement: Mapping[str, Any], attachments: Sequence[AttachmentData] = ()
    ) -> None:
        """PUT the statement under its id: resending after a lost answer is harmless.

        A 409 is checked against the remote copy: if it matches, the statement is there.

        :raises TransportError: the LRS is unreachable.
        :raises RemoteRejectedError: the LRS refused the statement.
        """
        if attachments:
            body, content_type = _multipart(statement, attachments)
        else:
            body, content_type = json.dumps(statement).encode(), "application/json"
        status, data = self._request(
            "PUT",
            "statements",
            params={"statementId": statement["id"]},
            body=body,
            content_type=content_type,
        )
        if status in (200, 204):
            return
        if status == 409:
            remote = self.get_statement(statement["id"])
            if remote is not None and statements_equivalent(remote, statement):
                return
        raise RemoteRejectedError(status, data.decode(errors="replace"))

    def post_statements(self, statements: Sequence[Mapping[str, Any]]) -> list[str]:
        """POST a batch; returns the ids the LRS reports."""
        status, data = self._request(
            "POST",
            "statements",
            body=json.dumps(list(statements)).encode(),
            content_type="application/json",
        )
        if status != 200:
            raise RemoteRejectedError(status, data.decode(errors="replace"))
        return json.loads(data)

    def get_statement(self, statement_id: str) -> dict[str, Any] | None:
        """The remote statement with this id, or None when the LRS has none (or voided it)."""
        status, data = self._request("GET", "statements", params={"statementId": statement_id})
        if status == 404:
            return None
        if status != 200:
            raise RemoteRejectedError(status, data.decode(errors="replace"))
        return json.loads(data)

    def about(self) -> dict[str, Any]:
        """The remote LRS's About object (versions it speaks)."""
        status, data = self._request("GET", "about")
        if status != 200:
            raise RemoteRejectedError(status, data.decode(errors="replace"))
        return json.loads(data)
