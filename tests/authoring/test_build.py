"""Packages: deterministic, content-addressed, per-lesson hashes, cached rebuilds."""

import json
import shutil

import pytest

from authoring.build import CourseInvalidError, build_package
from authoring.cache import DirectoryCache, MemoryCache
from authoring.package import PackageError, load_package, read_package


class CountingCache(MemoryCache):
    """Counts how many lessons had to be rendered (cache writes of lesson entries)."""

    def __init__(self):
        super().__init__()
        self.rendered = 0

    def set(self, key, value):
        self.rendered += key.startswith("lesson-")
        super().set(key, value)


def question_hashes(package):
    return {
        (lesson.id, lang, q.id): q.content_hash
        for lesson in package.course.lessons()
        for lang, content in lesson.content.items()
        for q in content.questions
    }


def test_building_twice_gives_the_same_digest_and_bytes(course_dir, tmp_path):
    first = build_package(course_dir, tmp_path / "a")
    second = build_package(course_dir, tmp_path / "b", cache=MemoryCache())
    assert first.digest == second.digest
    assert first.digest.startswith("sha256:")
    assert (tmp_path / "a/package.json").read_bytes() == (tmp_path / "b/package.json").read_bytes()


def test_the_digest_does_not_depend_on_where_the_folder_is(course_dir, tmp_path):
    moved = tmp_path / "elsewhere" / "hv-basics"
    shutil.copytree(course_dir, moved)
    assert build_package(course_dir).digest == build_package(moved).digest


def test_changing_one_lesson_changes_only_its_hash(course_dir):
    before = build_package(course_dir)
    lesson = course_dir / "modules/01-grundlagen/02-sicherheit.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8")
    after = build_package(course_dir)
    old, new = before.lesson_hashes(), after.lesson_hashes()
    assert [key for key in old if old[key] != new[key]] == ["sicherheit"]
    assert before.digest != after.digest
    assert question_hashes(before) == question_hashes(after)


def test_changing_one_question_changes_only_that_questions_hash(course_dir):
    before = build_package(course_dir)
    for name, old in (("03-quiz.md", "[[= 50 ± 1]]"), ("03-quiz.en.md", "[[= 50 +- 1]]")):
        quiz = course_dir / "modules/01-grundlagen" / name  # answer keys match in both
        quiz.write_text(quiz.read_text(encoding="utf-8").replace(old, "[[= 50 ± 2]]"),
                        encoding="utf-8")
    after = build_package(course_dir)
    old, new = question_hashes(before), question_hashes(after)
    assert {key for key in old if old[key] != new[key]} == {
        ("grundlagen-quiz", "de", "ladeleistung"), ("grundlagen-quiz", "en", "ladeleistung"),
    }


def test_changing_a_media_file_changes_the_lessons_using_it(course_dir):
    before = build_package(course_dir)
    (course_dir / "media/interview.mp3").write_bytes(b"other audio")
    after = build_package(course_dir)
    old, new = before.lesson_hashes(), after.lesson_hashes()
    assert [key for key in old if old[key] != new[key]] == ["sicherheit"]
    assert after.document["media"]["media/interview.mp3"]["size"] == 11


def test_a_rebuild_renders_only_the_changed_lesson(course_dir):
    cache = CountingCache()
    build_package(course_dir, cache=cache)
    assert cache.rendered == 10
    lesson = course_dir / "modules/01-grundlagen/01-antriebe.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    cache.rendered = 0
    build_package(course_dir, cache=cache)
    assert cache.rendered == 1


def test_directory_cache_gives_the_same_package(course_dir, tmp_path):
    cache = DirectoryCache(tmp_path / ".atlas-cache")
    cold = build_package(course_dir, cache=cache)
    warm = build_package(course_dir, cache=DirectoryCache(tmp_path / ".atlas-cache"))
    assert cold.document == warm.document
    assert any((tmp_path / ".atlas-cache").rglob("*.json"))


def test_package_lists_used_media_by_hash_and_writes_blobs(course_dir, tmp_path):
    (course_dir / "media/unbenutzt.png").write_bytes(b"unused")
    package = build_package(course_dir, tmp_path / "out")
    media = package.document["media"]
    assert "media/unbenutzt.png" not in media
    entry = media["media/antriebsstrang.svg"]
    assert entry["media_type"] == "image/svg+xml"
    assert (tmp_path / "out/media" / entry["sha256"]).read_bytes() == (
        course_dir / "media/antriebsstrang.svg").read_bytes()


def test_package_json_has_the_documented_keys(course_dir, tmp_path):
    build_package(course_dir, tmp_path / "out")
    document = json.loads((tmp_path / "out/package.json").read_text(encoding="utf-8"))
    assert set(document) == {"format", "format_version", "course", "media", "digest"}
    assert "content_hash" in document["course"]["modules"][0]["lessons"][0]
    assert "timestamp" not in json.dumps(document)


def test_read_package_round_trips_and_detects_tampering(course_dir, tmp_path):
    package = build_package(course_dir, tmp_path / "out")
    course, document = read_package(tmp_path / "out")
    assert course == package.course
    document["course"]["title"]["de"] = "Manipuliert"
    with pytest.raises(PackageError):
        load_package(document)


def test_a_course_with_errors_is_not_built(course_dir, tmp_path):
    (course_dir / "modules/01-grundlagen/02-sicherheit.md").write_text(
        "---\nid: sicherheit\n---\n", encoding="utf-8")
    with pytest.raises(CourseInvalidError) as info:
        build_package(course_dir, tmp_path / "out")
    assert any(d.code == "missing-field" for d in info.value.diagnostics)
    assert not (tmp_path / "out").exists()


def test_cached_lessons_follow_glossary_changes(course_dir):
    cache = MemoryCache()
    build_package(course_dir, cache=cache)
    glossary = course_dir / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "rein batterieelektrisches Fahrzeug.", "Elektroauto."), encoding="utf-8")
    html = build_package(course_dir, cache=cache).course.lesson("antriebe").variant("de").html
    assert 'title="Battery Electric Vehicle – Elektroauto."' in html


def test_a_corrupt_cache_entry_is_a_miss(course_dir, tmp_path):
    cache = DirectoryCache(tmp_path / "cache")
    first = build_package(course_dir, cache=cache)
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert build_package(course_dir, cache=cache).digest == first.digest
