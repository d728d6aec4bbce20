"""Images pasted or dropped into the code editor: stored in the course's media folder,
checked by their content and size, only by the course's own trainers, only with CSRF."""

import io
import struct
import zlib

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.studio import drafts
from lms.studio.models import CourseSourceFile

LESSON = "modules/01-einfuehrung/01-einstieg.md"


def png_bytes(width: int = 2, height: int = 1) -> bytes:
    """A real, tiny PNG (red pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def media_count(course) -> int:
    return db.session.scalar(select(func.count()).select_from(CourseSourceFile).where(
        CourseSourceFile.course_id == course.id, CourseSourceFile.path.like("media/%")))


def paste(client, slug, content, filename="image.png", token=None, mimetype="image/png"):
    data = {"path": LESSON, "file": (io.BytesIO(content), filename, mimetype)}
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token
    return client.post(f"/studio/{slug}/media/paste", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_pasted_png_lands_in_media_and_answers_its_markdown(client, auth, people, studio,
                                                            courses):
    auth.login("trainer@example.org")
    content = png_bytes()
    response = paste(client, "kurs-a", content, token=studio.token())
    assert response.status_code == 201
    body = response.get_json()
    assert body["path"].startswith("media/bild-") and body["path"].endswith(".png")
    assert body["markdown"] == f"![Beschreibung des Bildes]({body['path']})"
    db.session.expire_all()
    row = drafts.read_file(courses["kurs-a"], body["path"])
    assert row is not None and row.content == content
    # the preview serves it, and the lesson that references it validates
    assert client.get(body["url"]).data == content
    lesson = drafts.read_text(courses["kurs-a"], LESSON) + "\n" + body["markdown"] + "\n"
    preview = client.post("/studio/kurs-a/preview", data={
        "csrf_token": studio.token(), "path": LESSON, "content": lesson},
        headers={"Accept": "application/json"}).get_json()
    assert not [item for item in preview["items"] if item["severity"] == "error"]
    assert body["url"].split("/studio/kurs-a/", 1)[1] in preview["preview"]


def test_a_named_file_keeps_its_name_with_a_content_hash(client, auth, people, studio):
    auth.login("trainer@example.org")
    body = paste(client, "kurs-a", png_bytes(), filename="Ladesäule Übersicht.PNG",
                 token=studio.token()).get_json()
    assert body["path"].startswith("media/ladesaule-ubersicht-")
    other = paste(client, "kurs-a", png_bytes(3), filename="Ladesäule Übersicht.PNG",
                  token=studio.token()).get_json()
    assert other["path"] != body["path"]  # a second screenshot does not overwrite the first


@pytest.mark.parametrize(("content", "filename", "mimetype"), [
    (b"<html><script>alert(1)</script></html>", "image.png", "image/png"),  # renamed HTML
    (b"GIF89a\x01\x00\x01\x00", "anim.gif", "image/gif"),
    (b"%PDF-1.7\n", "doc.png", "image/png"),
])
def test_content_that_is_no_allowed_image_is_refused(client, auth, people, studio, courses,
                                                     content, filename, mimetype):
    auth.login("trainer@example.org")
    before = media_count(courses["kurs-a"])
    response = paste(client, "kurs-a", content, filename=filename, mimetype=mimetype,
                     token=studio.token())
    assert response.status_code == 415
    assert "kein Bild im Format PNG, JPEG, WebP oder SVG" in response.get_json()["message"]
    assert media_count(courses["kurs-a"]) == before


def test_too_large_image_is_refused(app, client, auth, people, studio, courses):
    app.config["ATLAS_STUDIO_IMAGE_MAX_BYTES"] = 1000
    auth.login("trainer@example.org")
    before = media_count(courses["kurs-a"])
    big = png_bytes(400, 1)
    big += b"\x00" * max(0, 1100 - len(big))  # trailing bytes after IEND: still a PNG, 1100 B
    response = paste(client, "kurs-a", big, token=studio.token())
    assert response.status_code == 413
    assert "größer als" in response.get_json()["message"]
    assert media_count(courses["kurs-a"]) == before


def test_empty_upload_is_refused(client, auth, people, studio, courses):
    auth.login("trainer@example.org")
    response = paste(client, "kurs-a", b"", token=studio.token())
    assert response.status_code == 400
    assert "leer" in response.get_json()["message"]


def test_without_csrf_token_nothing_is_stored(client, auth, people, courses):
    auth.login("trainer@example.org")
    before = media_count(courses["kurs-a"])
    response = paste(client, "kurs-a", png_bytes(), token=None)
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    response = paste(client, "kurs-a", png_bytes(), token="forged")
    assert response.status_code == 400
    assert media_count(courses["kurs-a"]) == before


def test_trainer_of_course_a_cannot_upload_into_course_b(client, auth, people, studio,
                                                          courses):
    auth.login("trainer@example.org")
    before = media_count(courses["kurs-b"])
    response = paste(client, "kurs-b", png_bytes(), token=studio.token())
    assert response.status_code == 404
    assert media_count(courses["kurs-b"]) == before


@pytest.mark.parametrize(("who", "status"), [("learner", 404), (None, 302)])
def test_learners_and_anonymous_cannot_upload(client, auth, people, courses, who, status):
    if who:
        auth.login(f"{who}@example.org")
    before = media_count(courses["kurs-a"])
    response = paste(client, "kurs-a", png_bytes(), token=auth.csrf("/" if who else "/login"))
    assert response.status_code == status  # anonymous: sent to the login page
    assert media_count(courses["kurs-a"]) == before
