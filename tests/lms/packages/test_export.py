"""Course exports: who may download them, the CLI, the cmi5 AU pages and their grading."""

import io
import zipfile
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest

from authoring.export.cmi5 import NAMESPACE
from lms.catalog import services as catalog
from lms.catalog.models import CourseTrainer
from lms.db import utcnow
from lms.extensions import db
from lms.packages import export_services
from tests.factories import make_user
from tests.fixtures.export_course import write_export_course

CMI5 = "{" + NAMESPACE + "}"
SLUG = "export-demo"


@pytest.fixture
def version(app, tmp_path, course_cache):
    result = catalog.import_course(write_export_course(tmp_path), None, utcnow(), publish=True,
                                   cache=course_cache)
    db.session.commit()
    return result.version


def trainer_of(course):
    trainer = make_user(is_trainer=True)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id, granted_at=utcnow()))
    db.session.commit()
    return trainer


def zip_names(response) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(response.data)).namelist()


@pytest.mark.parametrize("package_format", ["scorm12", "cmi5"])
def test_admins_and_the_course_trainers_download_the_packages(
        client, auth, version, package_format):
    admin = make_user(is_admin=True)
    trainer = trainer_of(version.course)
    db.session.commit()
    for user in (admin, trainer):
        auth.login(user.email)
        response = client.get(f"/packages/export/{SLUG}/{package_format}.zip")
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        assert f"{SLUG}-1.0.0-{package_format}.zip" in response.headers["Content-Disposition"]
        expected = "imsmanifest.xml" if package_format == "scorm12" else "cmi5.xml"
        assert expected in zip_names(response)
        auth.logout()


def test_nobody_else_downloads_a_package(client, auth, version):
    other_trainer = make_user(is_trainer=True)
    learner = make_user()
    db.session.commit()
    assert client.get(f"/packages/export/{SLUG}/cmi5.zip").status_code == 302  # to the login
    for user in (other_trainer, learner):
        auth.login(user.email)
        assert client.get(f"/packages/export/{SLUG}/cmi5.zip").status_code == 404
        assert client.get(f"/packages/export/{SLUG}/scorm12.zip").status_code == 404
        auth.logout()
    admin = make_user(is_admin=True)
    db.session.commit()
    auth.login(admin.email)
    assert client.get(f"/packages/export/{SLUG}/scorm2004.zip").status_code == 404
    assert client.get("/packages/export/no-such-course/cmi5.zip").status_code == 404


def test_the_studio_page_offers_both_downloads(client, auth, version):
    trainer = trainer_of(version.course)
    auth.login(trainer.email)
    page = client.get(f"/studio/{SLUG}").get_data(as_text=True)
    assert f'href="/packages/export/{SLUG}/cmi5.zip"' in page
    assert f'href="/packages/export/{SLUG}/scorm12.zip"' in page


def test_the_cli_writes_a_cmi5_package_pointing_at_the_platform(app, runner, version, tmp_path):
    target = tmp_path / "out.zip"
    result = runner.invoke(args=["course", "export-package", SLUG, "--format", "cmi5",
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(zipfile.ZipFile(target).read("cmi5.xml"))
    urls = [au.findtext(f"{CMI5}url") for au in root.iter(f"{CMI5}au")]
    key = export_services.au_key(app.config["SECRET_KEY"], SLUG, version.id)
    assert urls == [f"http://localhost/packages/cmi5-au/{SLUG}/{version.id}/{m}?k={key}"
                    for m in ("grundlagen", "vertiefung")]
    assert root.find(f"{CMI5}course").get("id") == \
        f"http://localhost/xapi/activities/course/{SLUG}/cmi5/1.0.0"


def test_the_cli_refuses_a_course_without_a_published_version(runner, app, tmp_path):
    result = runner.invoke(args=["course", "export-package", "nothing", "--format", "scorm12",
                                 "-o", str(tmp_path / "x.zip")])
    assert result.exit_code != 0
    assert "gibt es nicht" in result.output


def au_path(app, version, module="grundlagen", **params) -> str:
    key = export_services.au_key(app.config["SECRET_KEY"], SLUG, version.id)
    query = "&".join(f"{name}={value}" for name, value in {"k": key, **params}.items())
    return f"/packages/cmi5-au/{SLUG}/{version.id}/{module}?{query}"


def test_an_au_page_opens_only_with_the_key_and_holds_no_answer(client, app, version):
    assert client.get(f"/packages/cmi5-au/{SLUG}/{version.id}/grundlagen").status_code == 404
    assert client.get(f"/packages/cmi5-au/{SLUG}/{version.id}/grundlagen?k=guess") \
        .status_code == 404
    assert client.get(au_path(app, version, module="nope")).status_code == 404
    response = client.get(au_path(app, version, endpoint="https://lrs.example:8443/xapi/",
                                  fetch="https://lms.example/fetch?x=1"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Grundlagen · Export-Demo</title>" in page
    assert "Test Grundlagen" in page
    assert '"questions": [' in page and '"stem":' in page
    for solution in ('"key":', '"salt": "', "is_correct", "tolerance", '"answers"'):
        assert solution not in page
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://lms.example https://lrs.example:8443;" in policy
    assert "frame-ancestors *" in policy


def test_the_au_media_need_the_key(client, app, version):
    key = export_services.au_key(app.config["SECRET_KEY"], SLUG, version.id)
    base = f"/packages/cmi5-au/{SLUG}/{version.id}/media/schema.png"
    assert client.get(base).status_code == 404
    response = client.get(f"{base}?k={key}")
    assert response.status_code == 200 and response.mimetype == "image/png"


def right_answers(version, language="de") -> dict:
    """The right responses, read from the solution the server keeps."""
    lesson = catalog.load_version_model(version).lesson("test-grundlagen")
    by_id = {q.id: q for q in lesson.questions(language)}
    return {
        "q-single": next(c.id for c in by_id["q-single"].choices if c.is_correct),
        "q-multiple": [c.id for c in by_id["q-multiple"].choices if c.is_correct],
        "q-gap": ["60"],
        "q-numeric": "60,4",
        "q-truefalse": "false",
        "q-ordering": [c.id for c in by_id["q-ordering"].choices],
        "q-matching": {p.left.id: p.right.id for p in by_id["q-matching"].pairs},
        "q-open": "Eine Werkbank",
    }


def grade_path(app, version, lesson="test-grundlagen", key=None) -> str:
    key = key or export_services.au_key(app.config["SECRET_KEY"], SLUG, version.id)
    return f"/packages/cmi5-au/{SLUG}/{version.id}/lessons/{lesson}/grade?k={key}"


def test_grading_passes_right_answers_without_counting_the_open_question(client, app, version):
    response = client.post(grade_path(app, version),
                           json={"language": "de", "responses": right_answers(version)})
    assert response.status_code == 200
    result = response.get_json()
    assert (result["percent"], result["passed"], result["max"]) == (100.0, True, 7.0)
    assert "q-open" not in result["questions"]
    assert set(result["questions"]["q-single"]) == {"correct", "score", "max"}


def test_grading_fails_wrong_answers(client, app, version):
    responses = {**right_answers(version), "q-single": "nonsense", "q-gap": ["59"],
                 "q-ordering": [], "q-matching": {}}
    result = client.post(grade_path(app, version),
                         json={"language": "de", "responses": responses}).get_json()
    assert result["passed"] is False
    assert result["percent"] == pytest.approx(100 * 3 / 7, abs=0.01)
    assert result["questions"]["q-single"]["correct"] is False


def test_grading_an_understanding_check(client, app, version):
    lesson = catalog.load_version_model(version).lesson("einstieg")
    check = lesson.variant("en").check("check-grenze")
    right = next(c.id for c in check.choices if c.is_correct)
    result = client.post(grade_path(app, version, lesson="einstieg"),
                         json={"language": "en", "check": "check-grenze",
                               "response": right}).get_json()
    assert result == {"correct": True, "score": 1.0, "max": 1.0}


@pytest.mark.parametrize(("payload", "status"), [
    ([1, 2], 400),
    ({"responses": "all right"}, 400),
    ({"responses": {}, "question_ids": ["q-single"]}, 400),
])
def test_grading_refuses_malformed_requests(client, app, version, payload, status):
    response = client.post(grade_path(app, version), json=payload)
    assert response.status_code == status
    assert "error" in response.get_json()


def test_grading_needs_the_key_and_a_known_lesson(client, app, version):
    assert client.post(grade_path(app, version, key="guess"), json={"responses": {}}) \
        .status_code == 404
    assert client.post(grade_path(app, version, lesson="nope"), json={"responses": {}}) \
        .status_code == 404
    assert client.post(grade_path(app, version, lesson="einstieg"), json={"responses": {}}) \
        .status_code == 400


def test_grading_is_rate_limited(client, app, version):
    path = grade_path(app, version)
    statuses = [client.post(path, json={"responses": {}}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def test_au_urls_are_absolute_under_the_base_url(app, version):
    with app.test_request_context():
        model = catalog.load_version_model(version)
        url = export_services.au_url("https://campus.example/", "secret", version,
                                     model.modules[0])
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "campus.example")
    assert parts.path == f"/packages/cmi5-au/{SLUG}/{version.id}/grundlagen"
