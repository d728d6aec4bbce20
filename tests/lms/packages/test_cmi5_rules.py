"""The cmi5 statement rules the LRS enforces for a launch session (cmi5 7.1, 9.3, 9.5, 9.6,
10.0): each refused with 403 and the rule named, and plain xAPI left alone."""

import pytest

from lms.extensions import db
from lms.packages import cmi5_vocabulary as c
from tests.lms.lrs.builders import statement as plain_statement
from tests.lms.packages.cmi5_helpers import launch, setup_au

PASSED = {"success": True, "duration": "PT30S", "score": {"scaled": 0.9}}
FAILED = {"success": False, "duration": "PT30S", "score": {"scaled": 0.5}}
COMPLETED = {"completion": True, "duration": "PT40S"}
TERMINATED = {"duration": "PT60S"}


@pytest.fixture
def au(client, tmp_path):
    return setup_au(client, tmp_path)


def _refused(response, rule: str, words: str) -> None:
    assert response.status_code == 403, response.get_data(as_text=True)
    body = response.get_json()
    assert body["rule"] == rule, body
    assert words in body["message"], body


def _ok(response) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)


def _judged(au, verb, result):
    return au.statement(verb, result=result, **{c.MASTERY_SCORE: 0.8})


def test_a_whole_session_passes(au):
    _ok(au.send(au.statement("initialized")))
    _ok(au.send(_judged(au, "passed", PASSED)))
    _ok(au.send(au.statement("completed", result=COMPLETED)))
    _ok(au.send(au.statement("terminated", result=TERMINATED)))


def test_initialized_comes_first(au):
    _refused(au.send(au.statement("completed", result=COMPLETED)),
             "cmi5-9.3.2/initialized-first", "must be initialized")
    _refused(au.send(au.statement("http://example.com/verbs/clicked", defined=False)),
             "cmi5-9.3.2/initialized-first", "must be initialized")
    _ok(au.send(au.statement("initialized")))
    _refused(au.send(au.statement("initialized")), "cmi5-9.3/initialized-once", "already")


def test_nothing_after_terminated(au):
    _ok(au.send(au.statement("initialized"), au.statement("terminated", result=TERMINATED)))
    _refused(au.send(au.statement("http://example.com/verbs/clicked", defined=False)),
             "cmi5-9.3.8/terminated-last", "terminated")


def test_completed_at_most_once_per_registration(au, client):
    _ok(au.send(au.statement("initialized"), au.statement("completed", result=COMPLETED),
                au.statement("terminated", result=TERMINATED)))
    second = launch(client, au.user, au.enrolment, au.lesson, au.client)
    _ok(second.send(second.statement("initialized")))
    _refused(second.send(second.statement("completed", result=COMPLETED)),
             "cmi5-9.3/completed-once", "already")


def test_a_resent_statement_is_not_a_second_completion(au):
    _ok(au.send(au.statement("initialized")))
    completed = au.statement("completed", result=COMPLETED)
    _ok(au.send(completed))
    _ok(au.send(completed))  # same id, same content: xAPI answers it as stored


def test_no_failed_after_passed_and_one_judgement_per_session(au, client):
    _ok(au.send(au.statement("initialized"), _judged(au, "failed", FAILED)))
    _refused(au.send(_judged(au, "passed", PASSED)),
             "cmi5-9.3/one-judgement-per-session", "at most one passed or failed")
    _ok(au.send(au.statement("terminated", result=TERMINATED)))
    second = launch(client, au.user, au.enrolment, au.lesson, au.client)
    _ok(second.send(second.statement("initialized"), _judged(second, "passed", PASSED),
                    second.statement("terminated", result=TERMINATED)))
    third = launch(client, au.user, au.enrolment, au.lesson, au.client)
    _ok(third.send(third.statement("initialized")))
    _refused(third.send(_judged(third, "failed", FAILED)),
             "cmi5-9.3/failed-after-passed", "must not follow passed")
    _refused(third.send(_judged(third, "passed", PASSED)), "cmi5-9.3/passed-once", "already")


def test_the_score_must_agree_with_the_mastery_score(au):
    _ok(au.send(au.statement("initialized")))
    low = dict(PASSED, score={"scaled": 0.7})
    _refused(au.send(_judged(au, "passed", low)), "cmi5-9.3.4/passed-below-mastery", "0.7")
    high = dict(FAILED, score={"scaled": 0.8})
    _refused(au.send(_judged(au, "failed", high)), "cmi5-9.3.5/failed-at-mastery", "0.8")
    _refused(au.send(au.statement("passed", result=PASSED)),
             "cmi5-9.6.3.2/mastery-score", "masteryScore")


@pytest.mark.parametrize(("verb", "result", "rule"), [
    ("passed", dict(PASSED, success=False), "cmi5-9.5.2/success"),
    ("failed", dict(FAILED, success=True), "cmi5-9.5.2/success"),
    ("completed", dict(COMPLETED, completion=False), "cmi5-9.5.3/completion"),
    ("completed", dict(COMPLETED, success=True), "cmi5-9.5.2/success"),
    ("passed", dict(PASSED, completion=True), "cmi5-9.5.3/completion"),
    ("completed", dict(COMPLETED, score={"scaled": 1.0}), "cmi5-9.5.1/score"),
    ("completed", {"completion": True}, "cmi5-9.5.4/duration"),
])
def test_result_flags_scores_and_durations(au, verb, result, rule):
    _ok(au.send(au.statement("initialized")))
    sent = au.statement(verb, result=result, **({c.MASTERY_SCORE: 0.8}
                                               if verb in ("passed", "failed") else {}))
    _refused(au.send(sent), rule, "")


def test_the_moveon_category_goes_with_success_or_completion(au):
    _ok(au.send(au.statement("initialized")))
    completed = au.statement("completed", result=COMPLETED)
    completed["context"]["contextActivities"]["category"] = [{"id": c.CATEGORY_CMI5}]
    _refused(au.send(completed), "cmi5-9.6.2.2/moveon-category", "moveOn category")


def test_cmi5_defined_statements_need_session_id_object_and_publisher_id(au):
    initialized = au.statement("initialized")
    del initialized["context"]["extensions"][c.SESSION_ID]
    _refused(au.send(initialized), "cmi5-9.6.3.1/session-id", au.session.session_id)
    elsewhere = au.statement("initialized")
    elsewhere["object"]["id"] = "https://vendor.example/au/forklift-1-1"
    _refused(au.send(elsewhere), "cmi5-9.4/object", "activityId")
    no_publisher = au.statement("initialized")
    no_publisher["context"]["contextActivities"]["grouping"] = []
    _refused(au.send(no_publisher), "cmi5-9.6.2.3/publisher-id", "publisher id")
    odd_verb = au.statement("http://example.com/verbs/clicked")
    _refused(au.send(odd_verb), "cmi5-7.1.3/defined-verbs", "cmi5 verb")


def test_allowed_statements_between_initialized_and_terminated(au):
    _ok(au.send(au.statement("initialized"),
                au.statement("http://example.com/verbs/clicked", defined=False)))


@pytest.mark.parametrize("verb", ["satisfied", "waived", "launched", "abandoned"])
def test_lms_verbs_only_from_the_lms(au, make_client, caller, verb):
    _ok(au.send(au.statement("initialized")))
    _refused(au.send(au.statement(verb)), "cmi5-9.3/lms-verbs", "LMS only")
    # another client in the registration may not make them either
    _tool, auth = make_client("statements/write", name="Another tool")
    db.session.commit()
    foreign = au.statement(verb)
    del foreign["context"]["extensions"][c.SESSION_ID]
    _refused(caller(auth).post("statements", json=foreign), "cmi5-9.3/lms-verbs", "LMS only")


def test_browse_and_review_take_no_completion(au, client):
    _ok(au.send(au.statement("initialized"), _judged(au, "passed", PASSED),
                au.statement("completed", result=COMPLETED),
                au.statement("terminated", result=TERMINATED)))
    review = launch(client, au.user, au.enrolment, au.lesson, au.client)
    assert review.session.launch_mode == c.REVIEW  # satisfied: the next launch reviews
    _ok(review.send(review.statement("initialized")))
    _refused(review.send(_judged(review, "failed", FAILED)), "cmi5-10.0/launch-mode",
             "Review mode")


def test_a_session_token_may_not_void(au):
    _ok(au.send(au.statement("initialized")))
    void = au.statement("http://adlnet.gov/expapi/verbs/voided", defined=False)
    void["object"] = {"objectType": "StatementRef", "id": void["id"]}
    refused = au.send(void)
    assert refused.status_code == 403 and "may not void" in refused.get_json()["message"]


def test_a_batch_is_refused_whole(au):
    response = au.send(au.statement("initialized"), au.statement("initialized"))
    _refused(response, "cmi5-9.3/initialized-once", "statement 1")
    _ok(au.send(au.statement("initialized")))  # the first was not stored either


def test_plain_xapi_of_other_clients_is_unchanged(au, xapi):
    """Statements without a cmi5 session, even in the registration, stay plain xAPI."""
    sent = plain_statement()
    sent["context"]["registration"] = au.enrolment.registration
    assert xapi.post("statements", json=sent).status_code == 200
