"""``new_course`` gives trainers a course that is clean from the start."""

import pytest

from authoring.build import build_package, load_course
from authoring.scaffold import ScaffoldError, new_course


def test_new_course_validates_without_any_diagnostic(tmp_path):
    root = new_course(tmp_path / "neuer-kurs")
    course, diagnostics = load_course(root)
    assert diagnostics == []
    assert course.id == "neuer-kurs"
    assert {lesson.kind for lesson in course.lessons()} == {"lesson", "quiz", "session",
                                                           "assessment"}
    assert build_package(root).digest.startswith("sha256:")


def test_new_course_takes_an_explicit_id(tmp_path):
    root = new_course(tmp_path / "ordner", "kurs-id")
    course, diagnostics = load_course(root)
    assert course.id == "kurs-id"
    assert [d.code for d in diagnostics] == ["course-folder"]


@pytest.mark.parametrize("course_id", ["Kurs", "kurs_1", "-kurs"])
def test_new_course_refuses_invalid_ids(tmp_path, course_id):
    with pytest.raises(ScaffoldError):
        new_course(tmp_path / "x", course_id)


def test_new_course_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "kurs").mkdir()
    (tmp_path / "kurs" / "notiz.txt").write_text("x")
    with pytest.raises(ScaffoldError):
        new_course(tmp_path / "kurs")
