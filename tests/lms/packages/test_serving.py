"""Package files are version media: right types, a policy that lets them run, same access."""

from lms.catalog import services as catalog
from lms.catalog.views import PACKAGE_POLICY, SVG_POLICY
from lms.db import utcnow
from lms.extensions import db
from lms.security import CONTENT_SECURITY_POLICY
from tests.factories import make_user
from tests.fixtures.courses import tiny_png
from tests.lms.packages.conftest import write_files


def _url(version, path: str) -> str:
    return f"/courses/kurs-p/versions/{version.id}/media/{path}"


def test_package_files_are_served_with_types_and_the_package_policy(client, package_course):
    write_files(package_course / "packages/gabelstapler", {
        "sco1/fonts/a.woff2": b"wOF2", "sco1/bild.png": tiny_png(),
        "sco1/figur.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    version = catalog.import_course(package_course, None, utcnow()).version
    db.session.commit()
    expected = {
        "sco1/index.html": "text/html", "sco1/sco.js": "text/javascript",
        "sco1/style.css": "text/css", "sco1/fonts/a.woff2": "font/woff2",
        "sco1/bild.png": "image/png", "imsmanifest.xml": "application/xml",
    }
    for path, mimetype in expected.items():
        response = client.get(_url(version, f"packages/gabelstapler/{path}"))
        assert response.status_code == 200, path
        assert response.mimetype == mimetype, path
        assert response.headers["Content-Security-Policy"] == PACKAGE_POLICY
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get(_url(version, "packages/gabelstapler/sco1/index.html"))
    assert b'<script src="sco.js">' in page.data
    assert "script-src 'self' 'unsafe-inline'" in PACKAGE_POLICY
    assert "frame-ancestors 'self'" in PACKAGE_POLICY
    # an SVG keeps the strict policy of course figures, inside a package too
    svg = client.get(_url(version, "packages/gabelstapler/sco1/figur.svg"))
    assert svg.headers["Content-Security-Policy"] == SVG_POLICY
    assert client.get(_url(version, "packages/gabelstapler/fehlt.html")).status_code == 404
    assert client.get(_url(version, "packages/nichtda/index.html")).status_code == 404


def test_unpublished_package_files_only_for_those_who_may_read_the_version(
        client, auth, package_course):
    version = catalog.import_course(package_course, None, utcnow(), publish=False).version
    make_user(email="l@example.org")
    make_user(email="a@example.org", is_admin=True)
    db.session.commit()
    path = _url(version, "packages/hv/content/teil1/index.html")
    assert client.get(path).status_code == 404
    auth.login("l@example.org")
    assert client.get(path).status_code == 404
    auth.logout()
    auth.login("a@example.org")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_course_media_keep_the_default_policy(client, package_course):
    write_files(package_course / "media", {"schema.png": tiny_png()})
    version = catalog.import_course(package_course, None, utcnow()).version
    db.session.commit()
    # the scaffold's lessons do not use schema.png, so it is not a version file
    assert client.get(_url(version, "schema.png")).status_code == 404
    response = client.get(_url(version, "packages/gabelstapler/sco1/sco.js"))
    assert response.headers["Content-Security-Policy"] != CONTENT_SECURITY_POLICY
