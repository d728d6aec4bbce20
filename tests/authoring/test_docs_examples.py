"""Every example in docs/authoring.md is parsed and validated, so the reference cannot drift."""

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from authoring.blocks import default_blocks
from authoring.build import build_package, load_course
from authoring.course_file import read_course_file, read_module_file
from authoring.currency import stamp_translations
from authoring.diagnostic import DiagnosticSink
from authoring.glossary_file import glossary_index, read_glossary_file
from authoring.lesson_file import read_lesson_file
from authoring.model import QUESTION_KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
MARKER = re.compile(r"^<!-- example: (?P<kind>[\w.-]+)(?P<args>[^>]*)-->$")
FENCE = re.compile(r"^(?P<fence>`{3,})(?P<lang>\w*)\s*$")


@dataclass
class Example:
    kind: str | None
    line: int
    lang: str
    code: str
    args: dict = field(default_factory=dict)

    @property
    def language(self) -> str:
        if "file" in self.args:
            return "en" if self.args["file"].endswith(".en.md") else "de"
        return self.args.get("lang", "de")

    def __str__(self) -> str:
        return f"docs/authoring.md:{self.line} ({self.kind})"


def parse_examples() -> list[Example]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    found, index = [], 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i] == opening["fence"])
        previous = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        marker = MARKER.match(previous.strip())
        args = dict(re.findall(r"(\w+)=(\S+)", marker["args"])) if marker else {}
        codes = [word for word in (marker["args"] if marker else "").split() if "=" not in word]
        if codes:
            args["code"] = codes[0]
        found.append(Example(marker["kind"] if marker else None, index + 1, opening["lang"],
                             "\n".join(lines[index + 1:end]) + "\n", args))
        index = end + 1
    return found


EXAMPLES = parse_examples()


def of_kind(kind: str) -> list[Example]:
    return [example for example in EXAMPLES if example.kind == kind]


@pytest.fixture(scope="module")
def glossary(renderer):
    terms, _ = read_glossary_file(of_kind("glossary.yml")[0].code, DiagnosticSink("g"),
                                  renderer, ["de", "en"])
    return glossary_index(terms)


@pytest.fixture(scope="module")
def lesson_paths():
    paths = {}
    for example in of_kind("lesson"):
        match = re.search(r"^id: (\S+)$", example.code, re.MULTILINE)
        paths[example.args["file"]] = match[1]
    return paths


def test_every_fenced_block_says_what_it_is():
    unmarked = [str(example) for example in EXAMPLES if example.kind is None]
    assert unmarked == []
    assert all(example.kind != "block" or ":::" in example.code or "{{" in example.code
               or "![" in example.code for example in EXAMPLES)


def test_yaml_file_examples_read_cleanly(renderer):
    for example in of_kind("course.yml"):
        sink = DiagnosticSink("course.yml")
        read_course_file(example.code, sink)
        assert sink.items == [], example
    for example in of_kind("module.yml"):
        sink = DiagnosticSink("module.yml")
        read_module_file(example.code, sink, 1, "modules/01-x")
        assert sink.items == [], example
    for example in of_kind("glossary.yml"):
        sink = DiagnosticSink("glossary.yml")
        read_glossary_file(example.code, sink, renderer, ["de", "en"])
        assert sink.items == [], example


def test_both_parts_show_the_same_course_files():
    for kind in ("course.yml", "module.yml", "glossary.yml"):
        german, english = (yaml.safe_load(example.code) for example in of_kind(kind))
        assert german == english, kind


@pytest.mark.parametrize("example", of_kind("lesson"), ids=str)
def test_lesson_examples_are_clean(example, renderer, glossary, lesson_paths):
    result = read_lesson_file(
        example.code, path="doc", source=example.args["file"], language=example.language,
        renderer=renderer, glossary=glossary, lesson_paths=lesson_paths,
    )
    assert result.diagnostics == []


def render_block(example, renderer, glossary, lesson_paths):
    kind = "quiz" if ":::quiz" in example.code or ":::open" in example.code else "lesson"
    sources = "Quellen" if example.language == "de" else "Sources"
    text = (f"---\nid: example\ntitle: Example\ntype: {kind}\n---\n\n# Example\n\n"
            f"{example.code}\n## {sources}\n\n- Example.\n")
    return read_lesson_file(
        text, path="doc", source="modules/01-antriebe/05-example.md",
        language=example.language, renderer=renderer, glossary=glossary,
        lesson_paths=lesson_paths,
    )


@pytest.mark.parametrize("example", of_kind("block"), ids=str)
def test_block_examples_are_clean(example, renderer, glossary, lesson_paths):
    assert render_block(example, renderer, glossary, lesson_paths).diagnostics == []


@pytest.mark.parametrize("example", of_kind("invalid"), ids=str)
def test_invalid_examples_report_their_code(example, renderer, glossary, lesson_paths):
    result = render_block(example, renderer, glossary, lesson_paths)
    assert example.args["code"] in {d["code"] for d in result.diagnostics}


@pytest.mark.parametrize("language", ["de", "en"])
def test_each_block_and_question_kind_has_an_example_per_language(
    language, renderer, glossary, lesson_paths
):
    blocks = [e for e in of_kind("block") if e.language == language]
    for name in default_blocks():
        assert any(f":::{name}" in example.code for example in blocks), name
    kinds = Counter(
        question.kind
        for example in blocks
        for question in render_block(example, renderer, glossary, lesson_paths).content.questions
    )
    assert set(kinds) == set(QUESTION_KINDS)


def test_the_examples_form_a_valid_two_language_course(tmp_path):
    root = tmp_path / "e-mobility"
    (root / "modules").mkdir(parents=True)
    (root / "course.yml").write_text(of_kind("course.yml")[0].code, encoding="utf-8")
    (root / "glossary.yml").write_text(of_kind("glossary.yml")[0].code, encoding="utf-8")
    for example in of_kind("module.yml") + of_kind("lesson"):
        file = root / example.args["file"]
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(example.code, encoding="utf-8")
    for folder in (root / "modules").iterdir():
        if not (folder / "module.yml").exists():
            slug = folder.name.split("-", 1)[1]
            (folder / "module.yml").write_text(
                f"id: {slug}\ntitle:\n  de: {slug}\n  en: {slug}\n", encoding="utf-8")
    for media in set(re.findall(r"media/[\w./-]+\w", DOC.read_text(encoding="utf-8"))):
        (root / media).parent.mkdir(parents=True, exist_ok=True)
        (root / media).write_bytes(b"placeholder")
    stamp_translations(root)  # as the author does once the translations match
    course, diagnostics = load_course(root)
    assert diagnostics == []
    assert {lesson.kind for lesson in course.lessons()} == {"lesson", "quiz", "session",
                                                           "assessment"}
    assert all(sorted(lesson.content) == ["de", "en"] for lesson in course.lessons())
    assert build_package(root).digest.startswith("sha256:")
    shutil.rmtree(root)
