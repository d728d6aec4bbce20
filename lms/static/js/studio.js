// Course studio editor: live preview after typing pauses, and jumping to a diagnostic's line.
// Without JavaScript the editor still works: "Vorschau aktualisieren" renders on the server.
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;

  function lineStart(text, line) {
    var index = 0;
    for (var n = 1; n < line; n++) {
      var next = text.indexOf("\n", index);
      if (next === -1) { return text.length; }
      index = next + 1;
    }
    return index;
  }

  function jumpToLine(textarea, line) {
    if (textarea.atlasEditor) { textarea.atlasEditor.jumpTo(line); return; }  // the code editor
    var text = textarea.value;
    var start = lineStart(text, line);
    var end = text.indexOf("\n", start);
    if (end === -1) { end = text.length; }
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // scroll the line into view: measure the line height of the monospace text
    var style = window.getComputedStyle(textarea);
    var height = parseFloat(style.lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * height);
  }

  function init() {
    var editor = document.querySelector(".studio-editor");
    var textarea = document.getElementById("source");
    if (!editor || !textarea) { return; }
    var url = editor.getAttribute("data-preview-url");
    var form = document.getElementById("editor-form");
    var preview = document.getElementById("studio-preview");
    var diagnostics = document.getElementById("studio-diagnostics");
    var status = document.getElementById("studio-status");
    var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    var path = form.querySelector('input[name="path"]').value;
    var timer = null;
    var sequence = 0;
    var saved = textarea.value;

    function refresh() {
      var mine = ++sequence;
      var body = new FormData();
      body.append("path", path);
      body.append("content", textarea.value);
      editor.classList.add("is-loading");
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (mine !== sequence) { return; }  // an older answer arriving late
        preview.innerHTML = data.preview;
        diagnostics.innerHTML = data.diagnostics;
        // the code editor (studio-editor/editor.js) shows them at their lines
        textarea.dispatchEvent(new CustomEvent("studio:diagnostics", { detail: data.items || [] }));
        editor.classList.remove("is-loading");
        editor.setAttribute("data-refreshed", String(mine));
      }).catch(function () {
        editor.classList.remove("is-loading");
        status.textContent = status.getAttribute("data-failed") || "Vorschau nicht verfügbar";
      });
    }

    textarea.addEventListener("input", function () {
      status.textContent = textarea.value === saved ? "" :
        (status.getAttribute("data-unsaved") || "Nicht gespeicherte Änderungen");
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DEBOUNCE_MS);
    });

    diagnostics.addEventListener("click", function (event) {
      var link = event.target.closest("[data-line]");
      if (!link) { return; }
      event.preventDefault();
      jumpToLine(textarea, parseInt(link.getAttribute("data-line"), 10));
    });

    form.addEventListener("submit", function () { saved = textarea.value; });

    var line = parseInt(textarea.getAttribute("data-line") || "", 10);
    if (line > 0) { jumpToLine(textarea, line); }

    document.querySelectorAll(".studio-snippet").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
