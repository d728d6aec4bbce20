"""Browser tests: a real server on 127.0.0.1 and Debian's chromium driven by Playwright.

The suite must pass on a busy machine (``make test`` while others build): the server is
polled until it answers, and every wait has a generous deadline. Playwright's defaults
(30 s to launch, 30 s per action, 5 s per ``expect``) are sized for an idle laptop; under a
load average of 4 on two cores a cold chromium start or a first page render can exceed them.
Waits end as soon as the condition holds, so the long deadlines cost nothing when all is well.
"""

import shutil

import pytest

from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.live_server import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_TIMEOUT_MS = 180_000
ACTION_TIMEOUT_MS = 60_000
NAVIGATION_TIMEOUT_MS = 120_000
EXPECT_TIMEOUT_MS = 30_000


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
        server = LiveServer(app).start()  # returns once /healthz answers
        app.config["LIVE_URL"] = server.url
        try:
            yield app
        finally:
            server.stop()
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
    sync_api.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, timeout=LAUNCH_TIMEOUT_MS,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_context(browser, live_app):
    """A fresh browser profile on the live server, German, with busy-machine timeouts."""
    context = browser.new_context(base_url=live_app.config["LIVE_URL"], locale="de-DE")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


@pytest.fixture
def new_page(browser, live_app):
    """Open pages in contexts of their own (one per person); all are closed after the test."""
    contexts = []

    def open_page():
        context = open_context(browser, live_app)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
