"""The matrix: statuses from evidence, visibility profiles, access log, other companies."""

from datetime import timedelta

from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.db import utcnow
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import evidence as evidence_service
from lms.qualifications.status import CellStatus, MatrixFilters, matrix
from tests.factories import make_member, make_organisation
from tests.lms.qualifications.conftest import login

PROFILES = """
never = ["time_on_task"]
[profiles.standard]
[profiles.standard.manager]
always = ["enrolment", "completion"]
with_consent = ["certificates"]
[profiles.standard.works_council]
always = ["completion"]
[profiles.standard.admin]
always = ["completion"]
"""


def _confirm_on_the_job(company, person, days_ago=10):
    now = utcnow()
    return evidence_service.confirm_on_the_job(
        company.manager, company.organisation, person.id, company.hv, 1,
        issued_on=local_day(now) - timedelta(days=days_ago), note="Freischaltung beobachtet",
        now=now)


def test_matrix_shows_valid_with_expiry_and_missing(company):
    _confirm_on_the_job(company, company.anna)
    today = local_day(utcnow())
    result = matrix(company.organisation, today)
    cells = {row.name: row.cells[company.hv.id] for row in result.rows}
    assert cells["Anna Elektrik"].status == CellStatus.VALID
    assert cells["Anna Elektrik"].valid_until is not None  # 12 months from the day seen
    assert cells["Anna Elektrik"].reasons[0].by == "Mia Managerin"
    assert cells["Ben Elektrik"].status == CellStatus.MISSING
    missing = matrix(company.organisation, today, MatrixFilters(status="missing"))
    assert [row.name for row in missing.rows] == ["Ben Elektrik"]


def test_profile_without_certificates_hides_cells_unless_consented(app, company, tmp_path):
    _confirm_on_the_job(company, company.anna)
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES)
    app.config["ATLAS_VISIBILITY_PROFILES"] = str(path)
    try:
        result = matrix(company.organisation, local_day(utcnow()))
        cells = [row.cells[company.hv.id] for row in result.rows]
        assert all(cell.hidden and cell.status is None and not cell.reasons for cell in cells)
        assert sum(result.counts.values()) == 0
        from lms.companies.consent import decide_score_consent

        decide_score_consent(company.anna, True, "de", utcnow())
        result = matrix(company.organisation, local_day(utcnow()))
        cells = {row.name: row.cells[company.hv.id] for row in result.rows}
        assert cells["Anna Elektrik"].status == CellStatus.VALID
        assert cells["Ben Elektrik"].hidden
    finally:
        app.config.pop("ATLAS_VISIBILITY_PROFILES")


def test_person_page_follows_the_profile(app, client, auth, company, tmp_path):
    _confirm_on_the_job(company, company.ben)
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES)
    app.config["ATLAS_VISIBILITY_PROFILES"] = str(path)
    try:
        login(client, auth, company.manager)
        page = client.get(f"/company/qualifications/people/{company.ben.id}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "zeigt Ihnen den Qualifikationsstand dieser Person nicht" in text
        assert "Freischaltung beobachtet" not in text and "gültig" not in text
    finally:
        app.config.pop("ATLAS_VISIBILITY_PROFILES")


def test_manager_view_is_logged_and_other_company_gets_404(client, auth, company):
    login(client, auth, company.manager)
    response = client.get("/company/qualifications/?status=missing")
    assert response.status_code == 200
    assert "Ben Elektrik" in response.get_data(as_text=True)
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "view_qualification_matrix"))
    assert entry is not None and entry.organisation_id == company.organisation.id
    assert client.get(f"/company/qualifications/people/{company.anna.id}").status_code == 200
    assert db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.action == "view_qualification_evidence",
        AccessLogEntry.subject_id == company.anna.id)) is not None

    other = make_organisation()
    stranger = make_member(other, role="manager")
    auth.logout()
    login(client, auth, stranger)
    assert client.get(f"/company/qualifications/people/{company.anna.id}").status_code == 404
    assert client.get(f"/company/qualifications/roles/{company.role.id}").status_code == 404
    page = client.get("/company/qualifications/").get_data(as_text=True)
    assert "Anna Elektrik" not in page


def test_employee_sees_own_row_but_not_the_matrix(client, auth, company):
    _confirm_on_the_job(company, company.anna)
    login(client, auth, company.anna)
    page = client.get("/me/qualifications/").get_data(as_text=True)
    assert "Hochvolt" in page and "Mia Managerin" in page
    assert client.get("/company/qualifications/").status_code == 403


def test_works_council_sees_counts_only(client, auth, company):
    council = make_member(company.organisation, role="works_council")
    login(client, auth, council)
    page = client.get("/company/qualifications/works-council").get_data(as_text=True)
    assert "Hochvolt" in page and "Anna Elektrik" not in page
    assert "weniger als 5 Personen" in page  # two people need it: no counts


def test_audit_pdf_and_xlsx(client, auth, company):
    _confirm_on_the_job(company, company.anna)
    login(client, auth, company.manager)
    pdf = client.get("/company/qualifications/audit.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get("/company/qualifications/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    actions = set(db.session.scalars(select(AccessLogEntry.action)))
    assert {"export_qualifications_pdf", "export_qualifications_xlsx"} <= actions
