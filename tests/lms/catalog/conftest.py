"""Fixtures for the catalog tests: the real courses (built once), small scaffolded courses."""

import struct
import zlib
from pathlib import Path

import pytest

from authoring.cache import MemoryCache
from authoring.scaffold import new_course
from lms.catalog import services
from lms.db import utcnow

ROOT = Path(__file__).resolve().parents[3]
COURSES = ROOT / "courses"
REAL_COURSES = ("digital-production", "e-mobility", "sustainability")


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


@pytest.fixture(scope="session")
def course_cache() -> MemoryCache:
    """One render cache for the session: rebuilding a known course takes milliseconds."""
    return MemoryCache()


@pytest.fixture
def import_real(app, course_cache):
    """Import real courses from courses/ by name: ``import_real("e-mobility")``."""

    def run(*names: str, publish: bool = True) -> list[services.ImportResult]:
        return [
            services.import_course(COURSES / name, None, utcnow(), publish=publish,
                                   cache=course_cache)
            for name in names or REAL_COURSES
        ]

    return run


def add_figure(course_dir: Path) -> None:
    """Give the scaffolded course's first lesson a PNG figure."""
    (course_dir / "media" / "schema.png").write_bytes(tiny_png())
    lesson = course_dir / "modules" / "01-einfuehrung" / "01-einstieg.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace(
        "## Quellen",
        '![Schema des Ablaufs](media/schema.png "Abb. 1: Ablauf")\n\n## Quellen',
    )
    lesson.write_text(text, encoding="utf-8")


@pytest.fixture
def small_course(tmp_path) -> Path:
    """A small valid course (scaffold plus a PNG figure) that a test may change."""
    root = new_course(tmp_path / "grundlagen-test", "grundlagen-test")
    add_figure(root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
