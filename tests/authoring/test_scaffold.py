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


def test_new_course_writes_title_subject_and_languages(tmp_path):
    root = new_course(tmp_path / "robotik", title='Robotik: "Grundlagen"', subject="robotik",
                      languages=["en", "de"])
    course, diagnostics = load_course(root, subjects=["robotik", "e-mobility"])
    assert course.title.text("de") == 'Robotik: "Grundlagen"'
    assert course.subject == "robotik"
    assert course.languages == ["de", "en"]
    assert not [d for d in diagnostics if d.is_error]
    # English is on: each lesson without its translation is named
    assert {d.code for d in diagnostics} == {"translation-missing"}


def test_new_course_refuses_unknown_languages(tmp_path):
    with pytest.raises(ScaffoldError):
        new_course(tmp_path / "kurs", languages=["de", "fr"])


def test_subject_outside_the_given_list_is_an_error_at_its_line(tmp_path):
    root = new_course(tmp_path / "kurs", subject="sustainability")
    _, diagnostics = load_course(root, subjects=["robotik"])
    (error,) = [d for d in diagnostics if d.is_error]
    line = (root / "course.yml").read_text().splitlines().index(
        "subject: sustainability             # a key of the subject list (admins keep it in "
        "the LMS)") + 1
    assert (error.path.endswith("course.yml"), error.line, error.code) == (True, line,
                                                                           "unknown-value")
    assert "unknown subject 'sustainability' (expected one of: robotik)" in error.message
    # the default list is the built-in one
    assert not [d for d in load_course(root)[1] if d.is_error]
