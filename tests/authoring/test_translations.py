"""Translations: warned when missing, checked for matching ids, types and questions."""

import io

from authoring.build import build_package, load_course
from authoring.cli import stamp_paths


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


def test_changing_the_german_lesson_makes_its_translation_outdated(course_dir):
    german = course_dir / "modules/01-grundlagen/02-sicherheit.md"
    german.write_text(german.read_text(encoding="utf-8").replace("nur mit Qualifikation",
                                                                 "nur mit Ausbildung"),
                      encoding="utf-8")
    _, diagnostics = load_course(course_dir)
    assert [(d.path.rsplit("/", 1)[1], d.line, d.code) for d in diagnostics] == [
        ("02-sicherheit.en.md", 3, "translation-outdated")]
    assert stamp_paths([course_dir], out=io.StringIO()) == 0
    assert load_course(course_dir)[1] == []


def test_stamping_writes_only_the_translation_of_line(course_dir):
    english = course_dir / "modules/01-grundlagen/02-sicherheit.en.md"
    before = english.read_text(encoding="utf-8")
    english.write_text(before.replace("translation_of: ", "translation_of: 0"), encoding="utf-8")
    out = io.StringIO()
    assert stamp_paths([course_dir], out=out) == 0
    assert english.read_text(encoding="utf-8") == before
    assert "1 translation(s) stamped" in out.getvalue()


def test_other_answer_keys_in_the_translation_name_both_files(course_dir):
    english = course_dir / "modules/01-grundlagen/01-antriebe.en.md"
    english.write_text(english.read_text(encoding="utf-8").replace(
        "[(X)] The battery", "[( )] The battery").replace("[( )] The tank", "[(X)] The tank"),
        encoding="utf-8")
    _, diagnostics = load_course(course_dir)
    errors = [d for d in diagnostics if d.is_error]
    assert [(d.code, d.line) for d in errors] == [("translation-mismatch", 37)]
    assert errors[0].message.endswith("01-antriebe.md:36)")


def test_a_translation_change_leaves_the_lesson_hash_alone(course_dir):
    before = build_package(course_dir)
    english = course_dir / "modules/01-grundlagen/02-sicherheit.en.md"
    english.write_text(english.read_text(encoding="utf-8").replace("qualified staff",
                                                                   "trained staff"),
                       encoding="utf-8")
    after = build_package(course_dir)
    assert after.digest != before.digest
    assert after.lesson_hashes() == before.lesson_hashes()
    lesson = after.course.lesson("sicherheit")
    assert lesson.content["en"].content_hash != before.course.lesson(
        "sicherheit").content["en"].content_hash
