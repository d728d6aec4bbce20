"""A manager creates three shop-floor accounts from CSV and prints their login cards; one
worker signs in with the card's code, sets a password and starts a course."""

import re
import subprocess

import pytest
from sqlalchemy import select

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def plant(live_app):
    from lms.accounts.models import Organisation, User
    from lms.catalog.models import Course
    from lms.extensions import db

    with live_app.app_context():
        manager = db.session.scalar(select(User).where(
            User.email == "manager@sauerland-metall.example"))
        organisation = db.session.get(Organisation, manager.membership.organisation_id)
        course = db.session.scalars(select(Course).order_by(Course.slug)).first()
        return {"organisation_id": organisation.id, "course": course.slug}


def test_manager_prints_cards_and_a_worker_starts_with_one(browser, live_app, page, plant,
                                                           demo_logins, tmp_path):
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse").fill("manager@sauerland-metall.example")
    page.get_by_label("Passwort", exact=True).fill(demo_logins["manager"])
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    page.goto(f"/admin/organisations/{plant['organisation_id']}/shop-floor")
    page.get_by_role("textbox", name="Firmenkürzel").fill("SAUERLAND")
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Firmenkürzel gespeichert.").is_visible()

    csv = tmp_path / "schicht.csv"
    csv.write_text("Personalnummer;Name;Abteilung\n7001;Emre Yilmaz;Stanzerei\n"
                   "7002;Olga Petrowa;\n7003;Karl Schmitz;Stanzerei\n", encoding="utf-8")
    page.get_by_label("CSV-Datei: Personalnummer;Name;Abteilung").set_input_files(str(csv))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Anlegen und Anmeldekarten drucken (PDF)").click()
    pdf_path = tmp_path / "karten.pdf"
    download_info.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          check=True).stdout.decode()
    for name in ("Emre Yilmaz", "Olga Petrowa", "Karl Schmitz"):
        assert name in text
    codes = re.findall(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", text)
    assert len(codes) == 3
    link = re.search(r"(http://\S+/start\?org=SAUERLAND&nr=7001)", text).group(1)

    worker_context = browser.new_context(base_url=live_app.config["LIVE_URL"], locale="de-DE")
    worker = worker_context.new_page()
    worker.goto(link.replace(live_app.config["LIVE_URL"], ""))
    assert worker.get_by_label("Personalnummer").input_value() == "7001"
    worker.get_by_label("Startcode von der Anmeldekarte").fill(codes[0])
    worker.get_by_label("Neues Passwort (mindestens 10 Zeichen)").fill("Stanzerei 7001 Emre")
    worker.get_by_role("button", name="Passwort festlegen und anmelden").click()
    worker.wait_for_url("**/")
    assert "Emre Yilmaz" in worker.content()
    worker.goto(f"/courses/{plant['course']}")
    worker.get_by_role("button", name="Zum Kurs anmelden").click()
    worker.wait_for_url(f"**/learn/{plant['course']}/**")
    worker.screenshot(path=str(tmp_path / "worker-lesson.png"), full_page=True)
    worker_context.close()
