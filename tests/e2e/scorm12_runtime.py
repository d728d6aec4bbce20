"""A small SCORM 1.2 runtime for browser tests: a page providing ``window.API`` that records
every call and keeps the CMI data, with the SCO in a frame, served by a stdlib HTTP server
on 127.0.0.1 from the folder the package was unzipped into."""

import functools
import http.server
import json
import threading
from contextlib import contextmanager
from pathlib import Path

#: the runtime page; ``%LAUNCH%`` becomes the SCO's launch file
RUNTIME_HTML = (Path(__file__).parent / "scorm12_runtime.html").read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve_folder(folder: Path):
    """Serve ``folder`` on a free 127.0.0.1 port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def write_runtime(folder: Path, launch: str) -> str:
    """Write ``runtime.html`` that frames the SCO at ``launch`` (relative to ``folder``)."""
    (folder / "runtime.html").write_text(RUNTIME_HTML.replace("%LAUNCH%", launch),
                                         encoding="utf-8")
    return "runtime.html"


def cmi_fragment(cmi: dict) -> str:
    """The URL fragment that starts the runtime with ``cmi`` (a resumed attempt)."""
    from urllib.parse import quote

    return "#" + quote(json.dumps(cmi))
