/* The SCORM 1.2 side of the exported player: finds the LMS's API, grades in the browser
   against the hashed answer keys of data/course.js, and reports status, score, location,
   suspend data (resume) and session time. Sets window.ATLAS_BACKEND for atlas-player.js. */
(function () {
  "use strict";
  var data = window.ATLAS_PACKAGE;
  var api = null;
  var startedAt = Date.now();
  var finished = false;

  /* The standard search: up the parent frames (at most 7), then the opener's. */
  function search(win) {
    var tries = 0;
    while (win && !win.API && win.parent && win.parent !== win && tries < 7) {
      tries += 1;
      win = win.parent;
    }
    return win && win.API ? win.API : null;
  }

  function findApi() {
    var found = null;
    try { found = search(window); } catch (e) { found = null; }
    if (!found && window.opener) {
      try { found = search(window.opener); } catch (e) { found = null; }
    }
    return found;
  }

  function get(name) { return api ? String(api.LMSGetValue(name) || "") : ""; }
  function set(name, value) { if (api) { api.LMSSetValue(name, String(value)); } }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  /* CMITimespan: HHHH:MM:SS.SS */
  function timespan(ms) {
    var seconds = Math.max(0, ms) / 1000;
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = (seconds % 60).toFixed(2);
    return ("000" + hours).slice(-4) + ":" + two(minutes) + ":" + (rest.length < 5 ? "0" : "") + rest;
  }

  function normalise(text) {
    return String(text).normalize("NFC").trim().split(/\s+/).filter(Boolean).join(" ").toLowerCase();
  }

  function hash(qid, part, value) {
    return window.atlasSha256(data.salt + "|" + qid + "|" + part + "|" + normalise(value));
  }

  /* A number as the learner's language writes it: German 6.120,5, English 6,120.5. */
  function readNumber(text, language) {
    var cleaned = String(text).replace(/[\u00a0\u2007\u2009\u202f ]/g, "").replace("\u2212", "-");
    var decimal = language === "en" ? "." : ",";
    var group = decimal === "," ? "." : ",";
    var grouped = new RegExp("^[+-]?\\d{1,3}(\\" + group + "\\d{3})+(\\" + decimal + "\\d+)?$");
    if (grouped.test(cleaned)) { cleaned = cleaned.split(group).join(""); }
    cleaned = cleaned.replace(decimal, ".").replace(",", ".");
    if (!/^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(cleaned)) { return null; }
    return Number(cleaned);
  }

  /* The values a response gives each part of the key (see authoring/export/answer_key.py). */
  function partValues(question, response, language) {
    var kind = question.kind;
    if (response === null || response === undefined) { return null; }
    if (kind === "single" || kind === "truefalse") { return [String(response)]; }
    if (kind === "multiple") { return [response.slice().sort().join(",")]; }
    if (kind === "ordering") { return [response.join(",")]; }
    if (kind === "gap") { return response; }
    if (kind === "matching") {
      return question.left.map(function (left) { return left.id + "=" + (response[left.id] || ""); });
    }
    if (kind === "numeric") {
      var number = readNumber(response, language);
      return number === null ? [""] : [number.toFixed(question.key.decimals || 0)];
    }
    return null;
  }

  function gradeQuestion(question, response, language) {
    var parts = question.key.parts;
    var values = partValues(question, response, language) || [];
    var right = 0;
    parts.forEach(function (accepted, index) {
      var value = values[index];
      if (value !== undefined && value !== null && accepted.indexOf(hash(question.id, index, value)) >= 0) {
        right += 1;
      }
    });
    var partial = question.kind === "gap" || question.kind === "matching";
    var fraction = parts.length ? (partial ? right / parts.length : (right === parts.length ? 1 : 0)) : 0;
    return { score: question.points * fraction, max: question.points, correct: fraction >= 1 };
  }

  function grade(lesson, language, responses, questionIds) {
    var questions = lesson.content[language].questions.filter(function (q) {
      return q.key && questionIds.indexOf(q.id) >= 0;
    });
    var result = { score: 0, max: 0, questions: {} };
    questions.forEach(function (q) {
      var r = gradeQuestion(q, responses[q.id], language);
      result.questions[q.id] = r;
      result.score += r.score;
      result.max += r.max;
    });
    result.percent = result.max ? Math.round(10000 * result.score / result.max) / 100 : 0;
    result.passed = result.percent >= lesson.pass_mark;
    return Promise.resolve(result);
  }

  function gradeCheck(lesson, language, check, response) {
    return Promise.resolve(check.key ? gradeQuestion(check, response, language) : null);
  }

  function start() {
    api = findApi();
    if (!api) { return Promise.resolve({ connected: false, state: null, location: "" }); }
    api.LMSInitialize("");
    var status = get("cmi.core.lesson_status");
    if (status === "" || status === "not attempted") { set("cmi.core.lesson_status", "incomplete"); }
    var state = null;
    try { state = JSON.parse(get("cmi.suspend_data") || "null"); } catch (e) { state = null; }
    return Promise.resolve({ connected: true, state: state, location: get("cmi.core.lesson_location") });
  }

  /* Called after every change: where the learner is, the resume data, status and score. */
  function save(state, location, outcome) {
    if (!api) { return; }
    set("cmi.core.lesson_location", location || "");
    set("cmi.suspend_data", JSON.stringify(state));
    if (outcome.attempted) {
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", outcome.percent);
    }
    var status = "incomplete";
    if (outcome.graded) {
      if (outcome.attemptedAll) { status = outcome.passed ? "passed" : "failed"; }
    } else if (outcome.allSeen) {
      status = "completed";
    }
    set("cmi.core.lesson_status", status);
    set("cmi.core.exit", status === "incomplete" ? "suspend" : "");
    api.LMSCommit("");
  }

  function finish() {
    if (!api || finished) { return Promise.resolve(); }
    finished = true;
    set("cmi.core.session_time", timespan(Date.now() - startedAt));
    api.LMSCommit("");
    api.LMSFinish("");
    return Promise.resolve();
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  window.ATLAS_BACKEND = {
    name: "scorm12", start: start, save: save, grade: grade, gradeCheck: gradeCheck,
    finish: finish, gradesOpenQuestions: false
  };
})();
