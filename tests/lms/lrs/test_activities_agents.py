"""The Activities and Agents resources."""

import json

from tests.lms.lrs.builders import LESSON, learner, statement


def test_activity_with_its_merged_definition(xapi):
    xapi.post("statements", json=statement())
    german = statement(object={"id": LESSON, "definition": {"description": {"de-DE": "Bremsen"}}})
    xapi.post("statements", json=german)
    response = xapi.get("activities", params={"activityId": LESSON})
    assert response.status_code == 200
    assert response.json == {
        "objectType": "Activity",
        "id": LESSON,
        "definition": {"name": {"en-US": "Lesson 1", "de-DE": "Lektion 1"},
                       "description": {"de-DE": "Bremsen"}},
    }


def test_unknown_activity_is_returned_with_its_id_only(xapi):
    response = xapi.get("activities", params={"activityId": "https://campus.example/none"})
    assert response.status_code == 200
    assert response.json == {"objectType": "Activity", "id": "https://campus.example/none"}


def test_activities_needs_an_activity_id(xapi):
    assert xapi.get("activities").status_code == 400
    assert xapi.get("activities", params={"activityId": LESSON, "x": "1"}).status_code == 400
    assert xapi.put("activities", params={"activityId": LESSON}, json={}).status_code == 405


def test_person_lists_the_names_an_agent_was_seen_with(xapi):
    named = {**learner("anna"), "name": "Anna"}
    xapi.post("statements", json=statement(actor=named))
    response = xapi.get("agents", params={"agent": json.dumps(learner("anna"))})
    assert response.status_code == 200
    assert response.json == {"objectType": "Person", "name": ["Anna"],
                             "account": [learner("anna")["account"]]}


def test_agents_needs_a_valid_agent(xapi):
    assert xapi.get("agents").status_code == 400
    assert xapi.get("agents", params={"agent": "not json"}).status_code == 400
    assert xapi.get("agents", params={"agent": '{"name": "nobody"}'}).status_code == 400
