"""A real HTTP server on 127.0.0.1 for tests that talk to the app as a browser does.

The server runs werkzeug in a thread of the test process. ``serve`` returns only once the
app has answered ``/healthz``, polling with a generous overall deadline instead of sleeping:
on a busy machine the first request (templates, database pool) can take many seconds.
"""

import logging
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server

READY_TIMEOUT = 120.0  # seconds; generous on purpose, the poll ends as soon as it answers


def wait_until_ready(base_url: str, timeout: float = READY_TIMEOUT) -> None:
    """Poll ``/healthz`` until it answers 200, or fail after ``timeout`` seconds.

    :raises RuntimeError: when the server has not answered in time, naming the last error.
    """
    deadline = time.monotonic() + timeout
    last_error: object = "no answer"
    delay = 0.05
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=30) as response:
                if response.status == 200:
                    return
                last_error = f"status {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last_error = error
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    raise RuntimeError(f"live server at {base_url} not ready after {timeout:.0f} s: {last_error}")


class LiveServer:
    """A werkzeug server for ``app`` on a free loopback port (bound before ``start``)."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="live-server", daemon=True
        )

    def start(self, timeout: float = READY_TIMEOUT) -> "LiveServer":
        self._thread.start()
        wait_until_ready(self.url, timeout)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=30)


@contextmanager
def serve(app, timeout: float = READY_TIMEOUT):
    """Serve ``app`` on 127.0.0.1 and yield the running :class:`LiveServer`."""
    server = LiveServer(app).start(timeout)
    try:
        yield server
    finally:
        server.stop()


class ErrorLog(logging.Handler):
    """Collect every log record at ERROR or above, or carrying a traceback, from any thread.

    Attached to the root logger, where the app's handler also sits, so it sees the app's
    own loggers and werkzeug's "Error on request" with the traceback of a failed view.
    """

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info or "Traceback" in str(record.msg):
            with self._lock_records:
                self.records.append(record)

    def drain(self) -> list[str]:
        """Return the collected records as text (message and traceback), and forget them."""
        with self._lock_records:
            records, self.records = self.records, []
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        return [formatter.format(record) for record in records]

    @contextmanager
    def attached(self):
        root = logging.getLogger()
        root.addHandler(self)
        try:
            yield self
        finally:
            root.removeHandler(self)
