"""Every figure of every lesson loads for an enrolled learner: in the player, the print view,
the lesson preview and quiz pages; from the version the learner is on, cacheably."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from lms.catalog import services
from lms.catalog.version_content import content_for
from lms.catalog.views import IMMUTABLE, PRIVATE_IMMUTABLE, SVG_POLICY
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from tests.factories import make_user
from tests.fixtures.courses import REAL_COURSES
from tests.lms.learning.conftest import login


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "video", "audio", "source", "track"):
            self.sources += [value for name, value in attrs if name == "src" and value]


def sources(page: str) -> list[str]:
    parser = _Sources()
    parser.feed(page)
    return parser.sources


def fetch(client, page_url: str, src: str):
    """Request ``src`` as the browser would, resolved against the page, following redirects."""
    url = urljoin("http://localhost" + page_url, src)
    parts = urlsplit(url)
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""),
                      follow_redirects=True)


@pytest.mark.parametrize("slug", REAL_COURSES)
def test_every_lesson_figure_loads_for_an_enrolled_learner(client, auth, import_real, slug):
    course = import_real(slug)[0].version.course
    learner = make_user()
    enrolments.enrol(learner, course, learner, utcnow())
    db.session.commit()
    login(client, auth, learner)
    checked = 0
    for lesson in content_for(course.published_version).course.lessons():
        for page_url in (f"/learn/{slug}/{lesson.id}", f"/learn/{slug}/{lesson.id}/print"):
            page = client.get(page_url)
            assert page.status_code == 200, page_url
            for src in sources(page.get_data(as_text=True)):
                if not re.search(r"/media/|^media/", src):
                    continue
                response = fetch(client, page_url, src)
                assert response.status_code == 200, (page_url, src)
                assert response.mimetype.startswith(("image/", "video/", "audio/", "text/vtt")), \
                    (src, response.mimetype)
                checked += 1
    assert checked >= 5  # each course has figures


def test_media_are_immutable_svg_is_sandboxed_and_relative_urls_redirect(client, auth,
                                                                         import_real):
    course = import_real("e-mobility")[0].version.course
    learner = make_user()
    enrolments.enrol(learner, course, learner, utcnow())
    db.session.commit()
    login(client, auth, learner)
    version = course.published_version
    url = f"/courses/e-mobility/versions/{version.id}/media/antriebsstrang-bev.svg"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Security-Policy"] == SVG_POLICY
    assert "sandbox" in SVG_POLICY
    again = client.get(url, headers={"If-None-Match": f'"{response.get_etag()[0]}"'})
    assert again.status_code == 304
    # a relative URL resolved against any player page lands on the learner's version
    for where in ("/learn/e-mobility/media/antriebsstrang-bev.svg",
                  "/learn/e-mobility/some-lesson/media/antriebsstrang-bev.svg"):
        moved = client.get(where)
        assert moved.status_code == 302 and moved.location.endswith(url)
    assert client.get(f"/courses/e-mobility/versions/{version.id}/media/nope.svg"
                      ).status_code == 404


def test_old_version_media_only_for_its_learners(client, auth, import_real, tmp_path):
    import shutil

    from tests.fixtures.courses import COURSES, edit

    course = import_real("e-mobility")[0].version.course
    old = course.published_version
    learner, stranger = make_user(), make_user()
    enrolments.enrol(learner, course, learner, utcnow())
    copy = tmp_path / "e-mobility"
    shutil.copytree(COURSES / "e-mobility", copy)
    edit(copy / "course.yml", f"version: {old.version}", "version: 2.0.0")
    services.import_course(copy, None, utcnow())
    db.session.commit()
    assert course.published_version_id != old.id
    url = f"/courses/e-mobility/versions/{old.id}/media/antriebsstrang-bev.svg"
    assert client.get(url).status_code == 404  # anonymous: not the published version
    login(client, auth, stranger)
    assert client.get(url).status_code == 404
    auth.logout()
    login(client, auth, learner)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PRIVATE_IMMUTABLE


def test_english_readers_get_a_figure_s_english_variant(client, auth, import_real):
    """``media/x.en.svg`` replaces ``media/x.svg`` in the English lesson, not the German."""
    course = import_real("sustainability")[0].version.course
    version = course.published_version
    assert "media/regulierung-zeitstrahl.en.svg" in services.version_media(version)
    learner = make_user()
    enrolments.enrol(learner, course, learner, utcnow())
    db.session.commit()
    login(client, auth, learner)
    page_url = "/learn/sustainability/csrd-lksg-csddd"
    german = client.get(page_url).get_data(as_text=True)
    learner.locale = "en"  # what the language switch stores for a signed-in learner
    db.session.commit()
    english = client.get(page_url).get_data(as_text=True)
    assert '<html lang="en">' in english
    figure = f"/courses/sustainability/versions/{version.id}/media/regulierung-zeitstrahl"
    assert f'{figure}.svg"' in german and f'{figure}.en.svg"' not in german
    assert f'{figure}.en.svg"' in english
    assert client.get(f"{figure}.en.svg").mimetype == "image/svg+xml"
