"""Fixtures for the catalog tests: small scaffolded courses (real ones: tests.fixtures)."""

from pathlib import Path

import pytest

from authoring.scaffold import new_course
from tests.fixtures.courses import add_figure


@pytest.fixture
def small_course(tmp_path) -> Path:
    """A small valid course (scaffold plus a PNG figure) that a test may change."""
    root = new_course(tmp_path / "grundlagen-test", "grundlagen-test")
    add_figure(root)
    return root
