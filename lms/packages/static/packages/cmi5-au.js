/* The cmi5 side of an exported ATLAS module (the AU page of ATLAS Campus): reads the cmi5
   launch parameters, fetches the auth token, reads LMS.LaunchData, grades answers on the
   ATLAS server (no answer key in the page) and sends initialized, passed/failed with the
   score, completed and terminated to the launching LMS's LRS. Sets window.ATLAS_BACKEND
   for atlas-player.js. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("atlas-package").textContent);
  var config = JSON.parse(document.getElementById("atlas-au").textContent);
  window.ATLAS_PACKAGE = data;
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  var VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    passed: "http://adlnet.gov/expapi/verbs/passed",
    failed: "http://adlnet.gov/expapi/verbs/failed",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated"
  };
  var params = new URLSearchParams(window.location.search);
  var launch = {
    endpoint: params.get("endpoint"), fetch: params.get("fetch"), registration: params.get("registration"),
    activityId: params.get("activityId"), actor: params.get("actor")
  };
  var auth = null, launchData = null, startedAt = Date.now();
  var sent = { passed: false, completed: false, terminated: false };
  var queue = Promise.resolve();

  function uuid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function duration() { return "PT" + ((Date.now() - startedAt) / 1000).toFixed(2) + "S"; }
  function lrs(path) { return launch.endpoint.replace(/\/?$/, "/") + path; }
  function headers() {
    return { "Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" };
  }

  function statement(verb, result, moveOn) {
    var context = JSON.parse(JSON.stringify((launchData && launchData.contextTemplate) || {}));
    context.registration = launch.registration;
    context.contextActivities = context.contextActivities || {};
    var category = (context.contextActivities.category || []).slice();
    category.push({ id: CMI5, objectType: "Activity" });
    if (moveOn) { category.push({ id: MOVEON, objectType: "Activity" }); }
    context.contextActivities.category = category;
    if ((verb === "passed" || verb === "failed") && typeof launchData.masteryScore === "number") {
      context.extensions = context.extensions || {};
      context.extensions[MASTERY] = launchData.masteryScore;
    }
    var body = {
      id: uuid(), actor: JSON.parse(launch.actor),
      verb: { id: VERBS[verb], display: { "en-US": verb } },
      object: { id: launch.activityId, objectType: "Activity" },
      context: context, timestamp: new Date().toISOString()
    };
    if (result) { body.result = result; }
    return body;
  }

  /* Statements go out one after the other, in the order the learner caused them. */
  function send(verb, result, moveOn, keepalive) {
    var body = statement(verb, result, moveOn);
    queue = queue.then(function () {
      return fetch(lrs("statements"), {
        method: "POST", headers: headers(), body: JSON.stringify(body), keepalive: !!keepalive
      });
    }).catch(function () { return null; });
    return queue;
  }

  function start() {
    if (!launch.endpoint || !launch.fetch || !launch.actor || !launch.activityId || !launch.registration) {
      return Promise.resolve({ connected: false, state: null, location: "" });
    }
    return fetch(launch.fetch, { method: "POST" }).then(function (r) { return r.json(); }).then(function (token) {
      auth = "Basic " + token["auth-token"];
      var query = new URLSearchParams({
        stateId: "LMS.LaunchData", activityId: launch.activityId, agent: launch.actor,
        registration: launch.registration
      });
      return fetch(lrs("activities/state?" + query.toString()), { headers: headers() });
    }).then(function (r) { return r.json(); }).then(function (state) {
      launchData = state || {};
      send("initialized");
      return { connected: true, state: null, location: "" };
    }).catch(function () {
      return { connected: false, state: null, location: "" };
    });
  }

  function judge(outcome) {
    var scaled = Math.round(outcome.percent * 100) / 10000;
    if (typeof launchData.masteryScore === "number") { return { scaled: scaled, passed: scaled >= launchData.masteryScore }; }
    return { scaled: scaled, passed: outcome.passed };
  }

  /* After each change: passed (once) or failed, then completed (once), in Normal mode only. */
  function save(state, location, outcome) {
    if (!launchData || sent.terminated || (launchData.launchMode && launchData.launchMode !== "Normal")) { return; }
    if (outcome.graded && outcome.attemptedAll && !sent.passed && outcome.justGraded) {
      var verdict = judge(outcome);
      var score = { scaled: verdict.scaled, raw: Math.round(outcome.percent), min: 0, max: 100 };
      sent.passed = verdict.passed;
      send(verdict.passed ? "passed" : "failed", { score: score, success: verdict.passed, duration: duration() }, true);
    }
    if (outcome.allSeen && !sent.completed && (!outcome.graded || outcome.attemptedAll)) {
      sent.completed = true;
      send("completed", { completion: true, duration: duration() }, true);
    }
  }

  function grade(lesson, language, responses, questionIds) {
    return fetch(config.grade_url.replace("__lesson__", encodeURIComponent(lesson.id)), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ language: language, responses: responses, question_ids: questionIds })
    }).then(function (r) {
      if (!r.ok) { throw new Error("grading " + r.status); }
      return r.json();
    });
  }

  function gradeCheck(lesson, language, check, response) {
    return fetch(config.grade_url.replace("__lesson__", encodeURIComponent(lesson.id)), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ language: language, check: check.id, response: response })
    }).then(function (r) { return r.ok ? r.json() : null; });
  }

  /* terminated, then back to the LMS: to returnURL where the AU has a window of its own;
     framed in the LMS's page (AnyWindow) it stays, so no LMS page opens inside the frame. */
  function finish() {
    if (!launchData || sent.terminated) { return queue; }
    sent.terminated = true;
    var framed = window.top !== window.self;
    return send("terminated", { duration: duration() }, false, true).then(function () {
      if (launchData.returnURL && (launchData.launchMethod === "OwnWindow" || !framed)) {
        window.location.assign(launchData.returnURL);
      }
    });
  }

  window.addEventListener("pagehide", finish);

  window.ATLAS_BACKEND = {
    name: "cmi5", start: start, save: save, grade: grade, gradeCheck: gradeCheck,
    finish: finish, gradesOpenQuestions: false
  };
})();
