"""A real LRS on 127.0.0.1 for HTTP round trips: its own database, a werkzeug server in a thread."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import make_server

from lms.db import utcnow
from lms.extensions import db
from lms.lrs import services
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database


@dataclass
class LiveLRS:
    app: object
    url: str
    key: str
    secret: str

    @property
    def endpoint(self) -> str:
        return f"{self.url}/xapi/"


@contextmanager
def live_lrs(folder, *scopes: str):
    """Serve a fresh app; yields its URL and the credentials of a client with ``scopes``."""
    with fresh_database(folder) as url:
        app = make_test_app(url, folder / "instance", SERVER_NAME=None)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["ATLAS_BASE_URL"] = base
        with app.app_context():
            client, secret = services.create_client(
                None, name="round trip", scopes=list(scopes or ("all",)), now=utcnow()
            )
            db.session.commit()
            key = client.key
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveLRS(app=app, url=base, key=key, secret=secret)
        finally:
            server.shutdown()
            server.server_close()
            dispose_engines(app)
