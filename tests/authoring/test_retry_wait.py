"""``retry_wait`` in course.yml: a duration with a unit, read as minutes, or an error."""

import pytest

from authoring.course_file import read_course_file
from authoring.diagnostic import DiagnosticSink

from .conftest import BROKEN

BASE = (BROKEN / "_base" / "course.yml").read_text(encoding="utf-8")


def read(value: str):
    sink = DiagnosticSink("course.yml")
    course, _positions = read_course_file(
        BASE.replace("pass_mark: 70\n", f"pass_mark: 70\nretry_wait: {value}\n"), sink)
    return course, sink.items


@pytest.mark.parametrize(("value", "minutes"), [
    ("30min", 30), ("45m", 45), ("24h", 1440), ("2d", 2880), ("90d", 129600)])
def test_durations_are_read_as_minutes(value, minutes):
    course, diagnostics = read(value)
    assert diagnostics == [] and course.retry_wait_minutes == minutes


def test_without_retry_wait_there_is_no_waiting():
    sink = DiagnosticSink("course.yml")
    course, _positions = read_course_file(BASE, sink)
    assert sink.items == [] and course.retry_wait_minutes is None


@pytest.mark.parametrize("value", ["24", "0h", "91d", "1 Woche", "-1h", "[24h]"])
def test_bad_values_are_errors_at_their_line(value):
    course, diagnostics = read(value)
    assert course.retry_wait_minutes is None
    [diagnostic] = diagnostics
    assert diagnostic.format().startswith("course.yml:13:13: error: retry_wait must be")
