"""The model survives the trip through JSON the LMS stores it in."""

import json

from authoring.model import Course, LocalizedText


def test_course_round_trips_through_json(course):
    data = json.loads(json.dumps(course.to_dict()))
    again = Course.from_dict(data)
    assert again == course
    assert again.to_dict() == data
    assert isinstance(again.title, LocalizedText)


def test_lookups(course):
    assert [lesson.id for lesson in course.lessons("session")] == ["workshop"]
    assert course.lesson("antriebe").title("en") == "Powertrains at a glance"
    assert course.lesson("antriebe").title("fr") == "Antriebe im Überblick"
    assert course.glossary_term("hochvolt").aliases == ["HV", "high voltage"]
    assert course.title.text("en") == "High-voltage basics"
    assert course.objectives.items_in("en") == ["You know the five safety rules."]


def test_course_settings(course):
    assert course.languages == ["de", "en"]
    assert course.completion.sessions == 1 and course.completion.assessment == "passed"
    assert course.certificate.validity_months == 12
    assert [m.id for m in course.modules] == ["grundlagen", "praxis"]
    assert [lesson.order for lesson in course.modules[0].lessons] == [1, 2, 3]
