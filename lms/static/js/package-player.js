/* The SCORM player page: scorm-again as window.API (1.2) or window.API_1484_11 (2004),
 * the SCO in an iframe, every commit sent to the server as JSON with the CSRF token.
 *
 * Commits are synchronous XHR, as the SCORM run-time expects (LMSCommit returns the
 * server's answer). The final commit (LMSFinish/Terminate) also tries synchronous XHR and
 * falls back to fetch with keepalive when the page is going away (browsers refuse
 * synchronous requests then). Leaving the page without Terminate sends the current CMI
 * with keepalive, so suspend data is not lost.
 */
(function () {
  "use strict";
  var root = document.getElementById("package-player");
  if (!root) { return; }
  var config = root.dataset;
  var launchCmi = JSON.parse(document.getElementById("package-cmi").textContent);
  var is2004 = config.standard === "scorm2004";
  var session = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
    : String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  var leaving = false;
  var terminated = false;
  var failureCode = is2004 ? 391 : 101;

  function body(commitObject, event) {
    var cmi = commitObject && commitObject.cmi ? commitObject.cmi : commitObject;
    return JSON.stringify({ cmi: cmi, session: session, event: event });
  }

  function headers() {
    return { "Content-Type": "application/json", "Accept": "application/json",
             "X-CSRFToken": config.csrfToken };
  }

  function sendKeepalive(payload) {
    try {
      fetch(config.commitUrl, { method: "POST", headers: headers(), body: payload,
                                keepalive: true, credentials: "same-origin" });
      return true;
    } catch (error) {
      return false;
    }
  }

  function sendSync(payload) {
    var request = new XMLHttpRequest();
    request.open("POST", config.commitUrl, false);
    var extra = headers();
    Object.keys(extra).forEach(function (name) { request.setRequestHeader(name, extra[name]); });
    request.send(payload);
    var answer = {};
    try { answer = JSON.parse(request.responseText || "{}"); } catch (error) { answer = {}; }
    if (request.status >= 200 && request.status < 300) {
      return { result: "true", errorCode: 0 };
    }
    showStatus(answer.errorMessage || answer.message || "");
    return { result: "false", errorCode: answer.errorCode || failureCode,
             errorMessage: answer.errorMessage || answer.message };
  }

  function post(payload, isFinal) {
    if (!leaving) {
      try {
        return sendSync(payload);
      } catch (error) {
        /* a page being unloaded may not send synchronously: fall through */
      }
    }
    var sent = sendKeepalive(payload);
    return { result: sent ? "true" : "false", errorCode: sent ? 0 : failureCode };
  }

  function showStatus(text) {
    var status = document.getElementById("package-status");
    if (status && text) { status.textContent = text; }
  }

  var httpService = {
    processHttpRequest: function (url, params, immediate, apiLog, processListeners, metadata) {
      var isFinal = Boolean(immediate || (metadata && metadata.isTerminateCommit));
      if (isFinal) { terminated = true; }
      return post(body(params, isFinal ? "terminate" : "commit"), isFinal);
    },
    updateSettings: function () {}
  };

  var settings = { lmsCommitUrl: config.commitUrl, httpService: httpService,
                   autocommit: false, logLevel: 4, dataCommitFormat: "json" };
  var api = is2004 ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
  api.loadFromJSON(launchCmi);
  if (is2004) { window.API_1484_11 = api; } else { window.API = api; }

  /* the first Initialize of the page is sent at once: the server states "initialized" */
  api.on(is2004 ? "Initialize" : "LMSInitialize", function () {
    post(body(api.renderCommitCMI(false), "initialize"), false);
  });
  api.on(is2004 ? "Terminate" : "LMSFinish", function () {
    var after = document.getElementById("package-after");
    if (after) { after.hidden = false; }
  });

  function leave() {
    if (leaving) { return; }
    leaving = true;
    if (!terminated && api.isInitialized && api.isInitialized()) {
      sendKeepalive(body(api.renderCommitCMI(false), "commit"));
    }
  }
  window.addEventListener("pagehide", leave);

  document.getElementById("package-frame").src = config.launchUrl;
}());
