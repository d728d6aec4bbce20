"""The CMI checks and what the platform reads of a commit, for SCORM 1.2 and 2004."""

import pytest

from lms.errors import ValidationFailedError
from lms.packages.cmi import SCORM12, SCORM2004, Score, is_satisfied, read_outcome, xapi_score
from lms.packages.scorm_time import iso_duration, parse_duration, parse_timespan, timespan


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def test_scorm12_status_score_location_and_time_are_read():
    outcome = read_outcome({"core": {"lesson_status": "passed", "lesson_location": "p3",
                                     "exit": "suspend", "session_time": "00:02:30.50",
                                     "score": {"raw": "85", "min": "0", "max": "100"}},
                            "suspend_data": "abc"}, SCORM12, None)
    assert (outcome.completion, outcome.success) == ("completed", "passed")
    assert outcome.score == Score(0.85, 85.0, 0.0, 100.0)
    assert (outcome.location, outcome.suspend_data, outcome.exit) == ("p3", "abc", "suspend")
    assert outcome.session_seconds == pytest.approx(150.5)


@pytest.mark.parametrize("status, raw, expected", [
    ("completed", "85", "passed"), ("completed", "60", "failed"),
    ("incomplete", "80", "passed"), ("failed", "95", "failed"), ("passed", "10", "passed"),
])
def test_scorm12_mastery_score_decides_when_the_sco_sends_only_a_score(status, raw, expected):
    outcome = read_outcome({"core": {"lesson_status": status, "score": {"raw": raw}}},
                           SCORM12, 0.8)
    assert outcome.lesson_status == expected
    assert outcome.success == expected and outcome.completion == "completed"


def test_scorm12_without_mastery_completed_is_satisfied_and_incomplete_is_not():
    done = read_outcome({"core": {"lesson_status": "completed"}}, SCORM12, None)
    open_ = read_outcome({"core": {"lesson_status": "incomplete"}}, SCORM12, None)
    assert is_satisfied(done, None) and not is_satisfied(open_, None)
    failed = read_outcome({"core": {"lesson_status": "completed", "score": {"raw": "50"}}},
                          SCORM12, 0.8)
    assert not is_satisfied(failed, 0.8)


def test_scorm2004_scaled_passing_score_decides_success():
    cmi = {"completion_status": "completed", "success_status": "passed",
           "score": {"scaled": "0.6", "raw": "6", "min": "0", "max": "10"},
           "session_time": "PT1M2.5S", "location": "s2", "exit": "normal"}
    outcome = read_outcome(cmi, SCORM2004, 0.75)
    assert outcome.success == "failed" and not is_satisfied(outcome, 0.75)
    assert outcome.session_seconds == pytest.approx(62.5)
    cmi["score"]["scaled"] = "0.9"
    assert is_satisfied(read_outcome(cmi, SCORM2004, 0.75), 0.75)


@pytest.mark.parametrize("standard, cmi, element", [
    (SCORM12, {"suspend_data": "x" * 4097}, "cmi.suspend_data"),
    (SCORM12, {"core": {"lesson_location": "x" * 256}}, "cmi.core.lesson_location"),
    (SCORM12, {"core": {"lesson_status": "fertig"}}, "cmi.core.lesson_status"),
    (SCORM12, {"core": {"score": {"raw": "101"}}}, "cmi.core.score.raw"),
    (SCORM12, {"core": {"score": {"raw": "viel"}}}, "cmi.core.score.raw"),
    (SCORM12, {"core": {"session_time": "PT1M"}}, "cmi.core.session_time"),
    (SCORM12, {"core": {"exit": "normal"}}, "cmi.core.exit"),
    (SCORM2004, {"suspend_data": "x" * 64001}, "cmi.suspend_data"),
    (SCORM2004, {"location": "x" * 1001}, "cmi.location"),
    (SCORM2004, {"completion_status": "passed"}, "cmi.completion_status"),
    (SCORM2004, {"score": {"scaled": "1.5"}}, "cmi.score.scaled"),
    (SCORM2004, {"session_time": "00:01:00"}, "cmi.session_time"),
    (SCORM2004, {"suspend_data": 42}, "cmi.suspend_data"),
])
def test_broken_elements_are_refused_by_name(standard, cmi, element):
    with pytest.raises(ValidationFailedError) as caught:
        read_outcome(cmi, standard, None)
    assert caught.value.field == element and element in caught.value.message


def test_longest_allowed_suspend_data_passes():
    assert read_outcome({"suspend_data": "x" * 4096}, SCORM12, None).suspend_data
    assert read_outcome({"suspend_data": "x" * 64000}, SCORM2004, None).suspend_data


def test_cmi_must_be_an_object():
    with pytest.raises(ValidationFailedError):
        read_outcome(["cmi"], SCORM12, None)


def test_xapi_score_drops_bounds_that_do_not_hold():
    assert xapi_score(Score(0.5, 5.0, 0.0, 10.0)) == {"scaled": 0.5, "raw": 5.0, "min": 0.0,
                                                      "max": 10.0}
    assert xapi_score(Score(None, 12.0, 0.0, 10.0)) == {"raw": 12.0, "min": 0.0}
    assert xapi_score(None) is None


@pytest.mark.parametrize("text, seconds", [
    ("00:00:00", 0), ("01:02:03.5", 3723.5), ("9999:59:59.99", 9999 * 3600 + 3599.99),
])
def test_timespans(text, seconds):
    assert parse_timespan(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text, seconds", [
    ("PT1H2M3.5S", 3723.5), ("P1D", 86400), ("PT0S", 0), ("P1Y", 365 * 86400),
])
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["P", "PT", "1H", "PT1.234S", "00:01:00"])
def test_not_durations(text):
    assert parse_duration(text) is None


def test_formatting_round_trips():
    assert iso_duration(3723.5) == "PT1H2M3.50S" and iso_duration(0) == "PT0S"
    assert iso_duration(90) == "PT1M30S"
    assert timespan(3723.5) == "0001:02:03.50"
    assert parse_duration(iso_duration(3723.5)) == pytest.approx(3723.5)
