"""Evidence: derived from certificates and modules, external uploads confirmed by a person."""

import io

from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.certificates.services import add_months, revoke_certificate
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.local_time import local_day
from lms.qualifications.evidence import sync_derived_evidence
from lms.qualifications.models import Evidence
from lms.qualifications.status import CellStatus, status_for
from tests.conftest import csrf_token_from
from tests.lms.learning.test_projection import complete_everything
from tests.lms.qualifications.conftest import login


def test_completion_makes_course_and_module_evidence_until_revoked(app, import_real, company):
    course = import_real("e-mobility")[0].version.course
    now = utcnow()
    today = local_day(now)
    enrolment = enrolments.enrol(company.anna, course, company.anna, now)
    assert status_for(company.anna.id, company.hv.id, 1, today).status == \
        CellStatus.IN_PROGRESS
    with app.test_request_context("/"):
        complete_everything(enrolment, now)
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.user_id == company.anna.id))
    assert certificate is not None
    # the completion hook derived them at once; deriving again adds nothing
    sync_derived_evidence([company.anna.id], now)
    rows = db.session.scalars(select(Evidence).where(Evidence.user_id == company.anna.id)).all()
    assert sorted(row.kind for row in rows) == ["course", "module"]
    cell = status_for(company.anna.id, company.hv.id, 1, today)
    assert cell.status == CellStatus.VALID
    assert cell.valid_until == add_months(today, 12)

    admin = company.manager
    admin.is_admin = True
    revoke_certificate(admin, certificate, "Prüfung wiederholen", now)
    sync_derived_evidence([company.anna.id], now)
    course_row = db.session.scalar(select(Evidence).where(Evidence.user_id == company.anna.id,
                                                          Evidence.kind == "course"))
    assert course_row.revoked_at is not None
    kinds = [r.kind for r in status_for(company.anna.id, company.hv.id, 1, today).reasons]
    assert kinds == ["module"]  # the HV module still proves it


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(client, path, data, name="eup.pdf", hv_id=1, issued="2026-11-02"):
    token = csrf_token_from(client.get(path.rsplit("/", 1)[0] + "/").get_data(as_text=True))
    return client.post(path, data={
        "csrf_token": token, "qualification_id": str(hv_id), "level": "1",
        "issued_on": issued, "note": "TÜV Süd", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_external_certificate_counts_after_a_named_confirmation(client, auth, company):
    login(client, auth, company.anna)
    refused = _upload(client, "/me/qualifications/external", b"not a pdf", "x.txt",
                      company.hv.id)
    assert refused.status_code == 400
    assert "kein Foto (JPEG, PNG, WebP) und kein PDF" in refused.get_data(as_text=True)
    response = _upload(client, "/me/qualifications/external", PDF, hv_id=company.hv.id)
    assert response.status_code == 302
    item = db.session.scalar(select(Evidence).where(Evidence.user_id == company.anna.id))
    assert item.kind == "external" and item.confirmed_at is None
    today = local_day(utcnow())
    assert status_for(company.anna.id, company.hv.id, 1, today).status == CellStatus.MISSING
    assert client.get(f"/me/qualifications/evidence/{item.id}/file").data == PDF

    auth.logout()
    login(client, auth, company.manager)
    page = client.get(f"/company/qualifications/people/{company.anna.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    assert client.post(f"/company/qualifications/evidence/{item.id}/confirm",
                       data={"csrf_token": token}).status_code == 302
    db.session.refresh(item)
    assert item.confirmed_by_id == company.manager.id
    cell = status_for(company.anna.id, company.hv.id, 1, today)
    assert cell.status == CellStatus.EXPIRING_30 or cell.status == CellStatus.VALID
    assert cell.reasons[0].by == "Mia Managerin"
    page = client.get(f"/company/qualifications/people/{company.anna.id}").get_data(as_text=True)
    assert "bestätigt von Mia Managerin" in page and "eup.pdf" in page
