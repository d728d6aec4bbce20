"""Whatever is in the folder, the validator reports diagnostics and never a traceback."""

import pytest

from authoring import lesson_file
from authoring.build import load_course


def test_unexpected_exception_becomes_a_diagnostic(course_dir, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("authoring.course_source.read_lesson_file", explode)
    _, diagnostics = load_course(course_dir)
    internal = [d for d in diagnostics if d.code == "internal-error"]
    assert len(internal) == 10
    assert internal[0].message == "could not process this file (RuntimeError: boom)"
    assert lesson_file.read_lesson_file is not explode


@pytest.mark.parametrize(
    "content",
    [
        "", "---\n---\n", "---\n- a\n- b\n---\n# T\n", "---\nid: [x]\ntitle: {a: b}\n---\n",
        ":::\n:::quiz\n[[", "---\nid: x\ntitle: T\ntype: quiz\n---\n:::quiz id=x\n[[=]]\n:::\n",
        "\x00\x01\x02", "---\nid: x\ntitle: T\n---\n" + "{{" * 500,
        "---\nid: x\ntitle: T\n---\n![](" + "(" * 200, "---\n&a [*a]\n---\n",
    ],
)
def test_garbage_lessons_give_diagnostics(course_dir, content):
    (course_dir / "modules/01-grundlagen/02-sicherheit.md").write_text(content, encoding="utf-8")
    _, diagnostics = load_course(course_dir)
    assert any(d.is_error for d in diagnostics)
    assert not [d for d in diagnostics if d.code == "internal-error"]


def test_missing_course_folder(tmp_path):
    _, diagnostics = load_course(tmp_path / "nichts")
    assert [d.message for d in diagnostics] == [f"course folder {tmp_path / 'nichts'} not found"]


def test_directories_named_like_files_are_reported(course_dir):
    (course_dir / "media/antriebsstrang.svg").unlink()
    (course_dir / "media/antriebsstrang.svg").mkdir()
    _, diagnostics = load_course(course_dir)
    assert {d.code for d in diagnostics} == {"media-missing"}
