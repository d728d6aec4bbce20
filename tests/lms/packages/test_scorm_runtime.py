"""The SCORM runtime over HTTP: attempts, the CMI store, the statements and the progress."""

import json
import re

import pytest
from sqlalchemy import select

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning.models import CourseProgress, LessonProgress
from lms.lrs import services as lrs
from lms.packages.authority import package_client
from lms.packages.runtime_models import ScormAttempt
from tests.factories import make_user
from tests.lms.packages.course_kit import LESSON_12, LESSON_2004, SLUG, write_scorm_course
from xapi import vocabulary as v
from xapi.agents import agent_key
from xapi.store_sql import statements as statement_table

VERB_NAMES = {verb.id: name for name, verb in v.VERBS.items()}
VERB_NAMES["http://adlnet.gov/expapi/verbs/suspended"] = "suspended"
BASE = "http://localhost/xapi/activities/course/scorm-test/module/einfuehrung/lesson/"


@pytest.fixture
def scorm_course(app, tmp_path, course_cache):
    """The test course imported and published, its packages granted credit by an admin."""
    folder = write_scorm_course(tmp_path)
    result = catalog.import_course(folder, None, utcnow(), publish=True, cache=course_cache)
    course = result.version.course
    for name, lesson in (("gabelstapler", LESSON_12), ("hochvolt", LESSON_2004)):
        client = package_client(SLUG, name)
        if not any(grant.activity_prefix == BASE + lesson for grant in client.grants):
            lrs.grant_credit(None, client.key, now=utcnow(), activity_prefix=BASE + lesson)
    db.session.flush()
    return course


@pytest.fixture
def learner(app, scorm_course):
    user = make_user(name="Lena Lernende")
    enrolments.enrol(user, scorm_course, user, utcnow())
    db.session.flush()
    return user


@pytest.fixture
def signed_in(client, auth, learner):
    response = auth.login(learner.email)
    assert response.status_code == 302
    return client


class Player:
    """The player page as scorm-again sees it: its CMI, commit URL and CSRF token."""

    def __init__(self, client, lesson: str, item: str | None = None):
        query = f"?item={item}" if item else ""
        response = client.get(f"/learn/{SLUG}/{lesson}/package{query}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        self.response = response
        html = response.get_data(as_text=True)
        self.html = html
        self.cmi = json.loads(re.search(
            r'<script type="application/json" id="package-cmi">(.*?)</script>', html, re.S
        ).group(1))
        self.commit_url = re.search(r'data-commit-url="([^"]+)"', html).group(1)
        self.csrf = re.search(r'data-csrf-token="([^"]+)"', html).group(1)
        self.launch_url = re.search(r'data-launch-url="([^"]+)"', html).group(1)
        self.client = client

    def commit(self, cmi, event="commit", session="session-0001", csrf=True):
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.client.post(self.commit_url, json={"cmi": cmi, "session": session,
                                                       "event": event}, headers=headers)


def statements_of(user) -> list[dict]:
    key = agent_key({"objectType": "Agent",
                     "account": {"homePage": "http://localhost", "name": user.pseudonym}})
    rows = db.session.execute(select(statement_table.c.statement).where(
        statement_table.c.actor_key == key).order_by(statement_table.c.seq)).scalars()
    return [json.loads(text) for text in rows]


def verbs(user, activity_suffix: str | None = None) -> list[str]:
    found = []
    for statement in statements_of(user):
        if activity_suffix is not None and statement["object"]["id"] != BASE + activity_suffix:
            continue
        found.append(VERB_NAMES.get(statement["verb"]["id"], statement["verb"]["id"]))
    return found


def lesson_status(user, course, lesson_id):
    row = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course.id,
        LessonProgress.lesson_id == lesson_id))
    return row.status if row else None


PASSED_12 = {"core": {"lesson_status": "passed", "lesson_location": "folie-12",
                      "session_time": "00:02:30", "exit": "",
                      "score": {"raw": "85", "min": "0", "max": "100"}},
             "suspend_data": ""}


def test_player_page_launches_the_sco_with_learner_mastery_and_lms_data(signed_in, learner):
    player = Player(signed_in, LESSON_12)
    core = player.cmi["core"]
    assert core["student_id"] == learner.pseudonym and core["entry"] == "ab-initio"
    assert player.cmi["student_data"]["mastery_score"] == "80"
    assert player.cmi["launch_data"] == "start=1"
    assert re.fullmatch(r"/courses/scorm-test/versions/\d+/media/packages/gabelstapler/"
                        r"sco1/index\.html\?lang=de", player.launch_url)
    assert "frame-ancestors 'self'" in player.response.headers["Content-Security-Policy"]
    assert player.response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "/static/scorm-again/scorm12.min.js" in player.html


def test_scorm12_commit_stores_cmi_and_states_initialized_passed_completed_terminated(
        signed_in, learner, scorm_course):
    player = Player(signed_in, LESSON_12)
    assert player.commit({"core": {"lesson_status": "not attempted"}}, "initialize").json == {
        "result": "true", "errorCode": 0}
    assert player.commit(PASSED_12).status_code == 200
    assert player.commit(PASSED_12, "terminate").status_code == 200
    attempt = db.session.scalar(select(ScormAttempt))
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert (attempt.score_raw, attempt.score_scaled, attempt.location) == (85, 0.85, "folie-12")
    assert attempt.total_seconds == 150 and attempt.satisfied_at is not None
    assert attempt.cmi["core"]["lesson_status"] == "passed"
    assert verbs(learner, LESSON_12) == ["initialized", "passed", "completed", "terminated"]
    passed = next(s for s in statements_of(learner) if s["verb"]["id"].endswith("/passed"))
    assert passed["result"]["score"] == {"scaled": 0.85, "raw": 85.0, "min": 0.0, "max": 100.0}
    assert passed["result"]["success"] is True
    assert passed["authority"]["account"]["name"] == package_client(SLUG, "gabelstapler").key
    assert passed["context"]["registration"]
    terminated = [s for s in statements_of(learner) if s["verb"]["id"].endswith("/terminated")]
    assert terminated[0]["result"]["duration"] == "PT2M30S"
    assert lesson_status(learner, scorm_course, LESSON_12) == "done"


def test_replayed_commits_add_no_statements_and_no_time(signed_in, learner):
    player = Player(signed_in, LESSON_12)
    player.commit(PASSED_12, "terminate")
    before = len(statements_of(learner))
    for event in ("commit", "terminate", "initialize"):
        assert player.commit(PASSED_12, event).status_code == 200
    assert len(statements_of(learner)) == before
    assert db.session.scalar(select(ScormAttempt.total_seconds)) == 150


def test_scorm12_mastery_score_applies_to_a_score_without_status(signed_in, learner,
                                                                  scorm_course):
    player = Player(signed_in, LESSON_12)
    player.commit({"core": {"lesson_status": "completed", "score": {"raw": "60"}}})
    attempt = db.session.scalar(select(ScormAttempt))
    assert attempt.success_status == "failed" and attempt.satisfied_at is None
    assert "completed" not in verbs(learner, LESSON_12)
    assert lesson_status(learner, scorm_course, LESSON_12) != "done"
    player.commit({"core": {"lesson_status": "completed", "score": {"raw": "90"}}})
    assert verbs(learner, LESSON_12)[-3:] == ["failed", "passed", "completed"]
    assert lesson_status(learner, scorm_course, LESSON_12) == "done"


def test_suspended_attempt_resumes_and_a_completed_one_starts_anew(signed_in, learner):
    player = Player(signed_in, LESSON_12)
    player.commit({"core": {"lesson_status": "incomplete", "lesson_location": "folie-4",
                            "exit": "suspend", "session_time": "00:01:00"},
                   "suspend_data": "seite=4"}, "terminate")
    assert "suspended" in verbs(learner, LESSON_12)
    again = Player(signed_in, LESSON_12)
    assert again.commit_url == player.commit_url
    assert again.cmi["suspend_data"] == "seite=4"
    assert again.cmi["core"]["lesson_location"] == "folie-4"
    assert again.cmi["core"]["entry"] == "resume"
    assert again.cmi["core"]["total_time"] == "0000:01:00.00"
    again.commit(PASSED_12, "terminate", session="session-0002")
    third = Player(signed_in, LESSON_12)
    assert third.commit_url != player.commit_url
    assert third.cmi["core"]["entry"] == "ab-initio" and third.cmi["suspend_data"] == ""
    assert "Versuch 2" in third.html
    assert [a.number for a in db.session.scalars(select(ScormAttempt))] == [1, 2]


@pytest.mark.parametrize("cmi, element", [
    ({"suspend_data": "x" * 4097}, "cmi.suspend_data"),
    ({"core": {"lesson_status": "super"}}, "cmi.core.lesson_status"),
    ({"core": {"score": {"raw": "abc"}}}, "cmi.core.score.raw"),
])
def test_invalid_cmi_is_refused_and_nothing_is_stored(signed_in, learner, cmi, element):
    player = Player(signed_in, LESSON_12)
    response = player.commit(cmi)
    assert response.status_code == 400
    assert response.json["result"] == "false" and element in response.json["errorMessage"]
    assert response.json["errorCode"] == 101
    assert db.session.scalar(select(ScormAttempt)).cmi == {}
    assert verbs(learner, LESSON_12) == []


def test_commit_without_csrf_token_is_refused(signed_in):
    player = Player(signed_in, LESSON_12)
    assert player.commit(PASSED_12, csrf=False).status_code == 400
    assert db.session.scalar(select(ScormAttempt)).cmi == {}


def test_another_learners_attempt_is_not_found(signed_in, client, auth, scorm_course):
    player = Player(signed_in, LESSON_12)
    auth.logout()
    other = make_user(name="Otto Anders")
    enrolments.enrol(other, scorm_course, other, utcnow())
    db.session.flush()
    auth.login(other.email)
    csrf = Player(client, LESSON_12).csrf
    response = client.post(player.commit_url, json={"cmi": PASSED_12, "session": "s-123456789",
                                                    "event": "commit"},
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 404


def test_player_is_not_found_without_enrolment_or_for_a_text_lesson(client, auth,
                                                                       scorm_course):
    user = make_user(name="Nora Neu")
    db.session.flush()
    auth.login(user.email)
    assert client.get(f"/learn/{SLUG}/{LESSON_12}/package").status_code == 404
    enrolments.enrol(user, scorm_course, user, utcnow())
    db.session.flush()
    assert client.get(f"/learn/{SLUG}/scorm-test-einstieg/package").status_code == 404
    assert client.get(f"/learn/{SLUG}/{LESSON_12}/package?item=NOPE").status_code == 404


def test_multi_sco_lesson_completes_when_every_item_is_done(signed_in, learner, scorm_course):
    first = Player(signed_in, LESSON_2004)
    assert "TEIL-1" in first.html and "Teil 2: Test" in first.html
    first.commit({"completion_status": "completed", "exit": "normal",
                  "session_time": "PT30S"}, "terminate")
    item_iri = BASE + LESSON_2004 + "/item/TEIL-1"
    completed = [s for s in statements_of(learner) if s["object"]["id"] == item_iri
                 and s["verb"]["id"].endswith("/completed")]
    assert len(completed) == 1
    assert completed[0]["context"]["contextActivities"]["parent"] == [
        {"id": BASE + LESSON_2004}]
    second = Player(signed_in, LESSON_2004, "TEIL-2")
    assert second.cmi["scaled_passing_score"] == "0.75"
    second.commit({"completion_status": "completed", "success_status": "unknown",
                   "score": {"scaled": "0.5"}}, "terminate")
    assert lesson_status(learner, scorm_course, LESSON_2004) != "done"
    second.commit({"completion_status": "completed", "score": {"scaled": "0.8", "raw": "8",
                                                               "min": "0", "max": "10"}})
    assert "completed" not in verbs(learner, LESSON_2004)
    glossary = Player(signed_in, LESSON_2004, "GLOSSAR")  # an asset: launched is completed
    assert "GLOSSAR" in glossary.launch_url or "glossar.html" in glossary.launch_url
    assert verbs(learner, LESSON_2004).count("completed") == 1
    assert lesson_status(learner, scorm_course, LESSON_2004) == "done"
    Player(signed_in, LESSON_2004, "GLOSSAR")
    assert verbs(learner, LESSON_2004).count("completed") == 1


def test_course_completes_through_the_packages(signed_in, learner, scorm_course):
    signed_in.get(f"/learn/{SLUG}/scorm-test-einstieg")
    page = signed_in.get(f"/learn/{SLUG}/scorm-test-einstieg").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed_in.post(f"/learn/{SLUG}/scorm-test-einstieg/done", data={"csrf_token": token})
    Player(signed_in, LESSON_12).commit(PASSED_12, "terminate")
    for item in ("TEIL-1", "TEIL-2", "GLOSSAR"):
        Player(signed_in, LESSON_2004, item).commit(
            {"completion_status": "completed", "score": {"scaled": "0.9"}}, "terminate")
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == learner.id, CourseProgress.course_id == scorm_course.id))
    assert (progress.lessons_done, progress.lessons_total) == (3, 3)
    assert progress.completed_at is not None and progress.percent == 100


def test_without_a_grant_the_statements_are_stored_but_do_not_count(signed_in, learner,
                                                                    scorm_course):
    client = package_client(SLUG, "gabelstapler")
    for grant in list(client.grants):
        db.session.delete(grant)
    db.session.flush()
    Player(signed_in, LESSON_12).commit(PASSED_12, "terminate")
    assert "completed" in verbs(learner, LESSON_12)
    assert lesson_status(learner, scorm_course, LESSON_12) != "done"


def test_lesson_page_embeds_the_player_and_offers_no_mark_done(signed_in):
    page = signed_in.get(f"/learn/{SLUG}/{LESSON_12}").get_data(as_text=True)
    assert f'src="/learn/{SLUG}/{LESSON_12}/package"' in page
    assert "/done" not in page


def test_own_data_page_lists_the_attempts(signed_in, learner):
    Player(signed_in, LESSON_12).commit(PASSED_12, "terminate")
    data = signed_in.get("/me/data.json").get_json()
    text = json.dumps(data)
    assert "scorm_attempts" in text and "folie-12" in text
    page = signed_in.get("/me/data")
    assert page.status_code == 200 and "Lernpakete (SCORM)" in page.get_data(as_text=True)


@pytest.mark.parametrize("body", [
    b"[" * 200_000 + b"]" * 200_000,      # deeply nested
    b'{"cmi": {"core": ',                 # truncated
    b'{"cmi": "\xff\xfe"}',               # not UTF-8
    b"",                                  # empty
])
def test_a_broken_commit_body_is_refused_with_a_message(signed_in, learner, body):
    player = Player(signed_in, LESSON_12)
    response = player.client.post(player.commit_url, data=body,
                                  headers={"X-CSRFToken": player.csrf,
                                           "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["result"] == "false" and response.json["errorMessage"]
    assert db.session.scalar(select(ScormAttempt)).cmi == {}
    assert verbs(learner, LESSON_12) == []
