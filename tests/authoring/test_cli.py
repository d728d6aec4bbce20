"""The command functions the LMS wraps, and ``python -m authoring``."""

import io
import json
import subprocess
import sys

from authoring.cli import build_paths, find_courses, main, new_path, validate_paths

from .conftest import FIXTURE_COURSE


def test_validate_paths_prints_a_summary_and_exits_zero(tmp_path):
    out = io.StringIO()
    assert validate_paths([FIXTURE_COURSE], out) == 0
    assert out.getvalue() == f"{FIXTURE_COURSE.as_posix()}: 0 errors, 0 warnings\n"


def test_validate_paths_exits_one_on_errors(course_dir):
    (course_dir / "glossary.yml").write_text("- term: [\n", encoding="utf-8")
    out = io.StringIO()
    assert validate_paths([course_dir], out) == 1
    first = out.getvalue().splitlines()[0]
    assert first.startswith(f"{course_dir.as_posix()}/glossary.yml:2:1: error: invalid YAML")


def test_strict_fails_on_warnings(course_dir):
    (course_dir / "modules/02-praxis/01-workshop.en.md").unlink()
    assert validate_paths([course_dir], io.StringIO()) == 0
    assert validate_paths([course_dir], io.StringIO(), strict=True) == 1


def test_find_courses_expands_a_folder_of_courses(tmp_path, course_dir):
    assert find_courses([tmp_path]) == [course_dir]
    assert find_courses([course_dir]) == [course_dir]


def test_build_paths_writes_one_folder_per_course(course_dir, tmp_path):
    out = io.StringIO()
    assert build_paths([course_dir], tmp_path / "out", out) == 0
    document = json.loads((tmp_path / "out/hv-basics/package.json").read_text(encoding="utf-8"))
    assert document["digest"] in out.getvalue()


def test_new_path_and_then_validate(tmp_path):
    out = io.StringIO()
    assert new_path(tmp_path / "kurs", out=out) == 0
    assert new_path(tmp_path / "kurs", out=out) == 1
    assert "not empty" in out.getvalue()
    assert validate_paths([tmp_path / "kurs"], io.StringIO(), strict=True) == 0


def test_main_uses_the_cache_directory(tmp_path, capsys):
    cache = tmp_path / "cache"
    assert main(["--cache-dir", str(cache), "validate", str(FIXTURE_COURSE)]) == 0
    assert any(cache.rglob("*.json"))
    assert "0 errors" in capsys.readouterr().out


def test_python_dash_m_authoring(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "authoring", "--no-cache", "validate", str(FIXTURE_COURSE)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("0 errors, 0 warnings\n")


def test_external_images_follow_the_operator_setting(course_dir, monkeypatch):
    lesson = course_dir / "modules/01-grundlagen/01-antriebe.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![Schaltplan der Ladesäule]"
                      "(https://cdn.example.org/plan.png)\n", encoding="utf-8")
    monkeypatch.delenv("ATLAS_EXTERNAL_IMAGE_HOSTS", raising=False)
    out = io.StringIO()
    assert validate_paths([course_dir], out) == 1
    assert "error: image 'https://cdn.example.org/plan.png'" in out.getvalue()
    monkeypatch.setenv("ATLAS_EXTERNAL_IMAGE_HOSTS", "cdn.example.org, img.example.com")
    assert validate_paths([course_dir], io.StringIO()) == 0
    assert validate_paths([course_dir], io.StringIO(), image_hosts=[]) == 1


def test_new_and_validate_use_the_subject_list_from_the_environment(tmp_path, monkeypatch,
                                                                     capsys):
    monkeypatch.setenv("ATLAS_SUBJECTS", "robotik, logistik")
    assert main(["--no-cache", "new", str(tmp_path / "kurs"), "--subject", "e-mobility"]) == 1
    assert "unknown subject 'e-mobility'" in capsys.readouterr().out
    assert main(["--no-cache", "new", str(tmp_path / "kurs"), "--subject", "logistik",
                 "--title", "Lager", "--language", "de"]) == 0
    assert main(["--no-cache", "validate", str(tmp_path / "kurs")]) == 0
    monkeypatch.setenv("ATLAS_SUBJECTS", "robotik")
    assert main(["--no-cache", "validate", str(tmp_path / "kurs")]) == 1
    assert "course.yml:11:10: error: unknown subject 'logistik'" in capsys.readouterr().out
