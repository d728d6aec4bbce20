"""Studio upload of package zips: a lesson of the course being edited, or a new course."""

import html
import io

from lms.catalog import services as catalog
from lms.catalog import trainers
from lms.db import utcnow
from lms.extensions import db
from lms.packages import authority
from lms.studio import drafts
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.package_kit import cmi5_files, scorm12_files, scorm2004_files, zip_bytes


def _course(tmp_path):
    from authoring.scaffold import new_course

    root = new_course(tmp_path / "kurs-a", "kurs-a")
    course = catalog.import_course(root, None, utcnow()).version.course
    trainer = make_user(email="trainer@example.org", is_trainer=True)
    make_user(email="other@example.org", is_trainer=True)
    make_user(email="admin@example.org", is_admin=True)
    trainers.grant_course_trainer(None, course, trainer, utcnow())
    db.session.commit()
    return course


def _post(client, url, data, file_bytes, filename="gabelstapler.zip"):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token,
                                  "file": (io.BytesIO(file_bytes), filename)},
                       content_type="multipart/form-data")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_trainer_uploads_a_package_as_a_lesson_and_publishes(client, auth, tmp_path):
    course = _course(tmp_path)
    auth.login("trainer@example.org")
    page = client.get("/studio/kurs-a")
    assert "/studio/kurs-a/package" in page.get_data(as_text=True)
    response = _post(client, "/studio/kurs-a/package", {"module": "einfuehrung"},
                     zip_bytes(scorm12_files()))
    assert response.status_code == 302, _text(response)
    assert response.headers["Location"].endswith("/studio/kurs-a")
    page = _text(client.get("/studio/kurs-a"))
    assert "ist als Lektion im Entwurf" in page
    db.session.expire_all()
    assert drafts.read_file(course, "packages/gabelstapler/sco1/index.html") is not None
    token = csrf_token_from(page)
    response = client.post("/studio/kurs-a/publish", data={"version": "0.2.0",
                                                           "csrf_token": token})
    assert response.status_code == 302, _text(response)
    version = catalog.find_published_course("kurs-a")
    assert version.version == "0.2.0"
    lesson = catalog.load_version_model(version).lesson("gabelstapler-grundlagen")
    assert lesson.kind == "package" and lesson.package.standard == "scorm12"
    # a trainer's publication waits for an admin's grant
    assert authority.package_client("kurs-a", "gabelstapler").grants == []
    assert [r.lesson_id for r in authority.pending_requests()] == ["gabelstapler-grundlagen"]


def test_bad_zips_are_refused_with_what_and_where_and_nothing_is_written(
        client, auth, tmp_path):
    course = _course(tmp_path)
    before = {row.path for row in drafts.list_files(course)}
    auth.login("trainer@example.org")
    broken = scorm12_files(launch="sco1/fehlt.html")
    response = _post(client, "/studio/kurs-a/package", {"module": "einfuehrung"},
                     zip_bytes(broken), "kaputt.zip")
    assert response.status_code == 422
    page = _text(response)
    assert "kaputt.zip hat 1 Fehler" in page
    assert "kaputt.zip/imsmanifest.xml:" in page and "sco1/fehlt.html" in page
    response = _post(client, "/studio/kurs-a/package", {"module": "einfuehrung"},
                     zip_bytes({"../../evil.html": "x"}), "slip.zip")
    assert response.status_code == 422 and "zip-slip" in _text(response)
    response = _post(client, "/studio/kurs-a/package", {"module": "einfuehrung"},
                     b"PK\x03\x04 truncated", "kurz.zip")
    assert response.status_code == 422 and "truncated" in _text(response)
    response = _post(client, "/studio/kurs-a/package", {"module": "einfuehrung"},
                     zip_bytes({"index.html": "<p>x</p>"}), "ohne.zip")
    assert response.status_code == 422 and "imsmanifest.xml" in _text(response)
    db.session.expire_all()
    assert {row.path for row in drafts.list_files(course)} == before


def test_other_trainers_and_learners_get_404(client, auth, tmp_path):
    _course(tmp_path)
    auth.login("other@example.org")
    assert client.get("/studio/kurs-a/package").status_code == 404
    assert client.get("/studio/packages/new-course").status_code == 404


def test_admin_creates_a_course_of_its_own_from_a_multi_sco_package(client, auth, tmp_path):
    _course(tmp_path)
    auth.login("admin@example.org")
    assert "/studio/packages/new-course" in client.get("/studio").get_data(as_text=True)
    response = _post(client, "/studio/packages/new-course",
                     {"course_id": "hv-paket", "title": "HV kompakt"},
                     zip_bytes(scorm2004_files()), "hv.zip")
    assert response.status_code == 302, _text(response)
    assert response.headers["Location"].endswith("/studio/hv-paket")
    page = _text(client.get("/studio/hv-paket"))
    assert "3 Lektion(en)" in page
    assert "Der Entwurf kann veröffentlicht werden." in page
    token = csrf_token_from(page)
    response = client.post("/studio/hv-paket/publish", data={"version": "1.0.0",
                                                            "csrf_token": token})
    assert response.status_code == 302
    model = catalog.load_version_model(catalog.find_published_course("hv-paket"))
    assert [lesson.package.items[0].identifier for lesson in model.lessons()] == [
        "TEIL-1", "TEIL-2", "GLOSSAR"]
    # an admin's publication grants at once
    assert len(authority.package_client("hv-paket", "hv").grants) == 3
    # the id is checked; a taken one is refused on its field
    response = _post(client, "/studio/packages/new-course", {"course_id": "hv-paket"},
                     zip_bytes(cmi5_files()), "dsgvo.zip")
    assert response.status_code == 422 and "schon vergeben" in _text(response)
