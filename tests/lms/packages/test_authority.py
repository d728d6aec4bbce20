"""Package authority: one LRS client per package of a course; publishing grants or asks."""

from sqlalchemy import select

from lms.catalog import services as catalog
from lms.catalog import trainers
from lms.db import utcnow
from lms.extensions import db
from lms.lrs.models import LrsClient
from lms.packages import authority
from lms.packages.models import PackageClient, PackageGrantRequest
from tests.conftest import csrf_token_from
from tests.factories import make_user

LESSON_IRI = ("http://localhost/xapi/activities/course/kurs-p/module/einfuehrung/lesson/"
              "gabelstapler")


def _prefixes(client: LrsClient) -> set[str]:
    return {grant.activity_prefix for grant in client.grants}


def test_package_client_is_created_once_per_course_and_package(app):
    first = authority.package_client("kurs-p", "gabelstapler")
    again = authority.package_client("kurs-p", "gabelstapler")
    other = authority.package_client("kurs-p", "hv")
    assert first.id == again.id != other.id
    assert first.name == "Paket kurs-p/gabelstapler"
    assert "statements/write" in first.scopes
    assert first.authority["account"]["name"] == first.key


def test_import_by_the_platform_grants_every_package_lesson(app, package_course):
    catalog.import_course(package_course, None, utcnow())
    gabelstapler = authority.package_client("kurs-p", "gabelstapler")
    hv = authority.package_client("kurs-p", "hv")
    assert _prefixes(gabelstapler) == {LESSON_IRI}
    assert _prefixes(hv) == {LESSON_IRI.replace("gabelstapler", "hv-teil-1")}
    assert authority.pending_requests() == []
    # publishing again (a rollback, a re-import) changes nothing
    catalog.publish_version(catalog.find_published_course("kurs-p"), None, utcnow())
    assert len(gabelstapler.grants) == 1
    assert db.session.scalar(select(db.func.count(PackageClient.id))) == 2


def test_trainer_publication_waits_for_an_admin_who_grants_on_the_lrs_page(
        app, client, auth, package_course):
    catalog.import_course(package_course, None, utcnow(), publish=False)
    version = db.session.scalar(select(catalog.CourseVersion))
    trainer = make_user(email="t@example.org", is_trainer=True)
    admin = make_user(email="a@example.org", is_admin=True)
    trainers.grant_course_trainer(None, version.course, trainer, utcnow())
    catalog.publish_version(version, trainer, utcnow())
    client_row = authority.package_client("kurs-p", "gabelstapler")
    assert client_row.grants == []
    requests = authority.pending_requests()
    assert {r.activity_prefix for r in requests} == {
        LESSON_IRI, LESSON_IRI.replace("gabelstapler", "hv-teil-1")}
    assert all(r.requested_by_id == trainer.id for r in requests)
    db.session.commit()

    auth.login("a@example.org")
    page = client.get("/admin/lrs").get_data(as_text=True)
    assert "Lernpakete warten auf Freigabe" in page and LESSON_IRI in page
    response = client.post("/admin/lrs/grants", data={
        "csrf_token": csrf_token_from(page), "client": client_row.key, "course": "",
        "activity_prefix": LESSON_IRI})
    assert response.status_code == 302
    db.session.expire_all()
    assert _prefixes(authority.package_client("kurs-p", "gabelstapler")) == {LESSON_IRI}
    assert [r.lesson_id for r in authority.pending_requests()] == ["hv-teil-1"]

    # an admin publishing settles the rest at once
    catalog.publish_version(version, admin, utcnow())
    assert authority.pending_requests() == []
    assert db.session.scalar(select(db.func.count(PackageGrantRequest.id))) == 2
