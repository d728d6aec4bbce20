"""Translations: warned when missing, checked for matching ids, types and questions."""

from authoring.build import load_course


def test_missing_translation_is_one_warning(course_dir):
    (course_dir / "modules/02-praxis/01-workshop.en.md").unlink()
    course, diagnostics = load_course(course_dir)
    assert [d.format().split("hv-basics/", 1)[1] for d in diagnostics] == [
        "modules/02-praxis/01-workshop.md:1:1: warning: lesson 'workshop' has no 'en' "
        "translation (modules/02-praxis/01-workshop.en.md)"
    ]
    assert sorted(course.lesson("workshop").content) == ["de"]
    assert course.lesson("workshop").title("en") == "Praxistag Hochvolt"


def test_no_warning_for_languages_not_listed(course_dir):
    course_yml = course_dir / "course.yml"
    course_yml.write_text(
        course_yml.read_text(encoding="utf-8").replace("languages: [de, en]", "languages: [de]"),
        encoding="utf-8",
    )
    (course_dir / "modules/02-praxis/01-workshop.en.md").unlink()
    _, diagnostics = load_course(course_dir)
    assert {d.code for d in diagnostics} == {"translation-unlisted"}


def test_translation_with_another_type_is_an_error(course_dir):
    lesson = course_dir / "modules/01-grundlagen/02-sicherheit.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "minutes: 15", "minutes: 15\ntype: session\nformat: virtual\nduration_minutes: 30"),
        encoding="utf-8")
    _, diagnostics = load_course(course_dir)
    assert [(d.line, d.code) for d in diagnostics if d.is_error] == [(6, "translation-mismatch")]
