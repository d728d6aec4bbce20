"""A cmi5 AU written here, served from the course's package files and played in chromium.

The AU does what cmi5 asks of it: reads the launch parameters, POSTs the fetch URL once
(and a second time, which must answer the cmi5 error), reads LMS.LaunchData and the
learner preferences, and sends initialized, passed with a score, completed and terminated
with the contextTemplate. Then the LRS must hold the LMS's launched and satisfied
statements, and the lesson and the course must be done.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_learning_walk import learner_statements, shot
from tests.e2e.test_trainer_studio import login
from tests.lms.packages.cmi5_course import cmi5_course, cmi5_structure

pytestmark = pytest.mark.e2e
SLUG = "e2e-stapler-cmi5"
AU_ID = "https://vendor.example/au/stapler-fahren"

AU_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Stapler fahren (AU)</title>
<script src="au.js" defer></script></head>
<body><h1>Stapler fahren</h1><p id="status">lädt</p></body></html>
"""

AU_SCRIPT = r"""
(function () {
  "use strict";
  const CMI5 = "https://w3id.org/xapi/cmi5/context/";
  const status = document.getElementById("status");
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" +
      h.slice(16, 20) + "-" + h.slice(20);
  }
  async function run() {
    const q = new URLSearchParams(location.search);
    const endpoint = q.get("endpoint"), actor = JSON.parse(q.get("actor"));
    const registration = q.get("registration"), activityId = q.get("activityId");
    const first = await (await fetch(q.get("fetch"), {method: "POST"})).json();
    const again = await (await fetch(q.get("fetch"), {method: "POST"})).json();
    const headers = {"Authorization": "Basic " + first["auth-token"],
                     "X-Experience-API-Version": "1.0.3",
                     "Content-Type": "application/json"};
    const agent = JSON.stringify(actor);
    const state = await fetch(endpoint + "activities/state?" + new URLSearchParams(
      {activityId, agent, registration, stateId: "LMS.LaunchData"}), {headers});
    const launchData = await state.json();
    const prefs = await fetch(endpoint + "agents/profile?" + new URLSearchParams(
      {agent, profileId: "cmi5LearnerPreferences"}), {headers});
    function statement(verb, result) {
      const context = JSON.parse(JSON.stringify(launchData.contextTemplate));
      context.contextActivities.category = [{id: CMI5 + "categories/cmi5"}];
      if (result && ("success" in result || "completion" in result)) {
        context.contextActivities.category.push({id: CMI5 + "categories/moveon"});
      }
      if (verb === "passed" || verb === "failed") {
        context.extensions[CMI5 + "extensions/masteryscore"] = launchData.masteryScore;
      }
      const s = {id: uuid(), actor, timestamp: new Date().toISOString(),
                 verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-US": verb}},
                 object: {objectType: "Activity", id: activityId}, context};
      if (result) { s.result = result; }
      return s;
    }
    async function send(s) {
      const r = await fetch(endpoint + "statements", {method: "POST", headers,
                                                      body: JSON.stringify(s)});
      if (!r.ok) {
        throw new Error(s.verb.display["en-US"] + " " + r.status + " " + await r.text());
      }
    }
    await send(statement("initialized"));
    await send(statement("passed", {success: true, score: {scaled: 0.9}, duration: "PT30S"}));
    await send(statement("completed", {completion: true, duration: "PT45S"}));
    await send(statement("terminated", {duration: "PT1M"}));
    status.textContent = "fertig " + launchData.launchMode + " " + launchData.moveOn + " " +
      launchData.masteryScore + " prefs " + prefs.status + " again " + again["error-code"];
  }
  run().catch((e) => { status.textContent = "Fehler: " + e.message; });
}());
"""


@pytest.fixture(scope="module")
def cmi5_course_ids(live_app, tmp_path_factory):
    from lms.catalog import services as catalog
    from lms.db import utcnow
    from lms.extensions import db
    from tests.factories import make_user

    files = {
        "cmi5.xml": cmi5_structure([{"id": AU_ID, "url": "au/index.html", "move_on": "Passed",
                                     "mastery": 0.8, "title": "Stapler fahren"}]),
        "au/index.html": AU_PAGE,
        "au/au.js": AU_SCRIPT,
    }
    folder = cmi5_course(tmp_path_factory.mktemp("cmi5"), SLUG, "stapler", files)
    with live_app.app_context(), live_app.test_request_context():
        course = catalog.import_course(folder, None, utcnow(), publish=True).version.course
        learner = make_user(name="Carla Cmi", email="carla@example.org")
        db.session.commit()
        return {"course_id": course.id, "learner_id": learner.id}


def test_a_cmi5_au_plays_and_completes_the_course(new_page, live_app, cmi5_course_ids):
    page = new_page()
    login(page, "carla@example.org", "correct horse battery")
    page.goto(f"/courses/{SLUG}")
    page.get_by_role("button", name="Zum Kurs anmelden").click()
    expect(page.get_by_role("heading", name="Einstieg", level=1)).to_be_visible()
    page.get_by_role("button", name="Als erledigt markieren").click()

    # the package lesson: its launch button opens the AU in a frame (launchMethod AnyWindow)
    page.goto(f"/learn/{SLUG}/stapler-paket")
    page.get_by_role("button", name="Starten: Stapler fahren").click()
    frame = page.frame_locator("iframe.cmi5-frame")
    expect(frame.locator("#status")).to_have_text(
        "fertig Normal Passed 0.8 prefs 200 again 1", timeout=60_000)
    shot(page, "cmi5-au")

    # back on the lesson: satisfied, the lesson done, the course complete
    page.goto(f"/learn/{SLUG}/stapler-paket")
    expect(page.get_by_text("Erfüllt", exact=True)).to_be_visible()
    expect(page.locator(".lesson-kind .badge-done")).to_be_visible()
    expect(page.get_by_text("Kursfortschritt: 100 %")).to_be_visible()
    shot(page, "cmi5-done")
    assert page.console_errors == []

    statements = learner_statements(live_app, cmi5_course_ids["learner_id"])
    cmi5 = [s for s in statements
            if "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
            in (s.get("context") or {}).get("extensions", {})]
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in cmi5]
    # moveOn "Passed": the LMS writes satisfied as soon as passed is stored
    assert verbs == ["launched", "initialized", "passed", "satisfied", "completed",
                     "terminated"], verbs
    package_authority = cmi5[0]["authority"]
    assert all(s["authority"] == package_authority for s in cmi5)
    assert package_authority["name"] == f"Paket {SLUG}/stapler"
    assert cmi5[2]["result"]["score"]["scaled"] == 0.9
    assert any(s["verb"]["id"].endswith("/completed") and s["object"]["id"].endswith(
        f"/course/{SLUG}") for s in statements), "the course's completed statement"

    from lms.extensions import db
    from lms.learning.models import CourseProgress

    with live_app.app_context():
        progress = db.session.scalar(select(CourseProgress).where(
            CourseProgress.user_id == cmi5_course_ids["learner_id"],
            CourseProgress.course_id == cmi5_course_ids["course_id"]))
        assert progress.lessons_done == progress.lessons_total == 2
        assert progress.percent == 100 and progress.completed_at is not None
