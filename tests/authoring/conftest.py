"""Fixtures for the authoring library tests: a known-good course and ways to vary it."""

import datetime
import shutil
from pathlib import Path

import pytest

from authoring.build import load_course
from authoring.cache import MemoryCache
from authoring.lesson_file import read_lesson_file
from authoring.parser import LessonRenderer

HERE = Path(__file__).parent
FIXTURE_COURSE = HERE / "fixtures" / "hv-basics"
BROKEN = HERE / "broken"
#: the day the fixtures were last reviewed; ``review-due`` compares with it, not the clock
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Pin the validator's today so review dates in the fixtures never fall due."""
    monkeypatch.setattr("authoring.currency.today", lambda: TODAY)


@pytest.fixture
def course_dir(tmp_path) -> Path:
    """A private copy of the fixture course that a test may change."""
    target = tmp_path / "hv-basics"
    shutil.copytree(FIXTURE_COURSE, target)
    return target


@pytest.fixture(scope="session")
def course():
    """The fixture course, loaded once; it validates without any diagnostic."""
    loaded, diagnostics = load_course(FIXTURE_COURSE, MemoryCache(), today=TODAY)
    assert diagnostics == []
    return loaded


@pytest.fixture(scope="session")
def renderer() -> LessonRenderer:
    return LessonRenderer()


@pytest.fixture
def render(renderer):
    """Read one lesson text outside any course: ``render(text, **options)``."""

    def read(text: str, language: str = "de", glossary=None, lesson_paths=None):
        return read_lesson_file(
            text, path="lesson.md", source="modules/01-m/lesson.md", language=language,
            renderer=renderer, glossary=glossary or {}, lesson_paths=lesson_paths or {},
        )

    return read


def lesson_text(body: str, front: str = "id: probe\ntitle: Probe") -> str:
    """Wrap a Markdown body in front matter."""
    return f"---\n{front}\n---\n\n{body}"
