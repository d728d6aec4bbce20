"""A learner logs in through the real start page and reaches the dashboard."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_demo_learner_logs_in_and_sees_dashboard(page, demo_logins, tmp_path):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_label("E-Mail-Adresse").fill("lena@sauerland-metall.example")
    page.get_by_label("Passwort", exact=True).fill(demo_logins["learner"])
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Mein Lernen")).to_be_visible()
    assert "Lena Lernwig" in page.content()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    # the CSP allows everything our own pages use: no violations in the console
    assert page.console_errors == []


def test_wrong_password_shows_message_in_place(page):
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse").fill("lena@sauerland-metall.example")
    page.get_by_label("Passwort", exact=True).fill("definitely wrong")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("E-Mail-Adresse oder Passwort ist falsch.")).to_be_visible()


def test_skip_link_is_first_focus_and_moves_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_language_switch_to_english(page):
    page.goto("/")
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Training for the transformation")).to_be_visible()
