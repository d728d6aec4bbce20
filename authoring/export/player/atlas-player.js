/* The player of an exported ATLAS module: lessons, quizzes and the glossary in German or
   English. Grading and reporting belong to window.ATLAS_BACKEND (scorm12-api.js in a SCORM
   package, the cmi5 AU page of ATLAS Campus); this file only shows and collects. */
(function () {
  "use strict";
  var data = window.ATLAS_PACKAGE;
  var backend = window.ATLAS_BACKEND;
  var root = document.getElementById("atlas-player");
  var moduleId = document.body.getAttribute("data-module");
  var module = data.modules.filter(function (m) { return m.id === moduleId; })[0];
  var GRADED = ["quiz", "assessment"];
  var TEXT = {
    de: {
      lessons: "Lektionen", glossary: "Glossar", language: "Sprache", finish: "Beenden",
      submit: "Antworten abgeben", retry: "Neuer Versuch", check: "Prüfen",
      passed: "Bestanden", failed: "Nicht bestanden", result: "Ergebnis",
      points: "Punkte", right: "richtig", wrong: "nicht richtig", up: "nach oben", down: "nach unten",
      open: "Offene Frage: wird in diesem Paket nicht bewertet und nicht übertragen.",
      session: "Präsenztermin: findet außerhalb dieses Pakets statt.",
      otherModule: "Diese Lektion gehört zu einem anderen Modul.",
      noApi: "Keine Verbindung zur Lernplattform: Ergebnisse werden nicht gespeichert.",
      finished: "Sie können dieses Fenster jetzt schließen.", pick: "– bitte wählen –",
      passMark: "Zum Bestehen nötig: %s %", graded: "Ausgewertet", next: "Weiter",
      error: "Die Auswertung ist gerade nicht möglich. Bitte versuchen Sie es erneut."
    },
    en: {
      lessons: "Lessons", glossary: "Glossary", language: "Language", finish: "Finish",
      submit: "Submit answers", retry: "New attempt", check: "Check",
      passed: "Passed", failed: "Not passed", result: "Result",
      points: "points", right: "correct", wrong: "not correct", up: "move up", down: "move down",
      open: "Open question: not graded in this package and not transmitted.",
      session: "On-site session: takes place outside this package.",
      otherModule: "This lesson belongs to another module.",
      noApi: "No connection to the learning platform: results are not saved.",
      finished: "You may close this window now.", pick: "– please choose –",
      passMark: "Needed to pass: %s %", graded: "Graded", next: "Next",
      error: "Grading is not possible right now. Please try again."
    }
  };
  var state = { seen: [], results: {}, lang: data.course.default_language };
  var current = null;
  var connected = true;
  var attempts = {};

  function t(key) { return (TEXT[state.lang] || TEXT.de)[key]; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "html") { node.innerHTML = attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function localized(map) { return map[state.lang] || map[data.course.default_language] || map.de || ""; }
  function lessonById(id) { return module.lessons.filter(function (l) { return l.id === id; })[0]; }
  function content(lesson) { return lesson.content[state.lang] || lesson.content[data.course.default_language] || lesson.content.de; }
  function contentLanguage(lesson) { return lesson.content[state.lang] ? state.lang : (lesson.content[data.course.default_language] ? data.course.default_language : "de"); }
  function isGraded(lesson) { return GRADED.indexOf(lesson.kind) >= 0; }

  function outcome() {
    var graded = module.lessons.filter(isGraded);
    var score = 0, max = 0, attemptedAll = true, passed = true, attempted = false;
    graded.forEach(function (lesson) {
      var result = state.results[lesson.id];
      if (!result) { attemptedAll = false; passed = false; return; }
      attempted = true;
      score += result.score; max += result.max;
      if (!result.passed) { passed = false; }
    });
    var readable = module.lessons.filter(function (l) { return l.kind !== "session"; });
    return {
      graded: graded.length > 0, attempted: attempted, attemptedAll: attemptedAll,
      passed: graded.length > 0 && attemptedAll && passed,
      percent: max ? Math.round(10000 * score / max) / 100 : 0,
      allSeen: readable.every(function (l) { return state.seen.indexOf(l.id) >= 0; })
    };
  }

  /* Hand the backend where the learner is and the module's outcome; ``justGraded`` after a
     quiz attempt (cmi5 reports passed/failed then, not on every page turn). */
  function save(justGraded) {
    var result = outcome();
    result.justGraded = !!justGraded;
    backend.save(state, current ? current.id : "", result);
  }

  /* Lesson HTML with the figures of the reader's language (x.en.svg next to x.svg), and
     media pointed at ``data.media_url`` ("…{path}…") where the files are not beside the page. */
  function withLanguageMedia(html, language) {
    return html.replace(/\b(src|href|poster)="media\/([^"#?]+)"/g, function (all, attr, path) {
      var dot = path.lastIndexOf(".");
      if (language !== data.course.default_language && dot > 0) {
        var variant = path.slice(0, dot) + "." + language + path.slice(dot);
        if (data.media.indexOf("media/" + variant) >= 0) { path = variant; }
      }
      var url = data.media_url ? data.media_url.replace("{path}", encodeURI(path)) : "media/" + path;
      return attr + '="' + url + '"';
    });
  }

  function choiceList(question, type) {
    var list = el("div", { "class": "atlas-choices", role: type === "radio" ? "radiogroup" : "group" });
    (question.choices || []).forEach(function (choice, index) {
      var id = "q-" + question.id + "-" + index;
      var input = el("input", { type: type, name: "q-" + question.id, value: choice.id, id: id });
      list.appendChild(el("label", { "for": id, "class": "atlas-choice" }, [input, el("span", { html: choice.text })]));
    });
    return list;
  }

  function orderingList(question) {
    var list = el("ol", { "class": "atlas-ordering" });
    function move(item, step) {
      var items = Array.prototype.slice.call(list.children);
      var index = items.indexOf(item) + step;
      if (index < 0 || index >= items.length) { return; }
      list.insertBefore(item, step < 0 ? items[index] : items[index].nextSibling);
    }
    question.items.forEach(function (item) {
      var row = el("li", { "data-item-id": item.id }, [el("span", { html: item.text })]);
      var up = el("button", { type: "button", "class": "atlas-small", "aria-label": t("up"), text: "↑" });
      var down = el("button", { type: "button", "class": "atlas-small", "aria-label": t("down"), text: "↓" });
      up.addEventListener("click", function () { move(row, -1); });
      down.addEventListener("click", function () { move(row, 1); });
      row.appendChild(up); row.appendChild(down);
      list.appendChild(row);
    });
    return list;
  }

  function matchingTable(question) {
    var box = el("div", { "class": "atlas-matching" });
    question.left.forEach(function (left, index) {
      var id = "q-" + question.id + "-m" + index;
      var select = el("select", { id: id, "data-left-id": left.id },
        [el("option", { value: "", text: t("pick") })]);
      question.right.forEach(function (right) {
        var option = el("option", { value: right.id });
        option.innerHTML = right.text;
        select.appendChild(option);
      });
      box.appendChild(el("p", {}, [el("label", { "for": id, html: left.text }), select]));
    });
    return box;
  }

  /* Put the controls of ``question`` into its placeholder (the stem is already there). */
  function fillQuestion(holder, question) {
    var kind = question.kind;
    if (kind === "single" || kind === "truefalse") { holder.appendChild(choiceList(question, "radio")); }
    else if (kind === "multiple") { holder.appendChild(choiceList(question, "checkbox")); }
    else if (kind === "ordering") { holder.appendChild(orderingList(question)); }
    else if (kind === "matching") { holder.appendChild(matchingTable(question)); }
    else if (kind === "open") {
      holder.appendChild(el("textarea", { rows: "4", "aria-label": question.id, "class": "atlas-open" }));
      if (!backend.gradesOpenQuestions) { holder.appendChild(el("p", { "class": "atlas-note", text: t("open") })); }
    } else if ((kind === "gap" || kind === "numeric") && !holder.querySelector("input[data-gap-id]")) {
      (question.gaps || []).forEach(function (gap) {
        holder.appendChild(el("input", { type: "text", "data-gap-id": gap.id, "aria-label": gap.id }));
      });
    }
  }

  function responseOf(holder, question) {
    var kind = question.kind;
    if (kind === "single" || kind === "truefalse") {
      var picked = holder.querySelector("input:checked");
      return picked ? picked.value : null;
    }
    if (kind === "multiple") {
      return Array.prototype.map.call(holder.querySelectorAll("input:checked"), function (i) { return i.value; });
    }
    if (kind === "ordering") {
      return Array.prototype.map.call(holder.querySelectorAll("li[data-item-id]"), function (li) { return li.getAttribute("data-item-id"); });
    }
    if (kind === "matching") {
      var pairs = {};
      Array.prototype.forEach.call(holder.querySelectorAll("select[data-left-id]"), function (s) { pairs[s.getAttribute("data-left-id")] = s.value; });
      return pairs;
    }
    if (kind === "gap") {
      return (question.gaps || []).map(function (gap) {
        var input = holder.querySelector('input[data-gap-id="' + gap.id + '"]');
        return input ? input.value : "";
      });
    }
    if (kind === "numeric") {
      var value = holder.querySelector("input[data-gap-id]");
      return value ? value.value : "";
    }
    return null;
  }

  function mark(holder, result) {
    var old = holder.querySelector(".atlas-verdict");
    if (old) { old.remove(); }
    holder.classList.remove("atlas-right", "atlas-wrong");
    if (!result) { return; }
    holder.classList.add(result.correct ? "atlas-right" : "atlas-wrong");
    holder.appendChild(el("p", { "class": "atlas-verdict", role: "status",
      text: (result.correct ? t("right") : t("wrong")) + " (" + result.score + "/" + result.max + " " + t("points") + ")" }));
  }

  function drawFor(lesson, questions) {
    var ids = questions.map(function (q) { return q.id; });
    if (!lesson.draw || lesson.draw >= ids.length) { return ids; }
    var pool = ids.slice();
    for (var i = pool.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = pool[i]; pool[i] = pool[j]; pool[j] = swap;
    }
    var chosen = pool.slice(0, lesson.draw);
    return ids.filter(function (id) { return chosen.indexOf(id) >= 0; });
  }

  function showQuiz(lesson, body, language) {
    var questions = content(lesson).questions;
    var shown = attempts[lesson.id] || (attempts[lesson.id] = drawFor(lesson, questions));
    var holders = {};
    Array.prototype.forEach.call(body.querySelectorAll(".quiz-question[data-question-id]"), function (holder) {
      var qid = holder.getAttribute("data-question-id");
      var question = questions.filter(function (q) { return q.id === qid; })[0];
      if (!question || shown.indexOf(qid) < 0) { holder.remove(); return; }
      holders[qid] = holder;
      fillQuestion(holder, question);
    });
    var summary = el("div", { "class": "atlas-summary", role: "status", "aria-live": "polite" });
    var submit = el("button", { type: "button", "class": "atlas-button", text: t("submit") });
    var retry = el("button", { type: "button", "class": "atlas-button atlas-secondary", text: t("retry") });
    retry.hidden = true;
    body.appendChild(el("p", { "class": "atlas-note", text: t("passMark").replace("%s", lesson.pass_mark) }));
    body.appendChild(el("div", { "class": "atlas-actions" }, [submit, retry]));
    body.appendChild(summary);
    submit.addEventListener("click", function () {
      var responses = {};
      questions.forEach(function (q) { if (holders[q.id]) { responses[q.id] = responseOf(holders[q.id], q); } });
      submit.disabled = true;
      backend.grade(lesson, language, responses, shown).then(function (result) {
        Object.keys(holders).forEach(function (qid) { mark(holders[qid], result.questions[qid]); });
        summary.textContent = t("result") + ": " + result.percent + " % – " + (result.passed ? t("passed") : t("failed"));
        summary.className = "atlas-summary " + (result.passed ? "atlas-passed" : "atlas-failed");
        var best = state.results[lesson.id];
        if (!best || result.passed && !best.passed || result.percent > best.percent && best.passed === result.passed) {
          state.results[lesson.id] = { score: result.score, max: result.max, percent: result.percent, passed: result.passed };
        }
        seen(lesson);
        retry.hidden = false;
        renderNav();
        save(true);
      }, function () {
        submit.disabled = false;
        summary.textContent = t("error");
      });
    });
    retry.addEventListener("click", function () { delete attempts[lesson.id]; show(lesson.id); });
  }

  function showChecks(lesson, body, language) {
    var checks = content(lesson).checks || [];
    Array.prototype.forEach.call(body.querySelectorAll(".check-question[data-question-id]"), function (holder) {
      var check = checks.filter(function (q) { return q.id === holder.getAttribute("data-question-id"); })[0];
      if (!check) { return; }
      fillQuestion(holder, check);
      var button = el("button", { type: "button", "class": "atlas-button atlas-secondary", text: t("check") });
      holder.appendChild(button);
      button.addEventListener("click", function () {
        backend.gradeCheck(lesson, language, check, responseOf(holder, check)).then(function (r) { mark(holder, r); });
      });
    });
  }

  function seen(lesson) {
    if (state.seen.indexOf(lesson.id) < 0) { state.seen.push(lesson.id); }
  }

  function show(lessonId) {
    var lesson = lessonById(lessonId) || module.lessons[0];
    current = lesson;
    var language = contentLanguage(lesson);
    var body = el("article", { "class": "atlas-lesson", lang: language });
    body.innerHTML = withLanguageMedia(content(lesson).html, language);
    if (lesson.kind === "session") { body.insertBefore(el("p", { "class": "atlas-note", text: t("session") }), body.firstChild); }
    Array.prototype.forEach.call(body.querySelectorAll("a.lesson-link[data-lesson-id]"), function (link) {
      var target = link.getAttribute("data-lesson-id");
      link.setAttribute("href", "#");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (lessonById(target)) { show(target); } else { link.setAttribute("title", t("otherModule")); }
      });
    });
    Array.prototype.forEach.call(body.querySelectorAll('a[href^="#glossary-"]'), function (link) {
      link.addEventListener("click", function () {
        var details = root.querySelector(".atlas-glossary");
        if (details) { details.open = true; }
      });
    });
    if (isGraded(lesson)) { showQuiz(lesson, body, language); }
    else { showChecks(lesson, body, language); seen(lesson); }
    var next = module.lessons[module.lessons.indexOf(lesson) + 1];
    if (next) {
      var go = el("button", { type: "button", "class": "atlas-button atlas-secondary", text: t("next") + ": " + content(next).title });
      go.addEventListener("click", function () { show(next.id); });
      body.appendChild(el("p", {}, [go]));
    }
    var main = root.querySelector(".atlas-main");
    main.innerHTML = "";
    main.appendChild(body);
    renderNav();
    save();
    window.scrollTo(0, 0);
  }

  function renderNav() {
    var nav = root.querySelector(".atlas-nav ol");
    nav.innerHTML = "";
    module.lessons.forEach(function (lesson) {
      var result = state.results[lesson.id];
      var done = result ? (result.passed ? " ✓" : " ✗") : (state.seen.indexOf(lesson.id) >= 0 ? " ✓" : "");
      var link = el("a", { href: "#", text: content(lesson).title + done });
      if (current && current.id === lesson.id) { link.setAttribute("aria-current", "page"); }
      link.addEventListener("click", function (event) { event.preventDefault(); show(lesson.id); });
      nav.appendChild(el("li", {}, [link]));
    });
  }

  function glossary() {
    var details = el("details", { "class": "atlas-glossary" }, [el("summary", { text: t("glossary") })]);
    var list = el("dl");
    data.glossary.forEach(function (term) {
      list.appendChild(el("dt", { id: "glossary-" + term.slug, text: term.term }));
      list.appendChild(el("dd", { html: localized(term.definition_html) }));
    });
    details.appendChild(list);
    return data.glossary.length ? details : null;
  }

  function layout() {
    root.innerHTML = "";
    document.documentElement.lang = state.lang;
    var header = el("header", { "class": "atlas-header" }, [
      el("p", { "class": "atlas-course", text: localized(data.course.title) }),
      el("h1", { text: localized(module.title) })
    ]);
    if (data.course.languages.length > 1) {
      var select = el("select", { id: "atlas-language" });
      data.course.languages.forEach(function (code) {
        var option = el("option", { value: code, text: code === "de" ? "Deutsch" : (code === "en" ? "English" : code) });
        if (code === state.lang) { option.selected = true; }
        select.appendChild(option);
      });
      select.addEventListener("change", function () { state.lang = select.value; layout(); show(current ? current.id : null); });
      header.appendChild(el("p", {}, [el("label", { "for": "atlas-language", text: t("language") + " " }), select]));
    }
    if (!connected) { header.appendChild(el("p", { "class": "atlas-note", role: "alert", text: t("noApi") })); }
    var finish = el("button", { type: "button", "class": "atlas-button atlas-secondary", id: "atlas-finish", text: t("finish") });
    finish.addEventListener("click", function () {
      save();
      finish.disabled = true;
      Promise.resolve(backend.finish()).then(function () {
        var main = root.querySelector(".atlas-main");
        main.innerHTML = "";
        main.appendChild(el("p", { role: "status", text: t("finished") }));
      });
    });
    root.appendChild(header);
    root.appendChild(el("nav", { "class": "atlas-nav", "aria-label": t("lessons") }, [el("h2", { text: t("lessons") }), el("ol")]));
    root.appendChild(el("div", { "class": "atlas-main" }));
    var footer = el("footer", { "class": "atlas-footer" }, [glossary(), el("p", {}, [finish])]);
    root.appendChild(footer);
  }

  backend.start().then(function (start) {
    connected = start.connected;
    if (start.state && start.state.seen) {
      state.seen = start.state.seen;
      state.results = start.state.results || {};
      state.lang = start.state.lang || state.lang;
    }
    if (data.course.languages.indexOf(state.lang) < 0) { state.lang = data.course.default_language; }
    layout();
    show(start.location && lessonById(start.location) ? start.location : module.lessons[0].id);
  });
})();
