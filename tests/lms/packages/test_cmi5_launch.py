"""The LMS side of a cmi5 launch: launched statement, LMS.LaunchData, preferences, fetch URL,
token binding, abandoned sessions (cmi5 8.0, 8.2, 9.3.1, 9.3.6, 10.0, 11.0)."""

import json
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from lms.extensions import db
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_models import Cmi5Session
from tests.lms.packages.cmi5_helpers import launch, setup_au
from xapi import vocabulary as v
from xapi.store_sql import statements as statement_table


def _stored(verb: str) -> list[dict]:
    rows = db.session.execute(select(statement_table.c.statement).where(
        statement_table.c.verb_id == v.VERBS[verb].id).order_by(statement_table.c.seq)).scalars()
    return [row if isinstance(row, dict) else json.loads(row) for row in rows]


def test_the_launch_url_carries_the_five_parameters_and_keeps_the_aus_query(client, tmp_path):
    au = setup_au(client, tmp_path)
    parts = urlsplit(au.url)
    assert parts.netloc == "vendor.example" and parts.path == "/au/1/index.html"
    query = parse_qs(parts.query)
    assert query["lang"] == ["de"]
    assert set(au.params) == {"lang", "endpoint", "fetch", "actor", "registration", "activityId"}
    assert au.params["endpoint"] == "https://campus.example/xapi/"
    assert au.params["registration"] == au.enrolment.registration
    assert json.loads(au.params["actor"])["account"]["name"] == au.user.pseudonym
    assert au.params["activityId"] == au.lesson.lesson_iri  # single AU: the lesson's IRI
    assert au.params["activityId"] != au.unit.publisher_id


def test_launched_statement_has_the_context_the_spec_names(client, tmp_path):
    au = setup_au(client, tmp_path)
    [launched] = _stored("launched")
    context = launched["context"]
    assert launched["authority"] == au.client.authority
    assert launched["object"]["id"] == au.params["activityId"]
    assert context["registration"] == au.enrolment.registration
    assert {"id": c.CATEGORY_CMI5} in context["contextActivities"]["category"]
    assert {"id": au.unit.publisher_id} in context["contextActivities"]["grouping"]
    extensions = context["extensions"]
    assert extensions[c.SESSION_ID] == au.session.session_id
    assert extensions[c.LAUNCH_MODE] == "Normal"
    assert extensions[c.MOVE_ON] == "CompletedAndPassed"
    assert extensions[c.MASTERY_SCORE] == 0.8
    assert extensions[c.LAUNCH_URL] == "https://vendor.example/au/1/index.html?lang=de"
    assert extensions[c.LAUNCH_PARAMETERS] == '{"level": 2}'


def test_launch_data_and_learner_preferences_are_readable_with_the_token(client, tmp_path):
    au = setup_au(client, tmp_path)
    data = au.caller.get("activities/state", params={
        "activityId": au.params["activityId"], "agent": au.params["actor"],
        "registration": au.params["registration"], "stateId": c.LAUNCH_DATA}).get_json()
    assert data["launchMode"] == "Normal" and data["moveOn"] == "CompletedAndPassed"
    assert data["masteryScore"] == 0.8 and data["launchMethod"] == "AnyWindow"
    assert data["launchParameters"] == '{"level": 2}'
    assert data["returnURL"] == "https://campus.example/learn/x/y"
    assert data["contextTemplate"]["extensions"][c.SESSION_ID] == au.session.session_id
    prefs = au.caller.get("agents/profile", params={
        "agent": au.params["actor"], "profileId": c.LEARNER_PREFERENCES})
    assert prefs.status_code == 200
    assert prefs.get_json()["languagePreference"].startswith("de")


def test_the_fetch_url_answers_once_then_with_the_cmi5_error(client, tmp_path):
    au = setup_au(client, tmp_path)  # fetched once already
    again = client.post(urlsplit(au.params["fetch"]).path)
    assert again.status_code == 200 and again.mimetype == "application/json"
    assert again.get_json()["error-code"] == "1"
    unknown = client.post("/packages/cmi5/fetch/not-a-code").get_json()
    assert unknown["error-code"] == "2"
    assert client.get(urlsplit(au.params["fetch"]).path).status_code == 405


def test_the_token_speaks_only_for_its_learner_and_registration(client, tmp_path):
    au = setup_au(client, tmp_path)
    other = au.statement("initialized")
    other["actor"] = {"objectType": "Agent", "account": {"homePage": "http://localhost",
                                                          "name": "someone-else"}}
    refused = au.send(other)
    assert refused.status_code == 403
    assert "only for the learner it was launched for" in refused.get_json()["message"]
    wrong_registration = au.statement("initialized")
    wrong_registration["context"]["registration"] = "6f1c9a43-2b7e-4d4a-9c0e-2b7f0d3a1e55"
    assert au.send(wrong_registration).status_code == 403
    # documents of another learner, and changing the LMS's launch data, are refused
    foreign = au.caller.get("agents/profile", params={
        "agent": json.dumps(other["actor"]), "profileId": c.LEARNER_PREFERENCES})
    assert foreign.status_code == 403
    change = au.caller.put("activities/state", params={
        "activityId": au.params["activityId"], "agent": au.params["actor"],
        "registration": au.params["registration"], "stateId": c.LAUNCH_DATA},
        json={"launchMode": "Normal"})
    assert change.status_code == 403
    assert "written by the LMS" in change.get_json()["message"]
    # it reads no statements: the package's authority covers other learners
    assert au.caller.get("statements").status_code == 403


def test_a_wrong_token_is_401(client, tmp_path):
    au = setup_au(client, tmp_path)
    initialized = au.statement("initialized")
    au.auth = au.auth[:-4] + "AAA="
    assert au.send(initialized).status_code == 401


def test_a_new_launch_abandons_the_open_session(client, tmp_path):
    au = setup_au(client, tmp_path)
    assert au.send(au.statement("initialized")).status_code == 200
    completed = au.statement("completed", result={"completion": True, "duration": "PT1S"})
    second = launch(client, au.user, au.enrolment, au.lesson, au.client)
    db.session.expire_all()
    first = db.session.scalar(select(Cmi5Session).where(
        Cmi5Session.session_id == au.session.session_id))
    assert first.abandoned_at is not None and second.session.is_open
    [abandoned] = _stored("abandoned")
    assert abandoned["context"]["extensions"][c.SESSION_ID] == au.session.session_id
    assert abandoned["result"]["duration"].startswith("PT")
    # the abandoned session's token is dead; the new one works
    assert au.send(completed).status_code == 401
    assert second.send(second.statement("initialized")).status_code == 200
    # a terminated session is not abandoned by the next launch
    assert second.send(second.statement("terminated", result={"duration": "PT5S"})
                       ).status_code == 200
    launch(client, au.user, au.enrolment, au.lesson, au.client)
    assert len(_stored("abandoned")) == 1
