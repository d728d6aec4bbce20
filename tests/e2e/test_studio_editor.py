"""The studio's code editor in chromium: line numbers, a diagnostic at its line, jumping to it,
``?line=N``, images pasted and dropped into the text, saving; and the plain textarea
without JavaScript."""

import base64
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_trainer_studio import login

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
LESSON = "modules/01-antriebe-im-wandel/01-antriebsarten.md"
EDIT_URL = f"/studio/e-mobility/edit?path={LESSON}"
ANCHOR = "## Warum sich der Antrieb ändert"


def png_base64(red: int) -> str:
    """A real 2×2 PNG of one colour, base64 (to build a File in the page)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes([red, 0, 0]) * 2 for _ in range(2))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(data).decode()


def cursor_line(page) -> int:
    return page.evaluate(
        "() => { const v = document.getElementById('source').atlasEditor.view;"
        " return v.state.doc.lineAt(v.state.selection.main.head).number; }")


def source(page) -> str:
    return page.locator("#source").input_value()  # the hidden textarea the editor writes to


def wait_for_refresh(page, before):
    page.wait_for_function(
        "prev => document.querySelector('.studio-editor').getAttribute('data-refreshed') !== prev",
        arg=before)


def marker_line(page, selector: str) -> int | None:
    """The line number shown next to the first element matching ``selector`` in the gutter."""
    return page.evaluate("""sel => {
        const marker = document.querySelector(sel);
        if (!marker) return null;
        const y = marker.getBoundingClientRect().top + marker.getBoundingClientRect().height / 2;
        for (const el of document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')) {
            const r = el.getBoundingClientRect();
            if (r.height > 0 && y >= r.top && y <= r.bottom) return parseInt(el.textContent, 10);
        }
        return null;
    }""", selector)


PASTE_JS = """([b64, kind, anchor]) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const file = new File([bytes], kind === 'paste' ? 'image.png' : 'Ladepunkt Foto.png',
                          {type: 'image/png'});
    const dt = new DataTransfer();
    dt.items.add(file);
    const content = document.querySelector('.cm-content');
    if (kind === 'paste') {
        content.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true,
                                                           cancelable: true}));
    } else {
        // dropped where the mouse is: at the start of the line that holds ``anchor``
        const line = [...document.querySelectorAll('.cm-line')]
            .find(el => el.textContent === anchor);
        line.scrollIntoView({block: 'center'});
        const r = line.getBoundingClientRect();
        content.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true,
            cancelable: true, clientX: r.left + 1, clientY: r.top + r.height / 2}));
    }
}"""


def test_code_editor_shows_diagnostics_at_their_line_and_takes_pasted_images(page,
                                                                            demo_logins):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "trainer@atlas-campus.example", demo_logins["trainer"])
    page.goto(f"{EDIT_URL}&line=14")
    editor = page.locator(".studio-codemirror[data-ready]")
    expect(editor).to_be_visible()
    expect(page.locator("#source")).to_be_hidden()  # the textarea stays as the form field
    # line numbers, and ?line=14 opened the file there
    numbers = page.locator(".cm-lineNumbers .cm-gutterElement")
    expect(numbers.filter(has_text="14").first).to_be_visible()
    assert cursor_line(page) == 14
    # the course syntax is highlighted: the block keyword and the front matter keys
    colours = page.evaluate("""() => {
        const colour = text => {
            const span = [...document.querySelectorAll('.cm-line span')]
                .find(el => el.textContent === text);
            return span ? getComputedStyle(span).color : null;
        };
        return [colour(':::summary'), colour('title'), colour('# Antriebsarten im Überblick')];
    }""")
    assert colours == ["rgb(163, 22, 90)", "rgb(11, 90, 138)", "rgb(11, 61, 102)"]

    original = source(page)
    line = original.split("\n").index(ANCHOR) + 1
    # type an unknown block before the heading: the validator's error appears at its line
    page.evaluate("n => { const t = document.getElementById('source').atlasEditor;"
                  " t.jumpTo(n); const v = t.view;"
                  " v.dispatch({selection: {anchor: v.state.doc.line(n).from}}); }", line)
    before = page.locator(".studio-editor").get_attribute("data-refreshed")
    page.keyboard.type(":::foobar\nText\n:::\n\n")
    wait_for_refresh(page, before)
    diagnostic = page.locator(f'#studio-diagnostics .diagnostic-line[data-line="{line}"]')
    expect(diagnostic).to_be_visible()
    expect(page.locator(".cm-lint-marker-error").first).to_be_visible()
    assert marker_line(page, ".cm-lint-marker-error") == line
    assert page.locator(".cm-lintRange-error").first.inner_text().startswith(":::foobar")

    # jump to it from the list: the cursor moves to that line in the editor
    page.evaluate("() => document.getElementById('source').atlasEditor.jumpTo(1)")
    assert cursor_line(page) == 1
    diagnostic.click()
    assert cursor_line(page) == line
    for width, height, name in ((1280, 900, "studio-code-editor-desktop.png"),
                                (390, 844, "studio-code-editor-phone.png")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # take the error out again (undo the typing), then paste one image and drop another
    before = page.locator(".studio-editor").get_attribute("data-refreshed")
    page.evaluate("t => { const v = document.getElementById('source').atlasEditor.view;"
                  " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}}); }",
                  original)
    wait_for_refresh(page, before)
    expect(page.locator(".cm-lint-marker-error")).to_have_count(0)
    page.evaluate("n => document.getElementById('source').atlasEditor.jumpTo(n)", line - 1)
    page.keyboard.press("End")
    page.evaluate(PASTE_JS, [png_base64(200), "paste", ""])
    expect(page.locator("#studio-status")).to_contain_text("hochgeladen und eingefügt")
    page.wait_for_function("() => document.getElementById('source').value"
                           ".includes('](media/bild-')")
    page.evaluate(PASTE_JS, [png_base64(90), "drop", ANCHOR])
    page.wait_for_function("() => document.getElementById('source').value"
                           ".includes('](media/ladepunkt-foto-')")
    rows = source(page).split("\n")
    pasted = [row for row in rows if row.startswith("![Beschreibung des Bildes]")]
    assert len(pasted) == 2
    # pasted at the cursor (the blank line before the heading), dropped onto the heading;
    # each image a paragraph of its own
    heading = rows.index(ANCHOR)
    assert rows[heading - 4].startswith("![Beschreibung des Bildes](media/bild-")
    assert rows[heading - 2].startswith("![Beschreibung des Bildes](media/ladepunkt-foto-")
    assert rows[heading - 5] == rows[heading - 3] == rows[heading - 1] == ""
    # the preview shows the pasted image from the course's media folder
    image = page.locator("#studio-preview img[src^='media/bild-']")
    expect(image).to_have_count(1)
    page.wait_for_function("() => { const i = document.querySelector("
                           "\"#studio-preview img[src^='media/bild-']\");"
                           " return i && i.complete && i.naturalWidth === 2; }")

    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Entwurf gespeichert.")).to_be_visible()
    saved = source(page)
    assert all(row in saved for row in pasted)
    assert ":::foobar" not in saved
    expect(page.locator("#studio-diagnostics .diagnostic-error")).to_have_count(0)
    # the images are in the media list of the draft
    media = page.locator("#media table")
    expect(media).to_contain_text("media/bild-")
    expect(media).to_contain_text("media/ladepunkt-foto-")
    # the course is bilingual: the English lesson must now show the same figures
    expect(page.locator(".studio-other-errors")).to_contain_text("1 Fehler")

    # leave the draft as the other browser tests expect it: the original text, saved
    page.evaluate("t => { const v = document.getElementById('source').atlasEditor.view;"
                  " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}}); }",
                  original)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Entwurf gespeichert.")).to_be_visible()
    expect(page.locator(".studio-other-errors")).to_have_count(0)
    assert page.console_errors == []


def test_without_javascript_the_textarea_saves(browser, live_app, demo_logins):
    from tests.e2e.conftest import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS

    context = browser.new_context(base_url=live_app.config["LIVE_URL"], locale="de-DE",
                                  java_script_enabled=False)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, "trainer@atlas-campus.example", demo_logins["trainer"])
        page.goto(EDIT_URL.replace("01-antriebsarten", "02-elektrischer-antriebsstrang"))
        textarea = page.get_by_label("Quelltext (Markdown)")
        expect(textarea).to_be_visible()
        assert page.locator(".cm-editor").count() == 0
        text = textarea.input_value()
        textarea.fill(text.rstrip("\n") + "\n\nEin Satz, ohne JavaScript gespeichert.\n")
        page.get_by_role("button", name="Entwurf speichern").click()
        expect(page.get_by_text("Entwurf gespeichert.")).to_be_visible()
        assert "Ein Satz, ohne JavaScript gespeichert." in page.get_by_label(
            "Quelltext (Markdown)").input_value()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / "studio-textarea-nojs-phone.png"))
    finally:
        context.close()


def test_admin_adds_a_subject_and_creates_a_course_for_a_trainer(page, demo_logins):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "admin@atlas-campus.example", demo_logins["admin"])
    page.goto("/studio")
    page.get_by_role("link", name="Themenfelder verwalten").click()
    page.get_by_label("Schlüssel").fill("robotik")
    page.get_by_label("Bezeichnung (deutsch)").last.fill("Robotik")
    page.get_by_label("Bezeichnung (englisch)").last.fill("Robotics")
    page.get_by_role("button", name="Themenfeld hinzufügen").click()
    expect(page.get_by_text("Das Themenfeld robotik steht jetzt in der Liste.")).to_be_visible()
    for width, height, name in ((1280, 900, "studio-subjects-desktop.png"),
                                (390, 844, "studio-subjects-phone.png")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/studio")
    page.get_by_label("Titel (deutsch)").fill("Robotik in der Fertigung")
    page.get_by_label("Kurs-ID").fill("robotik-fertigung")
    page.get_by_label("Themenfeld").select_option(label="Robotik")
    page.get_by_label("Englisch").check()
    page.get_by_label("Trainer/in des Kurses").select_option(label="Tobias Trainer "
                                                             "(trainer@atlas-campus.example)")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#new-course-title").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "studio-new-course-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Kurs aus Vorlage anlegen").click()
    page.wait_for_url("**/studio/robotik-fertigung")
    expect(page.get_by_text("Tobias Trainer ist Trainer/in des Kurses.")).to_be_visible()
    expect(page.get_by_text("0 Fehler").first).to_be_visible()
    page.get_by_role("link", name="course.yml").first.click()
    expect(page.locator(".studio-codemirror[data-ready]")).to_be_visible()
    text = page.locator("#source").input_value()
    assert "subject: robotik" in text and "languages: [de, en]" in text
    assert "de: \"Robotik in der Fertigung\"" in text
    # YAML files get the YAML highlighting: keys are marked
    assert page.locator(".cm-line span", has_text="subject").count() >= 1
    assert page.console_errors == []
