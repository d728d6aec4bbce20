"""A tiny upstream LRS on 127.0.0.1 for the forwarding tests: http.server over the xapi library."""

import base64
import json
import logging
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine

from xapi.lrs import LRS
from xapi.query import SingleStatementQuery
from xapi.statement_store import AttachmentData
from xapi.store_errors import StoreError
from xapi.store_sql import create_all_for_tests

log = logging.getLogger(__name__)
UPSTREAM_AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://up", "name": "in"}}


def _parse_multipart(content_type: str, body: bytes):
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = list(message.iter_parts())
    statement = json.loads(parts[0].get_payload(decode=True))
    data = {}
    for part in parts[1:]:
        sha2 = part["X-Experience-API-Hash"]
        data[sha2] = AttachmentData(sha2, part.get_content_type(), part.get_payload(decode=True))
    return statement, data


class UpstreamLRS:
    """Serves PUT/POST/GET /xapi/statements into its own SQLite LRS, with Basic auth.

    ``requests`` records (method, path) of every request, for assertions.
    """

    def __init__(self, folder, *, username="fwd", password="secret", port=0):
        self.engine = create_engine(f"sqlite:///{folder / 'upstream.db'}")
        create_all_for_tests(self.engine)
        self.lrs = LRS(secret=b"upstream")
        self.expected_auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.requests: list[tuple[str, str]] = []
        self.port = port
        self._server = None
        self._thread = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xapi/"

    def start(self) -> "UpstreamLRS":
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - http.server's signature
                log.debug("upstream: " + format, *args)

            def _answer(self, status, payload=None):
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Experience-API-Version", "2.0.0")
                self.end_headers()
                self.wfile.write(body)

            def _handle(self, method):
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                upstream.requests.append((method, url.path))
                if self.headers.get("Authorization") != upstream.expected_auth:
                    return self._answer(401, {"message": "unauthorized"})
                if url.path != "/xapi/statements":
                    return self._answer(404, {"message": "no such resource"})
                try:
                    with upstream.engine.begin() as conn:
                        status, payload = self._statements(conn, method, params, body)
                except StoreError as error:
                    status, payload = error.status_code, {"message": error.message}
                # Answer after the commit, as a real LRS does: the client may read at once.
                return self._answer(status, payload)

            def _statements(self, conn, method, params, body):
                content_type = self.headers.get("Content-Type", "")
                version = self.headers.get("X-Experience-API-Version", "1.0.3")
                if method == "GET":
                    query = SingleStatementQuery(statement_id=params["statementId"])
                    return 200, upstream.lrs.get_statement(conn, query).statement
                data = {}
                if content_type.startswith("multipart/mixed"):
                    payload, data = _parse_multipart(content_type, body)
                else:
                    payload = json.loads(body)
                options = {
                    "authority": UPSTREAM_AUTHORITY,
                    "version": version,
                    "attachment_data": data,
                }
                if method == "PUT":
                    upstream.lrs.put(conn, params["statementId"], payload, **options)
                    return 204, None
                batch = payload if isinstance(payload, list) else [payload]
                return 200, upstream.lrs.store(conn, batch, **options).ids

            def do_GET(self):
                self._handle("GET")

            def do_PUT(self):
                self._handle("PUT")

            def do_POST(self):
                self._handle("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def close(self) -> None:
        self.stop()
        self.engine.dispose()
