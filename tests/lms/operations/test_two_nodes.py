"""Two real app nodes (gunicorn processes) on one database and one Redis (or the database's
shared counters when no Redis answers): logins, logouts, rate limits and certificate keys
hold across both, because no node keeps any of it in its own memory or instance folder.
"""

import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import flask_migrate
import pytest

from tests.conftest import dispose_engines
from tests.databases import fresh_database
from tests.lms.operations.installation import bare_app
from tests.lms.operations.nodes import (
    ROOT,
    gunicorn_node,
    node_environment,
    redis_url,
    unique_prefix,
)

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')

ISSUE_ON_NODE = """
import sys
from datetime import UTC, datetime
from sqlalchemy import select
from lms import create_app
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.certificates.services import issue_certificate
from lms.extensions import db

app = create_app()
with app.app_context():
    user = db.session.scalar(select(User).where(User.email == sys.argv[1]))
    course = db.session.scalar(select(Course).where(Course.slug == "e-mobility"))
    now = datetime.now(UTC)
    certificate = issue_certificate(user, course.published_version, now, now)
    db.session.commit()
    print(certificate.number)
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies shared by every node (cookies ignore ports, as behind one proxy)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def csrf(self, url):
        status, _headers, html = self.request(url)
        assert status == 200, (url, status)
        return CSRF.search(html).group(1)

    def login(self, node, email, password=PASSWORD):
        token = self.csrf(f"{node}/login")
        return self.request(f"{node}/login",
                            {"email": email, "password": password, "csrf_token": token})

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}

    def replace_cookies(self, values):
        self.jar.clear()
        for name, value in values.items():
            self.jar.set_cookie(http.cookiejar.Cookie(
                0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
                None, False, None, None, {}))


def signed_in(browser, node) -> bool:
    status, headers, _html = browser.request(f"{node}/account")
    if status == 200:
        return True
    assert status == 302 and "/login" in headers["Location"], status
    return False


@pytest.fixture(scope="module", params=["redis", "database"])
def cluster(request, tmp_path_factory):
    """Two nodes A and B: one database, one shared folder, separate instance folders.

    Started once per counter store; every test uses its own accounts.
    """
    tmp_path = tmp_path_factory.mktemp(f"cluster-{request.param}")
    redis = redis_url() if request.param == "redis" else None
    if request.param == "redis" and redis is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    (tmp_path / "db").mkdir()
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(tmp_path / "db"))
        setup = bare_app(url, tmp_path / "setup-instance")
        with setup.app_context():
            flask_migrate.upgrade(revision="heads")
            from authoring.cache import MemoryCache
            from lms.catalog import services as catalog
            from lms.db import utcnow
            from lms.extensions import db
            from tests.factories import make_user
            from tests.fixtures.courses import COURSES

            for email in ("lena@example.org", "tom@example.org", "ute@example.org"):
                make_user(email=email, password=PASSWORD)
            catalog.import_course(COURSES / "e-mobility", None, utcnow(), publish=True,
                                  cache=MemoryCache())
            db.session.commit()
        dispose_engines(setup)
        shared, prefix = tmp_path / "shared", unique_prefix()
        shared.mkdir()
        environments = {
            name: node_environment(url, tmp_path / f"instance-{name}", shared, redis=redis,
                                   prefix=prefix, ATLAS_LOGIN_LOCKOUT_AFTER="3")
            for name in ("a", "b")
        }
        nodes = {name: stack.enter_context(gunicorn_node(env, tmp_path / f"node-{name}.log"))
                 for name, env in environments.items()}
        yield {"nodes": nodes, "environments": environments, "shared": shared,
               "tmp": tmp_path, "redis": redis, "prefix": prefix}
        if redis:
            import redis as redis_module

            client = redis_module.Redis.from_url(redis)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
            client.close()


def test_login_on_a_is_valid_on_b_and_logout_on_b_ends_it_on_a(cluster):
    a, b = cluster["nodes"]["a"], cluster["nodes"]["b"]
    browser = Browser()
    status, headers, _ = browser.login(a, "lena@example.org")
    assert status == 302, "login on node A failed"
    assert signed_in(browser, b)
    assert signed_in(browser, a)
    before_logout = browser.cookies()
    token = browser.csrf(f"{b}/account")
    status, _headers, _ = browser.request(f"{b}/logout", {"csrf_token": token})
    assert status == 302
    assert not signed_in(browser, a)
    # the cookies from before the logout no longer sign anyone in, on either node: the
    # login session ended in the database, not only in this browser
    browser.replace_cookies(before_logout)
    assert not signed_in(browser, a)
    assert not signed_in(browser, b)


def test_failed_logins_on_both_nodes_count_together(cluster):
    a, b = cluster["nodes"]["a"], cluster["nodes"]["b"]
    browser = Browser()
    # ATLAS_LOGIN_LOCKOUT_AFTER=3: two failures on A and one on B lock the account
    for node in (a, a, b):
        status, _headers, _ = browser.login(node, "tom@example.org", "wrong password")
        assert status in (400, 429)
    status, _headers, html = browser.login(b, "tom@example.org")
    assert status == 429, "the correct password got through a lockout counted on two nodes"
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in html
    status, _headers, _ = browser.login(a, "tom@example.org")
    assert status == 429


def test_flask_limiter_limit_spans_both_nodes(cluster):
    a, b = cluster["nodes"]["a"], cluster["nodes"]["b"]
    browser = Browser()
    # /password/forgot allows "5 per minute;20 per hour" per address. Windows open at the
    # first request (no clock edge): the 6th request is refused if the six came within a
    # minute, else the 21st is, by the hourly limit; either needs both nodes' counts.
    answers = []
    for n in range(21):
        node = (a, b)[n % 2]
        token = browser.csrf(f"{node}/password/forgot")
        status, _headers, _ = browser.request(
            f"{node}/password/forgot", {"email": f"nobody{n}@example.org", "csrf_token": token})
        answers.append(status)
    # alternating, each node alone saw at most 3 of the first 6 and 11 of the 21 requests
    assert 429 in answers, answers
    assert all(status in (302, 429) for status in answers), answers


def test_certificates_signed_on_node_a_verify_on_b(cluster):
    a, b = cluster["nodes"]["a"], cluster["nodes"]["b"]
    result = subprocess.run(
        [sys.executable, "-c", ISSUE_ON_NODE, "ute@example.org"],
        env=cluster["environments"]["a"], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    number = result.stdout.strip().splitlines()[-1]
    browser = Browser()
    status, _headers, body = browser.request(f"{b}/verify/{number}",
                                             headers={"Accept": "application/json"})
    assert status == 200
    assert json.loads(body)["signature_valid"] is True
    # a re-issue signed by node A's web process itself: a new name re-issues the certificate
    assert browser.login(a, "ute@example.org")[0] == 302
    token = browser.csrf(f"{a}/account")
    status, _headers, _ = browser.request(f"{a}/account/profile", {
        "name": "Ute Umbenannt", "locale": "de", "csrf_token": token})
    assert status == 302
    status, _headers, body = browser.request(f"{b}/verify/{number}",
                                             headers={"Accept": "application/json"})
    successor = json.loads(body)["superseded_by"]
    assert successor, "the new name did not re-issue the certificate on node A"
    status, _headers, body = browser.request(f"{b}/verify/{successor}",
                                             headers={"Accept": "application/json"})
    assert status == 200
    assert json.loads(body)["signature_valid"] is True
    assert json.loads(body)["certificate"]["learner_name"] == "Ute Umbenannt"
    keys = [browser.request(f"{node}/verify/public-key.pem")[2] for node in (a, b)]
    assert keys[0] == keys[1] and "BEGIN PUBLIC KEY" in keys[0]
    # one key, in the shared folder; neither node made one of its own
    tmp = Path(cluster["tmp"])
    assert (cluster["shared"] / "certificate_signing_key.pem").is_file()
    assert not list(tmp.glob("instance-*/certificate_signing_key.pem"))
