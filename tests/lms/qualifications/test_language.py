"""Qualification titles and evidence kinds in the reader's language (German first)."""

import subprocess
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import evidence as evidence_service
from tests.conftest import csrf_token_from
from tests.lms.qualifications.conftest import login

HV_DE = "Hochvolt: elektrotechnisch unterwiesene Person (EuP)"
HV_EN = "High voltage: electrotechnically instructed person (EuP)"


def _english(client, auth, user):
    user.locale = "en"
    db.session.commit()
    return login(client, auth, user)


def test_requirement_form_offers_english_titles_after_an_error(client, auth, company):
    _english(client, auth, company.manager)
    path = f"/company/qualifications/roles/{company.role.id}"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    response = client.post(f"{path}/requirements", data={
        "csrf_token": token, "qualification_id": company.hv.id, "level": "9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f">{HV_EN}</option>" in page
    assert HV_DE not in page


@pytest.mark.parametrize("language, title", [("de", HV_DE), ("en", HV_EN)])
def test_matrix_page_and_person_page_name_the_qualification_in_the_reader_s_language(
        client, auth, company, language, title):
    company.manager.locale = language
    db.session.commit()
    login(client, auth, company.manager)
    for path in ("/company/qualifications/",
                 f"/company/qualifications/people/{company.anna.id}"):
        page = client.get(path).get_data(as_text=True)
        assert title in page
        assert (HV_EN if language == "de" else HV_DE) not in page


def test_audit_pdf_names_the_kind_of_evidence_in_words(client, auth, company, tmp_path):
    now = utcnow()
    evidence_service.confirm_on_the_job(
        company.manager, company.organisation, company.anna.id, company.hv, 1,
        issued_on=local_day(now) - timedelta(days=10), note="Freischaltung beobachtet",
        now=now)
    db.session.commit()
    _english(client, auth, company.manager)
    pdf = client.get("/company/qualifications/audit.pdf")
    path = tmp_path / "audit.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "on_the_job" not in text
    assert "confirmation" in text.lower() or "on the job" in text.lower()


def test_export_cells_write_the_date_in_the_reader_s_format(app):
    from datetime import date

    from flask_babel import force_locale

    from lms.qualifications.exports import cell_text
    from lms.qualifications.status import Cell, CellStatus

    cell = Cell(1, 1, CellStatus.VALID, date(2027, 10, 9))
    with app.test_request_context():
        with force_locale("de"):
            assert cell_text(cell) == "gültig (09.10.2027)"
        with force_locale("en"):
            assert cell_text(cell, "en") == "valid (9 Oct 2027)"
