"""A trainer edits the e-mobility course in the studio, publishes it, and a learner reads it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
QUIZ_BLOCK = """
:::quiz id=ladesaeule-farbe
Welche Steckernorm ist in Europa für das AC-Laden üblich?
[( )] CHAdeMO
> CHAdeMO ist ein japanischer DC-Standard.
[(X)] Typ 2
> Richtig: Typ 2 ist in der EU vorgeschrieben.
[( )] GB/T
Erklärung: Die AFIR schreibt Typ 2 für AC-Ladepunkte vor.
:::
"""


def login(page, email, password):
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def logout(page):
    page.get_by_role("button", name="Abmelden").click()


class SourceEditor:
    """The studio's code editor (CodeMirror) and the textarea it writes back into."""

    def __init__(self, page):
        self.page = page
        expect(page.locator(".studio-codemirror[data-ready]")).to_be_visible()

    def input_value(self) -> str:
        return self.page.locator("#source").input_value()

    def fill(self, text: str) -> None:
        self.page.evaluate(
            "t => { const v = document.getElementById('source').atlasEditor.view;"
            " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}}); }", text)

    def cursor_line(self) -> int:
        return self.page.evaluate(
            "() => { const v = document.getElementById('source').atlasEditor.view;"
            " return v.state.doc.lineAt(v.state.selection.main.head).number; }")


def wait_for_refresh(page, before: str | None):
    page.wait_for_function(
        "prev => document.querySelector('.studio-editor').getAttribute('data-refreshed') !== prev",
        arg=before)


def test_trainer_publishes_new_quiz_lesson_and_learner_reads_it(page, demo_logins):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "trainer@atlas-campus.example", demo_logins["trainer"])
    page.get_by_role("link", name="Kursstudio").click()
    page.get_by_role("link", name="E-Mobilität für Zulieferer").click()
    expect(page.get_by_role("heading", name="Prüfung des Entwurfs")).to_be_visible()

    # a new quiz lesson in the charging module
    page.get_by_label("Modul", exact=True).select_option(label="04-laden-und-ladeinfrastruktur")
    page.get_by_label("Art").select_option("quiz")
    page.get_by_label("Lektions-ID").fill("stecker-quiz")
    page.get_by_label("Titel").first.fill("Quiz Steckertypen")
    page.get_by_role("button", name="Lektion anlegen").click()
    page.wait_for_url("**/studio/e-mobility/edit?path=**")
    editor = SourceEditor(page)
    assert "type: quiz" in editor.input_value()

    # replace the template's question: the live preview follows without a click
    source = editor.input_value()
    new_source = source.split(":::quiz", 1)[0] + QUIZ_BLOCK.lstrip()
    before = page.locator(".studio-editor").get_attribute("data-refreshed")
    editor.fill(new_source)
    wait_for_refresh(page, before)
    preview = page.locator("#studio-preview")
    assert "Welche Steckernorm ist in Europa" in preview.inner_text()
    assert "Typ 2" in preview.locator(".is-correct").first.inner_text()
    # the course is bilingual: the only finding is the English translation still to write
    diagnostics = page.locator("#studio-diagnostics")
    expect(diagnostics).to_contain_text("Es fehlt eine Übersetzung.")
    assert diagnostics.locator(".diagnostic-line").count() == 1

    # a typo shows a diagnostic with its line; clicking it moves the cursor there
    before = page.locator(".studio-editor").get_attribute("data-refreshed")
    editor.fill(new_source.replace("[(X)] Typ 2", "[( )] Typ 2"))
    wait_for_refresh(page, before)
    diagnostic = page.locator("#studio-diagnostics .diagnostic-line").first
    line = int(diagnostic.get_attribute("data-line"))
    diagnostic.click()
    assert editor.cursor_line() == line
    before = page.locator(".studio-editor").get_attribute("data-refreshed")
    editor.fill(new_source)
    wait_for_refresh(page, before)

    for width, height, name in ((1280, 900, "studio-editor-desktop.png"),
                                (390, 844, "studio-editor-phone.png")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Entwurf gespeichert.")).to_be_visible()

    # publish 1.0.1
    page.get_by_role("link", name="e-mobility").click()
    version = page.get_by_label("Neue Version")
    assert version.input_value() == "1.0.1"
    page.screenshot(path=str(SCREENSHOTS / "studio-overview-desktop.png"), full_page=True)
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Version 1.0.1 ist veröffentlicht.")).to_be_visible()
    assert page.console_errors == []
    logout(page)

    # the learner sees the new lesson on the course page and opens it
    login(page, "lena@sauerland-metall.example", demo_logins["learner"])
    page.goto("/courses/e-mobility")
    expect(page.get_by_text("1.0.1").first).to_be_visible()
    page.get_by_role("link", name="Quiz Steckertypen").click()
    page.wait_for_url("**/courses/e-mobility/stecker-quiz")
    expect(page.get_by_text("Welche Steckernorm ist in Europa")).to_be_visible()
    assert "Richtig: Typ 2" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "lesson-learner-desktop.png"), full_page=True)
    assert page.console_errors == []
