"""Who sees which certificate: revoke pages, company list and zip, downloads, dashboard."""

import io
import zipfile
from datetime import timedelta

from lms.catalog.trainers import grant_course_trainer
from lms.certificates import services
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user
from tests.lms.certificates.conftest import COMPLETED, NOW


def test_trainer_revokes_with_a_reason_and_verify_shows_only_the_date(
        client, auth, certificate, emobility, import_real):
    trainer = make_user(is_trainer=True)
    grant_course_trainer(None, emobility.course, trainer, NOW)
    other_course = import_real("sustainability")[0].version.course
    outsider = make_user(is_trainer=True)
    grant_course_trainer(None, other_course, outsider, NOW)
    db.session.commit()
    number = certificate.number

    auth.login(outsider.email)
    assert client.get(f"/certificates/{number}/revoke").status_code == 404
    listing = client.get("/admin/certificates").get_data(as_text=True)
    assert number not in listing
    auth.logout()

    auth.login(trainer.email)
    listing = client.get(f"/admin/certificates?q={number[-4:]}").get_data(as_text=True)
    assert number in listing
    form = client.get(f"/certificates/{number}/revoke")
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    empty = client.post(f"/certificates/{number}/revoke", data={"reason": " ",
                                                                "csrf_token": token})
    assert empty.status_code == 400
    assert client.post(f"/certificates/{number}/revoke",
                       data={"reason": "Täuschung im Abschlusstest"}).status_code == 400  # no CSRF
    response = client.post(f"/certificates/{number}/revoke",
                           data={"reason": "Täuschung im Abschlusstest", "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None and certificate.revoked_by_id == trainer.id
    auth.logout()

    page = client.get(f"/verify/{number}").get_data(as_text=True)
    assert 'data-status="revoked"' in page
    assert f'data-revoked="{certificate.revoked_at.date().isoformat()}"' in page
    assert "Täuschung" not in page
    body = client.get(f"/verify/{number}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "revoked" and "Täuschung" not in str(body)


def test_learners_cannot_open_the_revoke_list(client, auth, certificate, learner):
    db.session.commit()
    auth.login(learner.email)
    assert client.get("/admin/certificates").status_code == 403
    assert client.get(f"/certificates/{certificate.number}/revoke").status_code == 404


def test_verify_page_detects_tampered_and_expired_records(client, certificate):
    certificate.payload = dict(certificate.payload, learner_name="Mallory Meier")
    db.session.commit()
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert 'data-signature="invalid"' in page
    body = client.get(f"/verify/{certificate.number}",
                      headers={"Accept": "application/json"}).get_json()
    assert body["signature_valid"] is False

    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert 'data-status="expired"' in page


def test_learner_cannot_fetch_another_learners_pdf_or_badge(client, auth, certificate,
                                                            other_learner):
    db.session.commit()
    auth.login(other_learner.email)
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 404
    assert client.get(f"/certificates/{certificate.number}/badge.json").status_code == 404


def test_company_list_and_zip_hold_only_own_organisation(client, auth, certificate, learner,
                                                         manager, emobility):
    colleague = make_member(learner.membership.organisation, name="Carla Kollegin")
    own = services.issue_certificate(colleague, emobility, COMPLETED, NOW)
    stranger = make_member(make_organisation(name="Andere AG"), name="Sven Fremd")
    foreign = services.issue_certificate(stranger, emobility, COMPLETED, NOW)
    db.session.commit()

    auth.login(manager.email)
    page = client.get("/company/certificates").get_data(as_text=True)
    assert certificate.number in page and own.number in page and foreign.number not in page
    filtered = client.get("/company/certificates?q=carla").get_data(as_text=True)
    assert own.number in filtered and certificate.number not in filtered

    response = client.get("/company/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 2
    assert any(certificate.number in n for n in names) and any(own.number in n for n in names)
    assert not any(foreign.number in n for n in names)
    assert all(archive.read(n).startswith(b"%PDF") for n in names)
    assert any("Jürgen" in n for n in names)

    one = zipfile.ZipFile(io.BytesIO(client.get("/company/certificates.zip?q=carla").data))
    assert [own.number in n for n in one.namelist()] == [True]

    assert client.get(f"/certificates/{own.number}.pdf").status_code == 200
    assert client.get(f"/certificates/{own.number}/badge.json").status_code == 200
    assert client.get(f"/certificates/{foreign.number}.pdf").status_code == 404
    assert client.get(f"/certificates/{foreign.number}/badge.json").status_code == 404


def test_manager_of_another_organisation_gets_404(client, auth, certificate):
    other_manager = make_member(make_organisation(name="Fremdfirma KG"), role="manager")
    db.session.commit()
    auth.login(other_manager.email)
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 404
    page = client.get("/company/certificates").get_data(as_text=True)
    assert certificate.number not in page
    archive = zipfile.ZipFile(io.BytesIO(client.get("/company/certificates.zip").data))
    assert archive.namelist() == []


def test_employees_cannot_open_the_company_pages(client, auth, certificate, learner):
    db.session.commit()
    auth.login(learner.email)
    assert client.get("/company/certificates").status_code == 403
    assert client.get("/company/certificates.zip").status_code == 403


def test_dashboard_panel_lists_my_certificates_with_links(client, auth, certificate, learner):
    db.session.commit()
    auth.login(learner.email)
    page = client.get("/").get_data(as_text=True)
    assert "Meine Zertifikate" in page
    assert f"/certificates/{certificate.number}.pdf" in page
    assert f"/certificates/{certificate.number}/badge.json" in page
    assert f"/verify/{certificate.number}" in page
    assert 'data-status="valid"' in page


def test_trainer_uploads_a_signature_that_the_pdf_shows(client, auth, learner, emobility):
    from tests.fixtures.courses import tiny_png
    from tests.lms.certificates.conftest import make_session_attended

    trainer = make_user(is_trainer=True, name="Tanja Trainerin")
    make_session_attended(learner, emobility.course, trainer=trainer)
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    db.session.commit()
    auth.login(trainer.email)
    token = csrf_token_from(client.get("/certificates/signature").get_data(as_text=True))
    bad = client.post("/certificates/signature", data={
        "csrf_token": token, "image": (io.BytesIO(b"GIF89a"), "s.gif")},
        content_type="multipart/form-data")
    assert bad.status_code == 400
    good = client.post("/certificates/signature", data={
        "csrf_token": token, "image": (io.BytesIO(tiny_png()), "s.png")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    from lms.certificates.pdf import trainer_signature_image

    assert trainer_signature_image(certificate).startswith("data:image/png;base64,")


def test_employer_views_and_downloads_of_certificates_go_into_the_access_log(
        client, auth, certificate, learner):
    from sqlalchemy import select

    from lms.companies.models import AccessLogEntry

    manager = make_member(learner.organisation, role="manager")
    db.session.commit()
    auth.login(manager.email)
    assert client.get("/company/certificates").status_code == 200
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 200
    assert client.get("/company/certificates.zip").status_code == 200
    entries = db.session.execute(select(AccessLogEntry.action, AccessLogEntry.subject_id).where(
        AccessLogEntry.actor_id == manager.id).order_by(AccessLogEntry.id)).all()
    assert [tuple(e) for e in entries] == [("view_certificates", None),
                                           ("export_certificates", learner.id),
                                           ("export_certificates", None)]
    auth.logout()

    # the learner's own download is not an employer access
    auth.login(learner.email)
    assert client.get(f"/certificates/{certificate.number}.pdf").status_code == 200
    assert db.session.scalar(select(AccessLogEntry.id).where(
        AccessLogEntry.actor_id == learner.id)) is None
