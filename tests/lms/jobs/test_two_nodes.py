"""Two app processes, one database, one Redis: an export started on node A is downloadable
from node B once a separate worker process has prepared it.

Real processes throughout: two gunicorn nodes on loopback ports with separate instance
folders, and ``atlas worker --burst`` as a third process. The database is a PostgreSQL schema
when ATLAS_TEST_DATABASE_URL names PostgreSQL, else a SQLite file.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import ROOT, csrf_token_from, dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.fixtures.courses import COURSES
from tests.fixtures.services import REDIS_URL, _free_port, delete_site_keys, redis_answers

pytestmark = pytest.mark.skipif(not redis_answers(),
                                reason="no Redis answers at 127.0.0.1:6379: the two-node "
                                       "test needs one")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar shared by both nodes (cookies are per host, not per port)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def login(self, node: str, email: str) -> None:
        _, _, page = self.request(f"{node}/login")
        status, _, _ = self.request(f"{node}/login", {
            "email": email, "password": "correct horse battery",
            "csrf_token": csrf_token_from(page.decode())})
        assert status == 302, "login failed"


def app_factory(instance: Path) -> str:
    return f"lms.app:create_app({{'INSTANCE_PATH': {str(instance)!r}}})"


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(240):  # a busy machine may take a while to import the app
        if process.poll() is not None:
            raise AssertionError(f"node {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/login", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"node {url} did not answer")


@pytest.fixture
def cluster(tmp_path, course_cache):
    """Seed one database, then start nodes A and B (gunicorn) on it; yield their URLs."""
    prefix = f"atlas-test-{uuid.uuid4().hex[:10]}:"
    with fresh_database(tmp_path) as url:
        seed = make_test_app(url, tmp_path / "seed")
        with seed.app_context():
            from tests.lms.api.world import build_world

            [result] = [catalog.import_course(COURSES / "e-mobility", None, utcnow(),
                                              publish=True, cache=course_cache)]
            world = build_world(result.version)
            emails = {"manager": world.manager.email, "other": world.manager_b.email}
            db.session.commit()
        dispose_engines(seed)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("ATLAS_", "PROMETHEUS_"))}
        env.update({
            "ATLAS_DATABASE_URL": url, "ATLAS_REDIS_URL": REDIS_URL,
            "ATLAS_REDIS_KEY_PREFIX": prefix, "ATLAS_SECRET_KEY": "two-nodes-" + prefix,
            "ATLAS_EXPORT_INLINE_MAX_ROWS": "1", "ATLAS_LOG_LEVEL": "WARNING",
        })
        nodes, processes = [], []
        try:
            for name in ("a", "b"):
                port = _free_port()
                node = f"http://127.0.0.1:{port}"
                env_node = dict(env, ATLAS_BASE_URL=node)
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", app_factory(tmp_path / f"instance-{name}")],
                    cwd=ROOT, env=env_node))
                nodes.append(node)
            for node, process in zip(nodes, processes, strict=True):
                wait_until_up(node, process)
            yield {"a": nodes[0], "b": nodes[1], "env": env, "emails": emails,
                   "worker_instance": tmp_path / "instance-worker"}
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
            import redis

            connection = redis.Redis.from_url(REDIS_URL)
            delete_site_keys(connection, prefix)
            connection.close()


def run_worker_process(cluster) -> None:
    script = ("from lms.app import create_app\n"
              f"app = create_app({{'INSTANCE_PATH': {str(cluster['worker_instance'])!r}}})\n"
              "from lms.jobs.cli import worker_command\n"
              "with app.app_context():\n"
              "    worker_command.main(['--burst'], standalone_mode=False)\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=cluster["env"], check=True,
                   timeout=300)


def test_export_started_on_node_a_is_downloadable_from_node_b(cluster):
    a, b = cluster["a"], cluster["b"]
    browser = Browser()
    browser.login(a, cluster["emails"]["manager"])
    _, _, page = browser.request(f"{a}/company/exports/")
    status, headers, _ = browser.request(f"{a}/company/exports/download", {
        "csrf_token": csrf_token_from(page.decode()), "format": "csv", "course": "0",
        "department": "0", "status": ""})
    assert status == 303 and headers["Location"].endswith("/downloads/")

    # node B knows the login and the pending file before any worker ran
    status, _, listing = browser.request(f"{b}/downloads/")
    assert status == 200 and "wird vorbereitet" in listing.decode()

    run_worker_process(cluster)

    status, _, listing = browser.request(f"{b}/downloads/")
    [link] = re.findall(r'href="(/downloads/[A-Za-z0-9_-]{20,})"', listing.decode())
    status, headers, body = browser.request(f"{b}{link}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "Anna" in body.decode("utf-8") and "Bernd Fremd" not in body.decode("utf-8")

    stranger = Browser()
    stranger.login(b, cluster["emails"]["other"])
    assert stranger.request(f"{b}{link}")[0] == 404
