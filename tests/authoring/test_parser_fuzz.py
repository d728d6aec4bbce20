"""Fuzzing the course parser: any source text gives diagnostics at file:line, never a crash.

Bounded (a few hundred examples in all, no deadline) so it runs in the suite; the text is
built from the syntax the parser cares about, mixed with arbitrary characters.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.build import CourseInvalidError, build_package, load_course
from authoring.cache import MemoryCache
from authoring.lesson_file import read_lesson_file
from authoring.parser import LessonRenderer

from .conftest import FIXTURE_COURSE

SYNTAX = [
    "---\n", "id: probe\n", "title: Probe\n", "kind: quiz\n", "kind: session\n", "minutes: 5\n",
    "pass_mark: 80\n", "attempts: 2\n", "# Titel\n", "## Abschnitt\n", "### Drei\n", "\n",
    ":::quiz id=q1\n", ":::quiz id=q1 points=2\n", ":::\n", ":::note\n", ":::tip Titel\n",
    ":::video src=media/v.mp4\n", ":::download src=media/x.pdf\n", ":::session\n",
    "- [x] Richtig\n", "- [ ] Falsch\n", "- A -> B\n", "> Feedback\n", "?> Erklärung\n",
    "[[Lücke|Luecke]]", "[[= 50 ± 1]] kWh", "[[=]]", "[[", "]]", "{{Hochvolt}}", "{{", "}}",
    "![Ein Bild mit Beschreibung](media/antriebsstrang.svg)", "![](", "](", "[Ziel](02-x.md)",
    "[Ziel](lesson:x#y)", "[hier](https://example.org)", "<img src=https://e.example/a.png>",
    '<input type="password">', '<div class="flash-error">', "</div>", "<script>", "|a|b|\n",
    "|---|---|\n", "[^1]", "[^1]: Fuß\n", "```\n", "```python\n", "\t", "  ", "\r\n", "&amp;",
    "\ue000", "\ue0010\ue001", "\x00", "\u202e", "💡", "é", "ß", "*", "_", "`", "\\", "'", '"',
    "id: [x]\n", "title: {a: b}\n", "&a [*a]\n", "!!python/object:os.system\n", "%YAML 1.1\n",
]
TEXT = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=12)), max_size=40).map(
    "".join)
FRONT = "---\nid: probe\ntitle: Probe\n---\n\n"


@pytest.fixture(scope="module")
def fuzz_renderer() -> LessonRenderer:
    return LessonRenderer()


def assert_located(diagnostics, paths) -> None:
    for diagnostic in diagnostics:
        assert diagnostic.code != "internal-error", diagnostic.format()
        assert diagnostic.path in paths and diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.format().startswith(f"{diagnostic.path}:{diagnostic.line}:")


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=TEXT, with_front=st.booleans(), language=st.sampled_from(["de", "en"]))
def test_any_lesson_text_gives_located_diagnostics(fuzz_renderer, body, with_front, language):
    result = read_lesson_file(
        (FRONT if with_front else "") + body, path="modules/01-m/lesson.md",
        source="modules/01-m/lesson.md", language=language, renderer=fuzz_renderer,
        glossary={}, lesson_paths={"modules/01-m/02-x.md": "x"},
    )
    assert_located(result.diagnostic_list(), {"modules/01-m/lesson.md"})
    html = result.content.html
    assert "\ue000" not in html  # every renderer token was put back
    assert html.count("<input") == html.count('<input type="text" class="quiz-gap"')


@pytest.fixture(scope="module")
def fuzz_course():
    folder = Path(tempfile.mkdtemp(prefix="atlas-fuzz-"))
    course = folder / "hv-basics"
    shutil.copytree(FIXTURE_COURSE, course)
    yield course
    shutil.rmtree(folder, ignore_errors=True)


COURSE_FILES = ["course.yml", "glossary.yml", "modules/01-grundlagen/module.yml",
                "modules/01-grundlagen/02-sicherheit.md", "modules/02-praxis/01-workshop.md"]


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(target=st.sampled_from(COURSE_FILES), text=TEXT, keep_start=st.integers(0, 400))
def test_any_course_file_gives_located_diagnostics_or_course_invalid(fuzz_course, target,
                                                                     text, keep_start):
    """A file is replaced by a prefix of itself plus fuzz: load_course reports, and
    build_package raises nothing but CourseInvalidError, whose message points at file:line."""
    original = (FIXTURE_COURSE / target).read_text(encoding="utf-8")
    file = fuzz_course / target
    file.write_text(original[:keep_start] + text, encoding="utf-8")
    try:
        _, diagnostics = load_course(fuzz_course, MemoryCache())
        paths = {str(fuzz_course / p) for p in COURSE_FILES} | {
            str(p) for p in fuzz_course.rglob("*")}
        assert_located(diagnostics, paths)
        try:
            build_package(fuzz_course, cache=MemoryCache())
        except CourseInvalidError as error:
            assert any(d.is_error for d in error.diagnostics)
            assert ":" in str(error).split("first: ", 1)[1]
    finally:
        file.write_text(original, encoding="utf-8")
