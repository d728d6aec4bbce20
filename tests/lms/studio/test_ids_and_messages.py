"""New lesson and module ids in the studio: non-slugs get a suggestion, not a 500; German
diagnostics on German pages."""

import html

import pytest

from lms.studio import drafts

LESSON = "modules/01-einfuehrung/01-einstieg.md"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("typed", "suggested"), [
    ("Mein Test Quiz", "mein-test-quiz"),
    ("Übung für Größen", "uebung-fuer-groessen"),
])
def test_lesson_id_that_is_no_slug_is_refused_with_a_suggestion(client, auth, people, courses,
                                                                  typed, suggested):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    response = client.post("/studio/kurs-a/lessons", data={
        "csrf_token": token, "lesson-module": "modules/01-einfuehrung", "lesson-kind": "quiz",
        "lesson-lesson_id": typed, "lesson-title": "Mein Test Quiz"})
    assert response.status_code == 422
    page = text_of(response)
    assert f"„{typed}“ ist als ID nicht erlaubt" in page
    assert f"Vorschlag: {suggested}" in page
    assert f'value="{suggested}"' in page  # prefilled: one click from valid
    assert not any(row.path.endswith(".md") and typed in row.path
                   for row in drafts.list_files(courses["kurs-a"]))


def test_module_id_that_is_no_slug_is_refused_with_a_suggestion(client, auth, people, courses):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    response = client.post("/studio/kurs-a/modules", data={
        "csrf_token": token, "module-module_id": "Mein Modul", "module-title": "Praxis"})
    assert response.status_code == 422
    assert "Vorschlag: mein-modul" in text_of(response)


def test_empty_ids_are_derived_from_the_title(client, auth, people, courses):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    response = client.post("/studio/kurs-a/modules", data={
        "csrf_token": token, "module-module_id": "", "module-title": "Prüfen & Üben"})
    assert response.status_code == 302
    assert drafts.read_file(courses["kurs-a"], "modules/02-pruefen-ueben/module.yml")
    response = client.post("/studio/kurs-a/lessons", data={
        "csrf_token": token, "lesson-module": "modules/02-pruefen-ueben", "lesson-kind": "quiz",
        "lesson-lesson_id": "", "lesson-title": "Mein Test Quiz"})
    assert response.status_code == 302
    assert drafts.read_file(courses["kurs-a"], "modules/02-pruefen-ueben/01-mein-test-quiz.md")
    again = client.post("/studio/kurs-a/lessons", data={
        "csrf_token": token, "lesson-module": "modules/02-pruefen-ueben", "lesson-kind": "quiz",
        "lesson-lesson_id": "", "lesson-title": "Mein Test Quiz"})
    assert again.status_code == 422
    assert "Eine Lektion mein-test-quiz gibt es schon." in text_of(again)


def test_form_explains_what_an_id_may_contain(client, auth, people):
    auth.login("trainer@example.org")
    page = text_of(client.get("/studio/kurs-a"))
    assert "Nur Kleinbuchstaben (a–z), Ziffern und einzelne Bindestriche" in page


def test_diagnostics_are_german_on_german_pages(client, auth, people, studio):
    auth.login("trainer@example.org")
    broken = "---\nid: einstieg\ntitle: Einstieg\ntype: lesson\nminutes: 5\n---\n\nKein Titel.\n"
    studio.save("kurs-a", LESSON, broken)
    page = text_of(client.get(f"/studio/kurs-a/edit?path={LESSON}"))
    assert "Die Lektion muss mit einer Überschrift der Ebene 1 (# Titel) beginnen." in page
