"""Issue 20's "done when" in a real browser: a manager defines a role with the high-voltage
qualification, gives it to two employees, sees both missing, assigns the e-mobility course
from the gap; one completes it (platform statements), the cell turns valid with an expiry
date, and the audit PDF lists it (read back with pdftotext)."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_trainer_studio import SCREENSHOTS, login

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery"
HV = "Hochvolt: elektrotechnisch unterwiesene Person (EuP)"
ROLE = "HV-Montage E2E"


@pytest.fixture(scope="module")
def electricians(live_app):
    """Two employees of the demo company (the catalogue came with the demo data)."""
    from sqlalchemy import select

    from lms.accounts.models import Organisation
    from lms.cli.demo import DEMO_ORGANISATION
    from lms.extensions import db
    from tests.factories import make_member

    with live_app.app_context():
        organisation = db.session.scalar(select(Organisation).where(
            Organisation.name == DEMO_ORGANISATION[0]))
        hanna = make_member(organisation, name="Hanna Hochvolt", email="hanna.hv@example.org")
        paul = make_member(organisation, name="Paul Prüfstand", email="paul.hv@example.org")
        db.session.commit()
        return {"hanna": hanna.id, "paul": paul.id}


def complete_course(live_app, user_id: int, slug: str) -> None:
    """Write the statements that meet the course's completion rule, as the player would."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.catalog.version_content import content_for
    from lms.db import utcnow
    from lms.extensions import db
    from lms.learning import statements as builders
    from lms.learning.models import Enrolment
    from lms.lrs.embedded import record_statement

    with live_app.app_context(), live_app.test_request_context():
        now = utcnow()
        user = db.session.get(User, user_id)
        enrolment = db.session.scalar(select(Enrolment).join(Course).where(
            Enrolment.user_id == user_id, Course.slug == slug))
        model = content_for(enrolment.course_version).course
        version = enrolment.course_version.version

        def record(verb, lesson, result=None):
            record_statement(builders.lesson_statement(
                user, verb, model, version, enrolment.registration, lesson, now,
                result=result), now)

        for lesson in model.lessons("lesson"):
            record("completed", lesson)
        for lesson in [*model.lessons("quiz"), *model.lessons("assessment")]:
            record("passed", lesson, builders.scaled_result(90, True, 9, 10))
        record_statement(builders.attended_statement(
            user, model, version, enrolment.registration, 424242, "Workshop", 90, now), now)
        db.session.commit()


def cell(page, person: str):
    return page.locator(f'td[data-person="{person}"][data-qualification="hv-eup"]')


def test_role_gap_assignment_completion_and_audit_pdf(new_page, live_app, demo_logins,
                                                      electricians):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager = new_page()
    login(manager, "manager@sauerland-metall.example", demo_logins["manager"])

    # a role with the high-voltage qualification, held by both electricians
    manager.goto("/company/qualifications/roles")
    manager.get_by_label("Name der Rolle").fill(ROLE)
    manager.get_by_role("button", name="Anlegen").click()
    expect(manager.get_by_role("heading", name=f"Rolle: {ROLE}")).to_be_visible()
    manager.get_by_label("Qualifikation", exact=True).select_option(label=HV)
    manager.get_by_role("button", name="Anforderung hinzufügen").click()
    expect(manager.get_by_text("Anforderung gespeichert.")).to_be_visible()
    manager.get_by_label("Personen").select_option(label=["Hanna Hochvolt", "Paul Prüfstand"])
    manager.get_by_role("button", name="Rolle vergeben").click()
    expect(manager.get_by_text("Rolle vergeben (2 neu).")).to_be_visible()

    # the matrix, filtered to the role: both missing
    manager.goto("/company/qualifications/")
    manager.get_by_label("Rolle", exact=True).select_option(label=ROLE)
    manager.get_by_role("button", name="Filtern").click()
    expect(cell(manager, "Hanna Hochvolt")).to_contain_text("fehlt")
    expect(cell(manager, "Paul Prüfstand")).to_contain_text("fehlt")
    matrix_url = manager.url

    # close Hanna's gap: the e-mobility course, due in four weeks
    cell(manager, "Hanna Hochvolt").get_by_role("link", name="Kurs zuweisen").click()
    expect(manager.get_by_text("Der Kurs „E-Mobilität für Zulieferer“ vermittelt")).to_be_visible()
    from lms.db import utcnow
    from lms.local_time import local_day

    due = local_day(utcnow()) + timedelta(days=28)
    manager.get_by_label("Fällig am").fill(due.isoformat())
    manager.get_by_role("button", name="Kurs zuweisen").click()
    expect(manager.get_by_text("Kurs zugewiesen (1 Personen).")).to_be_visible()
    manager.goto(matrix_url)
    expect(cell(manager, "Hanna Hochvolt")).to_contain_text("in Qualifizierung")

    # Hanna completes the course; her certificate becomes evidence
    complete_course(live_app, electricians["hanna"], "e-mobility")
    manager.goto(matrix_url)
    hanna = cell(manager, "Hanna Hochvolt")
    expect(hanna).to_contain_text("gültig")
    valid_until = local_day(utcnow()).replace(year=local_day(utcnow()).year + 1)
    expect(hanna).to_contain_text(f"bis {valid_until:%d.%m.%y}")
    expect(cell(manager, "Paul Prüfstand")).to_contain_text("fehlt")
    manager.screenshot(path=str(SCREENSHOTS / "qualification-matrix.png"), full_page=True)

    # the audit PDF lists her, with the date
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Audit-PDF").click()
    path = download.value.path()
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the audit PDF back"
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Qualifikationsmatrix" in text and "Sauerland Metallwerke GmbH" in text
    assert re.search(r"Hanna Hochvolt.*gültig \(" + re.escape(f"{valid_until:%d.%m.%Y}"),
                     text), text
    assert re.search(r"Paul Prüfstand.*fehlt", text), text
    assert "Unterschrift" in text and f"{ROLE}" in text
