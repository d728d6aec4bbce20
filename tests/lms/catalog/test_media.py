"""The media route serves the published version's files safely and cacheably."""

import hashlib

import pytest

from lms.catalog import services
from lms.catalog.views import IMMUTABLE, SVG_POLICY
from lms.db import utcnow
from lms.security import CONTENT_SECURITY_POLICY
from tests.factories import make_user
from tests.fixtures.courses import COURSES, edit, tiny_png


def test_svg_is_served_with_its_type_etag_and_a_policy_that_forbids_script(
        client, import_real):
    import_real("e-mobility")
    response = client.get("/courses/e-mobility/media/antriebsstrang-bev.svg")
    assert response.status_code == 200
    body = (COURSES / "e-mobility" / "media" / "antriebsstrang-bev.svg").read_bytes()
    assert response.data == body
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == SVG_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_etag()[0] == hashlib.sha256(body).hexdigest()


def test_png_gets_the_default_policy_and_revalidation(client, app, small_course):
    services.import_course(small_course, None, utcnow())
    response = client.get("/courses/grundlagen-test/media/schema.png")
    assert response.status_code == 200 and response.data == tiny_png()
    assert response.mimetype == "image/png"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "no-cache" in response.headers["Cache-Control"]
    again = client.get("/courses/grundlagen-test/media/schema.png",
                       headers={"If-None-Match": f'"{response.get_etag()[0]}"'})
    assert again.status_code == 304 and again.data == b""


def test_pinned_url_is_immutable(client, app, small_course):
    version = services.import_course(small_course, None, utcnow()).version
    with app.test_request_context():
        from lms.catalog.views import media_url

        url = media_url(version, "media/schema.png")
    assert "?v=" in url
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_new_version_serves_new_bytes_under_the_same_path(client, app, small_course):
    services.import_course(small_course, None, utcnow())
    old = client.get("/courses/grundlagen-test/media/schema.png").get_etag()[0]
    (small_course / "media" / "schema.png").write_bytes(tiny_png() + b"\x00")
    edit(small_course / "course.yml", "version: 0.1.0", "version: 0.2.0")
    services.import_course(small_course, None, utcnow())
    response = client.get("/courses/grundlagen-test/media/schema.png")
    assert response.get_etag()[0] != old and response.data.endswith(b"\x00")


@pytest.mark.parametrize("path", [
    "/courses/e-mobility/media/gibt-es-nicht.svg",
    "/courses/e-mobility/media/../course.yml",
    "/courses/e-mobility/media/media/antriebsstrang-bev.svg",
    "/courses/unbekannt/media/antriebsstrang-bev.svg",
])
def test_unknown_paths_are_not_found(client, import_real, path):
    import_real("e-mobility")
    assert client.get(path).status_code == 404


def test_the_media_folder_itself_is_no_page(client, auth, import_real):
    import_real("e-mobility")
    response = client.get("/courses/e-mobility/media/")
    # the trailing slash is dropped (as on every page), and "media" is no lesson either
    assert (response.status_code, response.headers["Location"]) == (
        308, "/courses/e-mobility/media")
    auth.login(make_user().email)
    assert client.get("/courses/e-mobility/media").status_code == 404
