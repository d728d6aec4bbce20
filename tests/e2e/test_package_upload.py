"""A trainer uploads a SCORM 1.2 zip in the studio and publishes; the package's own page and
script load from the new version, and the admin sees the grant waiting on /admin/lrs.

Playing the package in the lesson player belongs to the player's tests.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.package_kit import scorm12_files, zip_bytes

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def login(page, email, password):
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def _published_version_id(live_app, slug: str) -> int:
    from lms.catalog.models import Course
    from lms.extensions import db

    with live_app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        return course.published_version_id


def test_trainer_uploads_scorm_zip_in_studio_and_publishes(page, new_page, live_app,
                                                           demo_logins):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "trainer@atlas-campus.example", demo_logins["trainer"])
    page.get_by_role("link", name="Kursstudio").click()
    page.get_by_role("link", name="Nachhaltigkeit in der Zulieferindustrie").click()
    page.get_by_role("link", name="Lernpaket importieren").click()
    expect(page).to_have_title("Lernpaket importieren · sustainability · ATLAS Campus")

    # a broken zip first: what and where, nothing written
    broken = scorm12_files(launch="sco1/fehlt.html")
    page.get_by_label("Paket (ZIP)").set_input_files(
        {"name": "kaputt.zip", "mimeType": "application/zip", "buffer": zip_bytes(broken)})
    page.get_by_label("Modul").select_option("klimaschutz-thg-bilanz")
    page.get_by_role("button", name="Paket importieren").click()
    expect(page.get_by_role("heading", name="Fehler im Paket")).to_be_visible()
    expect(page.get_by_text("kaputt.zip/imsmanifest.xml:", exact=False)).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "package-upload-error-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.console_errors.clear()  # the refusal itself answered 422

    # the good zip
    page.get_by_label("Paket (ZIP)").set_input_files(
        {"name": "gabelstapler.zip", "mimeType": "application/zip",
         "buffer": zip_bytes(scorm12_files())})
    page.get_by_label("Modul").select_option("klimaschutz-thg-bilanz")
    page.get_by_role("button", name="Paket importieren").click()
    page.wait_for_url("**/studio/sustainability")
    expect(page.get_by_text("ist als Lektion im Entwurf", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Prüfung des Entwurfs")).to_be_visible()
    expect(page.get_by_text("Der Entwurf kann veröffentlicht werden.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "package-upload-studio.png"), full_page=True)
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("ist veröffentlicht.", exact=False)).to_be_visible()
    assert page.console_errors == []

    # the course page lists the lesson; the package's page runs its own script
    page.goto("/courses/sustainability")
    expect(page.get_by_text("Gabelstapler: Grundlagen").first).to_be_visible()
    version_id = _published_version_id(live_app, "sustainability")
    page.goto(f"/courses/sustainability/versions/{version_id}/media/packages/gabelstapler/"
              "sco1/index.html")
    expect(page.get_by_role("heading", name="Gabelstapler: Grundlagen")).to_be_visible()
    page.wait_for_function("() => window.scoLoaded === true")
    assert page.console_errors == []

    # the trainer's publication waits for the admin
    admin = new_page()
    login(admin, "admin@atlas-campus.example", demo_logins["admin"])
    admin.goto("/admin/lrs")
    expect(admin.get_by_role("heading", name="Lernpakete warten auf Freigabe")).to_be_visible()
    admin.get_by_role("button", name="Anrechnung für gabelstapler-grundlagen freigeben").click()
    expect(admin.get_by_text("darf jetzt", exact=False)).to_be_visible()
    expect(admin.get_by_role("heading", name="Lernpakete warten auf Freigabe")).to_have_count(0)
