"""Every folder under broken/ is overlaid on broken/_base and must report exactly expected.txt."""

import shutil
from pathlib import Path

import pytest

from authoring.build import load_course

from .conftest import BROKEN

CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith("_"))
CONTROL_FILES = ("expected.txt", "delete.txt")


def assemble(case: str, tmp_path: Path) -> Path:
    """Copy the valid base course, overlay the case's files and delete what it lists."""
    root = tmp_path / "faelle"
    shutil.copytree(BROKEN / "_base", root)
    case_dir = BROKEN / case
    for file in case_dir.rglob("*"):
        if file.is_file() and file.name not in CONTROL_FILES:
            target = root / file.relative_to(case_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    deletions = case_dir / "delete.txt"
    if deletions.exists():
        for relative in deletions.read_text(encoding="utf-8").split():
            (root / relative).unlink()
    return root


def test_base_course_is_clean(tmp_path, monkeypatch):
    root = tmp_path / "faelle"
    shutil.copytree(BROKEN / "_base", root)
    monkeypatch.chdir(root)
    assert load_course(".")[1] == []


@pytest.mark.parametrize("case", CASES)
def test_broken_case_reports_exactly_the_expected_diagnostics(case, tmp_path, monkeypatch):
    root = assemble(case, tmp_path)
    monkeypatch.chdir(root)
    _, diagnostics = load_course(".")
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [d.format() for d in diagnostics] == expected
    assert any(d.is_error or d.severity == "warning" for d in diagnostics)
