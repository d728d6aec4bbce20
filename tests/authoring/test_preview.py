"""The local preview serves lessons, media and solutions for trainers."""

import threading
import urllib.request
from http.server import HTTPServer

import pytest

from authoring.preview import make_handler

from .conftest import FIXTURE_COURSE


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), make_handler(FIXTURE_COURSE))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(url):
    with urllib.request.urlopen(url) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_index_lesson_and_media(server):
    status, _, index = get(server + "/")
    assert status == 200 and b"Hochvolt-Grundlagen" in index
    _, _, lesson = get(server + "/grundlagen-quiz?lang=en")
    assert b"Quiz basics" in lesson and "Lösungen".encode() in lesson
    _, content_type, svg = get(server + "/media/antriebsstrang.svg")
    assert content_type == "image/svg+xml" and svg.startswith(b"<svg")


def test_unknown_pages_and_paths_outside_the_course_are_404(server):
    for path in ("/nichts", "/media/../course.yml", "/media/%2e%2e/course.yml"):
        with pytest.raises(urllib.error.HTTPError) as info:
            get(server + path)
        info.value.close()
        assert info.value.code == 404
