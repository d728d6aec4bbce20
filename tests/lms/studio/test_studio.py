"""The course studio: who sees which draft, live preview, saving, publishing, zip and media."""

import html
import io
import zipfile

import pytest
from sqlalchemy import func, select

from lms.catalog.models import CourseVersion
from lms.extensions import db
from lms.studio import drafts
from lms.studio.models import CourseSourceFile

LESSON = "modules/01-einfuehrung/01-einstieg.md"
QUIZ = "modules/01-einfuehrung/02-quiz.md"

STUDIO_GETS = [
    "/studio/{slug}", f"/studio/{{slug}}/edit?path={LESSON}", "/studio/{slug}/download",
]
STUDIO_POSTS = [
    "/studio/{slug}/preview", "/studio/{slug}/edit", "/studio/{slug}/publish",
    "/studio/{slug}/upload", "/studio/{slug}/media", "/studio/{slug}/modules",
    "/studio/{slug}/lessons",
]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def version_count(course) -> int:
    return db.session.scalar(select(func.count(CourseVersion.id))
                             .where(CourseVersion.course_id == course.id))


def test_import_snapshots_the_source_folder_as_draft(courses):
    paths = {row.path for row in drafts.list_files(courses["kurs-a"])}
    assert {"course.yml", "glossary.yml", "modules/01-einfuehrung/module.yml", LESSON,
            QUIZ} <= paths
    assert not any(part.startswith(".") for path in paths for part in path.split("/"))
    draft = drafts.find_draft(courses["kurs-a"])
    assert draft.base_version_id == courses["kurs-a"].published_version_id
    assert not draft.is_changed


def test_learner_gets_404_on_every_studio_route(client, auth, people):
    auth.login("learner@example.org")
    assert client.get("/studio").status_code == 404
    for url in STUDIO_GETS:
        assert client.get(url.format(slug="kurs-a")).status_code == 404, url
    token = auth.csrf("/")
    for url in STUDIO_POSTS:
        response = client.post(url.format(slug="kurs-a"), data={"csrf_token": token,
                                                                 "path": LESSON})
        assert response.status_code == 404, url
    assert "Kursstudio" not in text_of(client.get("/"))


def test_anonymous_is_sent_to_login(client, courses):
    response = client.get("/studio/kurs-a")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_trainer_sees_own_course_only(client, auth, people):
    auth.login("trainer@example.org")
    index = text_of(client.get("/studio"))
    assert "kurs-a" in index and "kurs-b" not in index
    assert "Kursstudio" in index  # navigation entry
    assert client.get("/studio/kurs-a").status_code == 200
    for url in STUDIO_GETS:
        assert client.get(url.format(slug="kurs-b")).status_code == 404, url
    token = auth.csrf("/studio")
    response = client.post("/studio/kurs-b/preview", data={
        "csrf_token": token, "path": LESSON, "content": "x"})
    assert response.status_code == 404


def test_admin_sees_every_course(client, auth, people):
    auth.login("admin@example.org")
    index = text_of(client.get("/studio"))
    assert "kurs-a" in index and "kurs-b" in index
    assert client.get("/studio/kurs-b").status_code == 200


def test_overview_lists_files_and_diagnostics(client, auth, people, studio):
    auth.login("trainer@example.org")
    studio.save("kurs-a", LESSON, "---\nid: kurs-a-einstieg\ntitle: Einstieg\ntype: lesson\n"
                "minutes: 15\n---\n\nKein Titel\n")
    page = text_of(client.get("/studio/kurs-a"))
    assert "01-einstieg.md" in page and "02-quiz.md" in page
    assert f"{LESSON}:" in page
    assert f'/studio/kurs-a/edit?path={LESSON}&amp;line=7' in \
        client.get("/studio/kurs-a").get_data(as_text=True)
    index = text_of(client.get("/studio"))
    assert "geändert seit der letzten Veröffentlichung" in index


def test_preview_renders_with_solutions_and_line_diagnostics(client, auth, people):
    auth.login("trainer@example.org")
    token = auth.csrf(f"/studio/kurs-a/edit?path={QUIZ}")
    quiz = ("---\nid: kurs-a-quiz\ntitle: Quiz Einführung\ntype: quiz\nminutes: 5\n---\n\n"
            "# Quiz Einführung\n\n:::quiz id=neu-1\nWelche Farbe hat die Ampel bei Halt?\n"
            "[( )] Grün\n[(X)] Rot\n> Genau.\n:::\n\n:::quiz id=kaputt\nOhne Antworten\n:::\n")
    response = client.post("/studio/kurs-a/preview", data={"path": QUIZ, "content": quiz},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    data = response.get_json()
    assert "Welche Farbe hat die Ampel bei Halt?" in data["preview"]
    assert "Lösungen" in data["preview"] and "is-correct" in data["preview"]
    assert 'data-line="17"' in data["diagnostics"]
    assert "question 'kaputt' has no answers" in html.unescape(data["diagnostics"])
    assert data["errors"] >= 1
    # nothing was saved
    assert "kaputt" not in text_of(client.get(f"/studio/kurs-a/edit?path={QUIZ}"))


def test_preview_without_javascript_renders_server_side(client, auth, people):
    auth.login("trainer@example.org")
    token = auth.csrf(f"/studio/kurs-a/edit?path={LESSON}")
    response = client.post("/studio/kurs-a/edit", data={
        "csrf_token": token, "path": LESSON, "action": "preview",
        "content": "---\nid: kurs-a-einstieg\ntitle: Einstieg\ntype: lesson\nminutes: 15\n"
                   "---\n\n# Einstieg neu gedacht\n\nText.\n"})
    assert response.status_code == 200
    assert "<h1" in response.get_data(as_text=True) and "Einstieg neu gedacht" in text_of(response)
    assert "Nicht gespeicherte Änderungen" in text_of(response)


def test_broken_quiz_is_saved_but_not_published(client, auth, people, studio, courses):
    auth.login("trainer@example.org")
    broken = ("---\nid: kurs-a-quiz\ntitle: Quiz\ntype: quiz\nminutes: 5\n---\n\n# Quiz\n\n"
              ":::quiz id=ohne-loesung\nWas ist richtig?\n[( )] A\n[( )] B\n:::\n")
    response = studio.save("kurs-a", QUIZ, broken)
    assert response.status_code == 302
    assert "ohne-loesung" in drafts.read_text(courses["kurs-a"], QUIZ)
    before = version_count(courses["kurs-a"])
    response = studio.publish("kurs-a", "0.1.1")
    assert response.status_code == 422
    page = text_of(response)
    assert "nicht veröffentlicht" in page and QUIZ in page
    assert version_count(courses["kurs-a"]) == before


def test_publish_creates_version_and_course_page_shows_new_lesson(client, auth, people,
                                                                  studio, courses):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    response = client.post("/studio/kurs-a/lessons", data={
        "csrf_token": token, "lesson-module": "modules/01-einfuehrung", "lesson-kind": "lesson",
        "lesson-lesson_id": "ladesaeulen", "lesson-title": "Ladesäulen im Betrieb"})
    assert response.status_code == 302
    path = "modules/01-einfuehrung/05-ladesaeulen.md"
    assert path in response.headers["Location"].replace("%2F", "/")
    page = text_of(client.get("/studio/kurs-a"))
    assert 'value="0.1.1"' in page  # the next patch version is suggested
    response = studio.publish("kurs-a", "0.1.1")
    assert response.status_code == 302, text_of(response)
    course = courses["kurs-a"]
    db.session.refresh(course)
    assert course.published_version.version == "0.1.1"
    assert "version: 0.1.1" in drafts.read_text(course, "course.yml")
    assert not drafts.find_draft(course).is_changed
    course_page = text_of(client.get("/courses/kurs-a"))
    assert "Ladesäulen im Betrieb" in course_page
    lesson = client.get("/courses/kurs-a/ladesaeulen")
    assert lesson.status_code == 200 and "Ladesäulen im Betrieb" in text_of(lesson)
    # the same version number cannot be published twice
    assert studio.publish("kurs-a", "0.1.1").status_code == 422


def test_lesson_page_shows_question_stems_but_no_answers(client, auth, people, courses):
    auth.login("learner@example.org")
    response = client.get("/courses/kurs-a/kurs-a-quiz")
    assert response.status_code == 200
    page = text_of(response)
    assert "Womit beginnt jede Lektion?" in page
    assert "Mit einer Überschrift der Ebene 1" not in page and "Richtig." not in page
    assert "/courses/kurs-a/kurs-a-einstieg" in page  # prev link / outline
    assert client.get("/courses/kurs-a/gibt-es-nicht").status_code == 404


def test_lesson_page_needs_login(client, courses):
    assert client.get("/courses/kurs-a/kurs-a-einstieg").status_code == 302


def test_zip_download_contains_the_files(client, auth, people):
    auth.login("trainer@example.org")
    response = client.get("/studio/kurs-a/download")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert {"kurs-a/course.yml", f"kurs-a/{LESSON}", f"kurs-a/{QUIZ}"} <= set(archive.namelist())


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload_zip(client, auth, data: bytes):
    token = auth.csrf("/studio/kurs-a")
    return client.post("/studio/kurs-a/upload", data={
        "zip-csrf_token": token, "zip-file": (io.BytesIO(data), "kurs.zip")},
        content_type="multipart/form-data", follow_redirects=True)


def current_draft(course) -> dict[str, str]:
    return dict(db.session.execute(select(CourseSourceFile.path, CourseSourceFile.sha256)
                                   .where(CourseSourceFile.course_id == course.id)).all())


@pytest.mark.parametrize(("files", "message"), [
    ({"kurs-a/course.yml": b"id: kurs-a\n", "kurs-a/../evil.md": b"x"}, "unzulässigen Pfad"),
    ({"course.yml": b"id: kurs-a\n", "/etc/evil": b"x"}, "unzulässigen Pfad"),
    ({"kurs-b/course.yml": b"id: kurs-b\nversion: 1.0.0\n"}, "gehört zum Kurs kurs-b"),
    ({"kurs-a/readme.md": b"x"}, "fehlt die Datei course.yml"),
])
def test_bad_zip_is_refused_and_writes_nothing(client, auth, people, courses, files, message):
    auth.login("trainer@example.org")
    before = current_draft(courses["kurs-a"])
    response = upload_zip(client, auth, make_zip(files))
    assert message in text_of(response)
    assert "nicht übernommen" in text_of(response)
    assert current_draft(courses["kurs-a"]) == before


def test_valid_zip_replaces_the_draft_and_reports(client, auth, people, courses):
    auth.login("trainer@example.org")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/studio/kurs-a/download").data))
    files = {name: archive.read(name) for name in archive.namelist()}
    files[f"kurs-a/{LESSON}"] = files[f"kurs-a/{LESSON}"].replace(b"# Einstieg",
                                                                  b"# Einstieg ins Thema")
    del files[f"kurs-a/{QUIZ}"]
    files["kurs-a/.atlas-cache/ab/x.json"] = b"{}"
    files["kurs-a/media/neu.svg"] = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    page = text_of(upload_zip(client, auth, make_zip(files)))
    assert "1 neu, 1 geändert, 1 entfernt" in page
    course = courses["kurs-a"]
    assert "# Einstieg ins Thema" in drafts.read_text(course, LESSON)
    assert drafts.read_file(course, QUIZ) is None
    assert drafts.read_file(course, ".atlas-cache/ab/x.json") is None


def test_media_upload_refuses_other_types_and_serves_svg_strictly(client, auth, people,
                                                                   courses):
    auth.login("trainer@example.org")
    token = auth.csrf(f"/studio/kurs-a/edit?path={LESSON}")
    response = client.post("/studio/kurs-a/media", data={
        "media-csrf_token": token, "back": LESSON,
        "media-file": (io.BytesIO(b"MZ..."), "programm.exe")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Dateityp ist nicht erlaubt" in text_of(response)
    assert drafts.read_file(courses["kurs-a"], "media/programm.exe") is None
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client.post("/studio/kurs-a/media", data={
        "media-csrf_token": token, "back": LESSON,
        "media-file": (io.BytesIO(svg), "../Mein Bild.SVG")},
        content_type="multipart/form-data", follow_redirects=True)
    page = text_of(response)
    assert "media/mein_bild.svg" in page
    assert '![Beschreibung des Bildes](media/mein_bild.svg' in page
    served = client.get("/studio/kurs-a/media/mein_bild.svg")
    assert served.status_code == 200 and served.data == svg
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_new_module_and_session_lesson(client, auth, people, courses):
    auth.login("trainer@example.org")
    token = auth.csrf("/studio/kurs-a")
    response = client.post("/studio/kurs-a/modules", data={
        "csrf_token": token, "module-module_id": "praxis", "module-title": "Praxis"})
    assert response.status_code == 302
    assert drafts.read_file(courses["kurs-a"], "modules/02-praxis/module.yml") is not None
    response = client.post("/studio/kurs-a/lessons", data={
        "csrf_token": token, "lesson-module": "modules/02-praxis", "lesson-kind": "session",
        "lesson-lesson_id": "praxistag", "lesson-title": "Praxistag"}, follow_redirects=True)
    page = text_of(response)
    assert "09:00 Begrüßung" in page  # agenda in the preview
    assert "Keine Fehler oder Warnungen in dieser Datei." in page


def test_admin_creates_course_from_scaffold(client, auth, people):
    auth.login("admin@example.org")
    token = auth.csrf("/studio")
    response = client.post("/studio/new", data={
        "csrf_token": token, "course_id": "wasserstoff", "title": "Wasserstoff",
        "subject": "sustainability", "languages": "de", "trainer_id": "0"})
    assert response.status_code == 302
    page = text_of(client.get("/studio/wasserstoff"))
    assert "0 Fehler" in page and "course.yml" in page
