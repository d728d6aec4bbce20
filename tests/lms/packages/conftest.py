"""Package test fixtures: a scaffolded course folder with a SCORM package lesson."""

from pathlib import Path

import pytest

from authoring.scaffold import new_course
from tests.package_kit import package_lesson, scorm12_files, scorm2004_files

MODULE = "modules/01-einfuehrung"


def write_files(root: Path, files: dict) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)


@pytest.fixture
def package_course(tmp_path):
    """``kurs-p``: the scaffold plus SCORM 1.2 ``gabelstapler`` (one lesson) and SCORM 2004
    ``hv`` (a lesson per SCO for two of its items)."""
    root = new_course(tmp_path / "kurs-p", "kurs-p")
    write_files(root / "packages/gabelstapler", scorm12_files())
    write_files(root / "packages/hv", scorm2004_files())
    (root / MODULE / "05-gabelstapler.md").write_text(
        package_lesson("gabelstapler", "Gabelstapler", "gabelstapler"), encoding="utf-8")
    (root / MODULE / "06-hv-teil-1.md").write_text(
        package_lesson("hv-teil-1", "Teil 1", "hv", item="TEIL-1"), encoding="utf-8")
    return root
