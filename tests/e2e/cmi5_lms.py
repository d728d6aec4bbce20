"""The launching side of a cmi5 AU, simulated for browser tests: an LMS's fetch URL and the
LRS endpoints an AU uses (State API for LMS.LaunchData, Statement API), on 127.0.0.1.

Every request to the LRS must carry the token handed out by the fetch URL; the statements
are recorded in order. CORS headers let the AU page (another origin) call it.
"""

import base64
import http.server
import json
import secrets
import threading
from urllib.parse import parse_qs, urlsplit


class Cmi5Lms:
    """A fetch URL (``/fetch``), an LRS (``/xapi/``) and a return page (``/returned``)."""

    def __init__(self, launch_data: dict):
        self.launch_data = launch_data
        self.token = base64.b64encode(secrets.token_bytes(12)).decode()
        self.statements: list[dict] = []
        self.refused: list[str] = []
        self.state_queries: list[dict] = []
        self.fetches = 0
        lms = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 (the base class's name)
                pass

            def _send(self, status: int, body=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers",
                                 "Authorization, Content-Type, X-Experience-API-Version")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS")
                self.send_header("Content-Type", "application/json" if body is not None
                                 else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Basic {lms.token}":
                    return True
                lms.refused.append(self.path)
                return False

            def do_OPTIONS(self):  # noqa: N802 (http.server's naming)
                self._send(204)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                if path == "/fetch":
                    lms.fetches += 1
                    return self._send(200, {"auth-token": lms.token})
                if path == "/xapi/statements" and self._authorised():
                    statement = json.loads(body)
                    lms.statements.append(statement)
                    return self._send(200, [statement["id"]])
                return self._send(401 if path.startswith("/xapi/") else 404, {})

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                if parts.path == "/returned":
                    data = b"<!DOCTYPE html><title>LMS</title><p>Back in the LMS</p>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    return self.wfile.write(data)
                if parts.path == "/xapi/activities/state" and self._authorised():
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    lms.state_queries.append(query)
                    if query.get("stateId") == "LMS.LaunchData":
                        return self._send(200, lms.launch_data)
                return self._send(404, {})

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Cmi5Lms":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=30)

    def verbs(self) -> list[str]:
        return [s["verb"]["id"].rsplit("/", 1)[1] for s in self.statements]
