"""Browser tests: a real server on 127.0.0.1 and Debian's chromium driven by Playwright."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """An app on its own database, seeded with the demo data, served on a free port."""
    folder = tmp_path_factory.mktemp("live")
    with fresh_database(folder) as url:
        app = make_test_app(url, folder / "instance", SERVER_NAME=None)
        with app.app_context():
            from lms.cli.demo import seed_demo
            from lms.db import utcnow
            from lms.extensions import db

            app.config["SERVER_NAME"] = None
            with app.test_request_context():
                seed_demo(utcnow())
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
        yield app
        server.shutdown()
        dispose_engines(app)


@pytest.fixture(scope="session")
def demo_logins(live_app):
    import json
    from pathlib import Path

    return json.loads((Path(live_app.instance_path) / "demo-logins.json").read_text())


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.skip("browser tests need Debian's chromium (/usr/bin/chromium): not installed")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_app, tmp_path):
    context = browser.new_context(base_url=live_app.config["LIVE_URL"], locale="de-DE")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()
