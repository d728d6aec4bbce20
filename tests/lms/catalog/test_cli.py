"""`atlas course …` and the demo seed's courses."""

import json
import re

from sqlalchemy import func, select

from lms.accounts.services import find_user_by_email
from lms.catalog import cli as catalog_cli
from lms.catalog import services, trainers
from lms.catalog.models import Course, CourseVersion
from lms.extensions import db
from tests.fixtures.courses import COURSES, edit

DIAGNOSTIC_LINE = re.compile(r"^\S+\.md:\d+:\d+: error: .+$", re.MULTILINE)


def test_validate_prints_diagnostics_and_fails_on_errors(runner, small_course):
    clean = runner.invoke(args=["course", "validate", str(small_course), "--no-cache"])
    assert clean.exit_code == 0, clean.output
    assert "0 errors" in clean.output
    edit(small_course / "modules" / "01-einfuehrung" / "01-einstieg.md", ":::tip\n",
         ":::tipp\n")
    broken = runner.invoke(args=["course", "validate", str(small_course), "--no-cache"])
    assert broken.exit_code == 1
    assert DIAGNOSTIC_LINE.search(broken.output), broken.output


def test_new_creates_a_course_folder_once(runner, tmp_path):
    result = runner.invoke(args=["course", "new", "hydraulik", "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "hydraulik" / "course.yml").is_file()
    again = runner.invoke(args=["course", "new", "hydraulik", "--dest", str(tmp_path)])
    assert again.exit_code == 1 and "not empty" in again.output
    invalid = runner.invoke(args=["course", "new", "Hydraulik!", "--dest", str(tmp_path)])
    assert invalid.exit_code == 1


def test_build_writes_a_package(runner, small_course, tmp_path):
    out = tmp_path / "packages"
    result = runner.invoke(args=["course", "build", str(small_course), "--out", str(out),
                                 "--no-cache"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "grundlagen-test" / "package.json").read_text())
    assert document["digest"] in result.output
    assert len(list((out / "grundlagen-test" / "media").iterdir())) == 1


def test_import_is_idempotent_and_reports_per_course(runner, small_course):
    first = runner.invoke(args=["course", "import", str(small_course)])
    assert first.exit_code == 0, first.output
    assert "grundlagen-test imported version 0.1.0" in first.output
    second = runner.invoke(args=["course", "import", str(small_course)])
    assert second.exit_code == 0
    assert "grundlagen-test unchanged, version 0.1.0" in second.output
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_import_of_a_broken_course_fails_and_writes_nothing(runner, small_course):
    edit(small_course / "course.yml", "level: beginner", "level: meister")
    result = runner.invoke(args=["course", "import", str(small_course)])
    assert result.exit_code == 1
    assert "error:" in result.output and "not imported" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_import_without_publishing(runner, small_course):
    result = runner.invoke(args=["course", "import", "--no-publish", str(small_course)])
    assert result.exit_code == 0 and "(not published)" in result.output
    assert services.published_courses() == []


def test_preview_wraps_the_authoring_server(runner, small_course, monkeypatch):
    calls = []
    monkeypatch.setattr(catalog_cli.authoring_cli, "serve",
                        lambda path, host, port: calls.append((path, host, port)))
    result = runner.invoke(args=["course", "preview", str(small_course), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [(small_course, "127.0.0.1", 8123)]


def test_demo_seed_imports_the_courses_and_makes_the_demo_trainer_their_trainer(runner):
    assert COURSES.is_dir()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    slugs = {v.course.slug for v in services.published_courses()}
    assert slugs == {"digital-production", "e-mobility", "sustainability"}
    trainer = find_user_by_email("trainer@atlas-campus.example")
    assert [c.slug for c in trainers.trainer_courses(trainer)] == sorted(slugs)
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and again.output.count(" exists") == 3
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 3
