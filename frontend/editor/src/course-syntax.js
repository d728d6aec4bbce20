// Highlighting of the course source syntax (docs/authoring.md): YAML front matter between
// "---" lines, Markdown, ":::kind attrs" blocks with their quiz marks ("[(X)]", "[[ ]]"),
// feedback lines ("> …"), "Erklärung:" and glossary references ("{{Begriff}}").
// A stream parser keeps the bundle small (no Markdown/HTML/CSS/JS grammars).
import { StreamLanguage } from "@codemirror/language";

const FRONT_NONE = 0;
const FRONT_IN = 1;
const FRONT_DONE = 2;

function yamlToken(stream) {
  if (stream.sol() && stream.match(/^\s*-\s/)) { return "list"; }
  if (stream.sol() && stream.match(/^\s*[A-Za-z_][\w-]*(?=\s*:)/)) { return "propertyName"; }
  if (stream.match(/^\s*#.*/)) { return "comment"; }
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^']|'')*'?/)) { return "string"; }
  if (stream.match(/^-?\d+(\.\d+)?\b/)) { return "number"; }
  if (stream.match(/^(true|false|null)\b/)) { return "atom"; }
  if (stream.match(/^[:[\]{},>|]/)) { return "punctuation"; }
  stream.next();
  return null;
}

function inlineToken(stream) {
  if (stream.match(/^`[^`]*`/)) { return "monospace"; }
  if (stream.match(/^\{\{[^}]*\}\}/)) { return "link"; }
  if (stream.match(/^!\[[^\]]*\]\([^)]*\)/)) { return "url"; }
  if (stream.match(/^\[(?:\(X?\s*\)|\[X?\s*\])\]/i)) { return "atom"; }
  if (stream.match(/^\[\[[^\]]+\]\]/)) { return "atom"; }
  if (stream.match(/^\[[^\]]*\]\([^)]*\)/)) { return "link"; }
  if (stream.match(/^\*\*[^*]+\*\*/) || stream.match(/^__[^_]+__/)) { return "strong"; }
  if (stream.match(/^\*[^*\s][^*]*\*/) || stream.match(/^_[^_\s][^_]*_/)) { return "emphasis"; }
  if (stream.match(/^https?:\/\/\S+/)) { return "url"; }
  stream.next();
  return null;
}

export const courseSyntax = StreamLanguage.define({
  name: "atlas-course",
  startState() { return { front: FRONT_NONE, fence: false, line: 0 }; },
  copyState(s) { return { front: s.front, fence: s.fence, line: s.line }; },
  token(stream, state) {
    if (stream.sol()) { state.line += 1; }
    if (stream.sol() && state.front === FRONT_NONE) {
      if (state.line === 1 && stream.match(/^---\s*$/)) { state.front = FRONT_IN; return "meta"; }
      state.front = FRONT_DONE;
    }
    if (state.front === FRONT_IN) {
      if (stream.sol() && stream.match(/^---\s*$/)) { state.front = FRONT_DONE; return "meta"; }
      return yamlToken(stream);
    }
    if (stream.sol() && stream.match(/^\s*(```|~~~)/)) {
      state.fence = !state.fence;
      stream.skipToEnd();
      return "monospace";
    }
    if (state.fence) { stream.skipToEnd(); return "monospace"; }
    if (stream.sol()) {
      if (stream.match(/^:::[A-Za-z][\w-]*/)) { return "keyword"; }
      if (stream.match(/^:::\s*$/)) { return "keyword"; }
      if (stream.match(/^#{1,6}\s.*$/)) { return "heading"; }
      if (stream.match(/^>\s?.*$/)) { return "quote"; }
      if (stream.match(/^(Erklärung|Explanation|Hinweis|Antwort):/)) { return "labelName"; }
      if (stream.match(/^\s*([-*+]|\d+\.)\s/)) { return "list"; }
    }
    if (stream.match(/^\s+[a-z_]+=(?:"[^"]*"|\S+)/) && /^:::/.test(stream.string)) {
      return "attributeName";
    }
    return inlineToken(stream);
  },
  languageData: { commentTokens: {} },
});

/** A language for YAML files (course.yml, module.yml, glossary.yml): the front matter rules. */
export const yamlSyntax = StreamLanguage.define({
  name: "atlas-yaml",
  token(stream) { return yamlToken(stream); },
});
