// The course studio's source editor: CodeMirror 6 in place of the textarea #source.
//
// Progressive enhancement: the page works with the plain textarea; this script hides it,
// shows the editor, and writes every change back into the textarea (and fires "input" on
// it, so studio.js refreshes the preview and the form submits the text as before).
// studio.js hands the validator's diagnostics over as a "studio:diagnostics" event and
// calls textarea.atlasEditor.jumpTo(line) for the "Zeile N" links.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, syntaxHighlighting, HighlightStyle } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorSelection, EditorState } from "@codemirror/state";
import {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { courseSyntax, yamlSyntax } from "./course-syntax.js";

const style = HighlightStyle.define([
  { tag: tags.meta, color: "#6b4ea0", fontWeight: "600" },
  { tag: tags.propertyName, color: "#0b5a8a" },
  { tag: tags.comment, color: "#5f6b76", fontStyle: "italic" },
  { tag: tags.string, color: "#1d6b36" },
  { tag: tags.number, color: "#9a4a00" },
  { tag: tags.atom, color: "#9a4a00", fontWeight: "600" },
  { tag: tags.keyword, color: "#a3165a", fontWeight: "700" },
  { tag: tags.attributeName, color: "#6b4ea0" },
  { tag: tags.heading, color: "#0b3d66", fontWeight: "700" },
  { tag: tags.quote, color: "#5f6b76" },
  { tag: tags.labelName, color: "#a3165a" },
  { tag: tags.list, color: "#0b5a8a" },
  { tag: tags.link, color: "#0b5a8a", textDecoration: "underline" },
  { tag: tags.url, color: "#1d6b36" },
  { tag: tags.strong, fontWeight: "700" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.monospace, color: "#7a3b00" },
]);

const theme = EditorView.theme({
  "&": {
    fontSize: "0.95rem", border: "1px solid #8a96a3", borderRadius: "6px", background: "#fff",
    height: "65vh", minHeight: "18rem",
  },
  "&.cm-focused": { outline: "3px solid #1a73c6", outlineOffset: "1px" },
  ".cm-scroller": {
    overflow: "auto", fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', lineHeight: "1.5",
  },
  ".cm-content": { padding: "0.5rem 0" },
  ".cm-gutters": { background: "#f4f6f8", color: "#5f6b76", borderRight: "1px solid #d5dbe1" },
  ".cm-line.cm-jumped": { background: "#fff3c4" },
  ".cm-diagnostic": { fontFamily: "system-ui, sans-serif" },
  // phones: smaller text and a narrower gutter leave room for the words
  "@media (max-width: 600px)": {
    "&": { fontSize: "0.85rem", height: "55vh" },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 2px 0 2px", minWidth: "2ch" },
  },
});

function messages(textarea) {
  try { return JSON.parse(textarea.getAttribute("data-editor-messages") || "{}"); } catch (e) { return {}; }
}

function toCodeMirror(doc, items) {
  const result = [];
  for (const item of items || []) {
    const number = Math.min(Math.max(1, item.line || 1), doc.lines);
    const line = doc.line(number);
    const from = Math.min(line.from + Math.max(0, (item.column || 1) - 1), line.to);
    result.push({
      from, to: line.to > from ? line.to : from,
      severity: item.severity === "error" ? "error" : "warning",
      message: (item.code ? item.code + ": " : "") + item.message,
    });
  }
  return result;
}

function imageFiles(list) {
  return Array.from(list || []).filter((file) => /^image\/(png|jpeg|webp|svg\+xml)$/.test(file.type));
}

function init() {
  const textarea = document.getElementById("source");
  const form = document.getElementById("editor-form");
  if (!textarea || !form || textarea.atlasEditor) { return; }
  const text = messages(textarea);
  const path = (form.querySelector('input[name="path"]') || {}).value || "";
  const uploadUrl = textarea.getAttribute("data-upload-url");
  const tokenMeta = document.querySelector('meta[name="csrf-token"]');
  const token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  const status = document.getElementById("studio-status");

  function say(message) { if (status) { status.textContent = message; } }

  function upload(view, files, pos) {
    if (!uploadUrl || !files.length) { return false; }
    files.forEach((file) => {
      const body = new FormData();
      body.append("file", file, file.name || "bild.png");
      body.append("path", path);
      say(text.uploading || "…");
      fetch(uploadUrl, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" },
      }).then((response) => response.json().then((data) => ({ ok: response.ok, data })))
        .then(({ ok, data }) => {
          if (!ok) { throw new Error(data.message || String(data.error || "")); }
          const at = Math.min(pos == null ? view.state.selection.main.head : pos, view.state.doc.length);
          // the image as a paragraph of its own: blank lines where text would touch it
          const doc = view.state.doc;
          const line = doc.lineAt(at);
          const previous = at > line.from ? doc.sliceString(line.from, at)
            : (line.number > 1 ? doc.line(line.number - 1).text : "");
          const before = at > line.from ? "\n\n" : (previous.trim() ? "\n" : "");
          const after = doc.sliceString(at, line.to).trim() ? "\n\n" : "\n";
          const insert = before + data.markdown + after;
          view.dispatch({
            changes: { from: at, insert },
            selection: EditorSelection.cursor(at + before.length + data.markdown.length),
            scrollIntoView: true,
          });
          say((text.uploaded || "").replace("%(path)s", data.path));
        })
        .catch((error) => { say((text.upload_failed || "") + " " + error.message); });
    });
    return true;
  }

  const language = /\.ya?ml$/.test(path) ? yamlSyntax : courseSyntax;
  const labelled = document.querySelector('label[for="source"]');
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), history(),
        drawSelection(), bracketMatching(), search({ top: true }), highlightSelectionMatches(),
        language, syntaxHighlighting(style), lintGutter(), theme, EditorView.lineWrapping,
        // the page's Content-Security-Policy allows CodeMirror's <style> element by this nonce
        EditorView.cspNonce.of(textarea.getAttribute("data-style-nonce") || ""),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          "aria-label": labelled ? labelled.textContent : "Quelltext",
          "aria-describedby": textarea.getAttribute("aria-describedby") || "",
          spellcheck: "true", lang: textarea.getAttribute("lang") || "de",
          "data-testid": "source-editor",
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) { return; }
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }),
        EditorView.domEventHandlers({
          paste(event, view) {
            const files = imageFiles(event.clipboardData && event.clipboardData.files);
            if (!files.length) { return false; }
            event.preventDefault();
            return upload(view, files, null);
          },
          drop(event, view) {
            const files = imageFiles(event.dataTransfer && event.dataTransfer.files);
            if (!files.length) { return false; }
            event.preventDefault();
            const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
            return upload(view, files, pos);
          },
        }),
      ],
    }),
  });
  const holder = document.createElement("div");
  holder.className = "studio-codemirror";
  holder.appendChild(view.dom);
  textarea.parentNode.insertBefore(holder, textarea);
  textarea.hidden = true;
  if (labelled) { labelled.addEventListener("click", () => view.focus()); }
  form.addEventListener("submit", () => { textarea.value = view.state.doc.toString(); });

  function jumpTo(number) {
    const doc = view.state.doc;
    const line = doc.line(Math.min(Math.max(1, number), doc.lines));
    view.dispatch({
      selection: EditorSelection.range(line.from, line.to),
      effects: EditorView.scrollIntoView(line.from, { y: "center" }),
    });
    view.focus();
  }

  function show(items) {
    view.dispatch(setDiagnostics(view.state, toCodeMirror(view.state.doc, items)));
  }

  textarea.atlasEditor = { view, jumpTo, setDiagnostics: show };
  textarea.addEventListener("studio:diagnostics", (event) => show(event.detail));
  holder.setAttribute("data-ready", "true");
  document.querySelectorAll(".studio-paste-hint").forEach((hint) => { hint.hidden = false; });
  try { show(JSON.parse(textarea.getAttribute("data-diagnostics") || "[]")); } catch (e) { /* none */ }
  const line = parseInt(textarea.getAttribute("data-line") || "", 10);
  if (line > 0) { jumpTo(line); }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
