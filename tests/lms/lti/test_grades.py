"""Assignment and Grade Services: progress and completion reach the platform's line item."""

from sqlalchemy import select

from lms.extensions import db
from lms.jobs.models import DeadLetter
from lms.lti.models import LtiGrade, LtiRegistration
from tests.conftest import csrf_token_from
from tests.lms.lti.conftest import LESSONS, MODULE, SLUG
from tests.lms.lti.flow import launch


def mark_done(client, lesson_id: str) -> None:
    page = client.get(f"/learn/{SLUG}/{lesson_id}")
    assert page.status_code == 200
    response = client.post(f"/learn/{SLUG}/{lesson_id}/done",
                           data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302


def test_module_progress_and_completion_are_sent_as_scores(client, platform, registration,
                                                           lti_course):
    platform.custom = {"atlas_course": SLUG, "atlas_module": MODULE}
    response, _ = launch(client, platform)
    assert response.status_code == 302
    mark_done(client, LESSONS[0])
    mark_done(client, LESSONS[1])
    scores = [(s["scoreGiven"], s["activityProgress"], s["gradingProgress"])
              for s in platform.scores]
    assert scores[-1] == (100.0, "Completed", "FullyGraded")
    assert (50.0, "InProgress", "Pending") in scores
    last = platform.scores[-1]
    assert last["userId"] == platform.user["sub"] and last["scoreMaximum"] == 100
    assert last["timestamp"].endswith("Z")
    # one access token, reused for every score (cached until shortly before it ends)
    assert len(platform.token_requests) == 1
    assert "score" in platform.token_requests[0]["scope"]
    grade = db.session.scalar(select(LtiGrade))
    assert grade.sent_score == 100.0 and grade.sent_at is not None
    cached = db.session.scalar(select(LtiRegistration))
    assert cached.access_token and platform.token_requests[0]["client_assertion"] not in (
        cached.access_token)


def test_course_completion_is_sent_for_a_course_link(client, platform, registration,
                                                     lti_course):
    platform.custom = {"atlas_course": SLUG}
    launch(client, platform)
    for lesson in LESSONS:
        mark_done(client, lesson)
    assert platform.scores[-1]["scoreGiven"] == 100.0
    assert platform.scores[-1]["activityProgress"] == "Completed"


def test_unchanged_progress_sends_nothing_new(client, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG, "atlas_module": MODULE}
    launch(client, platform)
    mark_done(client, LESSONS[0])
    sent = len(platform.scores)
    mark_done(client, LESSONS[0])  # done again: the result stays 50
    assert len(platform.scores) == sent


def test_a_refused_score_is_retried_and_ends_as_a_dead_letter(app, client, platform,
                                                              registration, lti_course):
    platform.custom = {"atlas_course": SLUG, "atlas_module": MODULE}
    launch(client, platform)
    platform.access_tokens.clear()
    platform.tool_jwks = lambda: {"keys": []}  # the platform no longer trusts our key
    mark_done(client, LESSONS[0])  # the page itself is fine: the score is a background job
    letter = db.session.scalar(select(DeadLetter).where(DeadLetter.job_name == "lti.send_score"))
    assert letter is not None and letter.attempts == 5
    assert platform.scores == []


def test_own_data_page_lists_the_platform_and_what_it_received(client, platform, registration,
                                                               lti_course):
    platform.custom = {"atlas_course": SLUG, "atlas_module": MODULE}
    launch(client, platform)
    mark_done(client, LESSONS[0])
    page = client.get("/me/data").get_data(as_text=True)
    assert "Lernplattformen (LTI)" in page and "Moodle Müller" in page
    data = client.get("/me/data.json").get_json()
    section = next(s for s in data["sections"] if s["key"] == "lti")
    assert {"platform": "Moodle Müller", "course": SLUG, "percent": 50.0}.items() <= (
        section["items"][1].items())
