// The lesson player: resume at the stored scroll position and remember the new one.
// Loaded with defer; no inline script (the CSP forbids it).
(function () {
  "use strict";

  var article = document.querySelector("[data-position-url]");
  if (article) {
    var url = article.getAttribute("data-position-url");
    var token = article.getAttribute("data-csrf-token");
    var resume = parseFloat(article.getAttribute("data-resume-position") || "0");

    var scrollable = function () {
      return Math.max(document.documentElement.scrollHeight - window.innerHeight, 0);
    };
    if (resume > 0 && !window.location.hash) {
      window.scrollTo(0, Math.round(resume * scrollable()));
    }

    var last = resume;
    var timer = null;
    var send = function (useBeacon) {
      timer = null;
      var height = scrollable();
      var position = height > 0 ? Math.min(Math.max(window.scrollY / height, 0), 1) : 0;
      if (Math.abs(position - last) < 0.02) { return; }
      last = position;
      var body = JSON.stringify({ position: Math.round(position * 1000) / 1000 });
      window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: Boolean(useBeacon),
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: body
      }).catch(function () { /* the position is a convenience; never bother the learner */ });
    };
    window.addEventListener("scroll", function () {
      if (timer === null) { timer = window.setTimeout(send, 1500); }
    }, { passive: true });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { send(true); }
    });
  }

  var printButton = document.querySelector("[data-print-button]");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }

  // Ungraded checks: answer in place instead of reloading the page. Without script (or when
  // the request fails) the form posts normally and the page comes back with the feedback.
  Array.prototype.forEach.call(document.querySelectorAll("[data-check-form]"), function (form) {
    var feedback = form.querySelector("[data-check-feedback]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData || !feedback) { return; }
      event.preventDefault();
      window.fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: new FormData(form)
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (body) {
        feedback.innerHTML = body.html;  // rendered and escaped on the server
      }).catch(function () { form.submit(); });
    });
  });

  // The module overview is open on wide screens and folded on phones.
  var outline = document.querySelector(".outline-toggle");
  if (outline && window.matchMedia("(max-width: 799px)").matches) {
    outline.removeAttribute("open");
  }
})();
